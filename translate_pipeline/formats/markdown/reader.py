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

from translate_pipeline.document import Block, BlockKind, Document, Inline, InlineKind, Place
from translate_pipeline.formats.markdown.front_matter import text_fields
from translate_pipeline.formats.markdown.inline import escape_offsets, line_starts, render_inline
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
_INLINE_SHORTCODE = re.compile(r"(\{\{[<%].*?[>%]\}\})", re.DOTALL)
_BREAK = re.compile(r"(?: *|\\)\n[ \t]*")
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


class _Unmappable(Exception):
    """The inline tokens cannot be matched to their source."""


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
            except _Unmappable as lost:
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
        _Unmappable: The token's text was not found in its lines.
    """
    first, last = token.map or (0, 0)
    content = token.content
    if context.in_table:
        # The table rule takes the backslash off "\|" before parsing the cell.
        content = content.replace("|", "\\|")
        at = lines[first].find(content, cells.get(first, 0))
        if at < 0:
            raise _Unmappable("table cell not found on its line")
        cells[first] = at + len(content)
        start, end, breaks = offsets[first] + at, offsets[first] + at + len(content), ()
    else:
        start, end, breaks = _locate(content, context, lines[first:last], offsets[first:last])
    try:
        text, inlines = _plain(token.content, token.children or [])
        written = render_inline(text, inlines)
        if context.in_table:
            written = written.replace("|", "\\|")
        if written != content:
            raise _Unmappable("its inline markup would not be written back as it was")
    except _Unmappable as problem:
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
        raise _Unmappable("its lines do not match the parser's")
    marker = _CONTAINER.match(lines[0])
    skip = marker.end() if marker else 0
    if context.kind is BlockKind.HEADING:
        atx = _ATX_MARKER.match(lines[0], skip)
        if atx:
            skip = atx.end()
    at = lines[0].find(parts[0], skip)
    if at < 0:
        raise _Unmappable("its first line was not found")
    starts = [offsets[0] + at]
    for number in range(1, len(parts)):
        line, part = lines[number], parts[number]
        body = line.rstrip() if number == len(parts) - 1 else line
        if not body.endswith(part):
            raise _Unmappable(f"its line {number + 1} was not found")
        starts.append(offsets[number] + len(body) - len(part))
    ends = [begin + len(part) for begin, part in zip(starts, parts, strict=True)]
    if any(end != offsets[n] + len(lines[n]) for n, end in enumerate(ends[:-1])):
        raise _Unmappable("a line goes on after its text")
    breaks = tuple("\n" + lines[n][: starts[n] - offsets[n]] for n in range(1, len(parts)))
    return starts[0], ends[-1], breaks


_EMPHASIS = {
    "strong": InlineKind.BOLD,
    "em": InlineKind.ITALIC,
    "s": InlineKind.STRIKE,
}


class _Walk:
    """Inline tokens matched, one by one, to the source they came from."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.parts: list[str] = []
        self.length = 0
        # Each span with the source offset where it opens, to keep source order.
        self.spans: list[tuple[int, Inline]] = []
        # Plain ranges written literally in the source: (plain start, end, source start).
        self.literal: list[tuple[int, int, int]] = []
        self.token_at = 0
        # Where each span's source ends, beside ``spans``.
        self.closed_at: list[int] = []
        self.open: list[tuple[InlineKind, int, dict[str, str]]] = []
        self.autolink: tuple[int, str, str] | None = None

    def expect(self, markup: str) -> None:
        if not self.source.startswith(markup, self.pos):
            raise _Unmappable(f"expected {markup!r} at {self.pos}")
        self.pos += len(markup)

    def add(self, text: str, literal: bool = False) -> None:
        if literal:
            self.literal.append((self.length, self.length + len(text), self.pos - len(text)))
        self.parts.append(text)
        self.length += len(text)

    def span(self, kind: InlineKind, start: int, end: int, **data: str) -> None:
        at = int(data.pop("at", self.token_at))
        pairs = tuple(sorted((key, value) for key, value in data.items() if value))
        self.spans.append((at, Inline(kind, start, end, pairs)))
        self.closed_at.append(self.pos)

    def walk(self, tokens: Sequence[Token]) -> None:
        for token in tokens:
            self.token(token)

    def token(self, token: Token) -> None:
        kind = token.type
        self.token_at = self.pos
        base = kind.rsplit("_", 1)[0]
        if kind == "text":
            if self.autolink is not None:
                self.add(token.content)
                return
            # A Hugo shortcode inside a sentence is a code, never sent to an engine.
            for number, piece in enumerate(_INLINE_SHORTCODE.split(token.content)):
                if number % 2:
                    at = self.pos
                    self.expect(piece)
                    self.span(
                        InlineKind.OTHER_CODE, self.length, self.length, markup=piece, at=str(at)
                    )
                elif piece:
                    self.expect(piece)
                    self.add(piece, literal=True)
        elif kind == "text_special":
            start = self.length
            self.expect(token.markup)
            self.add(token.content)
            self.span(InlineKind.ESCAPE, start, self.length, markup=token.markup)
        elif kind in ("softbreak", "hardbreak"):
            found = _BREAK.match(self.source, self.pos)
            if not found:
                raise _Unmappable(f"line break not found at {self.pos}")
            self.pos = found.end()
            code = InlineKind.SOFT_BREAK if kind == "softbreak" else InlineKind.LINE_BREAK
            self.span(code, self.length, self.length, markup=found.group(0))
            self.add(" ")
        elif kind == "code_inline":
            self.code(token)
        elif base in _EMPHASIS and kind.endswith("_open"):
            self.expect(token.markup)
            data = {"markup": token.markup, "at": str(self.token_at)}
            self.open.append((_EMPHASIS[base], self.length, data))
        elif base in _EMPHASIS and kind.endswith("_close"):
            self.expect(token.markup)
            span_kind, start, data = self.open.pop()
            self.span(span_kind, start, self.length, **data)
        elif kind == "link_open":
            self.link_open(token)
        elif kind == "link_close":
            self.link_close()
        elif kind == "image":
            self.image(token)
        elif kind == "html_inline":
            self.expect(token.content)
            self.span(InlineKind.OTHER_CODE, self.length, self.length, markup=token.content)
        elif kind == "footnote_ref":
            end = self.source.find("]", self.pos)
            if not self.source.startswith("[^", self.pos) or end < 0:
                raise _Unmappable(f"footnote reference not found at {self.pos}")
            markup = self.source[self.pos : end + 1]
            self.pos = end + 1
            label = str(token.meta.get("label", ""))
            self.span(InlineKind.FOOTNOTE_REF, self.length, self.length, label=label, markup=markup)
        else:
            raise _Unmappable(f"{kind} is not mapped")

    def code(self, token: Token) -> None:
        self.expect(token.markup)
        fence = len(token.markup)
        for run in re.finditer(r"`+", self.source[self.pos :]):
            if len(run.group(0)) == fence:
                raw = self.source[self.pos : self.pos + run.start()]
                break
        else:
            raise _Unmappable(f"end of code span not found at {self.pos}")
        self.pos += len(raw) + fence
        start = self.length
        self.add(token.content)
        self.span(InlineKind.CODE, start, self.length, markup=token.markup, source=raw)

    def link_open(self, token: Token) -> None:
        href = str(token.attrGet("href") or "")
        if token.markup == "autolink":
            end = self.source.find(">", self.pos)
            if not self.source.startswith("<", self.pos) or end < 0:
                raise _Unmappable(f"autolink not found at {self.pos}")
            self.autolink = (self.length, self.source[self.pos + 1 : end], href, self.pos)
            self.pos = end + 1
            return
        data = {"href": href, "title": str(token.attrGet("title") or ""), "markup": "["}
        data["at"] = str(self.pos)
        self.expect("[")
        data["label_at"] = str(self.pos)
        self.open.append((InlineKind.LINK, self.length, data))

    def link_close(self) -> None:
        if self.autolink is not None:
            start, raw, href, at = self.autolink
            self.autolink = None
            self.span(
                InlineKind.LINK, start, self.length, href=href, markup="<", source=raw, at=str(at)
            )
            return
        kind, start, data = self.open.pop()
        self.close_link(kind, start, data)

    def close_link(self, kind: InlineKind, start: int, data: dict[str, str]) -> None:
        label_at = int(data.pop("label_at"))
        label = self.source[label_at : self.pos]
        self.expect("]")
        end = _link_tail(self.source, self.pos)
        data["close"] = "]" + self.source[self.pos : end]
        self.pos = end
        if start == self.length:
            # No text to translate (a badge: a link around an image without alt
            # text): the whole construct is one code, written as it was.
            at = int(data["at"])
            kept = [number for number, (where, _) in enumerate(self.spans) if where < at]
            self.spans = [self.spans[number] for number in kept]
            self.closed_at = [self.closed_at[number] for number in kept]
            self.span(
                InlineKind.OTHER_CODE, start, start, markup=self.source[at : self.pos], at=str(at)
            )
            return
        if data["close"] in ("]", "][]"):
            data["label"] = label
            data["shown"] = "".join(self.parts)[start:]
        self.span(kind, start, self.length, **data)

    def image(self, token: Token) -> None:
        at = self.pos
        self.expect("![")
        start = self.length
        data = {
            "at": str(at),
            "src": str(token.attrGet("src") or ""),
            "title": str(token.attrGet("title") or ""),
            "markup": "![",
            "label_at": str(self.pos),
        }
        self.walk(token.children or [])
        self.close_link(InlineKind.IMAGE, start, data)


def _link_tail(source: str, pos: int) -> int:
    """Where a link's tail after its "]" ends: ``(dest "title")``, ``[label]``, or nothing."""
    from markdown_it.helpers import parseLinkDestination, parseLinkTitle

    size = len(source)

    def skip(at: int) -> int:
        while at < size and source[at] in " \t\n":
            at += 1
        return at

    if pos < size and source[pos] == "(":
        at = skip(pos + 1)
        if at < size and source[at] != ")":
            destination = parseLinkDestination(source, at, size)
            if destination.ok:
                at = destination.pos
                before = at
                at = skip(at)
                if at < size and at != before:
                    title = parseLinkTitle(source, at, size)
                    if title.ok:
                        at = skip(title.pos)
        if at < size and source[at] == ")":
            return at + 1
    if pos < size and source[pos] == "[":
        at, depth = pos + 1, 0
        while at < size:
            char = source[at]
            if char == "\\":
                at += 2
                continue
            if char == "[":
                depth += 1
            elif char == "]":
                if depth == 0:
                    return at + 1
                depth -= 1
            at += 1
    return pos


def _plain(content: str, children: Sequence[Token]) -> tuple[str, tuple[Inline, ...]]:
    """The plain text of an inline token and its spans, offsets into that text."""
    walk = _Walk(content)
    walk.walk(children)
    if walk.pos != len(content) or walk.open:
        raise _Unmappable(f"its inline tokens end at {walk.pos} of {len(content)}")
    text = "".join(walk.parts)
    spans = _mark_within(walk.spans, walk.closed_at)
    literal: dict[int, int] = {}
    for start, end, at in walk.literal:
        literal.update((offset, at + offset - start) for offset in range(start, end))
    for offset in escape_offsets(text, line_starts(text, [span for _, span in spans])):
        if offset in literal:
            escape = Inline(InlineKind.ESCAPE, offset, offset + 1, (("markup", text[offset]),))
            spans.append((literal[offset], escape))
    # Source order: a span opened first encloses the others at the same offset,
    # and a code written before a span stays before it.
    spans.sort(key=lambda pair: pair[0])
    return text, tuple(span for _, span in spans)


def _mark_within(
    spans: Sequence[tuple[int, Inline]], closed_at: Sequence[int]
) -> list[tuple[int, Inline]]:
    """Mark the codes written inside a span, right before it closes.

    ``**Array<String>**`` and ``**Array**<String>`` give the same text and
    offsets; ``within`` tells the writer to put the code before the close.
    """
    marked = []
    for at, span in spans:
        if span.standalone and any(
            not other.standalone and other.end == span.start and other_at < at < closed
            for (other_at, other), closed in zip(spans, closed_at, strict=True)
        ):
            span = replace(span, data=tuple(sorted((*span.data, ("within", "1")))))
        marked.append((at, span))
    return marked


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
