"""Quality checks on every translated segment.

Each check looks at the French, the English and what became of the protected
spans, and returns flags; nothing here changes the text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from translate_pipeline.document import AlignedDocument, FlagCode, QaFlag
from translate_pipeline.numbers import unmatched
from translate_pipeline.protect import Outcome, SpanKind, SpanResult, without_links
from translate_pipeline.typography import french_typography

# English is usually 0.8-1.2 times as long as French; outside this band a
# sentence was most likely cut or padded. Short sentences shrink more than that
# ("Pourquoi maintenant ?" -> "Why now?"), so a row is judged only when the
# lengths also differ by LENGTH_RATIO_MIN_GAP characters or more.
LENGTH_RATIO_BAND = (0.5, 2.0)
LENGTH_RATIO_MIN_CHARS = 20
LENGTH_RATIO_MIN_GAP = 15

_WORD = re.compile(r"[^\W\d_]{2,}")
# French function words: a row in capitals ("UNE RENTRÉE SOUS TENSION") that
# holds one is French text, not a run of names or acronyms.
_FRENCH_FUNCTION_TEXT = (
    "le la les un une des du de au aux et ou en dans sur sous pour par avec sans "
    "qui que quoi dont est sont ne pas plus ce cette ces son sa ses leur leurs"
)
_FRENCH_FUNCTION_WORDS = frozenset(_FRENCH_FUNCTION_TEXT.split())
# Lower-case words that belong to names ("Charles de Gaulle", "Ludwig van Beethoven").
_NAME_PARTICLES = frozenset({"de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "di"})
# English writes "12%"; "12 %" in a reviewed English is the French spacing left.
_SPACE_BEFORE_PERCENT = re.compile(r"\d[ \u00a0\u202f]+%")


@dataclass(frozen=True)
class SegmentCheck:
    """Everything the checks need about one segment."""

    french: str
    english: str
    spans: Sequence[SpanResult]
    # The words the engine marked as untranslated, as QA names them.
    marked_words: tuple[str, ...] = ()


def check_segment(item: SegmentCheck) -> tuple[QaFlag, ...]:
    """Run every check on one segment and return its flags, in a stable order."""
    flags: list[QaFlag] = []
    flags.extend(_span_flags(item.spans))
    flags.extend(_number_flags(item))
    if item.marked_words:
        flags.append(QaFlag(FlagCode.UNTRANSLATED_WORD, ", ".join(item.marked_words)))
    left = french_typography(without_links(item.english))
    # Inline code is the code's own ("timeout: 3,5 %"), checked byte for byte.
    if _SPACE_BEFORE_PERCENT.search(without_links(_without_code(item)[1])):
        left = (*left, "space before percent sign")
    if left:
        flags.append(QaFlag(FlagCode.FRENCH_TYPOGRAPHY, ", ".join(left)))
    english = item.english.strip()
    if not english and _WORD.search(item.french):
        flags.append(QaFlag(FlagCode.EMPTY, "no English"))
        return tuple(flags)
    if _is_untranslated(item):
        flags.append(QaFlag(FlagCode.UNTRANSLATED, "English is identical to the French"))
    ratio = len(english) / max(1, len(item.french))
    low, high = LENGTH_RATIO_BAND
    gap = abs(len(english) - len(item.french))
    if (
        len(item.french) >= LENGTH_RATIO_MIN_CHARS
        and gap >= LENGTH_RATIO_MIN_GAP
        and not low <= ratio <= high
    ):
        flags.append(QaFlag(FlagCode.LENGTH_RATIO, f"English is {ratio:.1f}x the French length"))
    return tuple(flags)


def _span_flags(spans: Sequence[SpanResult]) -> list[QaFlag]:
    flags = []
    for result in spans:
        if result.outcome is not Outcome.MISSING:
            continue
        span = result.span
        if span.kind is SpanKind.TERM:
            wanted = (
                span.expected
                if span.expected == span.source
                else f"{span.source} -> {span.expected}"
            )
            flags.append(QaFlag(FlagCode.TERM_MISSING, wanted))
        elif span.kind in (SpanKind.URL, SpanKind.EMAIL):
            flags.append(QaFlag(FlagCode.URL_CHANGED, span.source))
        elif span.kind is SpanKind.CODE:
            flags.append(QaFlag(FlagCode.CODE_CHANGED, span.source))
        # Numbers are judged by value in _number_flags, where "€600 million"
        # keeps "600 millions d'euros" whatever form the span expected.
    return flags


def _number_flags(item: SegmentCheck) -> list[QaFlag]:
    """A flag for each French number whose digits or value the English does not keep.

    Numbers inside inline code are the code's (``timeout: 3,5``): left out here,
    the code itself is checked byte for byte.
    """
    french, english = _without_code(item)
    return [
        QaFlag(
            FlagCode.NUMBER_MISMATCH,
            f"{number.source} (expected {number.english})"
            if number.converted
            else f"{number.source} missing",
        )
        for number in unmatched(without_links(french), without_links(english))
    ]


def _without_code(item: SegmentCheck) -> tuple[str, str]:
    french, english = item.french, item.english
    for result in sorted(item.spans, key=lambda r: -r.span.start):
        span = result.span
        if span.kind is SpanKind.CODE:
            french = french[: span.start] + " " + french[span.end :]
            english = english.replace(span.expected, " ", 1)
    return french, english


def _is_untranslated(item: SegmentCheck) -> bool:
    if " ".join(item.english.split()).casefold() != " ".join(item.french.split()).casefold():
        return False
    # A segment that is only names ("OpenAI", "— Arthur Mensch", "Paris, Lyon"),
    # numbers, punctuation or a URL is rightly left as it is: French text is told
    # by a word in lower case (not a particle of a name), or a French function word
    # in capitals.
    rest = item.french
    for result in sorted(item.spans, key=lambda r: -r.span.start):
        rest = rest[: result.span.start] + " " + rest[result.span.end :]
    words = _WORD.findall(without_links(rest))
    return len(words) >= 2 and any(_is_french_text(word) for word in words)


def _is_french_text(word: str) -> bool:
    """Whether ``word`` shows a sentence rather than a name: lower case, or a
    French function word written in capitals."""
    if word.islower():
        return word not in _NAME_PARTICLES
    return word.isupper() and word.casefold() in _FRENCH_FUNCTION_WORDS


@dataclass(frozen=True)
class QaSummary:
    """Counts for the run summary and the QA report.

    Attributes:
        segments: Rows checked.
        flagged_segments: Rows with at least one flag.
        flags: Number of flags of each code.
        spans: For each kind of protected span, how many were kept, repaired, missing.
    """

    segments: int
    flagged_segments: int
    flags: dict[str, int]
    spans: dict[str, dict[str, int]]

    @classmethod
    def empty(cls) -> QaSummary:
        """The summary of a run that translated nothing."""
        return cls(0, 0, {}, {})

    @classmethod
    def build(cls, documents: Sequence[AlignedDocument], spans: Sequence[SpanResult]) -> QaSummary:
        """Count flags over ``documents`` and outcomes over ``spans`` (one per row)."""
        rows = [row for document in documents for row in document.rows]
        flags = Counter(flag.code.value for row in rows for flag in row.flags)
        by_kind: dict[str, dict[str, int]] = {}
        for result in spans:
            outcomes = by_kind.setdefault(result.span.kind.value, {o.value: 0 for o in Outcome})
            outcomes[result.outcome.value] += 1
        return cls(
            segments=len(rows),
            flagged_segments=sum(1 for row in rows if row.flags),
            flags=dict(sorted(flags.items())),
            spans=dict(sorted(by_kind.items())),
        )
