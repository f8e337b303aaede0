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
- otherwise, for engines whose output cannot carry tags (neural models), the
  span's French text translated alone (``span_english``, asked of the engine
  once per distinct text, see :func:`spans_needing_translation`) goes where that
  English occurs exactly once as whole words, when the French text occurs once
  too; a leading English article the French span lacks is left outside it;
- otherwise, given a word alignment (``alignment``: CTranslate2's attention,
  see :func:`attention_alignment`), the English it aligns the span's words to,
  when that is one contiguous run of tokens;
- spans that were disjoint in the French and overlap in the English, or that
  cross each other, are all reported lost: a span never lands on wrong words;
- soft line breaks and escapes are layout, not formatting: they are dropped
  silently where they cannot be placed (the writers re-wrap and re-escape).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from translate_pipeline.document import Inline, InlineKind

# Kinds that only say how the source was typed, not how it looks.
_LAYOUT = frozenset({InlineKind.SOFT_BREAK, InlineKind.ESCAPE})
# Inline code is never translated: finding it verbatim is the only safe rule.
_UNTRANSLATED = frozenset({InlineKind.CODE})
_EDGE = " \t\n.,;:!?\"'«»“”‘’()[]"
_ARTICLE = re.compile(r"(?i)(?:the|an?)\s+")
# English words too common to locate a span by: "de" alone is "of", and the one
# "of" in the English may well belong to another French word.
# fmt: off
_FUNCTION_WORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and",
    "or", "but", "is", "are", "was", "be", "been", "it", "its", "as", "that", "this",
    "these", "those", "he", "she", "they", "we", "you", "i", "his", "her", "their", "our",
})
# fmt: on
_FRENCH_ARTICLE = re.compile(r"(?i)^(?:les?|la|l['’]|une?|des|du|d['’])\s*")


# A French character range -> the English range aligned to it, or None.
Alignment = Callable[[int, int], tuple[int, int] | None]


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
    span_english: Mapping[str, str | Sequence[str]] | None = None,
    alignment: Alignment | None = None,
) -> Projection:
    """Place the French segment's ``inlines`` on its ``english`` translation.

    Args:
        french: The segment's French plain text (what the engine received).
        inlines: Its spans, offsets into ``french``.
        english: The English plain text.
        known: French ranges whose English is known: ``(start, end, english)``
            (glossary terms, URLs, numbers as protection restored them).
        span_english: The English of span texts, keyed by the French span text:
            one English, or several tried in order (the span's words as an
            engine rendered them in context, then translated alone; see
            :func:`spans_needing_translation`).
        alignment: French character range -> the English range aligned to it, or
            None where the alignment is not one contiguous run (the last rule).

    Returns:
        The placed spans and the lost ones; every span is in exactly one of them,
        except layout-only ones (soft breaks, escapes), which may just be dropped.
    """
    if not inlines:
        return Projection((), ())
    if english == french:
        return Projection(tuple(inlines), ())
    alone = span_english or {}
    where: dict[int, tuple[int, int]] = {}
    for number, span in enumerate(inlines):
        found = _place(french, span, english, known)
        if found is None and span.kind not in _UNTRANSLATED and not span.standalone:
            found = _place_alone(french, span, english, alone)
            if found is None and alignment is not None:
                found = alignment(span.start, span.end)
        if found is not None:
            where[number] = found
    for number in _clashing(inlines, where):
        del where[number]
    placed = tuple(
        replace(span, start=where[n][0], end=where[n][1])
        for n, span in enumerate(inlines)
        if n in where
    )
    lost = tuple(
        span for n, span in enumerate(inlines) if n not in where and span.kind not in _LAYOUT
    )
    return Projection(placed, lost)


def spans_needing_translation(
    rows: Iterable[tuple[str, Sequence[Inline], str]],
    known: Mapping[str, Sequence[tuple[int, int, str]]] | None = None,
) -> list[str]:
    """The distinct span texts that only a translation alone could place.

    Pure: the pipeline sends the result to the engine in one batch, then passes
    the answers to :func:`project_inlines` as ``span_english``.

    Args:
        rows: ``(french, inlines, english)`` of each translated segment.
        known: Known English ranges of each French segment (as for
            :func:`project_inlines`), keyed by the French text.

    Returns:
        Span texts (edge spaces and punctuation removed), in first-seen order.
    """
    wanted: dict[str, None] = {}
    known = known or {}
    for french, inlines, english in rows:
        if english == french:
            continue
        for span in inlines:
            if span.standalone or span.kind in _LAYOUT or span.kind in _UNTRANSLATED:
                continue
            if _place(french, span, english, known.get(french, ())) is not None:
                continue
            text = french[span.start : span.end].strip(_EDGE)
            if any(char.isalnum() for char in text):
                wanted[text] = None
    return list(wanted)


def mark_spans_html(french: str, inlines: Sequence[Inline]) -> str:
    """``french`` as HTML with each span a numbered tag, for engines that carry tags.

    Apertium's ``-f html`` moves tags with the words they hold (superblanks).
    Span ``n`` becomes ``<b id="kn">`` ... ``</b>`` (``<code>`` for inline code,
    whose text Apertium leaves alone); a standalone code a void ``<br id="kn">``
    (an empty ``<span></span>`` swallows the blank line that separates segments).
    Link targets and other data never reach the engine. Layout-only spans are
    left out.
    """
    inserts: list[tuple[int, int, str]] = []
    for number, span in enumerate(inlines):
        if span.kind in _LAYOUT:
            continue
        if span.standalone:
            inserts.append((span.start, 1, f'<br id="k{number}">'))
            continue
        name = "code" if span.kind in _UNTRANSLATED else "b"
        inserts.append((span.start, 2, f'<{name} id="k{number}">'))
        inserts.append((span.end, 0, f"</{name}>"))
    # At one offset: closing tags first, then codes, then opening tags.
    inserts.sort(key=lambda item: (item[0], item[1]))
    out, at = [], 0
    for offset, _, tag in inserts:
        out.append(html.escape(french[at:offset], quote=False))
        out.append(tag)
        at = offset
    out.append(html.escape(french[at:], quote=False))
    return "".join(out)


_MARK = re.compile(r'<(/?)(b|code|br)(?: id="k(\d+)")?>')


@dataclass(frozen=True)
class MarkedEnglish:
    """An engine's English of a marked segment, read back.

    Attributes:
        text: The English, tags removed, entities decoded, spaces collapsed.
        ranges: For each span number, where its tag came back once:
            ``(start, end)`` into ``text``; ``None`` when the tag was lost or
            came back more than once (the engine split the span).
    """

    text: str
    ranges: tuple[tuple[int, int] | None, ...]


def read_marked_html(output: str, count: int) -> MarkedEnglish:
    """Read the tags of :func:`mark_spans_html` back from an engine's ``output``.

    Args:
        output: The engine's HTML.
        count: How many spans the French segment had.
    """
    seen: dict[int, list[tuple[int, int]]] = {}
    stack: list[tuple[str, int, int]] = []
    parts: list[str] = []
    length, at = 0, 0
    for match in _MARK.finditer(output):
        piece = html.unescape(output[at : match.start()])
        parts.append(piece)
        length += len(piece)
        at = match.end()
        closing, name, number = match.groups()
        if name == "br" and number is not None:
            seen.setdefault(int(number), []).append((length, length))
        elif not closing:
            stack.append((name, int(number) if number is not None else -1, length))
        elif stack and stack[-1][0] == name:
            _, opened, start = stack.pop()
            seen.setdefault(opened, []).append((start, length))
    parts.append(html.unescape(output[at:]))
    text, moved = _collapse_spaces("".join(parts))
    ranges: list[tuple[int, int] | None] = []
    for number in range(count):
        found = seen.get(number, [])
        if len(found) != 1:
            ranges.append(None)
            continue
        start, end = moved[found[0][0]], moved[found[0][1]]
        while start < end and text[start] == " ":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        ranges.append((start, end))
    return MarkedEnglish(text, tuple(ranges))


def spans_in_context(
    french: str, inlines: Sequence[Inline], marked: MarkedEnglish
) -> dict[str, str]:
    """Each paired span's French text -> the English its tag held in context.

    The result is given to :func:`project_inlines` as a first candidate: the
    English text itself stays the engine's plain translation, which tags can
    degrade (measured on Apertium: 11 of 73 sentences changed).
    """
    found = {}
    for span, where in zip(inlines, marked.ranges, strict=False):
        if where is None or span.standalone or span.kind in _LAYOUT:
            continue
        english = marked.text[where[0] : where[1]].strip(_EDGE)
        if any(char.isalnum() for char in english):
            found[french[span.start : span.end].strip(_EDGE)] = english
    return found


def _collapse_spaces(raw: str) -> tuple[str, list[int]]:
    """``raw`` with whitespace runs made single spaces, stripped; old offset -> new."""
    out: list[str] = []
    moved: list[int] = []
    for char in raw:
        moved.append(len(out))
        if not char.isspace():
            out.append(char)
        elif out and out[-1] != " ":
            out.append(" ")
    moved.append(len(out))
    text = "".join(out).rstrip()
    return text, [min(at, len(text)) for at in moved]


def piece_offsets(text: str, pieces: Sequence[str]) -> list[tuple[int, int]] | None:
    """Character range of each SentencePiece piece in the ``text`` it encodes.

    Returns None when the pieces do not spell the text (SentencePiece normalised
    a character): no alignment is better than a shifted one.
    """
    offsets, at = [], 0
    for piece in pieces:
        body = piece.lstrip("\u2581")
        if len(body) < len(piece):  # a word start: spaces in the text before it
            while at < len(text) and text[at].isspace():
                at += 1
        if not text.startswith(body, at):
            return None
        offsets.append((at, at + len(body)))
        at += len(body)
    return offsets if not text[at:].strip() else None


def attention_alignment(
    french_offsets: Sequence[tuple[int, int]],
    english_offsets: Sequence[tuple[int, int]],
    attention: Sequence[Sequence[float]],
) -> Alignment:
    """An :data:`Alignment` from a translation's attention (CTranslate2 ``return_attention``).

    Each English token is aligned to the French token it attends to most; a
    French range maps to the English tokens aligned into it, when they form one
    contiguous run.

    Args:
        french_offsets: Character range of each French token (:func:`piece_offsets`).
        english_offsets: Character range of each English token in the English text.
        attention: One row per English token, one weight per French token.
    """
    aligned_to = [
        max(range(len(row)), key=row.__getitem__) if len(row) else -1 for row in attention
    ]

    def align(start: int, end: int) -> tuple[int, int] | None:
        inside = {n for n, (a, b) in enumerate(french_offsets) if a < end and start < b}
        hits = [
            n for n, source in enumerate(aligned_to[: len(english_offsets)]) if source in inside
        ]
        if not hits or hits != list(range(hits[0], hits[-1] + 1)):
            return None
        first, last = english_offsets[hits[0]], english_offsets[hits[-1]]
        return (first[0], last[1]) if first[0] < last[1] else None

    return align


def _place(
    french: str, span: Inline, english: str, known: Sequence[tuple[int, int, str]]
) -> tuple[int, int] | None:
    if span.kind is InlineKind.ESCAPE:
        return None
    if span.standalone:
        return _place_code(french, span.start, english, layout=span.kind in _LAYOUT)
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


def _place_code(french: str, at: int, english: str, layout: bool) -> tuple[int, int] | None:
    """Where a standalone code (a footnote reference) goes in the English.

    At the start or end it stays there; before the closing punctuation it stays
    before the English's; inside, right after the word before it, or right
    before the word after it, when that word is the same in both languages and
    occurs once in each (a name, a number: "selon l'Insee[1], ..."). A soft
    break inside is layout only: dropped.
    """
    if not french[:at].strip():
        return (0, 0)
    if not french[at:].strip():
        return (len(english), len(english))
    if layout:
        return None
    if not french[at:].strip(_EDGE):
        end = len(english.rstrip(_EDGE))
        return (end, end)
    before = re.search(r"(\w+)(\s*)$", french[:at])
    if before:
        hits = _word_hits(english, before.group(1))
        if len(hits) == 1 and len(_word_hits(french, before.group(1))) == 1:
            end = hits[0][1]
            if before.group(2):  # "Insee [1]": the space too
                end += len(english[end:]) - len(english[end:].lstrip())
            return (end, end)
    after = re.match(r"(\s*)(\w+)", french[at:])
    if after:
        hits = _word_hits(english, after.group(2))
        if len(hits) == 1 and len(_word_hits(french, after.group(2))) == 1:
            start = hits[0][0]
            if after.group(1):  # "voir[1] Paris": before the space
                start = len(english[:start].rstrip())
            return (start, start)
    return None


def _place_alone(
    french: str, span: Inline, english: str, alone: Mapping[str, str | Sequence[str]]
) -> tuple[int, int] | None:
    """Where one of the span's known Englishes occurs exactly once as whole words."""
    text = french[span.start : span.end].strip(_EDGE)
    if len(_word_hits(french, text)) != 1:
        return None  # which occurrence is meant is unknown
    targets = alone.get(text, ())
    for target in (targets,) if isinstance(targets, str) else targets:
        found = _find_once(text, target.strip(_EDGE), english)
        if found is not None:
            return found
    return None


def _find_once(text: str, target: str, english: str) -> tuple[int, int] | None:
    """Where ``target``, the English of French ``text``, occurs once in ``english``."""
    words = re.findall(r"\w+", target.casefold())
    if not words or all(word in _FUNCTION_WORDS for word in words):
        return None
    hits = _word_hits(english, target)
    if len(hits) == 1:
        start, end = hits[0]
        article = _ARTICLE.match(english, start, end)
        if article and not _FRENCH_ARTICLE.match(text):
            # "société" alone came back as "the company": the span is "company".
            start = article.end()
        return (start, end)
    leading = _ARTICLE.match(target)
    if hits or leading is None or _FRENCH_ARTICLE.match(text):
        return None  # several places, or none: which words are meant is unknown
    hits = _word_hits(english, target[leading.end() :])
    return hits[0] if len(hits) == 1 else None


def _word_hits(text: str, needle: str) -> list[tuple[int, int]]:
    """Case-insensitive whole-word occurrences of ``needle`` (inner spaces flexible)."""
    words = [re.escape(word) for word in needle.split()]
    if not words:
        return []
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
    return [match.span() for match in pattern.finditer(text)]


def _clashing(inlines: Sequence[Inline], where: Mapping[int, tuple[int, int]]) -> set[int]:
    """Placed spans whose English ranges contradict their French ones.

    Two paired spans must keep their relation: disjoint stays disjoint, nested
    stays nested; ranges that cross are contradictions too.
    """
    clashing: set[int] = set()
    numbers = [n for n in where if not inlines[n].standalone]
    for i, first in enumerate(numbers):
        for second in numbers[i + 1 :]:
            a, b = inlines[first], inlines[second]
            ea, eb = where[first], where[second]
            french_disjoint = a.end <= b.start or b.end <= a.start
            english_disjoint = ea[1] <= eb[0] or eb[1] <= ea[0]
            english_nested = (ea[0] <= eb[0] and eb[1] <= ea[1]) or (
                eb[0] <= ea[0] and ea[1] <= eb[1]
            )
            if french_disjoint != english_disjoint or not (english_disjoint or english_nested):
                clashing.update((first, second))
    return clashing


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
    """Where ``needle`` occurs in ``text``, never inside a longer word.

    "vaccin" is not in "vaccine": a span on a French word must not land on part
    of an English one.
    """
    found, at = [], text.find(needle)
    while at >= 0:
        end = at + len(needle)
        cut_before = needle[0].isalnum() and at > 0 and text[at - 1].isalnum()
        cut_after = needle[-1].isalnum() and end < len(text) and text[end].isalnum()
        if not (cut_before or cut_after):
            found.append(at)
        at = text.find(needle, at + 1)
    return found
