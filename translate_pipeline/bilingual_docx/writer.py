"""Writing the bilingual DOCX: the document around the table, and its package.

The rows are never held as one tree: each is built (:mod:`.cells`), serialised,
read back for the record (:mod:`.record`) and dropped; their XML waits on disk
and is put into the saved package's table at the end, as the package is
compressed straight into the output's temporary file.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

from translate_pipeline.align import rows_by_block
from translate_pipeline.bilingual_docx.cells import (
    CellWriter,
    repeat_as_header,
    row_template,
    shade,
)
from translate_pipeline.bilingual_docx.record import (
    CUSTOM_PROPERTIES_PART,
    RecordBuilder,
    add_record,
    custom_properties,
)
from translate_pipeline.bilingual_docx.styles import (
    BODY_PT,
    COLUMN_WIDTHS_CM,
    DEFAULT_ENGLISH,
    FLAG_RED,
    HEADER_FILL,
    HEADER_LABELS,
    ID_GREY,
)
from translate_pipeline.bilingual_docx.table import external_links, table_row
from translate_pipeline.document import AlignedDocument, AlignedRow, Block
from translate_pipeline.output_files import AtomicFile


def write_bilingual_docx(
    document: AlignedDocument,
    engine_label: str,
    path: Path,
    english_language: str = DEFAULT_ENGLISH,
) -> None:
    """Write the bilingual DOCX to ``path`` atomically.

    The table's rows follow the article: one per segment (its ID and place, the
    French exactly as in the source, and the English, both with their
    formatting), and one greyed row per block kept as it is. Once the rows are
    built, the package is compressed straight into the temporary file renamed
    onto ``path``: it is never held in memory whole.

    Args:
        document: The aligned article.
        engine_label: The engine named in the header line.
        path: Where the file goes.
        english_language: The language tag of the English cells (``en-GB``, ``en-US``).

    Raises:
        OutputError: The file cannot be written.
    """
    # The temporary file beside ``path`` is created only once the rows are built.
    with (
        _built(document, engine_label, english_language) as built,
        AtomicFile(path, text=False) as out,
    ):
        _write_package(built, out)


def bilingual_docx_bytes(
    document: AlignedDocument, engine_label: str, english_language: str = DEFAULT_ENGLISH
) -> bytes:
    """The bilingual DOCX :func:`write_bilingual_docx` writes, built in memory instead."""
    buffer = io.BytesIO()
    with _built(document, engine_label, english_language) as built:
        _write_package(built, buffer)
    return buffer.getvalue()


@contextmanager
def _built(document: AlignedDocument, engine_label: str, english_language: str) -> Iterator[_Built]:
    """The document saved without its rows or record, the rows' XML in a temporary
    file, and the record.

    The rows' file is removed when the ``with`` block ends.
    """
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.shared import Cm, Pt, RGBColor

    doc = docx.Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(BODY_PT)

    doc.add_heading(f"{document.doc_id}: French | English", level=1)
    meta = doc.add_paragraph(header_line(document, engine_label))
    meta.runs[0].font.size = Pt(8)
    meta.runs[0].font.color.rgb = RGBColor(*ID_GREY)
    unrepresented = document.source.unrepresented if document.source else ()
    if unrepresented:
        lost = doc.add_paragraph("Not represented (see the source): " + "; ".join(unrepresented))
        lost.runs[0].font.size = Pt(8)
        lost.runs[0].font.color.rgb = RGBColor(*FLAG_RED)

    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.autofit = False
    widths = [Cm(w) for w in COLUMN_WIDTHS_CM]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width

    header = table.rows[0]
    repeat_as_header(header)
    for cell, label, width in zip(header.cells, HEADER_LABELS, widths, strict=True):
        cell.width = width
        shade(cell, HEADER_FILL)
        run = cell.paragraphs[0].add_run(label)
        run.bold = True

    # python-docx's object API costs about 6 ms a row; build an empty row once with
    # it, then copy the row's XML and fill its cells with runs built directly.
    template = row_template(table, widths)
    links = external_links(doc.part)

    def link_id(href: str) -> str:
        found = next((rid for rid, target in links.items() if target == href), None)
        if found is None:
            found = doc.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, True)
            links[found] = href
        return found

    writer = CellWriter(link_id, english_language)
    body = table._tbl
    # The rows are never held as one tree (about 80 MB per MB of article): each is
    # built in the table (so its namespaces resolve as in the whole document),
    # serialised, read back for the record, and dropped; their XML waits on disk.
    with RecordBuilder() as record, tempfile.TemporaryFile() as rows_xml:
        for number, item in enumerate(ordered_items(document), start=2):
            if isinstance(item, Block):
                tr = writer.verbatim_row(template, item)
            else:
                tr = writer.segment_row(template, item)
            body.append(tr)
            rows_xml.write(_row_xml(tr))
            record.add(table_row(tr, number, links))
            body.remove(tr)
        add_record(doc)
        skeleton = io.BytesIO()
        doc.save(skeleton)
        yield _Built(skeleton, rows_xml, record)


def _row_xml(tr: Any) -> bytes:
    """A table row's XML as the whole document's serialisation holds it.

    Serialised alone, an element repeats its ancestors' namespace declarations on
    its start tag; in the document they are declared once on the root.
    """
    xml = etree.tostring(tr, encoding="UTF-8")
    return _INHERITED_DECLARATIONS.sub(rb"\1", xml, count=1)


_INHERITED_DECLARATIONS = re.compile(rb'^(<w:tr)(?: xmlns(?::[\w.-]+)?="[^"]*")+')


@dataclass(frozen=True)
class _Built:
    """A bilingual DOCX built but not yet written: the package saved without its
    rows (its table empty, its record a placeholder), the rows' XML, the record."""

    skeleton: io.BytesIO
    rows_xml: IO[bytes]
    record: RecordBuilder


def _write_package(built: _Built, out: IO[bytes]) -> None:
    """Write to ``out`` the saved skeleton package, the rows' XML put at the end of its
    table and the record in its custom properties, each streamed into its part.

    ``out`` must be seekable (a file or a buffer): each part's sizes are written
    back into its header once it is compressed.
    """
    rows_xml = built.rows_xml
    rows_size = rows_xml.tell()
    with (
        zipfile.ZipFile(built.skeleton) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename == CUSTOM_PROPERTIES_PART:
                with target.open(_like(info), "w") as stream:
                    for piece in custom_properties(source.read(info), built.record.json_pieces()):
                        stream.write(piece)
                continue
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info))
                continue
            xml = source.read(info)
            end_of_table = xml.rindex(b"</w:tbl>")
            force_zip64 = len(xml) + rows_size > 2**31 - 1
            with target.open(_like(info), "w", force_zip64=force_zip64) as stream:
                stream.write(xml[:end_of_table])
                rows_xml.seek(0)
                shutil.copyfileobj(rows_xml, stream, 1 << 20)
                stream.write(xml[end_of_table:])


def _like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A new entry named, dated and compressed as ``info``, for writing a part anew."""
    part = zipfile.ZipInfo(info.filename, info.date_time)
    part.compress_type = info.compress_type
    part.external_attr = info.external_attr
    return part


def header_line(document: AlignedDocument, engine_label: str) -> str:
    """The line under the title: source, engine, segment count, what was kept as is."""
    line = (
        f"Source: {document.source_path.name} · Engine: {engine_label} · "
        f"{len(document.rows)} segments"
    )
    kept = kept_as_is_summary(document)
    return f"{line} · kept as is: {kept}" if kept else line


def kept_as_is_summary(document: AlignedDocument) -> str:
    """ "1 code block (line 12), 1 front matter (line 1)": the verbatim blocks, named."""
    blocks = document.source.verbatim_blocks if document.source else ()
    counts: dict[str, list[int]] = {}
    for block in blocks:
        counts.setdefault(block.verbatim or "block", []).append(block.line)
    parts = []
    for name, lines in counts.items():
        where = ", ".join(str(line) for line in lines if line)
        label = f"{len(lines)} {name}"
        parts.append(f"{label} (line{'s' if len(lines) > 1 else ''} {where})" if where else label)
    return ", ".join(parts)


def ordered_items(document: AlignedDocument) -> Iterator[AlignedRow | Block]:
    """Segment rows and verbatim blocks in the order of the source article."""
    if document.source is None:
        yield from document.rows
        return
    # Rows of blocks the source does not list (never expected) come last, never dropped.
    for block, rows in rows_by_block(document, document.source.blocks):
        if block is not None and not block.translatable:
            yield block
        else:
            yield from rows
