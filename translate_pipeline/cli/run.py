"""``translate run``: translate articles, then print the summary (or the --json report)."""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from translate_pipeline.cli.options import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    CommandFailed,
    glossary_option,
    library_errors,
    memory_option,
    notice,
)
from translate_pipeline.engines import DEVICES, ENGINE_NAMES, PIVOT_CHOICES
from translate_pipeline.errors import display_path

MAX_THREADS = 1024


def _not_nan(param: click.Parameter, value: float | None) -> float | None:
    """Refuse NaN, which every range check lets through (``inf`` means no limit)."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("nan is not a number of seconds", param=param)
    return value


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    show_default=True,
    help="Folder for the bilingual and English files.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default="auto",
    show_default=True,
    help="auto: an installed Argos model, else Apertium.",
)
@click.option(
    "--threads",
    # More threads than this only spends time creating them (100000 took 40 s and
    # then failed inside libgomp): refuse with a clear usage error.
    type=click.IntRange(min=0, max=MAX_THREADS),
    default=0,
    show_default=True,
    help="CPU threads for the Argos engine (0: all cores), run as parallel workers.",
)
@click.option(
    "--engine-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    envvar="TRANSLATE_ENGINE_TIMEOUT",
    callback=lambda ctx, param, value: _not_nan(param, value),
    help="Seconds an engine call may take, plus a part per segment (Apertium 0.1 s; Argos "
    "1 s on the CPU, 0.1 s on a GPU), before the engine is taken for hung: its process is "
    "stopped and the run ends with an error, finished batches kept (inf: no limit) "
    "[default: 60; env TRANSLATE_ENGINE_TIMEOUT].",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="Segments per engine call; each finished call is saved to the memory "
    "[default: 256 for Argos on the CPU, 2048 on a GPU; 2000 for Apertium].",
)
@click.option(
    "--beam-size",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Beam size for the Argos engine (1: greedy, fastest).",
)
@click.option(
    "--device",
    type=click.Choice(DEVICES),
    default="auto",
    show_default=True,
    help="Where the Argos engine runs: auto uses the GPUs when CTranslate2 sees one "
    "(int8_float16, larger batches), else the CPU.",
)
@click.option(
    "--pivots",
    type=click.Choice(PIVOT_CHOICES),
    default="all",
    show_default=True,
    help="Apertium's pivot languages: all installed ones, each sentence's English chosen "
    "among them (better English, about 6 times the CPU), or spanish alone (fastest).",
)
@click.option(
    "--english",
    type=click.Choice(["en-GB", "en-US"]),
    default="en-GB",
    show_default=True,
    help="English variant: en-GB writes 12 Jan 2024 and 14:30, en-US January 12, 2024 "
    "and 2:30 pm; both use “double” quotes.",
)
@click.option(
    "--cluster",
    is_flag=False,
    flag_value="local",
    default=None,
    metavar="[ADDRESS]",
    help="Translate on a Ray cluster: alone, start Ray on this machine; with an ADDRESS "
    "(HOST:PORT of 'ray start --head'), join that cluster. The memory stays here. Needs "
    "pip install 'translate-pipeline[cluster]'.",
)
@glossary_option
@memory_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def run(
    paths: tuple[Path, ...],
    out_dir: Path,
    engine: str,
    threads: int,
    engine_timeout: float | None,
    batch_size: int | None,
    beam_size: int,
    device: str,
    pivots: str,
    english: str,
    cluster: str | None,
    glossary_path: Path | None,
    memory_path: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Translate PATHS (files or folders of .txt, .md, .docx; default: seeds/).

    For each article, writes <stem>.bilingual.docx and <stem>.bilingual.md, and
    the English article in its own format (<stem>.en.md for .md and .txt,
    <stem>.en.docx for .docx) into the output folder, plus qa-report.json and
    qa-report.md for the run. Glossary terms, URLs, e-mail addresses, numbers and
    inline code are protected and checked on every segment; blocks kept as they
    are (code, front matter, HTML) are named in the summary.

    Sentences already in the translation memory (reviewed ones first) are not
    translated again. An output file changed since it was written is never
    overwritten: import it first with 'translate import'.
    """
    from translate_pipeline.engines import EngineOptions
    from translate_pipeline.pipeline import RunConfig, RunProgress
    from translate_pipeline.pipeline import run as run_pipeline
    from translate_pipeline.typography import EnglishVariant

    config = RunConfig(
        sources=paths or (Path("seeds"),),
        out_dir=out_dir,
        engine=engine,
        engine_options=EngineOptions(
            threads=threads,
            beam_size=beam_size,
            batch_size=batch_size,
            device=device,
            timeout_seconds=engine_timeout,
            pivots=pivots,
        ),
        glossary=glossary_path,
        memory=memory_path,
        english=EnglishVariant(english),
        cluster=cluster,
    )
    # A bar only on a terminal: in logs and pipes it would be noise.
    show_progress = not (quiet or as_json) and sys.stderr.isatty()
    bar: Any = None

    def progress(state: RunProgress) -> None:
        # The bar runs over the source bytes (known up front, unlike the segments),
        # so its ETA holds for the whole run; the label counts articles and segments.
        nonlocal bar
        if bar is None:
            bar = click.progressbar(
                length=max(1, state.bytes_total), file=sys.stderr, show_eta=True
            )
            bar.__enter__()
        bar.label = (
            f"{state.articles_done}/{state.articles_total} articles, {state.segments_done} segments"
        )
        bar.update(state.bytes_done - bar.pos)

    try:
        with library_errors():
            report = run_pipeline(config, progress if show_progress else None, notice=notice)
    except KeyboardInterrupt:
        from translate_pipeline.memory import default_memory_path

        raise CommandFailed(
            "interrupted. Every batch finished before that is saved in the translation memory "
            f"({config.memory or default_memory_path()}): run the same command again to resume",
            EXIT_INTERRUPTED,
        ) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)

    for skipped in report.skipped:
        click.echo(f"Skipped {display_path(skipped)}: not a .txt, .md or .docx file.", err=True)
    for path, problem in report.unreadable:
        click.echo(f"Skipped {display_path(path)}: {problem}.", err=True)
    if report.own_outputs and not quiet:
        click.echo(
            f"Skipped {len(report.own_outputs)} file(s) named like translate's outputs or "
            f"office lock files (*.bilingual.*, *.en.*, qa-report.*), such as "
            f"{display_path(report.own_outputs[0])}; rename a French article named so.",
            err=True,
        )
    for failed in report.failed:
        click.echo(f"Error: {failed.error}", err=True)
    if as_json:
        click.echo(json.dumps(_report_dict(report), indent=2, ensure_ascii=False))
    elif not quiet:
        _print_summary(report)
    if report.failed:
        sys.exit(EXIT_FAILED if len(report.failed) == len(report.documents) else EXIT_PARTIAL)


def _print_summary(report: Any) -> None:
    written = [doc for doc in report.documents if not doc.error]
    click.echo(
        f"Translated {len(written)} of {len(report.documents)} documents, "
        f"{report.segments} segments ({report.translated} sent to the engine) "
        f"with {report.engine} [{report.engine_version}] in {report.seconds:.2f} s."
    )
    click.echo(
        f"Memory: {report.memory_hits} found ({report.reviewed} reviewed), "
        f"{report.translated} translated now; {report.memory}"
    )
    if report.near_matches:
        click.echo(
            f"Near matches: {report.near_matches} sentences close to a reviewed one "
            "(flagged fuzzy-match; check them)"
        )
    glossary = f"{report.glossary} ({report.glossary_version})" if report.glossary else "none"
    click.echo(f"Glossary: {glossary}")
    for kind, counts in report.qa.spans.items():
        click.echo(
            f"  {kind}: {counts['kept']} kept, {counts['repaired']} repaired, "
            f"{counts['missing']} missing (flagged)"
        )
    flags = ", ".join(f"{code} {count}" for code, count in report.qa.flags.items())
    click.echo(
        f"QA: {report.qa.flagged_segments} of {report.qa.segments} segments flagged"
        + (f" ({flags})" if flags else "")
    )
    _print_kept(report.documents)
    written, current = report.files_written, report.files_current
    click.echo(f"Files: {len(written)} written, {len(current)} already up to date.")
    # Name them while the list is short enough to read.
    if len(written) <= 12:
        for path in written:
            click.echo(f"  wrote {path}")
    elif report.qa_reports:
        click.echo(f"  QA report: {report.qa_reports[-1]}")


def _print_kept(documents: Any) -> None:
    """Name what was carried over untranslated, so nothing goes unmentioned."""
    kept = Counter(
        name.split(" (line")[0] for doc in documents if not doc.error for name in doc.kept_as_is
    )
    if kept:
        listed = ", ".join(f"{count} × {name}" for name, count in kept.items())
        click.echo(f"Kept as is (not translated): {listed}.")
    odd = [(doc.doc_id, item) for doc in documents if not doc.error for item in doc.unrepresented]
    if odd:
        click.echo(f"Left as in the source, not translated ({len(odd)}; listed in the QA report):")
        for doc_id, item in odd[:5]:
            click.echo(f"  {doc_id}: {item}")
        if len(odd) > 5:
            click.echo(f"  ... and {len(odd) - 5} more")


def _report_dict(report: Any) -> dict[str, Any]:
    return {
        "engine": report.engine,
        "engine_version": report.engine_version,
        "segments": report.segments,
        "translated": report.translated,
        "seconds": round(report.seconds, 3),
        "stage_seconds": {name: round(value, 3) for name, value in report.stage_seconds.items()},
        "memory": {
            "path": str(report.memory) if report.memory else None,
            "hits": report.memory_hits,
            "reviewed": report.reviewed,
            "misses": report.translated,
        },
        "near_matches": report.near_matches,
        "glossary": str(report.glossary) if report.glossary else None,
        "glossary_version": report.glossary_version,
        "qa": {
            "segments": report.qa.segments,
            "flagged_segments": report.qa.flagged_segments,
            "flags": report.qa.flags,
            "protected_spans": report.qa.spans,
        },
        "documents": [
            {
                "source": display_path(doc.source),
                "doc_id": doc.doc_id,
                "segments": doc.segments,
                "outputs": [str(path) for path in doc.outputs],
                "error": doc.error,
                "kept_as_is": list(doc.kept_as_is),
                "unrepresented": list(doc.unrepresented),
            }
            for doc in report.documents
        ],
        "skipped": [display_path(path) for path in report.skipped],
        "own_outputs_skipped": [display_path(path) for path in report.own_outputs],
        "unreadable": [
            {"path": display_path(path), "problem": problem} for path, problem in report.unreadable
        ],
        "files_written": [str(path) for path in report.files_written],
        "files_up_to_date": [str(path) for path in report.files_current],
    }
