"""The main job: sources -> segments -> translations -> aligned documents -> files.

The command line calls :func:`run` with a frozen :class:`RunConfig` and prints the
:class:`RunReport` it gets back; nothing here prints or exits.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from translate_pipeline.align import align_document
from translate_pipeline.document import Document, Segment
from translate_pipeline.engines import EngineOptions, Translator, load_engine
from translate_pipeline.errors import EngineError, PipelineError, SourceError
from translate_pipeline.output_files import OutputPaths, prepare_output_folder
from translate_pipeline.render_docx import write_bilingual_docx
from translate_pipeline.render_markdown import write_bilingual_markdown, write_english_markdown
from translate_pipeline.segmenter import SentenceSplitter, segment_document
from translate_pipeline.sources import find_sources, read_document

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RunConfig:
    """Everything ``translate run`` was asked to do.

    Attributes:
        sources: Article files or folders.
        out_dir: Where outputs are written.
        engine: "auto", "argos" or "apertium".
        engine_options: Threads and beam size for the neural engine.
    """

    sources: tuple[Path, ...]
    out_dir: Path
    engine: str = "auto"
    engine_options: EngineOptions = field(default_factory=EngineOptions)


@dataclass(frozen=True)
class DocumentReport:
    """What happened to one article: its outputs, or the error that stopped it."""

    source: Path
    doc_id: str
    segments: int = 0
    outputs: tuple[Path, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class RunReport:
    """The outcome of a run, for the summary and ``--json``.

    Attributes:
        documents: One report per article, in order.
        skipped: Files in source folders that are not articles.
        engine: Engine name.
        engine_version: Engine and model version.
        segments: Segments in the written documents.
        translated: Distinct segment texts sent to the engine.
        seconds: Wall time of the run.
    """

    documents: tuple[DocumentReport, ...]
    skipped: tuple[Path, ...]
    engine: str
    engine_version: str
    segments: int
    translated: int
    seconds: float

    @property
    def failed(self) -> tuple[DocumentReport, ...]:
        """The articles that were not written."""
        return tuple(report for report in self.documents if report.error)

    @property
    def files_written(self) -> tuple[Path, ...]:
        """Every file written, in order."""
        return tuple(path for report in self.documents for path in report.outputs)


def run(
    config: RunConfig,
    progress: ProgressCallback | None = None,
    engine: Translator | None = None,
) -> RunReport:
    """Translate every article of ``config.sources`` and write its three outputs.

    Args:
        config: What to translate and where to write it.
        progress: Called with (segments done, segments to translate).
        engine: An engine to use instead of loading ``config.engine``.

    An article that cannot be read is reported and the others go on. A problem
    that concerns the whole run (no source, an unwritable output folder, no
    engine) raises before anything is translated.

    Raises:
        PipelineError: The run as a whole cannot proceed.
    """
    started = time.perf_counter()
    scan = find_sources(config.sources)
    prepare_output_folder(config.out_dir)

    splitter = SentenceSplitter()
    readable: list[tuple[Document, tuple[Segment, ...]]] = []
    reports: dict[Path, DocumentReport] = {}
    for path in scan.files:
        try:
            document = read_document(path)
        except SourceError as exc:
            reports[path] = DocumentReport(source=path, doc_id=path.stem, error=str(exc))
            continue
        readable.append((document, segment_document(document, splitter)))

    if not readable:
        # Every article failed to read: nothing to translate, so no engine is needed.
        return RunReport(
            documents=tuple(reports[path] for path in scan.files),
            skipped=scan.skipped,
            engine="",
            engine_version="",
            segments=0,
            translated=0,
            seconds=time.perf_counter() - started,
        )
    engine = engine or load_engine(config.engine, config.engine_options)

    texts = list(dict.fromkeys(s.text for _, segments in readable for s in segments))
    english = translate_texts(engine, texts, progress)

    label = f"{engine.name} ({engine.version})"
    for document, segments in readable:
        aligned = align_document(document, segments, english, origin=f"machine:{engine.name}")
        paths = OutputPaths.for_document(config.out_dir, document.doc_id)
        try:
            write_bilingual_docx(aligned, label, paths.bilingual_docx)
            write_bilingual_markdown(aligned, label, paths.bilingual_md)
            write_english_markdown(aligned, paths.english_md)
        except PipelineError as exc:
            reports[document.path] = DocumentReport(
                source=document.path, doc_id=document.doc_id, segments=len(segments), error=str(exc)
            )
            continue
        reports[document.path] = DocumentReport(
            source=document.path,
            doc_id=document.doc_id,
            segments=len(segments),
            outputs=paths.all(),
        )

    ordered = tuple(reports[path] for path in scan.files)
    return RunReport(
        documents=ordered,
        skipped=scan.skipped,
        engine=engine.name,
        engine_version=engine.version,
        segments=sum(report.segments for report in ordered if not report.error),
        translated=len(texts),
        seconds=time.perf_counter() - started,
    )


def translate_texts(
    engine: Translator, texts: list[str], progress: ProgressCallback | None = None
) -> dict[str, str]:
    """Translate distinct ``texts`` in the engine's batch size, reporting progress.

    Raises:
        EngineError: The engine failed or returned the wrong number of outputs.
    """
    english: dict[str, str] = {}
    size = engine.batch_size or max(1, len(texts))
    if progress:
        progress(0, len(texts))
    for start in range(0, len(texts), size):
        batch = texts[start : start + size]
        outputs = engine.translate_batch(batch)
        if len(outputs) != len(batch):
            raise EngineError(
                f"the {engine.name} engine returned {len(outputs)} translations for "
                f"{len(batch)} segments"
            )
        english.update(zip(batch, outputs, strict=True))
        if progress:
            progress(len(english), len(texts))
    return english
