"""The ``translate`` command: parses options, calls the library, reports.

Exit codes: 0 success; 1 the run failed and nothing was written; 2 wrong usage;
3 some articles failed while the others were written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from translate_pipeline import __version__
from translate_pipeline.engines import ENGINE_NAMES
from translate_pipeline.errors import PipelineError

EXIT_FAILED = 1
EXIT_PARTIAL = 3


class CommandFailed(click.ClickException):
    """A library error shown as one line on stderr, with a meaningful exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 success, 1 failure, 2 wrong usage, 3 some articles failed.",
)
@click.version_option(__version__, prog_name="translate")
def main() -> None:
    """Translate French articles into aligned bilingual DOCX and Markdown, offline."""


@main.command()
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
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="CPU threads for the Argos engine (0: all cores).",
)
@click.option(
    "--beam-size",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Beam size for the Argos engine (1: greedy, fastest).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def run(
    paths: tuple[Path, ...],
    out_dir: Path,
    engine: str,
    threads: int,
    beam_size: int,
    as_json: bool,
    quiet: bool,
) -> None:
    """Translate PATHS (files or folders of .txt, .md, .docx; default: seeds/).

    For each article, writes <stem>.bilingual.docx, <stem>.bilingual.md and
    <stem>.en.md into the output folder.
    """
    from translate_pipeline.engines import EngineOptions
    from translate_pipeline.pipeline import RunConfig
    from translate_pipeline.pipeline import run as run_pipeline

    config = RunConfig(
        sources=paths or (Path("seeds"),),
        out_dir=out_dir,
        engine=engine,
        engine_options=EngineOptions(threads=threads, beam_size=beam_size),
    )
    # A bar only on a terminal: in logs and pipes it would be noise.
    show_progress = not (quiet or as_json) and sys.stderr.isatty()
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Translating", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        report = run_pipeline(config, progress if show_progress else None)
    except PipelineError as exc:
        raise CommandFailed(str(exc), exc.exit_code) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)

    for skipped in report.skipped:
        click.echo(f"Skipped {skipped}: not a .txt, .md or .docx file.", err=True)
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
    for path in report.files_written:
        click.echo(f"  wrote {path}")


def _report_dict(report: Any) -> dict[str, Any]:
    return {
        "engine": report.engine,
        "engine_version": report.engine_version,
        "segments": report.segments,
        "translated": report.translated,
        "seconds": round(report.seconds, 3),
        "documents": [
            {
                "source": str(doc.source),
                "doc_id": doc.doc_id,
                "segments": doc.segments,
                "outputs": [str(path) for path in doc.outputs],
                "error": doc.error,
            }
            for doc in report.documents
        ],
        "skipped": [str(path) for path in report.skipped],
        "files_written": [str(path) for path in report.files_written],
    }


@main.group()
def model() -> None:
    """Install and list Argos French-English models."""


@model.command("install")
@click.argument("args", nargs=-1, required=True)
@click.option(
    "--online",
    is_flag=True,
    help="Fetch FROM TO (e.g. 'fr en') from the Argos index; needs a network.",
)
def model_install(args: tuple[str, ...], online: bool) -> None:
    """Install FILE.argosmodel offline, or with --online the package for FROM TO."""
    from translate_pipeline import model_store

    try:
        if online:
            if len(args) != 2:
                raise click.UsageError("with --online, give the language codes: fr en")
            installed = model_store.install_online(args[0], args[1])
        else:
            if len(args) != 1:
                raise click.UsageError("give one .argosmodel file (or --online FROM TO)")
            installed = model_store.install_from_file(Path(args[0]))
    except PipelineError as exc:
        raise CommandFailed(str(exc), exc.exit_code) from None
    click.echo(
        f"Installed {installed.name} ({installed.from_code}->{installed.to_code}, "
        f"version {installed.version or 'unknown'}) in {installed.path}"
    )


@model.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def model_list(as_json: bool) -> None:
    """List installed Argos models and where they live."""
    from translate_pipeline import model_store

    try:
        models = model_store.list_models()
        folder = model_store.packages_dir()
    except PipelineError as exc:
        raise CommandFailed(str(exc), exc.exit_code) from None
    if as_json:
        rows = [
            {
                "name": m.name,
                "from": m.from_code,
                "to": m.to_code,
                "version": m.version,
                "path": str(m.path),
            }
            for m in models
        ]
        click.echo(json.dumps({"folder": str(folder), "models": rows}, indent=2))
        return
    if not models:
        click.echo(f"No Argos model installed in {folder}.")
        return
    click.echo(f"Argos models in {folder}:")
    for m in models:
        click.echo(f"  {m.name}  {m.from_code}->{m.to_code}  version {m.version or 'unknown'}")
