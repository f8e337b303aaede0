"""One run's work across its chunks: reading, looking up, translating, aligning, writing."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from translate_pipeline.document import AlignedDocument, Document, Inline, Segment
from translate_pipeline.engines import EngineChoice, Translator, choose_engine
from translate_pipeline.english_lexicon import EnglishLexicon
from translate_pipeline.errors import EngineError
from translate_pipeline.glossary import Glossary
from translate_pipeline.memory import (
    REVIEWED,
    MachineKey,
    MemoryHit,
    Notice,
    TranslationMemory,
)
from translate_pipeline.pipeline.aligning import (
    _align_checked,
    _NearMatchRow,
    _span_alignments,
    _span_translations,
    _with_notes,
)
from translate_pipeline.pipeline.reading import ArticleReader, code_ranges
from translate_pipeline.pipeline.reports import DocumentReport
from translate_pipeline.pipeline.spool import RowSpool
from translate_pipeline.pipeline.writing import write_document
from translate_pipeline.protect import TermMatcher
from translate_pipeline.render_qa import QaReportStream
from translate_pipeline.reproject import Alignment
from translate_pipeline.sources import SourceScan
from translate_pipeline.translation import (
    DEFAULT_BATCH_SIZE,
    ProgressCallback,
    Translation,
    code_lost,
    from_memory,
    translate_protected,
)

if TYPE_CHECKING:
    from translate_pipeline.cluster import RenderQueue
from translate_pipeline.pipeline.config import (
    RunConfig,
    RunProgress,
    RunProgressCallback,
    Stopwatch,
)
from translate_pipeline.pipeline.lookup import (
    MEMORY_ONLY,
    made_with,
    near_matches,
    served_by_memory,
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


Chunk = list[tuple[Document, Sequence[Segment]]]


class Job:
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
        self.reader = ArticleReader(
            scan.files, memory, self.matcher, held_at_most=max(1, config.chunk_segments)
        )
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
        # Whether this cluster run's engine actors have started (Ray is connected).
        self._cluster_started = False
        # Where a cluster run's actors render its files, once they have started (see _write).
        self._renders: RenderQueue | None = None
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
        reads = self._reads()
        while True:
            with self.watch.stage("read and segment"):
                item = next(reads, None)
            if item is None:
                break
            path, read = item
            if isinstance(read, DocumentReport):
                self.reports[path] = read
                self._failed(path)
                continue
            if chunk and len(read[1]) > limit:
                # An article larger than a chunk goes alone (it is taken in slices).
                with self.watch.stage("read and segment"):
                    self.reader.save_spans()
                yield chunk
                chunk, segments = [], 0
            chunk.append(read)
            segments += len(read[1])
            # Only the chunk holds the article, which translate_and_write may let go.
            item = read = None
            if segments >= limit:
                with self.watch.stage("read and segment"):
                    self.reader.save_spans()
                yield chunk
                chunk, segments = [], 0
        if chunk:
            with self.watch.stage("read and segment"):
                self.reader.save_spans()
            yield chunk

    def _reads(
        self,
    ) -> Iterator[tuple[Path, tuple[Document, tuple[Segment, ...]] | DocumentReport]]:
        """Each article read and segmented, in order: here, or, in a cluster run once
        its engine actors have started, by Ray tasks (Ray starts only for the
        engine, so a run the memory serves entirely never starts it)."""
        files = self.scan.files
        for index, path in enumerate(files):
            if self._cluster_started:
                from translate_pipeline.cluster import import_ray, read_on_cluster

                if self.notice:
                    left = len(files) - index
                    self.notice(
                        f"Ray cluster: the {left} article{'s' if left > 1 else ''} left "
                        "are read and segmented as Ray tasks"
                    )
                yield from read_on_cluster(import_ray(), files[index:], self.reader, self.matcher)
                return
            yield path, self.reader.read(path)

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

    def _translating(
        self, offset: int, misses: int, share: tuple[int, int]
    ) -> ProgressCallback | None:
        """A callback for the engine's batches of a part of the ``misses`` of slice
        ``share`` (its number and the chunk's count of slices), the part starting
        at ``offset``, moving the chunk's bytes along."""
        if self.progress is None:
            return None
        number, count = share

        def on_batch(done: int, total: int) -> None:
            within = (offset + done) / misses if misses else 1.0
            self._translated = (number + within) / count
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
        memory's translations of ``texts`` too (see :func:`served_by_memory`)."""
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
                return served_by_memory(
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
        """Look up, translate, align and write the articles of one chunk.

        An article of more than ``chunk_segments`` segments (alone in its chunk, see
        :meth:`chunks`) is taken in slices of whole blocks of about that many
        segments, each looked up, translated, aligned and checked in turn, its rows
        kept in a temporary file (:class:`RowSpool`) until the article is written,
        so that its translations and rows are never all held at once.
        """
        self._chunk_bytes = sum(self._sizes[document.path] for document, _ in chunk)
        self._translated, self._written_bytes = 0.0, 0
        limit = max(1, self.config.chunk_segments)
        if len(chunk) == 1 and len(chunk[0][1]) > limit:
            document, segments = chunk[0]
            slices = block_slices(segments, limit)
            # (Each slice holds at least ``limit`` segments, but the last.)
            count = -(-len(segments) // limit)
            # The chunk's copy is let go: the slices are made as they are asked for
            # (an article read here has its segments made again, block by block,
            # see ArticleReader), and the spool's rows hold those already done.
            chunk[0] = (document, ())
            del segments
            labels = set()
            with RowSpool() as spool:
                for number, piece in enumerate(slices):
                    share = (min(number, count - 1), count)
                    done = self._translate([(document, piece)], share)
                    spool.extend(self._checked(document, piece, done, qa).rows)
                    labels.add(done.label)
                    del done
                aligned = AlignedDocument(document.doc_id, document.path, spool, document)
                label = labels.pop() if len(labels) == 1 else f"{MEMORY_ONLY} (no engine loaded)"
                self._write(document, aligned, len(spool), label)
        else:
            done = self._translate(chunk, (0, 1))
            for document, segments in chunk:
                aligned = self._checked(document, segments, done, qa)
                self._write(document, aligned, len(segments), done.label)
                del aligned
            if self._renders is not None:
                with self.watch.stage("write documents"):
                    self._renders.finish()
        self._done = dataclasses.replace(
            self._done, bytes_done=self._done.bytes_done + self._chunk_bytes
        )
        self._chunk_bytes, self._translated, self._written_bytes = 0, 0.0, 0

    def _translate(self, pairs: Chunk, share: tuple[int, int]) -> _Translated:
        """The English of every segment of ``pairs`` (a chunk, or one slice of an
        article), from the memory or the engine, with what aligning needs.

        ``share`` is ``(number, count)``: the slice's place among the chunk's
        slices, for progress.
        """
        config, memory, watch, matcher = self.config, self.memory, self.watch, self.matcher
        texts = list(dict.fromkeys(s.text for _, segments in pairs for s in segments))
        choice, hits = self._engine_for(texts)
        label = f"{choice.name} ({choice.version})"
        if self.label is None:
            self.label, self.engine_identity = label, (choice.name, choice.version)
        key = MachineKey(choice.name, choice.version, made_with(self.glossary, config.english))
        code = code_ranges((s.text, s.inlines) for _, segments in pairs for s in segments)
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
        number, count = share
        if misses:

            def save(done: dict[str, Translation]) -> None:
                memory.store_machine(
                    [(text, t.engine_english or t.english) for text, t in done.items()], key
                )

            with watch.stage("load model"):
                translator = choice.load()
            self._cluster_started = config.cluster is not None
            with watch.stage("translate"):
                # In slices of whole engine batches, so that the masked texts and
                # other working state of one large article are never all held.
                step = _slice_size(translator)
                for start in range(0, len(misses), step):
                    fresh = translate_protected(
                        translator,
                        misses[start : start + step],
                        matcher,
                        self._translating(start, len(misses), share),
                        on_batch=save,
                        variant=config.english,
                        lexicon=lexicon,
                        code=code,
                    )
                    translations.update(fresh)
                    self._code_lost_now.update(t for t, tr in fresh.items() if code_lost(tr))
        self._translated = (number + 1) / count
        with watch.stage("near matches"):
            near = near_matches(self._reviewed_entries, translations, matcher)
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
            span_english = _span_translations(choice, translator, pairs, translations, matcher)
            alignments = _span_alignments(choice, translator, pairs, translations, span_english)
        return _Translated(
            label=label,
            translations=translations,
            reviewed_spans=reviewed_spans,
            span_english=span_english,
            near=near,
            alignments=alignments,
            notes=memory.notes.lookup(translations),
        )

    def _checked(
        self,
        document: Document,
        segments: Sequence[Segment],
        done: _Translated,
        qa: QaReportStream,
    ) -> AlignedDocument:
        """``segments`` of ``document`` paired with their English, spans and flags,
        and counted in the QA report."""
        translations = done.translations
        with self.watch.stage("QA"):
            aligned = _with_notes(
                _align_checked(
                    document,
                    segments,
                    translations,
                    done.reviewed_spans,
                    done.span_english,
                    done.near,
                    done.alignments,
                ),
                done.notes,
            )
            qa.add(aligned, (r for segment in segments for r in translations[segment.text].spans))
        return aligned

    def _write(
        self, document: Document, aligned: AlignedDocument, segments: int, label: str
    ) -> None:
        """Write one article's outputs, naming the engine ``label``, and keep its report.

        Once a cluster run's actors have started, its files are rendered by one of
        them and written when they are back (by the end of the chunk, see
        :meth:`translate_and_write`); an article held in a :class:`RowSpool` (larger
        than a chunk) is rendered here, streaming its rows from the driver's disk.
        """
        out_dir = self.config.out_dir / self.scan.subfolder(document.path)

        def keep(report: DocumentReport) -> None:
            self.reports[document.path] = dataclasses.replace(
                report, kept_as_is=document.kept_as_is, unrepresented=document.unrepresented
            )
            self._written(document, segments)

        with self.watch.stage("write documents"):
            if self._cluster_started and not isinstance(aligned.rows, RowSpool):
                if self._renders is None:
                    from translate_pipeline.cluster import RenderQueue, import_ray

                    assert self._choice is not None  # its actors have started
                    self._renders = RenderQueue(import_ray(), self.memory, self._choice.load())
                self._renders.submit(aligned, out_dir, label, self.config.english, keep)
            else:
                keep(write_document(aligned, out_dir, label, self.memory, self.config.english))


@dataclass(frozen=True)
class _Translated:
    """What :meth:`Job._translate` found for a chunk or slice, for aligning it.

    Attributes:
        label: The engine named in the outputs.
        translations: The English of each distinct French text.
        reviewed_spans: The formatting an editor gave a reviewed translation.
        span_english: Candidate Englishes of spans the simple rules cannot place.
        near: Reviewed near matches.
        alignments: Word alignments for spans nothing else places.
        notes: Reviewers' notes, by French text.
    """

    label: str
    translations: dict[str, Translation]
    reviewed_spans: Mapping[str, tuple[Inline, ...]]
    span_english: dict[str, dict[str, tuple[str, ...]]]
    near: dict[str, _NearMatchRow]
    alignments: Mapping[str, Alignment]
    notes: Mapping[str, str]


def block_slices(segments: Iterable[Segment], limit: int) -> Iterator[tuple[Segment, ...]]:
    """``segments`` cut into runs of whole blocks of about ``limit`` segments each
    (a run ends at the first block end at or past ``limit``; a block is never cut),
    each made as it is asked for."""
    piece: list[Segment] = []
    for segment in segments:
        if len(piece) >= limit and segment.block_index != piece[-1].block_index:
            yield tuple(piece)
            piece = []
        piece.append(segment)
    if piece:
        yield tuple(piece)


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
