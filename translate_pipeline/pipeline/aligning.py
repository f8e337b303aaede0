"""Pairing a chunk's segments with their English: spans placed, QA flags, notes."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from translate_pipeline.align import align_document
from translate_pipeline.document import AlignedDocument, Document, Inline, Segment
from translate_pipeline.engines import EngineChoice, Translator
from translate_pipeline.errors import EngineError
from translate_pipeline.fuzzy import NearMatch
from translate_pipeline.inline_runs import reviewed_inlines
from translate_pipeline.protect import Outcome, TermMatcher
from translate_pipeline.qa import SegmentCheck, check_segment
from translate_pipeline.reproject import Alignment, spans_needing_translation
from translate_pipeline.translation import (
    Translation,
    span_alignments,
    translate_spans,
)


@dataclass(frozen=True)
class _NearMatchRow:
    """A near match, and the translation its row shows when its English was patched."""

    match: NearMatch
    translation: Translation | None


def _known_english(translation: Translation) -> tuple[tuple[int, int, str], ...]:
    """The French ranges whose English protection put in the text.

    Inline code, terms, URLs and numbers: the CODE span of a segment is placed on
    its code's exact place in the English through these.
    """
    return tuple(
        (result.span.start, result.span.end, result.span.expected)
        for result in translation.spans
        if result.outcome is not Outcome.MISSING
    )


def _span_translations(
    choice: EngineChoice,
    translator: Translator | None,
    readable: Sequence[tuple[Document, tuple[Segment, ...]]],
    translations: dict[str, Translation],
    matcher: TermMatcher,
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Candidate Englishes of the inline spans the simple rules cannot place.

    The engine is loaded for them when the memory served every sentence, so a
    rerun places formatting as the first run did; with no engine at all (or one
    that fails here), those spans are flagged ``formatting-lost``.
    """
    rows, known = _rows_with_spans(readable, translations)
    if not spans_needing_translation(rows, known):
        return {}
    try:
        return translate_spans(translator or choice.load(), rows, matcher, known)
    except EngineError:
        # The sentences are translated already; the spans left unplaced are
        # flagged formatting-lost on their rows, never dropped silently.
        return {}


def _rows_with_spans(
    readable: Sequence[tuple[Document, tuple[Segment, ...]]],
    translations: dict[str, Translation],
) -> tuple[list[tuple[str, tuple[Inline, ...], str]], dict[str, tuple[tuple[int, int, str], ...]]]:
    """``(french, inlines, english)`` of each segment with spans, and the French
    ranges whose English protection put in (see :func:`_known_english`)."""
    rows = [
        (segment.text, segment.inlines, translations[segment.text].english)
        for _, segments in readable
        for segment in segments
        if segment.inlines
    ]
    return rows, {text: _known_english(translations[text]) for text, _, _ in rows}


def _span_alignments(
    choice: EngineChoice,
    translator: Translator | None,
    readable: Sequence[tuple[Document, tuple[Segment, ...]]],
    translations: dict[str, Translation],
    span_english: Mapping[str, Mapping[str, Sequence[str]]],
) -> dict[str, Alignment]:
    """Word alignments (an Argos model's attention) for spans nothing else places.

    Asked only when some span needed more than the simple rules, of the engine
    :func:`_span_translations` used; with none (or one that fails here), those
    spans stay flagged ``formatting-lost``.
    """
    rows, known = _rows_with_spans(readable, translations)
    if not spans_needing_translation(rows, known):
        return {}
    try:
        return span_alignments(translator or choice.load(), rows, span_english, known)
    except EngineError:
        return {}


def _with_notes(aligned: AlignedDocument, notes: Mapping[str, str]) -> AlignedDocument:
    """Give each row the reviewer's note on its sentence, if there is one."""
    if not notes:
        return aligned
    rows = tuple(
        dataclasses.replace(row, note=notes[row.segment.text]) if row.segment.text in notes else row
        for row in aligned.rows
    )
    return dataclasses.replace(aligned, rows=rows)


def _align_checked(
    document: Document,
    segments: Sequence[Segment],
    translations: dict[str, Translation],
    reviewed_spans: Mapping[str, tuple[Inline, ...]] | None = None,
    span_english: dict[str, dict[str, tuple[str, ...]]] | None = None,
    near: Mapping[str, _NearMatchRow] | None = None,
    alignments: Mapping[str, Alignment] | None = None,
) -> AlignedDocument:
    """Pair segments with their English, its spans and QA flags.

    A row with a reviewed near match is flagged ``fuzzy-match`` first of all.

    A reviewed translation imported with its formatting keeps that formatting
    (with the data the bilingual file could not show, such as an image's source,
    taken from the French); the others' spans are projected from the French.
    """
    flags = {
        s.text: check_segment(
            SegmentCheck(
                s.text,
                translations[s.text].english,
                translations[s.text].spans,
                marked_words=tuple(w.describe() for w in translations[s.text].marked_words),
            )
        )
        for s in segments
    }
    for text, row in (near or {}).items():
        if text in flags:
            flags[text] = (row.match.flag(), *flags[text])
    reviewed = reviewed_spans or {}
    known: dict[str, tuple[Inline, ...]] = {}
    for s in segments:
        if s.text in reviewed and s.text not in known:
            english = translations[s.text].english
            known[s.text], lost = reviewed_inlines(reviewed[s.text], s.text, s.inlines, english)
            flags[s.text] += (lost,) if lost else ()
    return align_document(
        document,
        segments,
        {s.text: translations[s.text].english for s in segments},
        origins={s.text: translations[s.text].origin for s in segments},
        flags=flags,
        english_inlines=known,
        span_english=span_english,
        known_english={s.text: _known_english(translations[s.text]) for s in segments},
        alignments=alignments,
    )
