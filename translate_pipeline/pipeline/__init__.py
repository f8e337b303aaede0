"""The main job: sources -> segments -> translations -> aligned documents -> files.

The command line calls :func:`run` with a frozen :class:`RunConfig` and prints the
:class:`RunReport` it gets back; nothing here prints or exits.
"""

from __future__ import annotations

import gc
from pathlib import Path

from translate_pipeline.engines import Translator
from translate_pipeline.glossary import Glossary, empty_glossary, load_glossary
from translate_pipeline.memory import Notice, TranslationMemory, default_memory_path
from translate_pipeline.output_files import prepare_output_folder
from translate_pipeline.pipeline.config import (
    DEFAULT_CHUNK_SEGMENTS,
    RunConfig,
    RunProgress,
    RunProgressCallback,
    RunReport,
    Stopwatch,
)
from translate_pipeline.pipeline.job import Job
from translate_pipeline.pipeline.lookup import MEMORY_ONLY
from translate_pipeline.pipeline.reading import code_ranges, output_names
from translate_pipeline.pipeline.reports import DocumentReport
from translate_pipeline.pipeline.writing import OUTPUT_FORMAT, document_digest
from translate_pipeline.project import default_glossary_path
from translate_pipeline.qa import QaSummary
from translate_pipeline.render_qa import QaReportStream
from translate_pipeline.sources import find_sources

__all__ = [
    "DEFAULT_CHUNK_SEGMENTS",
    "MEMORY_ONLY",
    "OUTPUT_FORMAT",
    "DocumentReport",
    "RunConfig",
    "RunProgress",
    "RunReport",
    "Stopwatch",
    "code_ranges",
    "document_digest",
    "output_names",
    "run",
]


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
        job = Job(config, glossary, memory, engine, notice, watch, scan, progress)
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


def _load_glossary(path: Path | None) -> Glossary:
    if path is not None:
        return load_glossary(path)
    default = default_glossary_path()
    if default.exists():
        return load_glossary(default)
    return empty_glossary()
