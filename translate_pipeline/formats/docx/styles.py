"""What styles, numbering and tables say about a paragraph: its kind and place, code.

A paragraph's style chain (``basedOn``) gives headings, list levels and code
styles; numbering.xml gives list numbers as Word shows them; the enclosing table
gives the row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from translate_pipeline.document import BlockKind, Place
from translate_pipeline.formats.docx.package import PartRoot, related_root, w

_HEADING_NAME = re.compile(r"^(?:heading|titre)\s*(\d)$", re.IGNORECASE)
_TITLE_NAMES = frozenset({"title", "titre"})
_LIST_NAME = re.compile(r"^list\s+(bullet|number|paragraph|continue)?\s*(\d)?$", re.IGNORECASE)

# Code is never translated. Style names are compared lower-cased without spaces,
# hyphens or underscores; a style based on one of these is code too.
# fmt: off
CODE_PARAGRAPH_STYLES = frozenset({
    "sourcecode", "htmlpreformatted", "code", "codeblock", "plaintext", "preformatted",
    "preformattedtext", "macrotext", "verbatim",
})
_CODE_CHAR_STYLES = frozenset({
    "verbatimchar", "htmlcode", "codechar", "sourcecodechar", "inlinecode", "code",
    "htmltypewriter", "htmlkeyboard", "htmlsample", "sourcetext", "teletype",
    "plaintextchar", "htmlpreformattedchar", "macrotextchar",
})
_MONOSPACE_FONTS = frozenset({
    "consolas", "menlo", "monaco", "lucida console", "lucida sans typewriter", "source code pro",
    "fira code", "cascadia code", "inconsolata", "hack", "ocr a extended", "anonymous pro",
    "monospace", "monospaced",
})
# fmt: on
# Any font named "... Mono ..." or "Courier ..." (Liberation Mono, DejaVu Sans Mono,
# Courier New, Courier Prime, ...) is monospace too.
_MONOSPACE_NAME = re.compile(r"(?i)\bmono\b|^courier\b")
# What a verbatim block of the reader is called in summaries.


def is_monospace(font: str) -> bool:
    """Whether ``font`` is a monospace (code) font, by its name."""
    name = " ".join(font.split()).lower()
    return bool(name) and (name in _MONOSPACE_FONTS or bool(_MONOSPACE_NAME.search(name)))


def _style_key(name: str) -> str:
    return re.sub(r"[\s_-]+", "", name).lower()


def _font(rpr: Any) -> str:
    """The Latin font a ``w:rPr`` sets itself ("" when none, or a theme font)."""
    fonts = rpr.find(w("rFonts")) if rpr is not None else None
    if fonts is None:
        return ""
    return fonts.get(w("ascii")) or fonts.get(w("hAnsi")) or ""


@dataclass(frozen=True)
class StyleInfo:
    """What a paragraph style says about headings and lists, through its ``basedOn`` chain."""

    name: str
    based_on: str
    outline_level: int | None
    num_id: str | None
    ilvl: int | None
    font: str = ""


@dataclass(frozen=True)
class CodeLook:
    """What marks text as code in one package: its code character styles, its fonts.

    Attributes:
        char_styles: IDs of the character styles that are code, by their name
            ("Verbatim Char", "HTML Code", ...) or their monospace font, through
            their ``basedOn`` chain (pandoc's ``KeywordTok`` is based on ``VerbatimChar``).
        fonts_mark_code: Whether a monospace font marks code; not when the
            document's own body text is set in one.
    """

    char_styles: frozenset[str] = frozenset()
    fonts_mark_code: bool = True

    def run_is_code(self, rpr: Any) -> bool:
        """Whether a run of these properties is code (its style or its own font)."""
        if rpr is None:
            return False
        if _val(rpr.find(w("rStyle"))) in self.char_styles:
            return True
        return self.fonts_mark_code and is_monospace(_font(rpr))


@dataclass
class PackageContext:
    """What reading the paragraphs of one package needs: styles, numbering, links."""

    styles: dict[str, StyleInfo]
    default_style: str
    formats: dict[tuple[str, int], tuple[str, int]]
    counters: dict[str, list[int]] = field(default_factory=dict)
    tables: dict[Any, int] = field(default_factory=dict)
    code: CodeLook = CodeLook()


def package_context(package: Any) -> PackageContext:
    styles: dict[str, StyleInfo] = {}
    characters: dict[str, StyleInfo] = {}
    default_style = ""
    styles_root = related_root(package, "styles")
    if styles_root is not None:
        for style in styles_root.iter(w("style")):
            style_id = style.get(w("styleId"), "")
            if style.get(w("type")) == "character":
                characters[style_id] = StyleInfo(
                    name=_val(style.find(w("name"))),
                    based_on=_val(style.find(w("basedOn"))),
                    outline_level=None,
                    num_id=None,
                    ilvl=None,
                    font=_font(style.find(w("rPr"))),
                )
            if style.get(w("type")) != "paragraph":
                continue
            if style.get(w("default")) in ("1", "true", "on"):
                default_style = style_id
            ppr = style.find(w("pPr"))
            outline = ppr.find(w("outlineLvl")) if ppr is not None else None
            num_pr = ppr.find(w("numPr")) if ppr is not None else None
            num_id, ilvl = _num_pr(num_pr)
            styles[style_id] = StyleInfo(
                name=_val(style.find(w("name"))),
                based_on=_val(style.find(w("basedOn"))),
                outline_level=int(_val(outline))
                if outline is not None and _val(outline).isdigit()
                else None,
                num_id=num_id,
                ilvl=ilvl,
                font=_font(style.find(w("rPr"))),
            )
    context = PackageContext(styles, default_style, _numbering_formats(package))
    # Text set in a monospace font marks code, unless the body text itself is.
    defaults = (
        styles_root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        if styles_root is not None
        else None
    )
    body_font = _chain_font(_style_chain(default_style, context)) or _font(defaults)
    fonts_mark_code = not is_monospace(body_font)
    code_chars = frozenset(
        style_id
        for style_id in characters
        if is_code_style(_chain(style_id, characters), _CODE_CHAR_STYLES, fonts_mark_code)
    )
    context.code = CodeLook(code_chars, fonts_mark_code)
    return context


def _chain(style_id: str, styles: dict[str, StyleInfo]) -> list[StyleInfo]:
    """The style and those it is based on, nearest first (a loop is cut)."""
    chain: list[StyleInfo] = []
    seen: set[str] = set()
    while style_id and style_id not in seen and style_id in styles:
        seen.add(style_id)
        chain.append(styles[style_id])
        style_id = styles[style_id].based_on
    return chain


def _chain_font(chain: list[StyleInfo]) -> str:
    """The font the nearest style of ``chain`` that sets one sets."""
    return next((info.font for info in chain if info.font), "")


def is_code_style(chain: list[StyleInfo], names: frozenset[str], fonts_mark_code: bool) -> bool:
    """Whether a style is code: by its name or a base's, or by its monospace font."""
    if any(_style_key(info.name) in names for info in chain):
        return True
    return fonts_mark_code and is_monospace(_chain_font(chain))


def _numbering_formats(package: Any) -> dict[tuple[str, int], tuple[str, int]]:
    """``(numId, level) -> (numFmt, start)`` from numbering.xml, overrides included."""
    root = related_root(package, "numbering")
    if root is None:
        return {}
    abstract: dict[str, dict[int, tuple[str, int]]] = {}
    for definition in root.iter(w("abstractNum")):
        levels = {}
        for lvl in definition.iter(w("lvl")):
            start = _val(lvl.find(w("start")))
            levels[int(lvl.get(w("ilvl"), "0"))] = (
                _val(lvl.find(w("numFmt"))) or "decimal",
                int(start) if start.lstrip("-").isdigit() else 1,
            )
        abstract[definition.get(w("abstractNumId"), "")] = levels
    formats: dict[tuple[str, int], tuple[str, int]] = {}
    for num in root.iter(w("num")):
        num_id = num.get(w("numId"), "")
        for level, value in abstract.get(_val(num.find(w("abstractNumId"))), {}).items():
            formats[(num_id, level)] = value
        for override in num.iter(w("lvlOverride")):
            level = int(override.get(w("ilvl"), "0"))
            start = _val(override.find(w("startOverride")))
            if start.isdigit() and (num_id, level) in formats:
                formats[(num_id, level)] = (formats[(num_id, level)][0], int(start))
    return formats


def _val(element: Any) -> str:
    return "" if element is None else element.get(w("val"), "")


def _num_pr(num_pr: Any) -> tuple[str | None, int | None]:
    if num_pr is None:
        return None, None
    num_id = num_pr.find(w("numId"))
    ilvl = num_pr.find(w("ilvl"))
    return (
        _val(num_id) if num_id is not None else None,
        int(_val(ilvl)) if ilvl is not None and _val(ilvl).isdigit() else None,
    )


def kind_and_place(
    element: Any, part: PartRoot, context: PackageContext
) -> tuple[BlockKind, int, Place]:
    ppr = element.find(w("pPr"))
    chain = paragraph_chain(element, context)
    container = part.kind
    note = ""
    ancestors = list(element.iterancestors())
    if any(a.tag == w("txbxContent") for a in ancestors):
        container = "textbox"
    if part.kind in ("footnote", "endnote"):
        owner = next((a for a in ancestors if a.tag in (w("footnote"), w("endnote"))), None)
        note = owner.get(w("id"), "") if owner is not None else ""
    table, row, column = _table_place(element, ancestors, context)
    level, ordered, number = _list_place(ppr, chain, context)
    place = Place(
        container=container,
        list_level=level,
        list_ordered=ordered,
        list_number=number,
        table=table,
        row=row,
        column=column,
        note=note,
    )
    by_container = {
        "footnote": BlockKind.FOOTNOTE,
        "endnote": BlockKind.FOOTNOTE,
        "header": BlockKind.HEADER,
        "footer": BlockKind.FOOTER,
    }
    if container in by_container:
        return by_container[container], 0, place
    heading = _heading_level(chain)
    if heading:
        return BlockKind.HEADING, heading, place
    if table:
        return BlockKind.TABLE_CELL, 0, place
    if level:
        return BlockKind.LIST_ITEM, 0, place
    if any(info.name.lower() in ("caption", "légende") for info in chain):
        return BlockKind.CAPTION, 0, place
    return BlockKind.PARAGRAPH, 0, place


def _style_chain(style_id: str, context: PackageContext) -> list[StyleInfo]:
    return _chain(style_id, context.styles)


def paragraph_chain(element: Any, context: PackageContext) -> list[StyleInfo]:
    ppr = element.find(w("pPr"))
    style_id = _val(ppr.find(w("pStyle"))) if ppr is not None else ""
    return _style_chain(style_id or context.default_style, context)


def _heading_level(chain: list[StyleInfo]) -> int:
    if not chain:
        return 0
    name = chain[0].name.strip()
    if name.lower() in _TITLE_NAMES:
        return 1
    match = _HEADING_NAME.match(name)
    if match:
        return min(max(int(match.group(1)), 1), 6)
    for info in chain:
        if info.outline_level is not None and info.outline_level < 9:
            return min(info.outline_level + 1, 6)
    return 0


def _list_place(ppr: Any, chain: list[StyleInfo], context: PackageContext) -> tuple[int, bool, int]:
    """``(level, ordered, number)`` of a list item; level 0 for other paragraphs."""
    num_id, ilvl = _num_pr(ppr.find(w("numPr")) if ppr is not None else None)
    for info in chain:
        if num_id is None and info.num_id is not None:
            num_id = info.num_id
        if ilvl is None and info.ilvl is not None:
            ilvl = info.ilvl
    level = ilvl or 0
    # Word's "List Bullet 2" is numbered at level 0 of its own list, indented as level 2.
    match = _LIST_NAME.match(chain[0].name if chain else "")
    named_level = int(match.group(2) or 1) if match else 1
    if num_id is not None and num_id != "0" and (num_id, level) in context.formats:
        kind, start = context.formats[(num_id, level)]
        ordered = kind not in ("bullet", "none")
        counters = context.counters.setdefault(num_id, [])
        del counters[level + 1 :]
        while len(counters) <= level:
            counters.append(0)
        counters[level] = counters[level] + 1 if counters[level] else start
        number = counters[level] if ordered else 0
        return max(level + 1, named_level), ordered, number
    if match and (num_id is None or num_id != "0"):
        return named_level, (match.group(1) or "").lower() == "number", 0
    return 0, False, 0


def _table_place(
    element: Any, ancestors: list[Any], context: PackageContext
) -> tuple[int, int, int]:
    cell = next((a for a in ancestors if a.tag == w("tc")), None)
    if cell is None:
        return 0, 0, 0
    row = cell.getparent()
    table = row.getparent() if row is not None else None
    if row is None or table is None or row.tag != w("tr") or table.tag != w("tbl"):
        return 0, 0, 0
    number = context.tables.get(table, 0)
    column = 1
    for sibling in row.findall(w("tc")):
        if sibling is cell:
            break
        span = sibling.find(f"{w('tcPr')}/{w('gridSpan')}")
        column += int(_val(span)) if span is not None and _val(span).isdigit() else 1
    return number, table.findall(w("tr")).index(row) + 1, column
