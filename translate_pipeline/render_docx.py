"""Rendering the bilingual DOCX: a three-column table, ID | Français | English."""

from __future__ import annotations

import io
import re
from copy import deepcopy
from pathlib import Path
from typing import Any

from translate_pipeline.document import AlignedDocument, BlockKind
from translate_pipeline.output_files import write_atomic


def qn(tag: str) -> str:
    """The Clark name of a ``w:`` or ``xml:`` tag (python-docx's qn, imported lazily)."""
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
FLAG_RED = (0xC0, 0x00, 0x00)
REVIEWED_GREEN = (0x38, 0x76, 0x1D)


def bilingual_docx_bytes(document: AlignedDocument, engine_label: str) -> bytes:
    """Build the bilingual DOCX in memory.

    Row ``n + 1`` of the table (after the header row) is segment ``n``: its ID, the
    French exactly as in the source, and the English.
    """
    import docx
    from docx.enum.section import WD_ORIENT
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
    meta = doc.add_paragraph(
        f"Source: {document.source_path.name} · Engine: {engine_label} · "
        f"{len(document.rows)} segments"
    )
    meta.runs[0].font.size = Pt(8)
    meta.runs[0].font.color.rgb = RGBColor(*ID_GREY)

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

    # python-docx's object API costs about 6 ms a row; build each kind of row
    # once with it, then copy the row's XML and set its texts (about 0.3 ms).
    templates = {heading: _row_template(table, widths, heading) for heading in (False, True)}
    reviewed_note = _note_template(table, REVIEWED_GREEN)
    flag_note = _note_template(table, FLAG_RED)
    body = table._tbl
    for row in document.rows:
        tr = deepcopy(templates[row.segment.kind is BlockKind.HEADING])
        # The ID breaks after the document part ("doc:" / "p1:s1") instead of
        # wherever the narrow column runs out; read back, the first paragraph
        # minus whitespace is the ID again.
        doc_part, _, local_part = row.segment.segment_id.partition(":")
        texts = (f"{doc_part}:", local_part, row.segment.text, row.english)
        for element, text in zip(tr.iter(qn("w:t")), texts, strict=True):
            element.text = _xml_safe(text)
        id_cell, _, english_cell = tr.findall(qn("w:tc"))
        if row.origin == "reviewed":
            id_cell.append(_note(reviewed_note, "✓ reviewed"))
        if row.flags:
            # Flags go under the ID, not into the English cell, so that an editor's
            # corrections to the English can be read back cleanly.
            english_cell.get_or_add_tcPr().append(_shading(FLAGGED_FILL))
            for flag in row.flags:
                id_cell.append(_note(flag_note, f"⚠ {flag}"))
        body.append(tr)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _row_template(table: Any, widths: list[Any], heading: bool) -> Any:
    from docx.shared import Pt, RGBColor

    row = table.add_row()
    cells = row.cells
    for cell, width in zip(cells, widths, strict=True):
        cell.width = width
    id_paragraph = cells[0].paragraphs[0]
    first = id_paragraph.add_run("doc:")
    first.add_break()
    second = id_paragraph.add_run("p:s")
    for id_run in (first, second):
        id_run.font.size = Pt(ID_PT)
        id_run.font.color.rgb = RGBColor(*ID_GREY)
    for cell in cells[1:]:
        run = cell.paragraphs[0].add_run("text")
        run.bold = heading
    if heading:
        for cell in cells:
            _shade(cell, HEADING_FILL)
    for element in row._tr.iter(qn("w:t")):
        element.set(qn("xml:space"), "preserve")
    row._tr.getparent().remove(row._tr)
    return row._tr


def _note_template(table: Any, colour: tuple[int, int, int]) -> Any:
    from docx.shared import Pt, RGBColor

    cell = table.add_row().cells[0]
    run = cell.paragraphs[0].add_run("note")
    run.font.size = Pt(ID_PT)
    run.font.color.rgb = RGBColor(*colour)
    paragraph = cell.paragraphs[0]._p
    table._tbl.remove(table.rows[-1]._tr)
    return paragraph


def _note(template: Any, text: str) -> Any:
    paragraph = deepcopy(template)
    next(paragraph.iter(qn("w:t"))).text = _xml_safe(text)
    return paragraph


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    # XML 1.0 cannot hold most control characters; Word would refuse the file.
    return _NOT_XML.sub("", text)


def segment_id_from_cell(cell: Any) -> str:
    """The segment ID shown in an ID cell: its first paragraph, line break removed.

    Later paragraphs of the cell hold QA flags.
    """
    return "".join(cell.paragraphs[0].text.split())


def write_bilingual_docx(document: AlignedDocument, engine_label: str, path: Path) -> None:
    """Write the bilingual DOCX to ``path`` atomically."""
    write_atomic(path, bilingual_docx_bytes(document, engine_label))


def _shading(fill: str) -> Any:
    from docx.oxml import OxmlElement

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    return shading


def _shade(cell: Any, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_shading(fill))


def _repeat_as_header(row: Any) -> None:
    # Word and LibreOffice repeat a row marked tblHeader at the top of every page.
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
