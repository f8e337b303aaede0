"""Translating sentences: the memory first, then the engine for the misses.

Protected spans are masked the way the engine prefers, every batch is handed
back as soon as it is done (so the caller can save it), and every span is
restored and verified afterwards. Inline code is a protected span like the
others: the caller says where it is in each French text (``code``), since only
the reader knows; it is masked for engines that take placeholders, and verified
byte for byte in every English, the memory's included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from translate_pipeline.casing import repair_capitals
from translate_pipeline.document import Inline
from translate_pipeline.engines import Translator
from translate_pipeline.english_lexicon import EnglishLexicon
from translate_pipeline.errors import EngineError
from translate_pipeline.glossary import Term
from translate_pipeline.literal_words import fix_literal_words
from translate_pipeline.memory import REVIEWED, MemoryHit
from translate_pipeline.protect import (
    MaskedText,
    Outcome,
    ProtectedSpan,
    SpanKind,
    SpanResult,
    TermMatcher,
    find_spans,
    mask,
    restore,
)
from translate_pipeline.reproject import (
    Alignment,
    mark_spans_html,
    project_inlines,
    read_marked_html,
    spans_in_context,
    spans_needing_translation,
)
from translate_pipeline.typography import (
    DEFAULT_VARIANT,
    DateTimeMask,
    EnglishVariant,
    english_typography,
    mask_dates_times,
    restore_dates_times,
    with_ligatures,
    without_ligatures,
)
from translate_pipeline.unknown_words import (
    MarkedWord,
    copied_words,
    flagged_words,
    strip_marks,
    unmark_placeholders,
)

ProgressCallback = Callable[[int, int], None]
# Segments per engine call for an engine that names no batch size: each call is
# saved to the memory as it ends, so a crash or Ctrl-C loses at most one batch.
DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class Translation:
    """The English of one distinct French text, and what became of its protected spans."""

    english: str
    spans: tuple[SpanResult, ...]
    origin: str = "machine"
    # Words the engine marked as untranslated and that are still in ``english``.
    marked_words: tuple[MarkedWord, ...] = ()
    # What the memory keeps for a machine translation: the English before post-editing,
    # the engine's marks still on (so a later run can flag the same words again).
    engine_english: str = ""


def post_edit(
    french: str,
    english: str,
    results: tuple[SpanResult, ...],
    origin: str,
    variant: EnglishVariant = DEFAULT_VARIANT,
    engine_french: str = "",
    inserted: Sequence[str] = (),
    lexicon: EnglishLexicon | None = None,
) -> Translation:
    """The engine's restored English made ready to publish, with what QA must know.

    Apertium's marks are taken off (the marked words kept for QA), French words
    translated word for word are put right (:mod:`translate_pipeline.literal_words`),
    French typography is made English in ``variant``, and capitals the engine invented
    are lowered; an English identical to the French is left as it is. ``english``
    is what the memory keeps for a machine translation
    (see :attr:`Translation.engine_english`), so this is done again on every
    run, with the rules and variant of that run.

    Args:
        french: The French segment.
        english: The engine's English, protected spans restored.
        results: What became of the protected spans.
        origin: Where the English came from.
        variant: The English variant.
        engine_french: What the engine was given (placeholders in); ``french`` if empty.
        inserted: English the pipeline put in itself (terms, numbers, dates).
        lexicon: The English analyser, to tell French words left in the English
            from words English shares.
    """
    if english == french:
        # The engine gave the French back (a name alone, or no translation at all):
        # nothing to post-edit; QA flags what is left ("untranslated", typography).
        return Translation(english, results, origin=origin, engine_english=english)
    unmarked = strip_marks(english, french)
    typeset = english_typography(fix_literal_words(french, unmarked.text), variant)
    names = [*inserted, *(r.span.expected for r in results if r.outcome is not Outcome.MISSING)]
    final = repair_capitals(engine_french or french, typeset, names)
    protected = [text for r in results for text in (r.span.source, r.span.expected)]
    copied = copied_words(french, final, protected, lexicon)
    return Translation(
        final,
        results,
        origin=origin,
        marked_words=flagged_words((*unmarked.words, *copied), final, lexicon),
        engine_english=english,
    )


# Where inline code sits in a French text: ``(start, end)`` ranges.
CodeRanges = Sequence[tuple[int, int]]


def from_memory(
    text: str,
    hit: MemoryHit,
    terms: TermMatcher | Sequence[Term],
    variant: EnglishVariant = DEFAULT_VARIANT,
    lexicon: EnglishLexicon | None = None,
    code: CodeRanges = (),
) -> Translation:
    """A translation found in the memory, verified against the current glossary.

    A machine translation gets the usual safe repairs. A reviewed one is the
    editor's word and is never changed: a term it lacks is flagged instead.
    Inline code (``code``) is verified like a term: a machine translation made
    before code was protected may have translated it, and then reports it
    missing (see :func:`code_lost`).
    """
    spans = find_spans(text, terms, code)
    restored = restore(hit.target, mask(text, spans, use_placeholders=False))
    if hit.origin != REVIEWED:
        dated = _as_names(text, spans, variant)
        return post_edit(
            text,
            restored.text,
            restored.results,
            "memory",
            variant,
            dated.text,
            dated.english,
            lexicon,
        )
    results = tuple(
        SpanResult(r.span, Outcome.MISSING) if r.outcome is Outcome.REPAIRED else r
        for r in restored.results
    )
    # Never changed, but checked like a machine translation: a French word the
    # editor left in ("The cheminots are on strike.") is flagged, not rewritten.
    if hit.target == text:
        return Translation(hit.target, results, origin=REVIEWED)
    protected = [piece for r in results for piece in (r.span.source, r.span.expected)]
    copied = copied_words(text, hit.target, protected, lexicon)
    return Translation(
        hit.target,
        results,
        origin=REVIEWED,
        marked_words=flagged_words(copied, hit.target, lexicon),
    )


def _as_names(text: str, spans: tuple[ProtectedSpan, ...], variant: EnglishVariant) -> DateTimeMask:
    """``text`` with its protected spans, dates and times as placeholders (names to
    the casing rules), and the English the pipeline puts in for them."""
    return mask_dates_times(mask(text, spans, use_placeholders=True).text, variant)


def code_lost(translation: Translation) -> bool:
    """Whether some inline code of the French is not in ``translation``'s English."""
    return any(
        result.span.kind is SpanKind.CODE and result.outcome is Outcome.MISSING
        for result in translation.spans
    )


def translate_protected(
    engine: Translator,
    texts: Sequence[str],
    terms: TermMatcher | Sequence[Term],
    progress: ProgressCallback | None = None,
    on_batch: Callable[[dict[str, Translation]], None] | None = None,
    variant: EnglishVariant = DEFAULT_VARIANT,
    lexicon: EnglishLexicon | None = None,
    code: Mapping[str, CodeRanges] | None = None,
) -> dict[str, Translation]:
    """Translate distinct French ``texts`` with their protected spans kept.

    Spans are masked as the engine prefers, the masked texts translated in the
    engine's batch size, then every span restored and verified, and the English
    post-edited in ``variant`` (an engine that takes placeholders gets dates and
    times as placeholders too). ``on_batch`` receives each batch's translations
    as soon as they are done.

    A text that is only inline code (and punctuation) is its own English and
    never reaches the engine. An engine with a ``translate_protected`` of its own
    (one spread over a Ray cluster) is handed the whole call, arguments as they are.

    Args:
        engine: The engine.
        texts: Distinct French texts.
        terms: The glossary.
        progress: Called with (done, total) after each batch.
        on_batch: Called with each batch's translations.
        variant: The English variant.
        lexicon: The English analyser (see :func:`post_edit`).
        code: Where inline code is in each French text (texts not named hold
            none); it reaches the engine as a placeholder, or as it is for
            engines that do not take them, and must come back byte-identical.
    """
    delegate = getattr(engine, "translate_protected", None)
    if delegate is not None:
        # An engine spread over a cluster does all of this on its workers, each on
        # its share of the texts (translate_pipeline.cluster.ClusterTranslator).
        return delegate(texts, terms, progress, on_batch, variant, lexicon, code)
    matcher = terms if isinstance(terms, TermMatcher) else TermMatcher.build(terms)
    code = code or {}
    masked = {
        text: mask(text, find_spans(text, matcher, code.get(text, ())), engine.uses_placeholders)
        for text in texts
    }
    translations: dict[str, Translation] = {}
    # A text that is all code (a table cell holding `mistral-large-2`) has
    # nothing to translate: no engine, neural ones included, gets to change it.
    only_code = {
        text: Translation(
            text,
            tuple(SpanResult(span, Outcome.KEPT) for span in item.spans),
            origin=f"machine:{engine.name}",
            engine_english=text,
        )
        for text, item in masked.items()
        if _only_code(text, item.spans)
    }
    if only_code:
        translations.update(only_code)
        if on_batch:
            on_batch(only_code)
    dated = {
        text: _dated(item, engine.uses_placeholders, variant)
        for text, item in masked.items()
        if text not in only_code
    }
    # The casing rules read the French the same way for every engine and for the
    # memory, so that a sentence comes out the same whichever way it came.
    names = {
        text: _as_names(text, item.spans, variant)
        for text, item in masked.items()
        if text not in only_code
    }
    sources_of: dict[str, list[str]] = {}
    for text, item in dated.items():
        sources_of.setdefault(item.text, []).append(text)

    def finish(batch: dict[str, str]) -> None:
        done = {}
        for masked_text, english in batch.items():
            for text in sources_of[masked_text]:
                english_dated = with_ligatures(
                    restore_dates_times(unmark_placeholders(english), dated[text]), text
                )
                restored = restore(english_dated, masked[text])
                done[text] = post_edit(
                    text,
                    restored.text,
                    restored.results,
                    f"machine:{engine.name}",
                    variant,
                    engine_french=names[text].text,
                    inserted=names[text].english,
                    lexicon=lexicon,
                )
        translations.update(done)
        if on_batch:
            on_batch(done)

    translate_texts(engine, list(sources_of), progress, on_batch=finish)
    return translations


def engine_inputs(
    engine: Translator,
    texts: Sequence[str],
    terms: TermMatcher | Sequence[Term],
    variant: EnglishVariant = DEFAULT_VARIANT,
    code: Mapping[str, CodeRanges] | None = None,
) -> list[str | None]:
    """What :func:`translate_protected` gives ``engine`` for each of ``texts``.

    ``None`` for a text that never reaches the engine (one that is all code).
    Texts with the same input are translated once, so these tell a caller that
    spreads the work (a cluster) how :func:`translate_protected` would batch it.
    """
    matcher = terms if isinstance(terms, TermMatcher) else TermMatcher.build(terms)
    code = code or {}
    inputs: list[str | None] = []
    for text in texts:
        item = mask(text, find_spans(text, matcher, code.get(text, ())), engine.uses_placeholders)
        only_code = _only_code(text, item.spans)
        inputs.append(None if only_code else _dated(item, engine.uses_placeholders, variant).text)
    return inputs


def _dated(item: MaskedText, uses_placeholders: bool, variant: EnglishVariant) -> DateTimeMask:
    """The masked text as the engine gets it: with dates and times as placeholders
    too, and ligatures spelt out, for an engine that takes placeholders."""
    if uses_placeholders:
        return mask_dates_times(without_ligatures(item.text), variant)
    return DateTimeMask(item.text, ())


def _only_code(text: str, spans: Sequence[ProtectedSpan]) -> bool:
    """Whether ``text`` has code and, outside it, no letter or digit."""
    rest, found = text, False
    for span in reversed(spans):
        if span.kind is SpanKind.CODE:
            rest, found = rest[: span.start] + rest[span.end :], True
    return found and not any(char.isalnum() for char in rest)


def translate_texts(
    engine: Translator,
    texts: list[str],
    progress: ProgressCallback | None = None,
    on_batch: Callable[[dict[str, str]], None] | None = None,
) -> dict[str, str]:
    """Translate distinct ``texts`` in the engine's batch size, reporting progress.

    Each batch's output is checked before ``on_batch`` sees any of it, so a
    faulty engine never puts a wrong translation in the memory.

    Raises:
        EngineError: The engine failed, returned the wrong number of outputs, or
            returned an empty English for a French text; nothing of that batch is
            handed on.
    """
    english: dict[str, str] = {}
    size = engine.batch_size or DEFAULT_BATCH_SIZE
    if progress:
        progress(0, len(texts))
    for start in range(0, len(texts), size):
        batch = texts[start : start + size]
        outputs = engine.translate_batch(batch)
        check_engine_output(engine.name, batch, outputs)
        done = dict(zip(batch, outputs, strict=True))
        english.update(done)
        if on_batch:
            on_batch(done)
        if progress:
            progress(len(english), len(texts))
    return english


def check_engine_output(engine_name: str, batch: Sequence[str], outputs: Sequence[str]) -> None:
    """Check that an engine gave one non-empty English per French text of ``batch``.

    Raises:
        EngineError: The counts differ, or a non-empty text got an empty (or
            non-string) translation; the message names the engine and the segment.
    """
    saved = "nothing of this batch was saved; check the engine and run again"
    if len(outputs) != len(batch):
        raise EngineError(
            f"the {engine_name} engine returned {len(outputs)} translations for "
            f"{len(batch)} segments; {saved}"
        )
    for number, (text, output) in enumerate(zip(batch, outputs, strict=True), start=1):
        if not isinstance(output, str) or (text.strip() and not output.strip()):
            raise EngineError(
                f"the {engine_name} engine returned no English for segment {number} of "
                f"{len(batch)} ({_preview(text)!r}); {saved}"
            )


def _preview(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def translate_span_texts(
    engine: Translator, texts: Sequence[str], terms: TermMatcher | Sequence[Term] = ()
) -> dict[str, str]:
    """The English of inline span texts translated alone, for re-projection.

    ``texts`` come from :func:`translate_pipeline.reproject.spans_needing_translation`;
    they are deduplicated and translated like sentences (glossary terms, URLs
    and numbers protected), in the engine's batch size. Span texts are short
    phrases, not sentences: their translations are never stored in the memory.

    Raises:
        EngineError: The engine failed or returned the wrong number of outputs.
    """
    distinct = [text for text in dict.fromkeys(texts) if text.strip()]
    if not distinct:
        return {}
    done = translate_protected(engine, distinct, terms)
    return {text: done[text].english for text in distinct}


def translate_spans(
    engine: Translator,
    rows: Sequence[tuple[str, Sequence[Inline], str]],
    terms: TermMatcher | Sequence[Term] = (),
    known: Mapping[str, Sequence[tuple[int, int, str]]] | None = None,
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Candidate Englishes for the inline spans the simple rules cannot place.

    An engine that carries tags (``translate_marked``: Apertium's ``-f html``)
    first translates each such segment with its spans marked, which gives each
    span's words as rendered in context; then every span text is translated
    alone (distinct texts, one batch). Measured with Apertium on 81 spans of
    73 sentences: 75 placed right and none wrong with both, 70 with the
    translation alone only, 27 with the simple rules only
    (``bench/spans.py``).

    Args:
        engine: The engine that translated the segments.
        rows: ``(french, inlines, english)`` of each translated segment.
        terms: The glossary, protected in span texts as in sentences.
        known: Known English ranges of each French segment (glossary terms).

    Returns:
        For each French segment that needs them: span text -> Englishes to try in
        order (the ``span_english`` of :func:`reproject.project_inlines`).

    Raises:
        EngineError: The engine failed.
    """
    needing: dict[str, tuple[Sequence[Inline], list[str]]] = {}
    for french, inlines, english in rows:
        texts = spans_needing_translation([(french, inlines, english)], known)
        if texts and french not in needing:
            needing[french] = (inlines, texts)
    if not needing:
        return {}
    context: dict[str, dict[str, str]] = {}
    translate_marked = getattr(engine, "translate_marked", None)
    # An engine choosing among several pivots renders the tags with the pivot
    # that wrote each segment's English (the memory's included).
    matching = getattr(engine, "translate_marked_matching", None)
    if translate_marked is not None:
        frenches = list(needing)
        fragments = [mark_spans_html(f, needing[f][0]) for f in frenches]
        if matching is not None:
            english_of: dict[str, str] = {}
            for french, _, english in rows:
                english_of.setdefault(french, english)
            marked = matching(fragments, [english_of[f] for f in frenches])
        else:
            marked = translate_marked(fragments)
        for french, output in zip(frenches, marked, strict=True):
            inlines = needing[french][0]
            context[french] = spans_in_context(
                french, inlines, read_marked_html(output, len(inlines))
            )
    alone = translate_span_texts(engine, [t for _, texts in needing.values() for t in texts], terms)
    return {
        french: {
            text: tuple(
                dict.fromkeys(e for e in (context.get(french, {}).get(text), alone.get(text)) if e)
            )
            for text in texts
        }
        for french, (_, texts) in needing.items()
    }


def span_alignments(
    engine: Translator,
    rows: Sequence[tuple[str, Sequence[Inline], str]],
    span_english: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    known: Mapping[str, Sequence[tuple[int, int, str]]] | None = None,
) -> dict[str, Alignment]:
    """Word alignments for the segments whose spans no other rule places.

    Only an engine that offers them (``alignments``: CTranslate2's attention on
    an Argos model) is asked, once, for the segments whose projection still
    loses a span; the others get none and their spans stay flagged.

    Args:
        engine: The engine that translated the segments.
        rows: ``(french, inlines, english)`` of each translated segment.
        span_english: What :func:`translate_spans` returned.
        known: Known English ranges of each French segment (glossary terms).

    Returns:
        French segment text -> its alignment (the ``alignment`` of
        :func:`reproject.project_inlines`), for those that got one.

    Raises:
        EngineError: The engine failed.
    """
    alignments = getattr(engine, "alignments", None)
    if alignments is None:
        return {}
    span_english, known = span_english or {}, known or {}
    pending: dict[str, str] = {}
    for french, inlines, english in rows:
        if french in pending or english == french:
            continue
        projection = project_inlines(
            french, inlines, english, known.get(french, ()), span_english.get(french)
        )
        if projection.lost:
            pending[french] = english
    if not pending:
        return {}
    found = alignments(list(pending), list(pending.values()))
    return {
        french: alignment
        for french, alignment in zip(pending, found, strict=True)
        if alignment is not None
    }
