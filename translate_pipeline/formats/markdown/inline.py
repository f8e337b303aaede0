"""Markdown inline markup written back from plain text and spans.

The reader keeps, in each span's ``data``, how the source wrote it (``markup`` for
the opening marker, ``close`` for what ends it, ``source`` for raw text such as a
code span's); this module writes a block's inline Markdown from plain text and
spans. The reader checks, block by block, that writing its own spans back gives
the source exactly; the English writer uses the same code on the English.

Plain text not covered by a span is escaped where Markdown would read it as
markup. So that this never changes the source, the reader records every such
character the source wrote literally as an ``ESCAPE`` span whose markup is the
character itself; on an English the engine wrote, such spans are gone and the
character is escaped (``*`` becomes ``\\*``, which renders the same).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from translate_pipeline.document import Inline, InlineKind

# Characters that open or close inline markup wherever they stand.
_INLINE_SPECIAL = frozenset("\\`*_[]<~")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# What makes a line a heading, quote, list item or rule when it starts one.
# (The last character of the match is the one escaped: "1\\." and "--\\-".)
_LINE_START_SPECIAL = re.compile(r"#|>|[-+=](?=[ \t]|$)|-{2,}|={2,}|[0-9]{1,9}[.)](?=[ \t]|$)")
# Kinds written from their own raw source, whose text is never escaped.
_RAW = frozenset({InlineKind.CODE, InlineKind.OTHER_CODE})
_PAIRED = frozenset(
    {
        InlineKind.BOLD,
        InlineKind.ITALIC,
        InlineKind.STRIKE,
        InlineKind.LINK,
        InlineKind.IMAGE,
        InlineKind.CODE,
        InlineKind.ESCAPE,
    }
)
_BREAKS = frozenset({InlineKind.SOFT_BREAK, InlineKind.LINE_BREAK})


def line_starts(text: str, inlines: Sequence[Inline]) -> frozenset[int]:
    """Offsets of ``text`` that begin a line once written: 0 and after each break."""
    starts = {0}
    for span in inlines:
        if span.kind in _BREAKS:
            starts.add(span.start + 1 if text[span.start : span.start + 1] == " " else span.start)
    return frozenset(starts)


def escape_offsets(text: str, starts: frozenset[int]) -> list[int]:
    """Offsets of the characters of ``text`` that Markdown would read as markup."""
    found = []
    for offset, char in enumerate(text):
        if char in _INLINE_SPECIAL or (char == "&" and _ENTITY.match(text, offset)):
            found.append(offset)
        elif offset in starts:
            match = _LINE_START_SPECIAL.match(text, offset)
            if match:
                found.append(match.end() - 1)
    return found


def code_text(raw: str) -> str:
    """What a code span shows for its raw source (CommonMark's normalisation)."""
    shown = raw.replace("\n", " ")
    if len(shown) >= 2 and shown[0] == " " and shown[-1] == " " and shown.strip(" "):
        shown = shown[1:-1]
    return shown


def _code_span(text: str) -> str:
    """A code span showing ``text``, with a fence of backticks it does not hold."""
    runs = {len(run) for run in re.findall(r"`+", text)}
    fence = "`"
    while len(fence) in runs:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _nested(text: str, inlines: Sequence[Inline]) -> list[tuple[int, Inline]]:
    """The paired spans that nest properly, with their index in ``inlines``.

    Outermost first; at equal ranges, the earlier in ``inlines`` encloses the
    later. The reader's spans always nest; an English projection may cross two
    spans, and writing both would break the Markdown, so the later one is left out.
    """
    paired = sorted(
        (
            (index, span)
            for index, span in enumerate(inlines)
            if span.kind in _PAIRED and span.start < span.end and span.end <= len(text)
        ),
        key=lambda pair: (pair[1].start, -pair[1].end, pair[0]),
    )
    kept: list[tuple[int, Inline]] = []
    stack: list[Inline] = []
    for index, span in paired:
        while stack and stack[-1].end <= span.start:
            stack.pop()
        if stack and span.end > stack[-1].end:
            continue
        kept.append((index, span))
        stack.append(span)
    return kept


def render_inline(text: str, inlines: Sequence[Inline]) -> str:
    """The inline Markdown of ``text`` with its ``inlines``.

    Line breaks come out as ``\\n`` (the caller adds the container's prefixes).
    At one offset, codes marked ``within`` come first (the source wrote them
    inside a span, before its end), then spans that end there close (innermost
    first); then other codes and opening spans come in the order of
    ``inlines``, so that a code the source wrote before a span stays before it.
    """
    paired = _nested(text, inlines)
    standalone = [
        (index, span)
        for index, span in enumerate(inlines)
        if span.start == span.end and span.kind not in _PAIRED and span.start <= len(text)
    ]
    starts = line_starts(text, [span for _, span in standalone])
    escapes = set(escape_offsets(text, starts))
    closes: dict[int, list[Inline]] = {}
    events: dict[int, list[tuple[int, int, Inline]]] = {}
    for order, (index, span) in enumerate(paired):
        closes.setdefault(span.end, []).insert(0, span)
        events.setdefault(span.start, []).append((index, order, span))
    within: dict[int, list[Inline]] = {}
    for index, span in standalone:
        if span.get("within") and span.start in closes and span.kind not in _BREAKS:
            within.setdefault(span.start, []).append(span)
            continue
        events.setdefault(span.start, []).append((index, -1, span))
    for at, happening in events.items():
        # Opening spans keep their nesting order; codes slot in by their index.
        opens = [event for event in happening if event[1] >= 0]
        codes = sorted(event for event in happening if event[1] < 0)
        merged: list[tuple[int, int, Inline]] = []
        for event in opens:
            while codes and codes[0][0] < event[0]:
                merged.append(codes.pop(0))
            merged.append(event)
        events[at] = merged + codes

    out: list[str] = []
    # A raw span (code, escape, autolink) is written whole where it opens; nothing
    # inside it is written again.
    skip_until = 0
    suppressed: set[int] = set()
    eaten: set[int] = set()
    for offset in range(len(text) + 1):
        # A code the source wrote inside a span, right before its end, goes first.
        for span in closes.get(offset, ()) and within.get(offset, ()):
            if offset >= skip_until:
                out.append(span.get("markup"))
        for span in closes.get(offset, ()):
            if id(span) not in suppressed:
                out.append(_close(text, span))
        for _, order, span in events.get(offset, ()):
            if offset < skip_until:
                if order >= 0:
                    suppressed.add(id(span))
                continue
            if order < 0:
                if span.kind in _BREAKS:
                    out.append(span.get("markup", "\n"))
                    if text[offset : offset + 1] == " ":
                        eaten.add(offset)
                else:
                    out.append(span.get("markup"))
                continue
            out.append(_open(text, span))
            if span.kind in _RAW or span.kind is InlineKind.ESCAPE or _is_autolink(text, span):
                skip_until = span.end
        if offset == len(text):
            break
        if offset < skip_until or offset in eaten:
            continue
        char = text[offset]
        out.append("\\" + char if offset in escapes else char)
    return "".join(out)


def _is_autolink(text: str, span: Inline) -> bool:
    return (
        span.kind is InlineKind.LINK
        and span.get("markup") == "<"
        and text[span.start : span.end] == span.get("source")
    )


def _open(text: str, span: Inline) -> str:
    """What opens ``span`` (for raw kinds: the whole span)."""
    covered = text[span.start : span.end]
    if span.kind is InlineKind.ESCAPE:
        return span.get("markup", covered)
    if span.kind is InlineKind.CODE:
        raw = span.get("source")
        fence = span.get("markup", "`")
        if raw and code_text(raw) == covered:
            return f"{fence}{raw}{span.get('close', fence)}"
        return _code_span(covered)
    if span.kind is InlineKind.OTHER_CODE:
        return span.get("markup", covered)
    if _is_autolink(text, span):
        return f"<{covered}>"
    if span.kind is InlineKind.LINK and span.get("markup") == "<":
        return "["
    return span.get("markup", "")


def _close(text: str, span: Inline) -> str:
    """What closes ``span`` (nothing for raw kinds, written whole when opened)."""
    if span.kind in _RAW or span.kind is InlineKind.ESCAPE or _is_autolink(text, span):
        return ""
    if span.kind in (InlineKind.LINK, InlineKind.IMAGE):
        if span.get("markup") == "<":
            href = span.get("href")
            return f"](<{href}>)" if " " in href else f"]({href})"
        close = span.get("close", "]")
        # A shortcut or collapsed reference names its definition by its own text:
        # once that text is translated, the label has to be written out.
        if close in ("]", "][]") and span.get("shown") != text[span.start : span.end]:
            return f"][{span.get('label')}]"
        return close
    return span.get("close", span.get("markup", ""))
