"""Building a bilingual table's rows as XML: cells, runs, links, markers and notes.

python-docx's object API costs about 6 ms a row, so a row is copied from an empty
one built once with it (:func:`row_template`) and its cells are filled with runs
built directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from copy import deepcopy
from typing import Any

from lxml import etree

from translate_pipeline.bilingual_docx.styles import (
    CODE_FONT,
    FLAG_RED,
    FLAGGED_FILL,
    FRENCH,
    FUZZY_AMBER,
    FUZZY_FILL,
    HEADING_FILL,
    ID_GREY,
    ID_PT,
    KEPT_AS_IS,
    LINK_BLUE,
    MARKER_GREY,
    REVIEWED_GREEN,
    VERBATIM_FILL,
    qn,
)
from translate_pipeline.document import AlignedRow, Block, BlockKind, Inline, InlineKind
from translate_pipeline.fuzzy import fuzzy_score
from translate_pipeline.inline_runs import Mark, pieces


def row_template(table: Any, widths: list[Any]) -> Any:
    """An empty body row (``w:tr``) of ``table`` with its cells' widths, detached."""
    row = table.add_row()
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = width
    tr = row._tr
    tr.getparent().remove(tr)
    return tr


class CellWriter:
    """Builds rows' XML: runs with their formatting, links, markers and notes."""

    def __init__(self, link_id: Callable[[str], str], english_language: str) -> None:
        self.link_id = link_id
        self.english_language = english_language

    def segment_row(self, template: Any, row: AlignedRow) -> Any:
        """A segment's row: ID with its notes and flags, French and English cells."""
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
        """A greyed ``kept as is`` row showing a verbatim block's text in both columns."""
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


def _shading(fill: str) -> Any:
    shading = _element("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    return shading


def shade(cell: Any, fill: str) -> None:
    """Give a python-docx cell the background ``fill`` (hex RGB)."""
    cell._tc.get_or_add_tcPr().append(_shading(fill))


def repeat_as_header(row: Any) -> None:
    """Mark a python-docx row as the table's header row."""
    # Word and LibreOffice repeat a row marked tblHeader at the top of every page.
    properties = row._tr.get_or_add_trPr()
    marker = _element("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
