"""Reading a Markdown article into blocks, plain text and inline spans.

The source is parsed with markdown-it-py (CommonMark, GFM tables and
strikethrough, footnotes, YAML front matter, ``$$`` math) and cut into a flat
skeleton: literal source text (``lead``) before each block, the block, and the
text after the last one (``tail``). A verbatim block's text is its source,
byte for byte; a translatable block is a hole whose source is rewritten from
its plain text and spans, each content line after the first preceded by the
container prefix the source had there (``breaks``). Each block's ``anchor``
holds that skeleton as JSON, so the writer needs nothing but the document.

Every translatable block is checked when read: writing its own text and spans
back must give its source exactly. A block that fails (markup the reader does
not map) is kept verbatim, untranslated, and named in
``Document.unrepresented``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate_pipeline.document import Block, BlockKind, Document, Place
from translate_pipeline.formats.markdown.front_matter import text_fields
from translate_pipeline.formats.markdown.inline import render_inline
from translate_pipeline.formats.markdown.inline_tokens import Unmappable, plain_text
from translate_pipeline.formats.text import read_utf8

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Container markers that may open a content line: quote markers, list markers,
# footnote labels, and the indentation between them.
_CONTAINER = re.compile(
    r"(?:[ \t]*(?:>|[-+*](?=[ \t])|[0-9]{1,9}[.)](?=[ \t]|$)|\[\^[^\]\s]+\]:))*"
)
_ATX_MARKER = re.compile(r"[ \t]*#{1,6}(?=[ \t]|$)")
_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n.*?\n\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)
_SHORTCODE = re.compile(r"\A\{\{[<%].*[>%]\}\}\Z", re.DOTALL)
_DEFINITIONS = "translate_pipeline_definitions"

# The front matter's title is the article's title; other text fields are paragraphs.
_FRONT_KINDS = {"title": (BlockKind.HEADING, 1), "subtitle": (BlockKind.HEADING, 2)}
_VERBATIM_TOKENS = {
    "fence": "code block",
    "code_block": "code block",
    "hr": "thematic break",
    "math_block": "math",
    "math_block_label": "math",
}


def read_markdown_document(path: Path) -> Document:
    """Read a Markdown article into blocks, verbatim ones included.

    Raises:
        SourceError: The file is not UTF-8.
    """
    source = read_utf8(path)
    blocks, unrepresented = read_markdown(source)
    if blocks:
        blocks[0] = replace(blocks[0], anchor=_with_file_form(blocks[0].anchor, path))
    return Document(
        doc_id=path.stem, path=path, blocks=tuple(blocks), unrepresented=tuple(unrepresented)
    )


def _with_file_form(anchor: str, path: Path) -> str:
    """``anchor`` with what reading the file normalised: CRLF line ends, a byte-order mark.

    The writer puts them back, so that the English file has the source's form.
    """
    data = path.read_bytes()
    lines = data.count(b"\n")
    form: dict[str, Any] = {}
    if lines and data.count(b"\r\n") == lines == data.count(b"\r"):
        form["newline"] = "\r\n"
    if data.startswith(b"\xef\xbb\xbf"):
        form["bom"] = True
    if not form:
        return anchor
    return json.dumps({**json.loads(anchor), **form}, ensure_ascii=False)


def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    # markdown-it stops parsing below 20 levels of nesting (the text deeper down
    # would only survive as an untranslated block); deeper text is parsed, and
    # nesting too deep for Python's stack ends in a RecursionError that the
    # pipeline reports as this file's error.
    md = (
        MarkdownIt("commonmark", {"maxNesting": 10_000})
        .enable(["table", "strikethrough"])
        .use(front_matter_plugin)
        .use(footnote_plugin, inline=False, move_to_end=False)
        # Only $$ blocks: "5 $ et 10 $" in a French article is money, not math.
        .use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=False)
    )
    md.disable(["text_join", "math_inline"])
    _record_definitions(md)
    return md


def _record_definitions(md: MarkdownIt) -> None:
    """Make the parser note the lines of each link reference definition.

    markdown-it keeps definitions in ``env["references"]`` and emits no token for
    them; the lines are needed to keep them as verbatim blocks.
    """
    rule = next(r for r in md.block.ruler.__rules__ if r.name == "reference")
    original = rule.fn

    def reference(state: Any, start: int, end: int, silent: bool) -> bool:
        found: bool = original(state, start, end, silent)
        if found and not silent:
            state.env.setdefault(_DEFINITIONS, []).append((start, state.line))
        return found

    md.block.ruler.at("reference", reference, {"alt": rule.alt})


@dataclass(frozen=True)
class _Piece:
    """A block with its place in the source, before leads are known."""

    start: int
    end: int
    block: Block
    breaks: tuple[str, ...] = ()
    front: str = ""


def read_markdown(source: str) -> tuple[list[Block], list[str]]:
    """Blocks of a Markdown source and what could not be represented.

    Joining each block's ``lead``, its source and the last ``tail`` gives
    ``source`` back exactly.
    """
    parsed = source
    front = _TOML_FRONT_MATTER.match(source)
    if front:
        # Hugo's TOML front matter is not CommonMark: hide it from the parser
        # (as blank lines, so line numbers hold) and keep it verbatim.
        parsed = "\n" * front.group(0).count("\n") + source[front.end() :]
    env: dict[str, Any] = {}
    tokens = _parser().parse(parsed, env)
    lines = source.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    pieces: list[_Piece] = []
    unrepresented: list[str] = []
    # Table cells share a line: each is looked for after the previous one.
    cells: dict[int, int] = {}

    def verbatim(first: int, last: int, what: str) -> None:
        end = offsets[last] - 1 if last < len(lines) else len(source)
        text = source[offsets[first] : end]
        pieces.append(
            _Piece(
                offsets[first],
                end,
                Block(0, BlockKind.VERBATIM, text, line=first + 1, verbatim=what),
            )
        )

    def front_matter(first: int, last: int, toml: bool) -> None:
        inner = range(first + 1, last - 1)
        fields, kept = text_fields([lines[n] for n in inner], [offsets[n] for n in inner], toml)
        for number, key in kept:
            unrepresented.append(
                f"line {first + number + 2}: front matter {key!r} kept untranslated"
                " (not a one-line text value)"
            )
        if not fields:
            verbatim(first, last, "front matter")
            return
        # The front matter up to the first text field is named as kept; the rest
        # between and after the fields is kept byte for byte around them.
        head = source[offsets[first] : fields[0].start]
        pieces.append(
            _Piece(
                offsets[first],
                fields[0].start,
                Block(0, BlockKind.VERBATIM, head, line=first + 1, verbatim="front matter"),
            )
        )
        for field in fields:
            kind, level = _FRONT_KINDS.get(field.key, (BlockKind.PARAGRAPH, 0))
            block = Block(
                0,
                kind,
                field.text,
                level=level,
                line=first + field.number + 2,
                place=Place(container="front matter"),
            )
            pieces.append(_Piece(field.start, field.end, block, front=field.style))

    if front:
        front_matter(0, front.group(0).rstrip("\n").count("\n") + 1, toml=True)
    for first, last in env.get(_DEFINITIONS, []):
        verbatim(first, last, "link reference definition")
    for token, context in _walk(tokens):
        if token.map is None:
            continue
        first, last = token.map
        if token.type == "front_matter":
            front_matter(first, last, toml=False)
        elif token.type in _VERBATIM_TOKENS:
            verbatim(first, last, _VERBATIM_TOKENS[token.type])
        elif token.type == "html_block":
            comment = token.content.lstrip().startswith("<!--")
            verbatim(first, last, "HTML comment" if comment else "HTML block")
        elif token.type == "inline" and token.content.strip():
            if _SHORTCODE.match(token.content) and not context.in_table:
                verbatim(first, last, "shortcode")
                continue
            try:
                piece, problem = _inline_piece(token, context, source, lines, offsets, cells)
            except Unmappable as lost:
                # Not found in the source: its text stays in the skeleton as it is.
                unrepresented.append(f"line {first + 1}: text kept untranslated ({lost})")
                continue
            pieces.append(piece)
            if problem:
                unrepresented.append(f"line {first + 1}: text kept untranslated ({problem})")
        elif token.type not in _KNOWN_WITHOUT_TEXT:
            unrepresented.append(f"line {first + 1}: {token.type} kept as is")
    return _assemble(source, pieces, unrepresented)


# Tokens with a line range that hold no text of their own (containers).
_KNOWN_WITHOUT_TEXT = frozenset(
    {
        "inline",
        "heading_open",
        "paragraph_open",
        "bullet_list_open",
        "ordered_list_open",
        "list_item_open",
        "blockquote_open",
        "table_open",
        "thead_open",
        "tbody_open",
        "tr_open",
        "footnote_reference_open",
        "footnote_block_open",
    }
)


@dataclass(frozen=True)
class _Context:
    """The containers around a token."""

    place: Place
    kind: BlockKind
    level: int = 0
    in_table: bool = False


def _walk(tokens: Sequence[Token]) -> Iterator[tuple[Token, _Context]]:
    """Every token with the containers around it."""
    stack: list[Token] = []
    lists: list[list[int]] = []  # [start, items seen] of each open list
    tables = rows = columns = 0
    for token in tokens:
        if token.type == "table_open":
            tables += 1
            rows = 0
        elif token.type == "tr_open":
            rows += 1
            columns = 0
        elif token.type in ("th_open", "td_open"):
            columns += 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            start = token.attrGet("start")
            lists.append([int(start) if start is not None else 1, 0])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            lists[-1][1] += 1
        if token.type.endswith("_close"):
            if stack:
                stack.pop()
            continue
        if token.type.endswith("_open"):
            stack.append(token)
            continue
        yield token, _context(stack, lists, (tables, rows, columns))


def _context(stack: list[Token], lists: list[list[int]], cell: tuple[int, int, int]) -> _Context:
    names = [token.type for token in stack]
    ordered = [
        token.type == "ordered_list_open" for token in stack if token.type.endswith("list_open")
    ]
    level = names.count("list_item_open")
    note = next((t.meta.get("label", "") for t in stack if t.type == "footnote_reference_open"), "")
    place = Place(
        container="footnote" if note else "body",
        list_level=level,
        list_ordered=bool(ordered and ordered[-1]),
        list_number=(lists[-1][0] + lists[-1][1] - 1) if ordered and ordered[-1] else 0,
        quote_depth=names.count("blockquote_open"),
        note=note,
    )
    innermost = next(
        (
            name
            for name in reversed(names)
            if name in ("list_item_open", "blockquote_open", "footnote_reference_open")
        ),
        "",
    )
    if names and names[-1] == "heading_open":
        return _Context(place, BlockKind.HEADING, level=int(stack[-1].tag[1:]))
    if names and names[-1] in ("th_open", "td_open"):
        table, row, column = cell
        return _Context(
            replace(place, table=table, row=row, column=column),
            BlockKind.TABLE_CELL,
            in_table=True,
        )
    kind = {
        "list_item_open": BlockKind.LIST_ITEM,
        "blockquote_open": BlockKind.QUOTE,
        "footnote_reference_open": BlockKind.FOOTNOTE,
    }.get(innermost, BlockKind.PARAGRAPH)
    return _Context(place, kind)


def _inline_piece(
    token: Token,
    context: _Context,
    source: str,
    lines: list[str],
    offsets: list[int],
    cells: dict[int, int],
) -> tuple[_Piece, str]:
    """The hole of one inline token in the source, with its text and spans.

    Returns the piece and, when its markup could not be mapped, why (the piece
    is then a verbatim block holding the source as it is).

    Raises:
        Unmappable: The token's text was not found in its lines.
    """
    first, last = token.map or (0, 0)
    content = token.content
    if context.in_table:
        # The table rule takes the backslash off "\|" before parsing the cell.
        content = content.replace("|", "\\|")
        at = lines[first].find(content, cells.get(first, 0))
        if at < 0:
            raise Unmappable("table cell not found on its line")
        cells[first] = at + len(content)
        start, end, breaks = offsets[first] + at, offsets[first] + at + len(content), ()
    else:
        start, end, breaks = _locate(content, context, lines[first:last], offsets[first:last])
    try:
        text, inlines = plain_text(token.content, token.children or [])
        written = render_inline(text, inlines)
        if context.in_table:
            written = written.replace("|", "\\|")
        if written != content:
            raise Unmappable("its inline markup would not be written back as it was")
    except Unmappable as problem:
        kept = Block(
            0,
            BlockKind.VERBATIM,
            source[start:end],
            line=first + 1,
            verbatim="text kept untranslated",
        )
        return _Piece(start, end, kept), str(problem)
    if not text.strip():
        # Only codes (a badge, a shortcode in a cell): nothing to translate.
        kept = Block(
            0, BlockKind.VERBATIM, source[start:end], line=first + 1, verbatim="markup without text"
        )
        return _Piece(start, end, kept), ""
    block = Block(
        index=0,
        kind=context.kind,
        text=text,
        level=context.level,
        line=first + 1,
        inlines=inlines,
        place=context.place,
    )
    return _Piece(start, end, block, breaks), ""


def _locate(
    content: str, context: _Context, lines: list[str], offsets: list[int]
) -> tuple[int, int, tuple[str, ...]]:
    """Where ``content`` lies in its source lines: start, end, and the prefixes between.

    ``lines`` are the token's source lines and ``offsets`` where each begins.
    """
    parts = content.split("\n")
    if len(parts) != len(lines):
        raise Unmappable("its lines do not match the parser's")
    marker = _CONTAINER.match(lines[0])
    skip = marker.end() if marker else 0
    if context.kind is BlockKind.HEADING:
        atx = _ATX_MARKER.match(lines[0], skip)
        if atx:
            skip = atx.end()
    at = lines[0].find(parts[0], skip)
    if at < 0:
        raise Unmappable("its first line was not found")
    starts = [offsets[0] + at]
    for number in range(1, len(parts)):
        line, part = lines[number], parts[number]
        body = line.rstrip() if number == len(parts) - 1 else line
        if not body.endswith(part):
            raise Unmappable(f"its line {number + 1} was not found")
        starts.append(offsets[number] + len(body) - len(part))
    ends = [begin + len(part) for begin, part in zip(starts, parts, strict=True)]
    if any(end != offsets[n] + len(lines[n]) for n, end in enumerate(ends[:-1])):
        raise Unmappable("a line goes on after its text")
    breaks = tuple("\n" + lines[n][: starts[n] - offsets[n]] for n in range(1, len(parts)))
    return starts[0], ends[-1], breaks


def _assemble(
    source: str, pieces: list[_Piece], unrepresented: list[str]
) -> tuple[list[Block], list[str]]:
    """Number the blocks and give each its lead (and the last one the tail)."""
    pieces.sort(key=lambda piece: (piece.start, piece.end))
    blocks: list[Block] = []
    cursor = 0
    index = 0
    for piece in pieces:
        if piece.start < cursor:
            unrepresented.append(
                f"line {piece.block.line}: overlaps the previous block, kept as is"
            )
            continue
        anchor: dict[str, Any] = {"lead": source[cursor : piece.start]}
        block = piece.block
        if block.translatable:
            index += 1
            anchor["breaks"] = piece.breaks
            if piece.front:
                anchor["front"] = piece.front
            block = replace(block, index=index)
        blocks.append(replace(block, anchor=json.dumps(anchor, ensure_ascii=False)))
        cursor = piece.end
    if blocks:
        last = json.loads(blocks[-1].anchor)
        last["tail"] = source[cursor:]
        blocks[-1] = replace(blocks[-1], anchor=json.dumps(last, ensure_ascii=False))
    return blocks, unrepresented
