"""Inline tokens matched, one by one, to the Markdown source they came from.

markdown-it gives an inline token's children (text, emphasis, links, code,
images, breaks, HTML) but not where each came from; walking the source beside
them gives the block's plain text and its spans, each with the source's own
markup (``**`` or ``__``, an escape, an entity), which is what writing the
source back byte for byte needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from translate_pipeline.document import Inline, InlineKind
from translate_pipeline.formats.markdown.inline import escape_offsets, line_starts

if TYPE_CHECKING:
    from markdown_it.token import Token


_INLINE_SHORTCODE = re.compile(r"(\{\{[<%].*?[>%]\}\})", re.DOTALL)
_BREAK = re.compile(r"(?: *|\\)\n[ \t]*")


class Unmappable(Exception):
    """The inline tokens cannot be matched to their source."""


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
            raise Unmappable(f"expected {markup!r} at {self.pos}")
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
                raise Unmappable(f"line break not found at {self.pos}")
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
                raise Unmappable(f"footnote reference not found at {self.pos}")
            markup = self.source[self.pos : end + 1]
            self.pos = end + 1
            label = str(token.meta.get("label", ""))
            self.span(InlineKind.FOOTNOTE_REF, self.length, self.length, label=label, markup=markup)
        else:
            raise Unmappable(f"{kind} is not mapped")

    def code(self, token: Token) -> None:
        self.expect(token.markup)
        fence = len(token.markup)
        for run in re.finditer(r"`+", self.source[self.pos :]):
            if len(run.group(0)) == fence:
                raw = self.source[self.pos : self.pos + run.start()]
                break
        else:
            raise Unmappable(f"end of code span not found at {self.pos}")
        self.pos += len(raw) + fence
        start = self.length
        self.add(token.content)
        self.span(InlineKind.CODE, start, self.length, markup=token.markup, source=raw)

    def link_open(self, token: Token) -> None:
        href = str(token.attrGet("href") or "")
        if token.markup == "autolink":
            end = self.source.find(">", self.pos)
            if not self.source.startswith("<", self.pos) or end < 0:
                raise Unmappable(f"autolink not found at {self.pos}")
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


def plain_text(content: str, children: Sequence[Token]) -> tuple[str, tuple[Inline, ...]]:
    """The plain text of an inline token and its spans, offsets into that text."""
    walk = _Walk(content)
    walk.walk(children)
    if walk.pos != len(content) or walk.open:
        raise Unmappable(f"its inline tokens end at {walk.pos} of {len(content)}")
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
