"""What ``translate run`` is asked to do, where it stands, and what it did."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from translate_pipeline.engines import EngineOptions
from translate_pipeline.pipeline.reports import DocumentReport
from translate_pipeline.qa import QaSummary
from translate_pipeline.typography import DEFAULT_VARIANT, EnglishVariant

if TYPE_CHECKING:
    pass


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
