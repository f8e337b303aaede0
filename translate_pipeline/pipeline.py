"""The main job: sources -> segments -> translations -> aligned documents -> files.

The command line calls :func:`run` with a frozen :class:`RunConfig` and prints the
:class:`RunReport` it gets back; nothing here prints or exits.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from translate_pipeline.align import align_document
from translate_pipeline.document import AlignedDocument, Document, Inline, InlineKind, Segment
from translate_pipeline.engines import EngineChoice, EngineOptions, Translator, choose_engine
from translate_pipeline.english_lexicon import EnglishLexicon
from translate_pipeline.errors import (
    EngineError,
    MemoryFileError,
    PipelineError,
    SourceError,
    describe_os_error,
    display_path,
)
from translate_pipeline.formats import format_of, read_document
from translate_pipeline.fuzzy import NearMatch, find_near_matches
from translate_pipeline.glossary import Glossary, empty_glossary, load_glossary
from translate_pipeline.inline_runs import reviewed_inlines
from translate_pipeline.memory import (
    MACHINE,
    REVIEWED,
    MachineKey,
    MemoryHit,
    Notice,
    OutputState,
    SegmentRecord,
    TranslationMemory,
    default_memory_path,
)
from translate_pipeline.output_files import OutputPaths, office_lock_file, prepare_output_folder
from translate_pipeline.project import default_glossary_path
from translate_pipeline.protect import Outcome, TermMatcher, find_spans, merge_ranges
from translate_pipeline.qa import QaSummary, SegmentCheck, check_segment
from translate_pipeline.render_docx import write_bilingual_docx
from translate_pipeline.render_markdown import write_bilingual_markdown
from translate_pipeline.render_qa import QaReportStream
from translate_pipeline.reproject import Alignment, spans_needing_translation
from translate_pipeline.segmenter import (
    KeepingWhole,
    KnownSpans,
    SentenceSplitter,
    block_key,
    rules_fingerprint,
    segment_document,
    splittable_texts,
)
from translate_pipeline.sources import SourceScan, find_sources
from translate_pipeline.translation import (
    DEFAULT_BATCH_SIZE,
    ProgressCallback,
    Translation,
    code_lost,
    from_memory,
    span_alignments,
    translate_protected,
    translate_spans,
)
from translate_pipeline.typography import DEFAULT_VARIANT, EnglishVariant

# Segments per chunk of a run (see :func:`run`). About 15 articles of the seeds'
# size: measured with bench/scale.py, peak memory at 256x the seeds stays within
# 1.2x of that at 16x (a chunk of 2,000 gave 1.75x with Apertium), while an
# Apertium call of 500 segments still costs little more than its process start.
DEFAULT_CHUNK_SEGMENTS = 500


@dataclass(frozen=True)
class RunConfig:
    """Everything ``translate run`` was asked to do.

    Attributes:
        sources: Article files or folders.
        out_dir: Where outputs are written.
        engine: "auto", "argos" or "apertium".
        engine_options: Threads and beam size for the neural engine.
        glossary: The glossary file; ``None`` uses ``glossary/terms.csv`` when it exists.
        memory: The translation memory file; ``None`` uses the default place.
        english: The English variant of dates, times and typography ("en-GB", "en-US").
        cluster: Translate on Ray actors: ``"local"`` starts Ray here, anything else is
            the address of a cluster to join; ``None`` translates in this process.
        chunk_segments: About how many segments the run holds at once (see
            :func:`run`); consecutive articles are taken together up to this many.
    """

    sources: tuple[Path, ...]
    out_dir: Path
    engine: str = "auto"
    engine_options: EngineOptions = field(default_factory=EngineOptions)
    glossary: Path | None = None
    memory: Path | None = None
    english: EnglishVariant = DEFAULT_VARIANT
    cluster: str | None = None
    chunk_segments: int = DEFAULT_CHUNK_SEGMENTS


@dataclass(frozen=True)
class DocumentReport:
    """What happened to one article: its outputs, or the error that stopped it.

    Attributes:
        outputs: The article's three files, when they are complete and current.
        written: Those this run wrote (the others already held the same content).
        kept_as_is: The blocks carried over untranslated, each with its place
            ("code block (line 12)").
        unrepresented: What the reader met and could not represent, with its place;
            it is left as it was in the source, never dropped silently.
    """

    source: Path
    doc_id: str
    segments: int = 0
    outputs: tuple[Path, ...] = ()
    written: tuple[Path, ...] = ()
    error: str | None = None
    kept_as_is: tuple[str, ...] = ()
    unrepresented: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunReport:
    """The outcome of a run, for the summary and ``--json``.

    Attributes:
        documents: One report per article, in order.
        skipped: Files in source folders that are not articles.
        engine: Engine name.
        engine_version: Engine and model version.
        glossary: The glossary file used, if any.
        glossary_version: Digest of its terms.
        segments: Segments in the written documents.
        translated: Distinct segment texts sent to the engine (memory misses); each
            at most once per run.
        memory: The translation memory file.
        memory_hits: Distinct segment texts found in the memory (machine or reviewed),
            counted per chunk and summed: a text met in several chunks counts in
            each, one translated by an earlier chunk counts as found (see :func:`run`).
        reviewed: Of those, how many were reviewed translations.
        near_matches: Distinct segment texts with a reviewed near match (see ``fuzzy``),
            per chunk and summed.
        qa: Flag and protected-span counts.
        qa_reports: The QA report files written.
        qa_reports_current: The QA report files left as they were, because they
            already held this run's report.
        seconds: Wall time of the run.
        stage_seconds: Wall time of each stage.
        unreadable: Entries of source folders named like articles that cannot be
            read as files (dangling links, link loops, pipes), with the reason.
        own_outputs: Files of source folders named like this tool's outputs, not read.
    """

    documents: tuple[DocumentReport, ...]
    skipped: tuple[Path, ...]
    engine: str
    engine_version: str
    glossary: Path | None
    glossary_version: str
    segments: int
    translated: int
    memory: Path | None
    memory_hits: int
    reviewed: int
    qa: QaSummary
    qa_reports: tuple[Path, ...]
    seconds: float
    stage_seconds: dict[str, float]
    unreadable: tuple[tuple[Path, str], ...] = ()
    own_outputs: tuple[Path, ...] = ()
    near_matches: int = 0
    qa_reports_current: tuple[Path, ...] = ()

    @property
    def failed(self) -> tuple[DocumentReport, ...]:
        """The articles that were not written."""
        return tuple(report for report in self.documents if report.error)

    @property
    def files_written(self) -> tuple[Path, ...]:
        """Every file this run wrote, in order."""
        return (*(p for report in self.documents for p in report.written), *self.qa_reports)

    @property
    def files_current(self) -> tuple[Path, ...]:
        """Output files left as they were, because they already held this run's content."""
        documents = tuple(
            path
            for report in self.documents
            for path in report.outputs
            if path not in report.written
        )
        return (*documents, *self.qa_reports_current)


@dataclass(frozen=True)
class RunProgress:
    """Where a run stands, for a progress bar.

    The number of segments is only known once an article is read, so the whole
    run is measured in source bytes: an article's bytes count as done once it is
    written, and those of the chunk being translated as its batches finish.

    Attributes:
        articles_done: Articles written or failed.
        articles_total: Articles found.
        segments_done: Segments of the articles written.
        bytes_done: Source bytes done (see above).
        bytes_total: Source bytes of every article found.
    """

    articles_done: int
    articles_total: int
    segments_done: int
    bytes_done: int
    bytes_total: int


RunProgressCallback = Callable[[RunProgress], None]


def run(
    config: RunConfig,
    progress: RunProgressCallback | None = None,
    engine: Translator | None = None,
    notice: Notice | None = None,
) -> RunReport:
    """Translate every article of ``config.sources`` and write its outputs.

    The articles are taken in chunks of consecutive articles of about
    ``config.chunk_segments`` segments: each chunk is read, segmented, looked up in
    the memory, translated (the misses, each engine batch saved as it ends),
    aligned and written, then forgotten, so memory does not grow with the number
    of articles, and a killed run resumes where it stopped (its finished chunks
    are in the memory and written). Only each article's short report and the QA
    counts stay. A sentence of an earlier chunk is a memory hit in a later one; the
    engine is loaded (and ``--cluster`` actors started) once, at the first chunk
    that needs it.

    Args:
        config: What to translate and where to write it.
        progress: Told where the run stands after each engine batch and each chunk.
        engine: An engine to use instead of loading ``config.engine``.
        notice: Told about waits the user should know of (a memory in use by
            another process).

    An article that cannot be read is reported and the others go on. A problem
    that concerns the whole run (no source, a broken glossary, an unwritable
    output folder) raises before anything is translated; no engine raises at the
    first chunk the memory cannot serve, the earlier chunks written.

    Raises:
        PipelineError: The run as a whole cannot proceed.
    """
    watch = Stopwatch()
    with watch.stage("setup"):
        # Outputs written inside a source folder are never read back as articles.
        scan = find_sources(config.sources, skip=(config.out_dir,))
        glossary = _load_glossary(config.glossary)
        prepare_output_folder(config.out_dir)
    memory_path = config.memory or default_memory_path()
    with (
        TranslationMemory.open(memory_path, on_wait=notice) as memory,
        QaReportStream() as qa,
    ):
        job = _Job(config, glossary, memory, engine, notice, watch, scan, progress)
        for chunk in job.chunks():
            job.translate_and_write(chunk, qa)
            # Emptied here: the generator still holds the list until it reads on.
            chunk.clear()
            # Writing a DOCX leaves reference cycles (python-docx and lxml objects)
            # that only a full collection frees; without it the peak crept up chunk
            # after chunk (measured: 80.7 MB at 64x the seeds, 70.7 MB with it).
            gc.collect()
        if job.label is None:
            # Every article failed to read: nothing to translate, no engine needed.
            return RunReport(
                documents=tuple(job.reports[path] for path in scan.files),
                skipped=scan.skipped,
                engine="",
                engine_version="",
                glossary=glossary.path,
                glossary_version=glossary.version,
                segments=0,
                translated=0,
                memory=memory_path,
                memory_hits=0,
                reviewed=0,
                qa=QaSummary.empty(),
                qa_reports=(),
                seconds=watch.total(),
                stage_seconds=watch.seconds,
                unreadable=scan.unreadable,
                own_outputs=scan.own_outputs,
            )
        summary = qa.summary()
        with watch.stage("write documents"):
            qa_files = qa.write(config.out_dir, summary, job.label, glossary.path, glossary.version)
    ordered = tuple(job.reports[path] for path in scan.files)
    name, version = job.engine_identity
    return RunReport(
        documents=ordered,
        skipped=scan.skipped,
        engine=name,
        engine_version=version,
        glossary=glossary.path,
        glossary_version=glossary.version,
        segments=sum(report.segments for report in ordered if not report.error),
        translated=job.counts.translated,
        memory=memory_path,
        memory_hits=job.counts.memory_hits,
        reviewed=job.counts.reviewed,
        qa=summary,
        qa_reports=qa_files.written,
        qa_reports_current=qa_files.current,
        seconds=watch.total(),
        stage_seconds=watch.seconds,
        unreadable=scan.unreadable,
        own_outputs=scan.own_outputs,
        near_matches=job.counts.near_matches,
    )


@dataclass
class _Counts:
    """The run's counts of distinct texts, summed over its chunks.

    Each is counted over the distinct texts of one chunk: a text is sent to the
    engine at most once per run (it is stored as soon as its batch ends), and a
    text met again in a later chunk counts there as a memory hit.
    """

    translated: int = 0
    memory_hits: int = 0
    reviewed: int = 0
    near_matches: int = 0


Chunk = list[tuple[Document, tuple[Segment, ...]]]


class _Job:
    """One run's state across its chunks: the engine, the counts, the reports.

    Nothing here grows with the corpus but the per-article reports (a path, an ID,
    counts and the article's short lists) and the few texts whose inline code the
    engine lost (see :meth:`_lookup`).
    """

    def __init__(
        self,
        config: RunConfig,
        glossary: Glossary,
        memory: TranslationMemory,
        engine: Translator | None,
        notice: Notice | None,
        watch: Stopwatch,
        scan: SourceScan,
        progress: RunProgressCallback | None,
    ) -> None:
        self.config, self.glossary, self.memory = config, glossary, memory
        self.engine, self.notice, self.watch, self.scan = engine, notice, watch, scan
        self.progress = progress
        self.reports: dict[Path, DocumentReport] = {}
        self.counts = _Counts()
        self.matcher = TermMatcher.build(glossary.terms)
        self.reader = _ArticleReader(scan.files, memory, self.matcher)
        # The label the outputs name the engine by; None until a chunk was read.
        self.label: str | None = None
        self.engine_identity = ("", "")
        self._choice: EngineChoice | None = None
        self._no_engine: EngineError | None = None
        self._lexicon: EnglishLexicon | None = None
        self._reviewed: list[tuple[str, str]] | None = None
        # Texts this run translated whose inline code the engine lost anyway: a later
        # chunk takes them from the memory rather than translating them again.
        self._code_lost_now: set[str] = set()
        self._sizes = {path: _source_size(path) for path in scan.files}
        # Articles done, and the bytes of those done before the chunk at hand.
        self._done = RunProgress(0, len(scan.files), 0, 0, sum(self._sizes.values()))
        # The chunk at hand: its bytes, the share of its misses translated, and the
        # bytes of its articles written.
        self._chunk_bytes, self._translated, self._written_bytes = 0, 0.0, 0

    def chunks(self) -> Iterator[Chunk]:
        """The readable articles, read and segmented, in chunks of about
        ``chunk_segments`` segments (an article is never split between chunks)."""
        limit = max(1, self.config.chunk_segments)
        chunk: Chunk = []
        segments = 0
        for path in self.scan.files:
            with self.watch.stage("read and segment"):
                read = self.reader.read(path)
            if isinstance(read, DocumentReport):
                self.reports[path] = read
                self._failed(path)
                continue
            chunk.append(read)
            segments += len(read[1])
            if segments >= limit:
                with self.watch.stage("read and segment"):
                    self.reader.save_spans()
                yield chunk
                chunk, segments = [], 0
        if chunk:
            with self.watch.stage("read and segment"):
                self.reader.save_spans()
            yield chunk

    def _failed(self, path: Path) -> None:
        """Count an article that could not be read as done."""
        done = self._done
        self._done = dataclasses.replace(
            done,
            articles_done=done.articles_done + 1,
            bytes_done=done.bytes_done + self._sizes[path],
        )
        self._tell()

    def _tell(self) -> None:
        """Tell the progress callback where the run stands.

        The bytes of the chunk at hand count half for its translation (batch by
        batch) and half for its articles written (article by article).
        """
        if self.progress:
            share = int(self._chunk_bytes * self._translated / 2 + self._written_bytes / 2)
            self.progress(dataclasses.replace(self._done, bytes_done=self._done.bytes_done + share))

    def _translating(self, offset: int, misses: int) -> ProgressCallback | None:
        """A callback for the engine's batches of a slice of the chunk's ``misses``
        starting at ``offset``, moving the chunk's bytes along."""
        if self.progress is None:
            return None

        def on_batch(done: int, total: int) -> None:
            self._translated = (offset + done) / misses if misses else 1.0
            self._tell()

        return on_batch

    def _written(self, document: Document, segments: int) -> None:
        """Count an article of the chunk at hand as done."""
        done = self._done
        self._done = dataclasses.replace(
            done, articles_done=done.articles_done + 1, segments_done=done.segments_done + segments
        )
        self._written_bytes += self._sizes[document.path]
        self._tell()

    def _engine_for(self, texts: Sequence[str]) -> tuple[EngineChoice, dict[str, MemoryHit] | None]:
        """The run's engine, chosen at its first chunk; with no engine at all, the
        memory's translations of ``texts`` too (see :func:`_served_by_memory`)."""
        config = self.config
        if self._choice is None and self._no_engine is None:
            with self.watch.stage("choose engine"):
                try:
                    choice = (
                        EngineChoice.of(self.engine)
                        if self.engine
                        else choose_engine(config.engine, config.engine_options)
                    )
                except EngineError as missing:
                    # A reviewer's machine may have no engine: a run the memory serves
                    # entirely still writes every output.
                    self._no_engine = missing
                else:
                    if config.cluster is not None:
                        from translate_pipeline.cluster import on_cluster

                        choice = on_cluster(choice, config, self.engine, self.notice)
                    # Loaded (or the cluster's actors started) once, at the first need.
                    self._choice = dataclasses.replace(
                        choice, loader=functools.cache(choice.loader)
                    )
        if self._no_engine is not None:
            with self.watch.stage("choose engine"):
                return _served_by_memory(
                    self.memory, texts, config.engine, self.glossary, self._no_engine
                )
        assert self._choice is not None
        return self._choice, None

    def _reviewed_entries(self) -> list[tuple[str, str]]:
        """The memory's reviewed entries, read once per run (a run adds none)."""
        if self._reviewed is None:
            self._reviewed = self.memory.reviewed_entries()
        return self._reviewed

    def translate_and_write(self, chunk: Chunk, qa: QaReportStream) -> None:
        """Look up, translate, align and write the articles of one chunk."""
        config, memory, watch, matcher = self.config, self.memory, self.watch, self.matcher
        texts = list(dict.fromkeys(s.text for _, segments in chunk for s in segments))
        self._chunk_bytes = sum(self._sizes[document.path] for document, _ in chunk)
        self._translated, self._written_bytes = 0.0, 0
        choice, hits = self._engine_for(texts)
        label = f"{choice.name} ({choice.version})"
        if self.label is None:
            self.label, self.engine_identity = label, (choice.name, choice.version)
        key = MachineKey(choice.name, choice.version, _made_with(self.glossary, config.english))
        code = code_ranges((s.text, s.inlines) for _, segments in chunk for s in segments)
        with watch.stage("memory lookup"):
            engine_at_hand = hits is None
            if hits is None:
                hits = memory.lookup(texts, key)
            if self._lexicon is None:
                # Tells French words left in the English from words English shares.
                self._lexicon = EnglishLexicon.start()
            lexicon = self._lexicon
            translations = {
                t: from_memory(t, hit, matcher, config.english, lexicon, code.get(t, ()))
                for t, hit in hits.items()
            }
        # A machine translation stored before inline code was protected may have
        # translated the code ("mistral-wide-2"): with an engine at hand it is
        # translated again; otherwise (and for reviewed ones) it is flagged.
        stale = {
            t
            for t, tr in translations.items()
            if engine_at_hand
            and tr.origin != REVIEWED
            and t not in self._code_lost_now
            and code_lost(tr)
        }
        hits = {t: hit for t, hit in hits.items() if t not in stale}
        misses = [text for text in texts if text not in hits]
        translator: Translator | None = None
        if misses:

            def save(done: dict[str, Translation]) -> None:
                memory.store_machine(
                    [(text, t.engine_english or t.english) for text, t in done.items()], key
                )

            with watch.stage("load model"):
                translator = choice.load()
            with watch.stage("translate"):
                # In slices of whole engine batches, so that the masked texts and
                # other working state of one large article are never all held.
                step = _slice_size(translator)
                for start in range(0, len(misses), step):
                    fresh = translate_protected(
                        translator,
                        misses[start : start + step],
                        matcher,
                        self._translating(start, len(misses)),
                        on_batch=save,
                        variant=config.english,
                        lexicon=lexicon,
                        code=code,
                    )
                    translations.update(fresh)
                    self._code_lost_now.update(t for t, tr in fresh.items() if code_lost(tr))
        self._translated = 1.0
        with watch.stage("near matches"):
            near = _near_matches(self._reviewed_entries, translations, matcher)
            translations.update(
                {text: match.translation for text, match in near.items() if match.translation}
            )
        self.counts.translated += len(misses)
        self.counts.memory_hits += len(hits)
        self.counts.reviewed += sum(1 for hit in hits.values() if hit.origin == REVIEWED)
        self.counts.near_matches += len(near)
        # The formatting an editor gave a reviewed translation, where it was imported.
        reviewed_spans = memory.reviewed_spans.lookup(
            (text, t.english) for text, t in translations.items() if t.origin == REVIEWED
        )
        with watch.stage("translate"):
            span_english = _span_translations(choice, translator, chunk, translations, matcher)
            alignments = _span_alignments(choice, translator, chunk, translations, span_english)
        notes = memory.notes.lookup(translations)
        for document, segments in chunk:
            with watch.stage("QA"):
                aligned = _with_notes(
                    _align_checked(
                        document,
                        segments,
                        translations,
                        reviewed_spans,
                        span_english,
                        near,
                        alignments,
                    ),
                    notes,
                )
                qa.add(
                    aligned, (r for segment in segments for r in translations[segment.text].spans)
                )
            with watch.stage("write documents"):
                self.reports[document.path] = dataclasses.replace(
                    _write_document(
                        aligned,
                        config.out_dir / self.scan.subfolder(document.path),
                        label,
                        memory,
                        config.english,
                    ),
                    kept_as_is=document.kept_as_is,
                    unrepresented=document.unrepresented,
                )
            del aligned
            self._written(document, len(segments))
        self._done = dataclasses.replace(
            self._done, bytes_done=self._done.bytes_done + self._chunk_bytes
        )
        self._chunk_bytes, self._translated, self._written_bytes = 0, 0.0, 0


# Texts given to translate_protected at once (rounded up to whole engine batches).
MISSES_PER_SLICE = 2000


def _slice_size(translator: Translator) -> int:
    """How many misses to translate at once: whole engine batches, about
    :data:`MISSES_PER_SLICE`, so that slicing never changes what a batch holds."""
    batch = translator.batch_size or DEFAULT_BATCH_SIZE
    return batch * max(1, -(-MISSES_PER_SLICE // batch))


def _source_size(path: Path) -> int:
    """The size of ``path`` in bytes, for progress; 0 when it cannot be told."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


class Stopwatch:
    """Wall time spent in each stage of a run, for the summary and the benchmark."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Add the time spent in the ``with`` block to stage ``name``."""
        begun = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - begun

    def total(self) -> float:
        """Seconds since the stopwatch was made."""
        return time.perf_counter() - self.started


MEMORY_ONLY = "translation memory"


def _served_by_memory(
    memory: TranslationMemory,
    texts: Sequence[str],
    engine_name: str,
    glossary: Glossary,
    missing: EngineError,
) -> tuple[EngineChoice, dict[str, MemoryHit]]:
    """The memory's translations of every text, when no engine can be loaded.

    The memory's machine translations of ``engine_name`` (any engine for "auto")
    made with this glossary are taken, whatever the model version, since that
    version cannot be learnt without the engine. The outputs name the engine that
    made them when there was only one.

    Raises:
        EngineError: Some texts are not in the memory; the message says how many.
    """
    wanted = None if engine_name == "auto" else engine_name
    hits = memory.lookup_without_engine(texts, wanted, glossary.version)
    if not texts or len(hits) < len(texts):
        raise EngineError(
            f"{missing} ({len(texts) - len(hits)} of {len(texts)} sentences are not in the "
            "translation memory, so they need an engine)"
        )
    makers = {(hit.engine, hit.engine_version) for hit in hits.values() if hit.origin == MACHINE}
    name, version = makers.pop() if len(makers) == 1 else (MEMORY_ONLY, "no engine loaded")

    def refuse() -> Translator:
        raise missing

    return EngineChoice(name, version, refuse), hits


@dataclass(frozen=True)
class _NearMatchRow:
    """A near match, and the translation its row shows when its English was patched."""

    match: NearMatch
    translation: Translation | None


def _near_matches(
    reviewed_entries: Callable[[], list[tuple[str, str]]],
    translations: Mapping[str, Translation],
    matcher: TermMatcher,
) -> dict[str, _NearMatchRow]:
    """The reviewed near matches of every text that has no reviewed translation.

    Machine translations from the memory are included: the machine English of a
    sentence is kept in the memory, and its near match is offered again on every
    run until an editor reviews the sentence. A suggestion is checked against the
    glossary as a review is (a term it lacks is flagged, never repaired).
    """
    pending = [text for text, t in translations.items() if t.origin != REVIEWED]
    if not pending:
        return {}
    reviewed = reviewed_entries()
    if not reviewed:
        return {}
    rows = {}
    for text, match in find_near_matches(pending, reviewed).items():
        shown = None
        if match.suggestion is not None:
            checked = from_memory(text, MemoryHit(match.suggestion, REVIEWED), matcher)
            shown = dataclasses.replace(checked, origin=match.origin)
        rows[text] = _NearMatchRow(match, shown)
    return rows


class _ArticleReader:
    """Reads and segments a run's articles one at a time.

    Sentence spans come from the memory when a paragraph was split before with the
    same rules; pysbd (slow to load and to run) splits only the new ones, and is
    loaded once per run. The new spans are kept for the next run at each chunk's
    end (:meth:`save_spans`). No sentence is cut inside a protected span (a
    glossary term such as ".NET", a URL, a number, inline code), whether its spans
    were cached or not.
    """

    def __init__(
        self, files: Sequence[Path], memory: TranslationMemory, matcher: TermMatcher
    ) -> None:
        self.names = output_names(files)
        self.memory, self.matcher = memory, matcher
        self.fingerprint = rules_fingerprint()
        self._splitter: SentenceSplitter | None = None
        self._fresh: dict[str, list[tuple[int, int]]] = {}

    def read(self, path: Path) -> tuple[Document, tuple[Segment, ...]] | DocumentReport:
        """The article at ``path`` and its segments, or the report of why it cannot
        be read."""
        name = self.names[path]
        error = _read_problem(path)
        if error is None:
            try:
                document = read_document(path)
            except SourceError as exc:
                error = str(exc)
            except Exception as exc:
                # Readers parse hostile bytes with zip, XML and Markdown libraries,
                # which fail in more ways than any list foresees (python-docx raises
                # ValueError for an .xlsx renamed .docx); whatever it is, it is this
                # article's error and the others are still written.
                error = (
                    f"{display_path(path)}: cannot be read as {format_of(path).name} "
                    f"({str(exc) or type(exc).__name__}). Check that it is a {path.suffix} file; "
                    "save it again from its editor if it is"
                )
        if error is not None:
            return DocumentReport(source=path, doc_id=name, error=error)
        document = dataclasses.replace(document, doc_id=name)
        return document, segment_document(document, self._span_finder(document))

    def _span_finder(self, document: Document) -> KeepingWhole:
        """Where each paragraph of ``document`` splits into sentences."""
        texts = splittable_texts([document])
        keys = {text: block_key(text, self.fingerprint) for text in texts}
        cached = self.memory.cached_spans(list(keys.values()))
        spans = {text: cached[key] for text, key in keys.items() if key in cached}
        missing = [text for text in texts if text not in spans]
        if missing:
            if self._splitter is None:
                self._splitter = SentenceSplitter()
            for text in missing:
                spans[text] = self._fresh[keys[text]] = self._splitter.spans(text)
        # Inline code is never cut either ("`fig.show(). Puis`" is one piece of code).
        block_code = code_ranges(
            (block.text, block.inlines) for block in document.translatable_blocks
        )
        return KeepingWhole(
            KnownSpans(spans),
            lambda text: [
                (p.start, p.end) for p in find_spans(text, self.matcher, block_code.get(text, ()))
            ],
        )

    def save_spans(self) -> None:
        """Keep the sentence spans found since the last call, for the next run."""
        if self._fresh:
            self.memory.store_spans(self._fresh)
            self._fresh = {}


def _read_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read, found before its reader is called; ``None`` if none."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        # Its outputs, segment IDs and memory rows would all carry the stray bytes.
        return (
            f"{display_path(path)}: the file name is not valid UTF-8. Rename it, for "
            "example with: convmv -f latin1 -t utf-8 --notest FILE"
        )
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        fix = (
            "Give yourself read permission (chmod u+r) or run as its owner"
            if isinstance(exc, PermissionError)
            else "Check the file"
        )
        return f"{display_path(path)}: cannot be read ({describe_os_error(exc)}). {fix}"
    return None


def output_names(files: Sequence[Path]) -> dict[Path, str]:
    """The document ID of each article: its stem, made unique within the run.

    The ID names the article's outputs and starts its segment IDs, so two
    articles with the same stem would overwrite each other's files. Articles
    that share a stem but not an extension (``a.txt`` and ``a.md``) get their
    extension added (``a-txt``, ``a-md``); those that share the whole name
    (``x/a.txt`` and ``y/a.txt``) get their folder's name in front (``x-a``,
    ``y-a``); anything still equal gets ``-2``, ``-3``. Names compare without
    case, as on a case-insensitive disk.
    """
    ids = {path: path.stem for path in files}

    def clashing() -> dict[str, list[Path]]:
        groups: dict[str, list[Path]] = {}
        for path, value in ids.items():
            groups.setdefault(value.casefold(), []).append(path)
        return {key: paths for key, paths in groups.items() if len(paths) > 1}

    for paths in clashing().values():
        suffixes = {path.suffix.lower() for path in paths}
        for path in paths:
            if len(suffixes) > 1:
                ids[path] = f"{ids[path]}-{path.suffix.lstrip('.').lower()}"
    for paths in clashing().values():
        for path in paths:
            ids[path] = f"{path.parent.name or 'root'}-{ids[path]}"
    for paths in clashing().values():
        for number, path in enumerate(paths[1:], start=2):
            ids[path] = f"{ids[path]}-{number}"
    return ids


# Inline spans whose text is code: kept byte-identical, never translated.
_CODE_KINDS = frozenset({InlineKind.CODE, InlineKind.OTHER_CODE})


def code_ranges(
    pieces: Iterable[tuple[str, Iterable[Inline]]],
) -> dict[str, tuple[tuple[int, int], ...]]:
    """Where inline code is in each distinct French text.

    Protection works per distinct text, so the ranges of every piece (segment
    or block) with the same text are pooled (one article's cell may mark as code
    what another's sentence does not: both keep it). Standalone codes hold no text.

    Args:
        pieces: ``(text, inlines)`` of each segment or block.
    """
    found: dict[str, list[tuple[int, int]]] = {}
    for text, inlines in pieces:
        for span in inlines:
            if span.kind in _CODE_KINDS and not span.standalone:
                found.setdefault(text, []).append((span.start, span.end))
    return {text: tuple(merge_ranges(ranges, len(text))) for text, ranges in found.items()}


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


# Bumped whenever a renderer changes what it writes, so outputs are rewritten.
OUTPUT_FORMAT = "4"


def document_digest(aligned: AlignedDocument, label: str) -> str:
    """What an article's three output files show, and nothing else.

    (Renderers tell reviewed rows from the others, but not memory from machine.)

    The SHA-256 of the JSON list ``[OUTPUT_FORMAT, label, source name, rows,
    skeleton]``, fed to the hash row by row as ``json.dumps`` would write it, so
    that the whole article's JSON (several times its size) is never held at once.
    """
    digest = hashlib.sha256()

    def put(value: object) -> None:
        digest.update(json.dumps(value, ensure_ascii=False).encode())

    digest.update(b"[")
    for value in (OUTPUT_FORMAT, label, aligned.source_path.name):
        put(value)
        digest.update(b", ")
    digest.update(b"[")
    for number, row in enumerate(aligned.rows):
        if number:
            digest.update(b", ")
        put(
            (
                row.segment.segment_id,
                row.segment.kind.value,
                row.segment.level,
                row.segment.text,
                row.english,
                row.origin == REVIEWED,
                [str(flag) for flag in row.flags],
                repr(row.segment.inlines),
                repr(row.english_inlines),
                # (Only when there is one, so that outputs without notes keep their digest.)
                *([row.note] if row.note else []),
            )
        )
    # The source's skeleton too (the repr of its blocks, as one JSON string): a
    # changed code block or table layout changes the English article even when no
    # sentence changed. JSON escapes character by character, so the string can be
    # written piece by piece.
    digest.update(b'], "')
    for piece in _repr_pieces(aligned.source.blocks if aligned.source else None):
        digest.update(json.dumps(piece, ensure_ascii=False)[1:-1].encode())
    digest.update(b'"]')
    return digest.hexdigest()


def _repr_pieces(blocks: Sequence[object] | None) -> Iterator[str]:
    """``repr(blocks)`` in pieces, one per block ("" for ``None``)."""
    if blocks is None:
        return
    if not isinstance(blocks, tuple) or len(blocks) < 2:
        yield repr(blocks)
        return
    yield "("
    for number, block in enumerate(blocks):
        yield (", " if number else "") + repr(block)
    yield ")"


def _write_document(
    aligned: AlignedDocument,
    out_dir: Path,
    label: str,
    memory: TranslationMemory,
    english: str = "en-GB",
) -> DocumentReport:
    """Write one article's three files and remember what they show.

    ``english`` ("en-GB" or "en-US") is the language the English is tagged with.

    A file already holding exactly this content is left as it is. A file changed
    since this tool wrote it (an editor's corrections not yet imported) is never
    overwritten: the article is reported instead.
    """
    source_format = format_of(aligned.source_path)
    paths = OutputPaths.for_document(out_dir, aligned.doc_id, source_format.english_suffix)
    try:
        # An article of a sub-folder has its outputs in the same sub-folder of --out.
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=f"{display_path(out_dir)}: cannot create the folder "
            f"({describe_os_error(exc)}). Fix its permissions, or move away what stands there",
        )
    # The English variant tags the English in the DOCX files: part of what they hold.
    digest = document_digest(aligned, f"{label} {english}")
    states = {path: memory.output_state(path) for path in paths.all()}
    locks = {path: office_lock_file(path) for path in paths.all() if path.exists()}
    held = [(path, lock) for path, lock in locks.items() if lock is not None]
    if held:
        path, lock = held[0]
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=f"{path}: open in an office suite (lock file {lock.name}), so none of this "
            "article's outputs was written; close it there (import your corrections first) "
            "and run again, or delete the lock file if nothing has it open",
        )
    edited = [path for path, state in states.items() if _edited_since_written(path, state)]
    if edited:
        # An English article in Markdown or DOCX can be imported too (issue 11 item 7).
        importable = edited[0] != paths.english or edited[0].name.lower().endswith(
            (".en.md", ".en.docx")
        )
        advice = (
            f"import the corrections first (translate import {edited[0]}), or move the file "
            "away to have it written again"
            if importable
            else "move it away to have it written again"
        )
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=f"{edited[0]}: changed since translate wrote it, so it was not overwritten; "
            + advice,
        )
    writers = (
        (
            paths.bilingual_docx,
            lambda: write_bilingual_docx(
                aligned, label, paths.bilingual_docx, english_language=english
            ),
        ),
        (paths.bilingual_md, lambda: write_bilingual_markdown(aligned, label, paths.bilingual_md)),
        (paths.english, lambda: source_format.write_english(aligned, paths.english, english)),
    )
    written = []
    try:
        for path, write in writers:
            state = states[path]
            if path.exists() and state is not None and state.digest == digest:
                continue
            write()
            memory.record_output(path, digest)
            written.append(path)
    except MemoryFileError:
        raise  # the memory concerns the whole run
    except PipelineError as exc:
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=str(exc),
        )
    except (OSError, ValueError) as exc:
        # A renderer met something it cannot write (a name or character its
        # format refuses): this article's error, not the run's.
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=f"{display_path(path)}: cannot be written ({type(exc).__name__}: {exc}). "
            "Report this with the source file",
        )
    memory.record_segments(
        (
            SegmentRecord(
                row.segment.segment_id, row.segment.text, row.english, row.segment.kind.value
            )
            for row in aligned.rows
        ),
        document=aligned.doc_id,
    )
    return DocumentReport(
        source=aligned.source_path,
        doc_id=aligned.doc_id,
        segments=len(aligned.rows),
        outputs=paths.all(),
        written=tuple(written),
    )


def _edited_since_written(path: Path, state: OutputState | None) -> bool:
    """Whether an editor changed ``path`` since this tool wrote it.

    The memory's record (size and time) answers when it has one; without it (the
    memory deleted, moved, or another one), the file's own record of what it held
    does, so an editor's corrections are never overwritten for want of a memory.
    """
    if not path.exists():
        return False
    if state is None:
        from translate_pipeline.review_import import output_was_edited

        return output_was_edited(path) is True
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns) != (state.size, state.mtime_ns)


def _made_with(glossary: Glossary, english: EnglishVariant) -> str:
    """What besides the engine a machine translation depends on, for the memory's key.

    Dates and times reach the engine already in the variant's English, so a
    sentence translated for en-US is not reused for en-GB; en-GB keeps the plain
    glossary version, so memories made before the variant existed still serve.
    """
    return glossary.version if english is DEFAULT_VARIANT else f"{glossary.version}+{english}"


def _load_glossary(path: Path | None) -> Glossary:
    if path is not None:
        return load_glossary(path)
    default = default_glossary_path()
    if default.exists():
        return load_glossary(default)
    return empty_glossary()
