"""The ``translate`` command: parses options, calls the library, reports.

Exit codes: 0 success; 1 the run failed and nothing was written; 2 wrong usage;
3 some articles failed while the others were written; 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from translate_pipeline import __version__
from translate_pipeline.engines import DEVICES, ENGINE_NAMES
from translate_pipeline.errors import PipelineError

EXIT_FAILED = 1
EXIT_PARTIAL = 3
EXIT_INTERRUPTED = 130  # the shell's code for a program stopped by Ctrl-C


class CommandFailed(click.ClickException):
    """A library error shown on stderr (one line per problem), with a meaningful exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        # Click prefixes "Error: " once; a multi-problem message gets it on every line.
        super().__init__(message.replace("\n", "\nError: "))
        self.exit_code = exit_code

    @classmethod
    def from_error(cls, error: PipelineError) -> CommandFailed:
        """Wrap a library error."""
        return cls(str(error), error.exit_code)


memory_option = click.option(
    "--memory",
    "memory_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Translation memory file [default: $XDG_DATA_HOME/translate-pipeline/memory.sqlite].",
)


@contextmanager
def library_errors() -> Iterator[None]:
    """Turn the library's own errors into a clean exit: one line per problem, no traceback."""
    try:
        yield
    except PipelineError as exc:
        raise CommandFailed.from_error(exc) from None


glossary_option = click.option(
    "--glossary",
    "glossary_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Glossary CSV (default: glossary/terms.csv when it exists).",
)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 success, 1 failure, 2 wrong usage, 3 some articles failed, "
    "130 interrupted.",
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
    help="CPU threads for the Argos engine (0: all cores), run as parallel workers.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="Segments per engine call; each finished call is saved to the memory "
    "[default: 256 for Argos on the CPU, 2048 on a GPU; all at once for Apertium].",
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
    "--english",
    type=click.Choice(["en-GB", "en-US"]),
    default="en-GB",
    show_default=True,
    help="English variant: en-GB writes 12 Jan 2024 and 14:30, en-US January 12, 2024 "
    "and 2:30 pm; both use “double” quotes.",
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
    batch_size: int | None,
    beam_size: int,
    device: str,
    english: str,
    glossary_path: Path | None,
    memory_path: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Translate PATHS (files or folders of .txt, .md, .docx; default: seeds/).

    For each article, writes <stem>.bilingual.docx, <stem>.bilingual.md and
    <stem>.en.md into the output folder, plus qa-report.json and qa-report.md
    for the run. Glossary terms, URLs, e-mail addresses and numbers are
    protected and checked on every segment.

    Sentences already in the translation memory (reviewed ones first) are not
    translated again. An output file changed since it was written is never
    overwritten: import it first with 'translate import'.
    """
    from translate_pipeline.engines import EngineOptions
    from translate_pipeline.pipeline import RunConfig
    from translate_pipeline.pipeline import run as run_pipeline
    from translate_pipeline.typography import EnglishVariant

    config = RunConfig(
        sources=paths or (Path("seeds"),),
        out_dir=out_dir,
        engine=engine,
        engine_options=EngineOptions(
            threads=threads, beam_size=beam_size, batch_size=batch_size, device=device
        ),
        glossary=glossary_path,
        memory=memory_path,
        english=EnglishVariant(english),
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
        with library_errors():
            report = run_pipeline(config, progress if show_progress else None)
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
    click.echo(
        f"Memory: {report.memory_hits} found ({report.reviewed} reviewed), "
        f"{report.translated} translated now; {report.memory}"
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
    written, current = report.files_written, report.files_current
    click.echo(f"Files: {len(written)} written, {len(current)} already up to date.")
    # Name them while the list is short enough to read.
    if len(written) <= 12:
        for path in written:
            click.echo(f"  wrote {path}")
    elif report.qa_reports:
        click.echo(f"  QA report: {report.qa_reports[-1]}")


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
        "files_up_to_date": [str(path) for path in report.files_current],
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

    with library_errors():
        if online:
            if len(args) != 2:
                raise click.UsageError("with --online, give the language codes: fr en")
            installed = model_store.install_online(args[0], args[1])
        else:
            if len(args) != 1:
                raise click.UsageError("give one .argosmodel file (or --online FROM TO)")
            installed = model_store.install_from_file(Path(args[0]))
    click.echo(
        f"Installed {installed.name} ({installed.from_code}->{installed.to_code}, "
        f"version {installed.version or 'unknown'}) in {installed.path}"
    )


@model.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def model_list(as_json: bool) -> None:
    """List installed Argos models and where they live."""
    from translate_pipeline import model_store

    with library_errors():
        models = model_store.list_models()
        folder = model_store.packages_dir()
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


@main.group()
def glossary() -> None:
    """List, edit and check the glossary of protected terms (glossary/terms.csv)."""


def _glossary_file(path: Path | None) -> Path:
    from translate_pipeline.glossary import DEFAULT_GLOSSARY

    return path or DEFAULT_GLOSSARY


@glossary.command("list")
@glossary_option
def glossary_list(glossary_path: Path | None) -> None:
    """Show every term: protected ones and fixed translations."""
    from translate_pipeline.glossary import load_glossary

    path = _glossary_file(glossary_path)
    with library_errors():
        terms = load_glossary(path).terms
    click.echo(f"{len(terms)} terms in {path}:")
    for term in terms:
        rule = "protected" if term.protected else f"-> {term.target}"
        case = "" if term.case_sensitive else " (any case)"
        note = f"  # {term.note}" if term.note else ""
        click.echo(f"  {term.source}  {rule}{case}{note}")


@glossary.command("add")
@click.argument("source")
@click.argument("target", required=False, default="")
@click.option("--note", default="", help="A note for editors.")
@click.option(
    "--ignore-case", is_flag=True, help="Match the term in any case (default: exact case)."
)
@glossary_option
def glossary_add(
    source: str, target: str, note: str, ignore_case: bool, glossary_path: Path | None
) -> None:
    """Add SOURCE, kept as written, or translated as TARGET when given."""
    from translate_pipeline.glossary import add_term

    path = _glossary_file(glossary_path)
    with library_errors():
        term = add_term(path, source, target, case_sensitive=not ignore_case, note=note)
    rule = "protected" if term.protected else f"-> {term.target}"
    click.echo(f"Added {term.source} ({rule}) to {path}.")


@glossary.command("remove")
@click.argument("source")
@glossary_option
def glossary_remove(source: str, glossary_path: Path | None) -> None:
    """Remove the row whose source is SOURCE."""
    from translate_pipeline.glossary import remove_term

    path = _glossary_file(glossary_path)
    with library_errors():
        remove_term(path, source)
    click.echo(f"Removed {source} from {path}.")


@glossary.command("check")
@glossary_option
def glossary_check(glossary_path: Path | None) -> None:
    """Report duplicates, empty cells, conflicting rows and bad encoding, as file:row."""
    from translate_pipeline.glossary import check_glossary

    path = _glossary_file(glossary_path)
    terms, problems = check_glossary(path)
    for problem in problems:
        click.echo(f"{problem.where(path)}: {problem.message}", err=True)
    if problems:
        raise CommandFailed(f"{path}: {len(problems)} problem(s); fix the rows above")
    click.echo(f"{path}: {len(terms)} terms, no problems.")


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@memory_option
def import_reviews(files: tuple[Path, ...], memory_path: Path | None) -> None:
    """Store the English an editor corrected in bilingual FILES (.docx or .md).

    Rows are matched by segment ID; changed English cells become reviewed
    translations, which the next 'translate run' puts in every output. A file
    in which a French cell was altered is refused, with its rows named.
    """
    from translate_pipeline.memory import TranslationMemory, default_memory_path
    from translate_pipeline.review_import import import_reviews as import_file

    failures = 0
    memory_file = memory_path or default_memory_path()
    with library_errors(), TranslationMemory.open(memory_file) as memory:
        for path in files:
            try:
                report = import_file(path, memory)
            except PipelineError as exc:
                failures += 1
                click.echo("Error: " + str(exc).replace("\n", "\nError: "), err=True)
                continue
            click.echo(
                f"{path}: {report.changed} changed, {report.unchanged} unchanged, "
                f"{len(report.unknown)} unknown IDs"
                + (f", {report.empty} empty English cells skipped" if report.empty else "")
            )
            for segment_id in report.unknown:
                click.echo(
                    f"  unknown ID {segment_id}: not written by a run with this memory",
                    err=True,
                )
    if failures:
        sys.exit(EXIT_FAILED if failures == len(files) else EXIT_PARTIAL)


@main.command("export")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The file to write  [default: output/memory.tmx or output/memory.xliff].",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["tmx", "xliff"]),
    default="tmx",
    show_default=True,
    help="TMX 1.4b, or XLIFF 1.2 (reviewed units marked final).",
)
@memory_option
def export_memory(out_file: Path | None, file_format: str, memory_path: Path | None) -> None:
    """Write the translation memory for other CAT tools: one unit per sentence,
    reviewed translations preferred over machine ones."""
    from translate_pipeline.memory import TranslationMemory, default_memory_path
    from translate_pipeline.render_exchange import write_exchange_file

    out_file = out_file or Path("output") / f"memory.{file_format}"
    path = memory_path or default_memory_path()
    if not path.exists():
        raise CommandFailed(f"{path}: no translation memory yet. Run 'translate run' first")
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandFailed(f"{out_file.parent}: cannot create ({exc.strerror or exc})") from None
    with library_errors(), TranslationMemory.open(path) as memory:
        entries = list(memory.best_entries())
        write_exchange_file(entries, out_file, file_format)
    reviewed = sum(1 for entry in entries if entry.origin == "reviewed")
    click.echo(f"Wrote {len(entries)} translation units ({reviewed} reviewed) to {out_file}.")


if __name__ == "__main__":
    main()
