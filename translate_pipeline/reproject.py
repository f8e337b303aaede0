"""Placing a segment's inline spans on its English translation.

Engines translate plain text; the spans (bold, links, inline code, footnote
references, ...) are kept aside and put back on the English here. This module
holds the simple, safe rules only; anything they cannot place is reported as
lost, and the row is flagged ``formatting-lost``, never guessed:

- an English identical to the French keeps every span as it is;
- a span covering the whole segment (its letters and digits) wraps the whole English;
- a span whose French text is found verbatim in the English, as many times as in
  the French (names, inline code, URLs, glossary terms kept as they are), goes on
  the same occurrence;
- a span on a French range whose English is known (a glossary term with a fixed
  translation) goes on that English when it is found once;
- a standalone code at the very start or end of the segment stays there;
- soft line breaks and escapes are layout, not formatting: they are dropped
  silently where they cannot be placed (the writers re-wrap and re-escape).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from translate_pipeline.document import Inline, InlineKind

# Kinds that only say how the source was typed, not how it looks.
_LAYOUT = frozenset({InlineKind.SOFT_BREAK, InlineKind.ESCAPE})


@dataclass(frozen=True)
class Projection:
    """The spans placed on the English, and those that could not be.

    Attributes:
        inlines: Spans with offsets into the English, in the order of the French.
        lost: The French spans that could not be placed (layout-only kinds excluded).
    """

    inlines: tuple[Inline, ...]
    lost: tuple[Inline, ...]


def project_inlines(
    french: str,
    inlines: Sequence[Inline],
    english: str,
    known: Sequence[tuple[int, int, str]] = (),
) -> Projection:
    """Place the French segment's ``inlines`` on its ``english`` translation.

    Args:
        french: The segment's French plain text (what the engine received).
        inlines: Its spans, offsets into ``french``.
        english: The English plain text.
        known: French ranges whose English is known: ``(start, end, english)``
            (glossary terms, URLs, numbers as protection restored them).

    Returns:
        The placed spans and the lost ones; every span is in exactly one of them,
        except layout-only ones (soft breaks, escapes), which may just be dropped.
    """
    if not inlines:
        return Projection((), ())
    if english == french:
        return Projection(tuple(inlines), ())
    placed: list[Inline] = []
    lost: list[Inline] = []
    for span in inlines:
        where = _place(french, span, english, known)
        if where is not None:
            placed.append(replace(span, start=where[0], end=where[1]))
        elif span.kind not in _LAYOUT:
            lost.append(span)
    return Projection(tuple(placed), tuple(lost))


def _place(
    french: str, span: Inline, english: str, known: Sequence[tuple[int, int, str]]
) -> tuple[int, int] | None:
    if span.kind is InlineKind.ESCAPE:
        return None
    if span.standalone:
        if span.start == 0:
            return (0, 0)
        if span.start >= len(french.rstrip()):
            return (len(english), len(english))
        return None
    core = _core(french, 0, len(french))
    if core is not None and _core(french, span.start, span.end) == core:
        whole = _core(english, 0, len(english))
        if whole is not None:
            return whole
    text = french[span.start : span.end]
    found = _same_occurrence(french, span.start, text, english)
    if found is not None:
        return found
    for start, end, target in known:
        if (start, end) == (span.start, span.end) and target and english.count(target) == 1:
            at = english.index(target)
            return (at, at + len(target))
    return None


def _core(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` narrowed to the first and last letter or digit; None if none."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if start < end else None


def _same_occurrence(french: str, start: int, text: str, english: str) -> tuple[int, int] | None:
    """Where the same occurrence of ``text`` is in ``english``, when counts agree."""
    if not text.strip():
        return None
    french_hits = _occurrences(french, text)
    english_hits = _occurrences(english, text)
    if not english_hits or len(french_hits) != len(english_hits) or start not in french_hits:
        return None
    at = english_hits[french_hits.index(start)]
    return (at, at + len(text))


def _occurrences(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found
