"""Reading a bilingual table back: its rows, cells and comments, from the XML.

The review import reads an edited English cell back with :func:`read_cell`, and
the file's record (:mod:`.record`) is made of the rows read from the XML just built.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from lxml import etree

from translate_pipeline.bilingual_docx.styles import CODE_FONT, KEPT_AS_IS, MARKER_GREY, qn
from translate_pipeline.document import Inline, InlineKind
from translate_pipeline.inline_runs import Mark, SpanBuilder

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
