"""A segment's inline spans as formatted pieces of text, and back.

The bilingual renderers write a cell piece by piece, each piece with the
formatting active over it (a DOCX run, a stretch of inline Markdown); the review
import reads a cell back the same way and rebuilds plain text and spans with
:class:`SpanBuilder`. Both directions go through the same canonical form (spans
merged where contiguous, whitespace collapsed, spans trimmed of outer spaces), so
that a cell read back unchanged gives exactly what was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from translate_pipeline.document import FlagCode, Inline, InlineKind, QaFlag
from translate_pipeline.reproject import project_inlines

# What a paired span looks like to a renderer: its kind and the data it shows.
Mark = tuple[InlineKind, tuple[tuple[str, str], ...]]

# Paired kinds the bilingual files show, outermost first (a link holds bold text,
# never the other way round; inline code is innermost since it holds no markup).
SHOWN_PAIRED = (
    InlineKind.LINK,
    InlineKind.IMAGE,
    InlineKind.BOLD,
    InlineKind.ITALIC,
    InlineKind.UNDERLINE,
    InlineKind.STRIKE,
    InlineKind.SUPERSCRIPT,
    InlineKind.SUBSCRIPT,
    InlineKind.CODE,
)
# Standalone codes the bilingual files show (an image without alt text included).
SHOWN_CODES = (InlineKind.FOOTNOTE_REF, InlineKind.LINE_BREAK, InlineKind.IMAGE)
# The data each kind shows (and can therefore be read back).
SHOWN_DATA = {
    InlineKind.LINK: ("href", "title"),
    InlineKind.IMAGE: ("src",),
    InlineKind.FOOTNOTE_REF: ("label",),
}
_RANK = {kind: rank for rank, kind in enumerate(SHOWN_PAIRED)}


def shown_data(span: Inline) -> tuple[tuple[str, str], ...]:
    """The part of a span's data a bilingual file shows (a link's href and title ...)."""
    keys = SHOWN_DATA.get(span.kind, ())
    return tuple(sorted((key, value) for key, value in span.data if key in keys and value))


def mark_of(span: Inline) -> Mark:
    """The mark a paired span puts on the text it covers."""
    return (span.kind, shown_data(span))


@dataclass(frozen=True)
class Piece:
    """A stretch of text with the marks active over all of it, or one standalone code.

    Attributes:
        text: The text ("" for a standalone code).
        marks: Active marks, outermost first.
        code: The standalone code, when this piece is one.
    """

    text: str
    marks: tuple[Mark, ...] = ()
    code: Inline | None = None


def pieces(text: str, inlines: Sequence[Inline]) -> list[Piece]:
    """Cut ``text`` at every span boundary into pieces that each carry their marks.

    Only the kinds the bilingual files show are kept; a code sits before the text
    that starts at its offset.
    """
    paired = [
        span
        for span in inlines
        if not span.standalone and span.kind in _RANK and 0 <= span.start < span.end <= len(text)
    ]
    codes = sorted(
        (
            span
            for span in inlines
            if span.standalone and span.kind in SHOWN_CODES and 0 <= span.start <= len(text)
        ),
        key=lambda span: span.start,
    )
    bounds = sorted(
        {0, len(text), *(s.start for s in paired), *(s.end for s in paired)}
        | {code.start for code in codes}
    )
    result: list[Piece] = []
    waiting = list(codes)
    for start, end in pairwise(bounds):
        while waiting and waiting[0].start <= start:
            result.append(Piece("", code=waiting.pop(0)))
        active = sorted(
            {mark_of(span) for span in paired if span.start <= start and span.end >= end},
            key=lambda mark: (_RANK[mark[0]], mark[1]),
        )
        result.append(Piece(text[start:end], tuple(active)))
    result.extend(Piece("", code=code) for code in waiting)
    return result


class SpanBuilder:
    """Rebuilds plain text and spans from pieces read in order (a cell's runs)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._ranges: dict[Mark, list[list[int]]] = {}
        self._codes: list[Inline] = []

    def add_text(self, text: str, marks: Iterable[Mark] = ()) -> None:
        """Append ``text`` with ``marks`` active over it."""
        if not text:
            return
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        for mark in marks:
            ranges = self._ranges.setdefault(mark, [])
            if ranges and ranges[-1][1] == start:
                ranges[-1][1] = self._length
            else:
                ranges.append([start, self._length])

    def add_code(self, kind: InlineKind, data: Iterable[tuple[str, str]] = ()) -> None:
        """Append a standalone code at the current end of the text."""
        self._codes.append(Inline(kind, self._length, self._length, tuple(sorted(data))))

    def build(self) -> tuple[str, tuple[Inline, ...]]:
        """The plain text (whitespace collapsed, ends stripped) and its spans, sorted."""
        raw = "".join(self._parts)
        text, position = _collapse(raw)
        spans: list[Inline] = []
        for (kind, data), ranges in self._ranges.items():
            for start, end in ranges:
                lo, hi = position[start], position[end]
                while lo < hi and text[lo] == " ":
                    lo += 1
                while hi > lo and text[hi - 1] == " ":
                    hi -= 1
                if lo < hi:
                    spans.append(Inline(kind, lo, hi, data))
        spans += [
            replace(code, start=position[code.start], end=position[code.start])
            for code in self._codes
        ]
        return text, tuple(sorted(spans, key=_order))


def _order(span: Inline) -> tuple[int, int, str, tuple[tuple[str, str], ...]]:
    return (span.start, -span.end, span.kind.value, span.data)


# Whitespace that collapsing would change: a run, a non-space, or space at an end.
_UNTIDY = re.compile(r"\s\s|[^\S ]|^ | $")


def _collapse(raw: str) -> tuple[str, list[int]]:
    """``raw`` with whitespace runs as one space and ends stripped, and where each
    offset of ``raw`` (0 to its length) went."""
    if not _UNTIDY.search(raw):
        return raw, list(range(len(raw) + 1))
    out: list[str] = []
    position: list[int] = []
    for char in raw:
        position.append(len(out))
        if char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(char)
    position.append(len(out))
    if out and out[-1] == " ":
        out.pop()
    length = len(out)
    return "".join(out), [min(at, length) for at in position]


def canonical(
    text: str, inlines: Sequence[Inline], hidden: frozenset[str] = frozenset()
) -> tuple[str, tuple[Inline, ...]]:
    """What a bilingual cell written from ``text`` and ``inlines`` reads back as.

    Args:
        text: The plain text.
        inlines: Its spans.
        hidden: Data keys the file cannot show (a DOCX shows no image ``src``).
    """
    builder = SpanBuilder()
    for piece in pieces(text, inlines):
        if piece.code is not None:
            data = [pair for pair in shown_data(piece.code) if pair[0] not in hidden]
            builder.add_code(piece.code.kind, data)
        else:
            marks = [
                (kind, tuple(pair for pair in data if pair[0] not in hidden))
                for kind, data in piece.marks
            ]
            builder.add_text(piece.text, marks)
    return builder.build()


def reattach_data(read: Sequence[Inline], source: Sequence[Inline]) -> tuple[Inline, ...]:
    """Give spans read back from a reviewed cell the data the cell could not show.

    A link keeps the href read back but regains, say, the source's reference label;
    an image regains its ``src``. Spans are matched to the source's spans of the
    same kind in order (links by href first).
    """
    pools: dict[InlineKind, list[Inline]] = {}
    for span in source:
        pools.setdefault(span.kind, []).append(span)
    result = []
    for span in read:
        pool = pools.get(span.kind, [])
        match = None
        href = span.get("href")
        if href:
            match = next((s for s in pool if s.get("href") == href), None)
        if match is None and pool:
            match = pool[0]
        if match is None:
            result.append(span)
            continue
        pool.remove(match)
        merged = dict(match.data)
        merged.update(dict(span.data))
        result.append(replace(span, data=tuple(sorted(merged.items()))))
    return tuple(result)


def shown(span: Inline) -> bool:
    """Whether a bilingual file shows this span (and so reads it back when reviewed)."""
    return span.kind in (SHOWN_CODES if span.standalone else _RANK)


def reviewed_inlines(
    reviewed: Sequence[Inline], french: str, french_inlines: Sequence[Inline], english: str
) -> tuple[tuple[Inline, ...], QaFlag | None]:
    """The spans of a reviewed translation, complete, and a flag for what could not be kept.

    The reviewed spans (as the editor formatted the bilingual file) get back the
    data the file could not show (:func:`reattach_data`); the French spans the file
    does not show at all (a DOCX run's other properties, fields, tabs) are
    projected onto the reviewed English with the safe rules, and those that cannot
    be placed are named in a ``formatting-lost`` flag.
    """
    hidden = [span for span in french_inlines if not shown(span)]
    projection = project_inlines(french, hidden, english)
    spans = (*reattach_data(reviewed, [s for s in french_inlines if shown(s)]), *projection.inlines)
    flag = None
    if projection.lost:
        names = sorted({span.kind.value.replace("_", " ") for span in projection.lost})
        flag = QaFlag(FlagCode.FORMATTING_LOST, ", ".join(names) + " (not in the reviewed file)")
    return tuple(sorted(spans, key=_order)), flag
