"""Rendering the bilingual DOCX: a three-column table, ID | Français | English.

Formatting shows as formatting in both text columns (bold is bold, links are
clickable, inline code is monospace, a footnote reference is a superscript label,
an image a grey ``[image: alt]`` marker), never as Markdown syntax. Each row says
where its sentence sits (a table cell, a list, a note) under its ID; blocks kept
as they are (code, front matter) appear as greyed ``kept as is`` rows, which the
review import skips. French cells are tagged fr-FR and English cells en-GB (or
another English), so that spell-checkers check each in its language.

The file records what it holds (:func:`table_rows` read from the XML just built,
hashed into a custom document property), so that a later difference is known as
an editor's edit even when the translation memory is gone; :func:`read_cell` is
also what the review import uses to read an edited English cell back.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from lxml import etree

from translate_pipeline.align import rows_by_block
from translate_pipeline.document import (
    AlignedDocument,
    AlignedRow,
    Block,
    BlockKind,
    Inline,
    InlineKind,
)
from translate_pipeline.fuzzy import fuzzy_score
from translate_pipeline.inline_runs import Mark, SpanBuilder, pieces
from translate_pipeline.output_files import write_atomic


@cache
def qn(tag: str) -> str:
    """The Clark name of a ``w:``, ``r:`` or ``xml:`` tag (python-docx's qn, imported lazily)."""
    from docx.oxml.ns import qn as docx_qn

    return str(docx_qn(tag))


# A4 portrait with 1.5 cm margins leaves 18 cm: a narrow ID column and two
# equal text columns, so the French and English of a row sit level.
COLUMN_WIDTHS_CM = (3.2, 7.4, 7.4)
HEADER_LABELS = ("ID", "Français", "English")
BODY_PT = 10
ID_PT = 6.5
ID_GREY = (0x80, 0x80, 0x80)
HEADER_FILL = "D9D9D9"
HEADING_FILL = "DEEAF6"
FLAGGED_FILL = "FCE4D6"
# A near match's suggestion: to be checked, but not a machine guess either.
FUZZY_FILL = "FFF2CC"
FUZZY_AMBER = (0x9C, 0x57, 0x00)
VERBATIM_FILL = "F2F2F2"
FLAG_RED = (0xC0, 0x00, 0x00)
REVIEWED_GREEN = (0x38, 0x76, 0x1D)
FRENCH = "fr-FR"
DEFAULT_ENGLISH = "en-GB"
CODE_FONT = "Liberation Mono"
LINK_BLUE = "0563C1"
# Markers the tool adds (footnote labels, image markers) are set in this grey,
# which is how the review import tells them from an editor's text.
MARKER_GREY = "808080"
# What the ID cell of a verbatim row starts with; never a segment ID.
KEPT_AS_IS = "kept as is"
RECORD_PROPERTY = "translate_pipeline.bilingual"
RECORD_VERSION = 1
_MONOSPACE = frozenset(
    name.lower()
    for name in (
        CODE_FONT,
        "Courier New",
        "Courier",
        "Consolas",
        "Menlo",
        "Monaco",
        "Lucida Console",
        "Source Code Pro",
        "Cascadia Code",
    )
)
_IMAGE_MARKER = re.compile(r"\[image(?:: (.*?))?\]", re.DOTALL)
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def bilingual_docx_bytes(
    document: AlignedDocument, engine_label: str, english_language: str = DEFAULT_ENGLISH
) -> bytes:
    """Build the bilingual DOCX in memory.

    The table's rows follow the article: one per segment (its ID and place, the
    French exactly as in the source, and the English, both with their
    formatting), and one greyed row per block kept as it is.

    Args:
        document: The aligned article.
        engine_label: The engine named in the header line.
        english_language: The language tag of the English cells (``en-GB``, ``en-US``).
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
    _repeat_as_header(header)
    for cell, label, width in zip(header.cells, HEADER_LABELS, widths, strict=True):
        cell.width = width
        _shade(cell, HEADER_FILL)
        run = cell.paragraphs[0].add_run(label)
        run.bold = True

    # python-docx's object API costs about 6 ms a row; build an empty row once with
    # it, then copy the row's XML and fill its cells with runs built directly.
    template = _row_template(table, widths)
    links = external_links(doc.part)

    def link_id(href: str) -> str:
        found = next((rid for rid, target in links.items() if target == href), None)
        if found is None:
            found = doc.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, True)
            links[found] = href
        return found

    writer = _CellWriter(link_id, english_language)
    body = table._tbl
    record = _RecordBuilder()
    # The rows are never held as one tree (about 80 MB per MB of article): each is
    # built in the table (so its namespaces resolve as in the whole document),
    # serialised, read back for the record, and dropped; their XML waits on disk.
    with tempfile.TemporaryFile() as rows_xml:
        for number, item in enumerate(ordered_items(document), start=2):
            if isinstance(item, Block):
                tr = writer.verbatim_row(template, item)
            else:
                tr = writer.segment_row(template, item)
            body.append(tr)
            rows_xml.write(_row_xml(tr))
            record.add(table_row(tr, number, links))
            body.remove(tr)
        _add_record(doc, record.result())
        skeleton = io.BytesIO()
        doc.save(skeleton)
        return _with_rows(skeleton, rows_xml)


def _row_xml(tr: Any) -> bytes:
    """A table row's XML as the whole document's serialisation holds it.

    Serialised alone, an element repeats its ancestors' namespace declarations on
    its start tag; in the document they are declared once on the root.
    """
    xml = etree.tostring(tr, encoding="UTF-8")
    return _INHERITED_DECLARATIONS.sub(rb"\1", xml, count=1)


_INHERITED_DECLARATIONS = re.compile(rb'^(<w:tr)(?: xmlns(?::[\w.-]+)?="[^"]*")+')


def _with_rows(skeleton: io.BytesIO, rows_xml: IO[bytes]) -> bytes:
    """The saved skeleton package with the rows' XML put at the end of its table."""
    buffer = io.BytesIO()
    rows_size = rows_xml.tell()
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info))
                continue
            xml = source.read(info)
            end_of_table = xml.rindex(b"</w:tbl>")
            part = zipfile.ZipInfo(info.filename, info.date_time)
            part.compress_type = info.compress_type
            part.external_attr = info.external_attr
            force_zip64 = len(xml) + rows_size > 2**31 - 1
            with target.open(part, "w", force_zip64=force_zip64) as stream:
                stream.write(xml[:end_of_table])
                rows_xml.seek(0)
                shutil.copyfileobj(rows_xml, stream, 1 << 20)
                stream.write(xml[end_of_table:])
    return buffer.getvalue()


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


def _row_template(table: Any, widths: list[Any]) -> Any:
    row = table.add_row()
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = width
    tr = row._tr
    tr.getparent().remove(tr)
    return tr


class _CellWriter:
    """Builds rows' XML: runs with their formatting, links, markers and notes."""

    def __init__(self, link_id: Callable[[str], str], english_language: str) -> None:
        self.link_id = link_id
        self.english_language = english_language

    def segment_row(self, template: Any, row: AlignedRow) -> Any:
        tr = deepcopy(template)
        _set_cant_split(tr)
        id_cell, french_cell, english_cell = tr.findall(qn("w:tc"))
        heading = row.segment.kind is BlockKind.HEADING
        # The ID breaks after the document part ("doc:" / "p1:s1") instead of
        # wherever the narrow column runs out; read back, the first paragraph
        # minus whitespace is the ID again.
        doc_part, _, local_part = row.segment.segment_id.partition(":")
        first = _paragraph(id_cell)
        first.append(_plain_run(f"{doc_part}:", size=ID_PT, colour=ID_GREY))
        first.append(_break_run())
        first.append(_plain_run(local_part, size=ID_PT, colour=ID_GREY))
        label = row.segment.place.label()
        if label:
            id_cell.append(_note_paragraph(label, ID_GREY))
        if row.origin == "reviewed":
            id_cell.append(_note_paragraph("✓ reviewed", REVIEWED_GREEN))
        near = fuzzy_score(row.origin)
        if near is not None:
            id_cell.append(_note_paragraph(f"≈ {near}% match", FUZZY_AMBER))
        if row.note:
            # A reviewer's comment, kept from an earlier import of this row.
            id_cell.append(_note_paragraph(f"💬 {row.note}", ID_GREY))
        for flag in row.flags:
            # Flags go under the ID, not into the English cell, so that an editor's
            # corrections to the English can be read back cleanly.
            id_cell.append(_note_paragraph(f"⚠ {flag}", FLAG_RED))
        self._fill(french_cell, row.segment.text, row.segment.inlines, FRENCH, heading)
        self._fill(english_cell, row.english, row.english_inlines, self.english_language, heading)
        if heading:
            for cell in (id_cell, french_cell, english_cell):
                _cell_fill(cell, HEADING_FILL)
        if near is not None:
            _cell_fill(english_cell, FUZZY_FILL)
        elif row.flags:
            _cell_fill(english_cell, FLAGGED_FILL)
        return tr

    def verbatim_row(self, template: Any, block: Block) -> Any:
        # Long code may be taller than a page: this row may split.
        tr = deepcopy(template)
        id_cell, french_cell, english_cell = tr.findall(qn("w:tc"))
        _paragraph(id_cell).append(_plain_run(KEPT_AS_IS, size=ID_PT, colour=ID_GREY))
        where = f"{block.verbatim or 'block'}" + (f" (line {block.line})" if block.line else "")
        id_cell.append(_note_paragraph(where, ID_GREY))
        for cell in (french_cell, english_cell):
            paragraph = _paragraph(cell)
            for number, line in enumerate(block.text.split("\n")):
                if number:
                    paragraph.append(_break_run())
                paragraph.append(_plain_run(line, size=8, colour=ID_GREY, font=CODE_FONT))
        for cell in (id_cell, french_cell, english_cell):
            _cell_fill(cell, VERBATIM_FILL)
        return tr

    def _fill(
        self, cell: Any, text: str, inlines: Sequence[Inline], language: str, heading: bool
    ) -> None:
        paragraph = _paragraph(cell)
        # The paragraph mark's language is what Word uses for text typed into an
        # empty cell.
        paragraph_properties = _sub(paragraph, "w:pPr")
        _sub(_sub(paragraph_properties, "w:rPr"), "w:lang").set(qn("w:val"), language)
        parent = paragraph
        open_link: Mark | None = None
        in_image = False
        for piece in pieces(text, inlines):
            link = next((m for m in piece.marks if m[0] is InlineKind.LINK), None)
            image = any(m[0] is InlineKind.IMAGE for m in piece.marks)
            if piece.code is None and in_image and not image:
                parent.append(_marker_run("]", language))
                in_image = False
            if link != open_link or piece.code is not None:
                parent = paragraph
                open_link = None
                if link is not None and piece.code is None:
                    parent = self._hyperlink(paragraph, link)
                    open_link = link
            if piece.code is not None:
                if in_image:
                    parent.append(_marker_run("]", language))
                    in_image = False
                paragraph.append(self._code_run(piece.code, language))
                continue
            if image and not in_image:
                parent.append(_marker_run("[image: ", language))
                in_image = True
            parent.append(_text_run(piece.text, piece.marks, language, heading, image))
        if in_image:
            parent.append(_marker_run("]", language))

    def _hyperlink(self, paragraph: Any, link: Mark) -> Any:
        data = dict(link[1])
        hyperlink = _sub(paragraph, "w:hyperlink")
        href = data.get("href", "")
        if href:
            hyperlink.set(qn("r:id"), self.link_id(href))
        if data.get("title"):
            hyperlink.set(qn("w:tooltip"), _xml_safe(data["title"]))
        return hyperlink

    def _code_run(self, code: Inline, language: str) -> Any:
        if code.kind is InlineKind.LINE_BREAK:
            return _break_run()
        if code.kind is InlineKind.FOOTNOTE_REF:
            return _marker_run(code.get("label") or "*", language, superscript=True)
        return _marker_run("[image]", language)


def _paragraph(cell: Any) -> Any:
    found = cell.find(qn("w:p"))
    return found if found is not None else _sub(cell, "w:p")


def _sub(parent: Any, tag: str) -> Any:
    return etree.SubElement(parent, qn(tag))


def _element(tag: str) -> Any:
    return etree.Element(qn(tag))


Properties = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
_RUN_TEMPLATES: dict[Properties, Any] = {}


def _run_with(properties: list[tuple[str, dict[str, str]]], text: str | None) -> Any:
    """A run whose properties are given in schema order (Word refuses others).

    Runs of the same properties are copied from one built the first time (building
    each element anew costs several times more).
    """
    key = tuple((tag, tuple(attributes.items())) for tag, attributes in properties)
    template = _RUN_TEMPLATES.get(key)
    if template is None:
        template = _element("w:r")
        if key:
            rpr = _sub(template, "w:rPr")
            for tag, attributes in key:
                element = _sub(rpr, tag)
                for name, value in attributes:
                    element.set(qn(name), value)
        _sub(template, "w:t").set(qn("xml:space"), "preserve")
        _RUN_TEMPLATES[key] = template
    run = deepcopy(template)
    if text is None:
        run.remove(run[-1])
    else:
        run[-1].text = _xml_safe(text)
    return run


def _colour(rgb: tuple[int, int, int]) -> str:
    return "".join(f"{part:02X}" for part in rgb)


def _plain_run(
    text: str, size: float, colour: tuple[int, int, int], font: str | None = None
) -> Any:
    properties: list[tuple[str, dict[str, str]]] = []
    if font:
        properties.append(("w:rFonts", {"w:ascii": font, "w:hAnsi": font, "w:cs": font}))
    properties.append(("w:noProof", {}))
    properties.append(("w:color", {"w:val": _colour(colour)}))
    half_points = str(round(size * 2))
    properties += [("w:sz", {"w:val": half_points}), ("w:szCs", {"w:val": half_points})]
    return _run_with(properties, text)


def _break_run() -> Any:
    run = _element("w:r")
    _sub(run, "w:br")
    return run


def _note_paragraph(text: str, colour: tuple[int, int, int]) -> Any:
    paragraph = _element("w:p")
    paragraph.append(_plain_run(text, size=ID_PT, colour=colour))
    return paragraph


def _marker_run(text: str, language: str, superscript: bool = False) -> Any:
    properties: list[tuple[str, dict[str, str]]] = [("w:color", {"w:val": MARKER_GREY})]
    if superscript:
        properties.append(("w:vertAlign", {"w:val": "superscript"}))
    properties.append(("w:lang", {"w:val": language}))
    return _run_with(properties, text)


def _text_run(text: str, marks: Sequence[Mark], language: str, heading: bool, image: bool) -> Any:
    kinds = {kind for kind, _ in marks}
    properties: list[tuple[str, dict[str, str]]] = []
    if InlineKind.CODE in kinds:
        properties.append(
            ("w:rFonts", {"w:ascii": CODE_FONT, "w:hAnsi": CODE_FONT, "w:cs": CODE_FONT})
        )
    if heading or InlineKind.BOLD in kinds:
        properties.append(("w:b", {}))
    if InlineKind.ITALIC in kinds:
        properties.append(("w:i", {}))
    if InlineKind.STRIKE in kinds:
        properties.append(("w:strike", {}))
    if image:
        properties.append(("w:color", {"w:val": MARKER_GREY}))
    elif InlineKind.LINK in kinds:
        properties.append(("w:color", {"w:val": LINK_BLUE}))
    # Links are blue but not underlined, so that an editor's underline inside a
    # link reads back as underline.
    if InlineKind.UNDERLINE in kinds:
        properties.append(("w:u", {"w:val": "single"}))
    if InlineKind.SUPERSCRIPT in kinds:
        properties.append(("w:vertAlign", {"w:val": "superscript"}))
    elif InlineKind.SUBSCRIPT in kinds:
        properties.append(("w:vertAlign", {"w:val": "subscript"}))
    properties.append(("w:lang", {"w:val": language}))
    return _run_with(properties, text)


def _set_cant_split(tr: Any) -> None:
    # A row never breaks across pages: its French and English stay side by side.
    properties = tr.find(qn("w:trPr"))
    if properties is None:
        properties = _element("w:trPr")
        tr.insert(0, properties)
    properties.append(_element("w:cantSplit"))


def _cell_fill(tc: Any, fill: str) -> None:
    properties = tc.find(qn("w:tcPr"))
    if properties is None:
        properties = _element("w:tcPr")
        tc.insert(0, properties)
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    properties.append(_shading(fill))


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    # XML 1.0 cannot hold most control characters; Word would refuse the file.
    return _NOT_XML.sub("", text)


# Reading a bilingual table back (the review import, and the file's own record).


@dataclass(frozen=True)
class TableRow:
    """One body row of a bilingual table as read from the XML.

    Attributes:
        number: 1-based row number in the table (the header is row 1).
        cells: How many cells the row has.
        id_text: The ID cell's first paragraph, whitespace removed (the segment ID).
        notes: The ID cell's other paragraphs (place, reviewed, flags).
        french: The French cell's plain text and spans.
        english: The English cell's plain text and spans.
        comments: The Word comments anchored in the row ("author: text").
    """

    number: int
    cells: int
    id_text: str
    notes: tuple[str, ...]
    french: tuple[str, tuple[Inline, ...]]
    english: tuple[str, tuple[Inline, ...]]
    comments: tuple[str, ...] = ()

    @property
    def kept_as_is(self) -> bool:
        """Whether this is the row of a block kept as it is (never a segment)."""
        return self.id_text == KEPT_AS_IS.replace(" ", "")


def external_links(part: Any) -> dict[str, str]:
    """A document part's external relationship targets by ID (hyperlink addresses)."""
    return {rid: rel.target_ref for rid, rel in part.rels.items() if rel.is_external}


def docx_comments(part: Any) -> dict[str, str]:
    """A document part's Word comments by ID, each as "author: text" (or just the text)."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    found: dict[str, str] = {}
    for rel in part.rels.values():
        if rel.is_external or rel.reltype != RELATIONSHIP_TYPE.COMMENTS:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except etree.XMLSyntaxError:
            continue
        for comment in root.iter(qn("w:comment")):
            paragraphs = [
                "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in comment.iter(qn("w:p"))
            ]
            text = " ".join(" ".join(paragraphs).split())
            author = (comment.get(qn("w:author")) or "").strip()
            if text:
                found[comment.get(qn("w:id")) or ""] = f"{author}: {text}" if author else text
    return found


def _row_comments(tr: Any, comments: Mapping[str, str]) -> tuple[str, ...]:
    ids = [
        element.get(qn("w:id")) or ""
        for element in tr.iter(qn("w:commentRangeStart"), qn("w:commentReference"))
    ]
    return tuple(dict.fromkeys(comments[i] for i in ids if i in comments))


def table_rows(
    tbl: Any, links: Mapping[str, str], comments: Mapping[str, str] | None = None
) -> tuple[TableRow, ...]:
    """The body rows of a bilingual table element (``w:tbl``), header row skipped.

    Args:
        tbl: The table element.
        links: Hyperlink addresses by relationship ID.
        comments: Word comments by ID (see :func:`docx_comments`), to attach to
            the rows they are anchored in.
    """
    return tuple(
        table_row(tr, number, links, comments)
        for number, tr in enumerate(tbl.findall(qn("w:tr")), start=1)
        if number > 1
    )


def table_row(
    tr: Any, number: int, links: Mapping[str, str], comments: Mapping[str, str] | None = None
) -> TableRow:
    """One row element (``w:tr``) of a bilingual table, read; ``number`` is 1-based."""
    cells = tr.findall(qn("w:tc"))
    paragraphs = cells[0].findall(qn("w:p")) if cells else []
    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs]
    empty: tuple[str, tuple[Inline, ...]] = ("", ())
    return TableRow(
        number=number,
        cells=len(cells),
        id_text="".join((texts[0] if texts else "").split()),
        notes=tuple(texts[1:]),
        french=read_cell(cells[1], links) if len(cells) > 1 else empty,
        english=read_cell(cells[2], links) if len(cells) > 2 else empty,
        comments=_row_comments(tr, comments or {}),
    )


def read_cell(tc: Any, links: Mapping[str, str]) -> tuple[str, tuple[Inline, ...]]:
    """A table cell's plain text and inline spans, read from its runs.

    Bold, italic, underline, strike, superscript and subscript come from run
    properties, links from ``w:hyperlink`` (address from ``links``), inline code
    from a monospace font, footnote labels and image markers from the tool's grey
    markers. The text reads as with every tracked change accepted: insertions and
    text moved here (``w:ins``, ``w:moveTo``) count; deletions and text moved away
    (``w:del``, ``w:moveFrom``) do not. Paragraphs are joined with a space, and
    whitespace is collapsed.
    """
    builder = SpanBuilder()
    for number, paragraph in enumerate(tc.iter(qn("w:p"))):
        if number:
            builder.add_text(" ")
        _read_paragraph(paragraph, links, builder)
    return builder.build()


_CONTAINERS = (
    "w:ins",
    "w:moveTo",
    "w:smartTag",
    "w:sdt",
    "w:sdtContent",
    "w:fldSimple",
    "w:customXml",
)


@cache
def _container_tags() -> frozenset[str]:
    return frozenset(qn(name) for name in _CONTAINERS)


def _runs(element: Any, links: Mapping[str, str], link: Mark | None) -> Iterator[tuple[Any, Any]]:
    for child in element:
        tag = child.tag
        if tag == qn("w:r"):
            yield child, link
        elif tag == qn("w:hyperlink"):
            href = links.get(child.get(qn("r:id")) or "", "")
            anchor = child.get(qn("w:anchor"))
            if not href and anchor:
                href = f"#{anchor}"
            data = [("href", href)] if href else []
            title = child.get(qn("w:tooltip"))
            if title:
                data.append(("title", title))
            yield from _runs(child, links, (InlineKind.LINK, tuple(sorted(data))))
        elif tag in _container_tags():
            yield from _runs(child, links, link)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OFF = ("0", "false", "off", "none")
_TOGGLES = (
    (f"{_W}b", InlineKind.BOLD),
    (f"{_W}i", InlineKind.ITALIC),
    (f"{_W}strike", InlineKind.STRIKE),
    (f"{_W}dstrike", InlineKind.STRIKE),
)


def _on(element: Any) -> bool:
    return element is not None and element.get(f"{_W}val", "true").lower() not in _OFF


def _run_marks(rpr: Any, link: Mark | None) -> tuple[list[Mark], bool, bool]:
    """A run's marks, and whether it is in the marker grey and superscript."""
    marks: list[Mark] = [link] if link else []
    if rpr is None:
        return marks, False, False
    colour = rpr.find(f"{_W}color")
    grey = colour is not None and colour.get(f"{_W}val", "").upper() == MARKER_GREY
    fonts = rpr.find(f"{_W}rFonts")
    if fonts is not None:
        names = [(fonts.get(f"{_W}{which}") or "").lower() for which in ("ascii", "hAnsi")]
        if any(name in _MONOSPACE or "mono" in name for name in names):
            marks.append((InlineKind.CODE, ()))
    for tag, kind in _TOGGLES:
        if _on(rpr.find(tag)):
            marks.append((kind, ()))
    if _on(rpr.find(f"{_W}u")):
        marks.append((InlineKind.UNDERLINE, ()))
    align = rpr.find(f"{_W}vertAlign")
    position = align.get(f"{_W}val", "") if align is not None else ""
    if position == "superscript":
        marks.append((InlineKind.SUPERSCRIPT, ()))
    elif position == "subscript":
        marks.append((InlineKind.SUBSCRIPT, ()))
    return marks, grey, position == "superscript"


def _read_paragraph(paragraph: Any, links: Mapping[str, str], builder: SpanBuilder) -> None:
    marker = ""  # grey marker text gathered over consecutive runs ("[image: alt]")
    marker_marks: list[Mark] = []
    for run, link in _runs(paragraph, links, None):
        marks, grey, superscript = _run_marks(run.find(f"{_W}rPr"), link)
        text_parts: list[str] = []
        breaks = 0
        for child in run:
            tag = child.tag
            if tag == f"{_W}t":
                text_parts.append(child.text or "")
            elif tag == f"{_W}tab":
                text_parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                breaks += 1
            elif tag == f"{_W}noBreakHyphen":
                text_parts.append("-")
        text = "".join(text_parts)
        if grey and superscript:
            marker = _flush_marker(builder, marker, marker_marks)
            builder.add_code(InlineKind.FOOTNOTE_REF, [("label", text)] if text else [])
            continue
        if grey and text:
            if not marker:
                marker_marks = [m for m in marks if m[0] is InlineKind.LINK]
            marker += text
            continue
        marker = _flush_marker(builder, marker, marker_marks)
        builder.add_text(text, marks)
        for _ in range(breaks):
            builder.add_code(InlineKind.LINE_BREAK)
            builder.add_text("\n")
    _flush_marker(builder, marker, marker_marks)


def _flush_marker(builder: SpanBuilder, marker: str, marks: list[Mark]) -> str:
    """Turn grey marker text into image spans; anything else in grey stays text."""
    position = 0
    for match in _IMAGE_MARKER.finditer(marker):
        builder.add_text(marker[position : match.start()], marks)
        alt = match.group(1)
        if alt is None or not alt.strip():
            builder.add_code(InlineKind.IMAGE)
        else:
            builder.add_text(alt, [*marks, (InlineKind.IMAGE, ())])
        position = match.end()
    builder.add_text(marker[position:], marks)
    return ""


def segment_id_from_cell(cell: Any) -> str:
    """The segment ID shown in an ID cell: its first paragraph, line break removed.

    Later paragraphs of the cell hold the row's place and QA flags.
    """
    return "".join(cell.paragraphs[0].text.split())


# The record of what the tool wrote.


def _cell_state(cell: tuple[str, tuple[Inline, ...]]) -> list[Any]:
    text, inlines = cell
    return [text, [[s.kind.value, s.start, s.end, list(s.data)] for s in inlines]]


def row_fingerprint(row: TableRow) -> str:
    """A short hash of a row's English cell (text and formatting) as read back."""
    payload = json.dumps(_cell_state(row.english), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def shown_text_hash(text: str) -> str:
    """A short hash of a cell's plain text, whitespace collapsed (what a row showed)."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:12]


def record_of(rows: Sequence[TableRow]) -> dict[str, Any]:
    """What the tool wrote: a digest of every row, and each segment row's English hash.

    ``shown`` keeps, per segment row, the hashes of the French and English texts
    shown, so that an import can tell an editor's change of the French from a
    change of the article, and a newer review from this file's edit.
    """
    record = _RecordBuilder()
    for row in rows:
        record.add(row)
    return record.result()


class _RecordBuilder:
    """:func:`record_of`, one row at a time, so that no row need be kept.

    The digest is the SHA-256 of the JSON list of every row's state, fed to the
    hash piece by piece exactly as ``json.dumps`` would write the list.
    """

    def __init__(self) -> None:
        self.digest = hashlib.sha256(b"[")
        self.rows = 0
        self.english: dict[str, str] = {}
        self.shown: dict[str, list[str]] = {}

    def add(self, row: TableRow) -> None:
        state = [
            row.cells,
            row.id_text,
            list(row.notes),
            _cell_state(row.french),
            _cell_state(row.english),
        ]
        # A comment added by a reviewer is an edit too (none when the tool writes).
        if row.comments:
            state.append(list(row.comments))
        if self.rows:
            self.digest.update(b", ")
        self.digest.update(json.dumps(state, ensure_ascii=False).encode())
        self.rows += 1
        if not row.kept_as_is:
            self.english[row.id_text] = row_fingerprint(row)
            self.shown[row.id_text] = [
                shown_text_hash(row.french[0]),
                shown_text_hash(row.english[0]),
            ]

    def result(self) -> dict[str, Any]:
        digest = self.digest.copy()
        digest.update(b"]")
        return {
            "version": RECORD_VERSION,
            "digest": digest.hexdigest(),
            "rows": self.english,
            "shown": self.shown,
        }


def _add_record(doc: Any, record: dict[str, Any]) -> None:
    """Store ``record`` as a custom document property (docProps/custom.xml)."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    properties = etree.Element(
        f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS}
    )
    prop = etree.SubElement(properties, f"{{{_CUSTOM_NS}}}property")
    prop.set("fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}")
    prop.set("pid", "2")
    prop.set("name", RECORD_PROPERTY)
    etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = json.dumps(record, separators=(",", ":"))
    blob = etree.tostring(properties, xml_declaration=True, encoding="UTF-8", standalone=True)
    package = doc.part.package
    part = Part(PackURI("/docProps/custom.xml"), CONTENT_TYPE.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)


def read_record(doc: Any) -> dict[str, Any] | None:
    """The record a bilingual DOCX (opened with python-docx) holds, if any."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from lxml import etree

    for rel in doc.part.package.rels.values():
        if rel.reltype != RELATIONSHIP_TYPE.CUSTOM_PROPERTIES or rel.is_external:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except etree.XMLSyntaxError:
            return None
        for prop in root.iter(f"{{{_CUSTOM_NS}}}property"):
            if prop.get("name") != RECORD_PROPERTY:
                continue
            value = "".join(prop.itertext())
            try:
                record = json.loads(value)
            except json.JSONDecodeError:
                return None
            if isinstance(record, dict) and record.get("version") == RECORD_VERSION:
                return record
    return None


def docx_was_edited(path: Path) -> bool | None:
    """Whether a bilingual DOCX differs from what the tool wrote into it.

    Returns:
        ``None`` when the file cannot be read or holds no record of ours (not our
        file, or written by an older version); else whether any row changed.
    """
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        doc = docx.Document(str(path))
    except (
        OSError,
        PackageNotFoundError,
        zipfile.BadZipFile,
        XMLSyntaxError,
        KeyError,
        ValueError,
    ):
        return None
    record = read_record(doc)
    if record is None:
        return None
    if not doc.tables:
        return True
    rows = table_rows(doc.tables[0]._tbl, external_links(doc.part), docx_comments(doc.part))
    return record_of(rows)["digest"] != record.get("digest")


def write_bilingual_docx(
    document: AlignedDocument,
    engine_label: str,
    path: Path,
    english_language: str = DEFAULT_ENGLISH,
) -> None:
    """Write the bilingual DOCX to ``path`` atomically."""
    write_atomic(path, bilingual_docx_bytes(document, engine_label, english_language))


def _shading(fill: str) -> Any:
    shading = _element("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    return shading


def _shade(cell: Any, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_shading(fill))


def _repeat_as_header(row: Any) -> None:
    # Word and LibreOffice repeat a row marked tblHeader at the top of every page.
    properties = row._tr.get_or_add_trPr()
    marker = _element("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
