"""The ``translate`` command: parses options, calls the library, reports.

Exit codes: 0 success; 1 the run failed and nothing was written; 2 wrong usage;
3 some articles failed while the others were written (for ``import``: some files
failed, or some edits were kept aside, not applied); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import io
import json
import math
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from translate_pipeline import __version__
from translate_pipeline.engines import DEVICES, ENGINE_NAMES
from translate_pipeline.errors import PipelineError, display_path

if TYPE_CHECKING:
    from translate_pipeline.review_import import ImportReport

EXIT_FAILED = 1
EXIT_PARTIAL = 3
EXIT_INTERRUPTED = 130  # the shell's code for a program stopped by Ctrl-C
MAX_THREADS = 1024


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
    help="Translation memory file [default: $TRANSLATE_MEMORY, else the project's "
    ".translate/memory.sqlite, else $XDG_DATA_HOME/translate-pipeline/memory.sqlite].",
)


def _not_nan(param: click.Parameter, value: float | None) -> float | None:
    """Refuse NaN, which every range check lets through (``inf`` means no limit)."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("nan is not a number of seconds", param=param)
    return value


def _notice(message: str) -> None:
    """Tell the user, on stderr, about something the library is waiting for."""
    click.echo(message, err=True)


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
    help="Glossary CSV (default: glossary/terms.csv of the project, or of the current "
    "folder, when it exists).",
)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 success, 1 failure, 2 wrong usage, 3 some articles failed, "
    "130 interrupted.",
)
@click.version_option(__version__, prog_name="translate")
def main() -> None:
    """Translate French articles into aligned bilingual DOCX and Markdown, offline."""
    # A file name that is not UTF-8 reaches Python as lone surrogates; printing one
    # must show it escaped, not end the command with a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


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
    help="Seconds an Apertium batch may take, plus 0.1 s per segment, before the engine "
    "is taken for hung and stopped (inf: no limit) [default: 60; env TRANSLATE_ENGINE_TIMEOUT].",
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
    from translate_pipeline.pipeline import RunConfig
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
        ),
        glossary=glossary_path,
        memory=memory_path,
        english=EnglishVariant(english),
        cluster=cluster,
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
            report = run_pipeline(config, progress if show_progress else None, notice=_notice)
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
    from translate_pipeline.project import default_glossary_path

    return path or default_glossary_path()


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
    """Report duplicates, empty cells, conflicting rows and bad encoding, as file:row.

    Also warns, without failing, where a term's form is ambiguous or doubtful
    (checked against Apertium's French analyser when it is installed).
    """
    from translate_pipeline.glossary import check_glossary, form_warnings
    from translate_pipeline.inflection import analyse_french, french_analyser_available

    path = _glossary_file(glossary_path)
    terms, problems = check_glossary(path)
    for problem in problems:
        click.echo(f"{problem.where(path)}: {problem.message}", err=True)
    if problems:
        raise CommandFailed(f"{path}: {len(problems)} problem(s); fix the rows above")
    analysed = french_analyser_available()
    with library_errors():
        warnings = form_warnings(terms, analyse_french if analysed else None)
    for warning in warnings:
        click.echo(f"{warning.where(path)}: warning: {warning.message}", err=True)
    checked = "checked" if analysed else "not checked (lt-proc not installed)"
    click.echo(
        f"{path}: {len(terms)} terms, no problems, {len(warnings)} warning(s); "
        f"generated forms {checked} against the French analyser."
    )


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@memory_option
@click.option(
    "--as",
    "as_origin",
    type=click.Choice(["auto", "reviewed", "machine"]),
    default="auto",
    show_default=True,
    help="For .tmx/.xlf/.xliff files: auto takes each unit's status (TMX units are "
    "reviewed unless exported as machine by this tool); reviewed or machine for every unit.",
)
def import_reviews(files: tuple[Path, ...], memory_path: Path | None, as_origin: str) -> None:
    """Store the English an editor corrected in bilingual FILES (.docx or .md).

    Rows are placed by their French (the segment ID a hint); changed English
    cells become reviewed translations, which the next 'translate run' puts in
    every output. A file in which a French cell was altered is refused, with its
    rows named. An edited English article (<stem>.en.md or .en.docx) is aligned
    back to its sentences. What cannot be applied is named and kept aside (exit 3).

    TMX and XLIFF files of other CAT tools (.tmx, .xlf, .xliff) go into the
    memory too: their French-to-English units, approved ones as reviewed.
    """
    from translate_pipeline.memory import TranslationMemory, default_memory_path
    from translate_pipeline.review_import import import_reviews as import_file

    failures = set_aside = 0
    memory_file = memory_path or default_memory_path()
    with library_errors(), TranslationMemory.open(memory_file, on_wait=_notice) as memory:
        for path in files:
            try:
                if _is_exchange_file(path):
                    _import_exchange_file(path, memory, as_origin)
                    continue
                report = import_file(path, memory)
            except PipelineError as exc:
                failures += 1
                click.echo("Error: " + str(exc).replace("\n", "\nError: "), err=True)
                continue
            click.echo(
                f"{path}: {report.changed} changed, {report.unchanged} unchanged, "
                f"{len(report.unknown)} unknown IDs"
                + (f", {report.empty} empty English cells skipped" if report.empty else "")
                + (
                    f", {report.moved} placed where their French now is in the article"
                    if report.moved
                    else ""
                )
                + (f", {len(report.set_aside)} kept aside" if report.set_aside else "")
                + (
                    ", 1 comment kept as a note"
                    if report.notes == 1
                    else f", {report.notes} comments kept as notes"
                    if report.notes
                    else ""
                )
            )
            for segment_id in report.unknown:
                click.echo(
                    f"  unknown ID {segment_id}: not written by a run with this memory",
                    err=True,
                )
            set_aside += _report_set_aside(report)
    if failures:
        sys.exit(EXIT_FAILED if failures == len(files) else EXIT_PARTIAL)
    if set_aside:
        # Everything else landed; exit 3 tells a script that some edits need a look.
        sys.exit(EXIT_PARTIAL)


def _report_set_aside(report: ImportReport) -> int:
    """Name every edit an import kept aside; return how many there were."""
    from translate_pipeline.memory import CONFLICT
    from translate_pipeline.review_import.english_article import UNALIGNED

    for edit in report.set_aside:
        where = f"{report.path}: {edit.place} ({edit.segment_id or 'no ID'})"
        if edit.reason == UNALIGNED:
            click.echo(
                f"Warning: {report.path}: {edit.place}: could not be placed in the article; "
                f"the text {edit.target!r} was kept aside, not applied",
                err=True,
            )
        elif edit.reason == CONFLICT:
            click.echo(
                f"Warning: {where}: conflict: this sentence was reviewed again since this file "
                f"was written; the newer review is kept and this file's edit {edit.target!r} "
                "was kept aside, not applied",
                err=True,
            )
        else:
            click.echo(
                f"Warning: {where}: no longer in the article (its French is not in the current "
                f"source); the edit {edit.target!r} was kept aside, not applied to the article",
                err=True,
            )
    for paragraph in report.not_found:
        click.echo(
            f"Warning: {report.path}: not found in the English article where expected: "
            f"{paragraph}; nothing was taken for it",
            err=True,
        )
    if report.gone_unchanged:
        click.echo(
            f"Note: {report.path}: {report.gone_unchanged} unedited row(s) are no longer in "
            "the article",
            err=True,
        )
    return len(report.set_aside) + len(report.not_found)


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
    with library_errors(), TranslationMemory.open(path, on_wait=_notice) as memory:
        entries = list(memory.best_entries())
        write_exchange_file(entries, out_file, file_format)
    reviewed = sum(1 for entry in entries if entry.origin == "reviewed")
    click.echo(f"Wrote {len(entries)} translation units ({reviewed} reviewed) to {out_file}.")


def _is_exchange_file(path: Path) -> bool:
    from translate_pipeline.exchange_import import is_exchange_file

    return is_exchange_file(path)


def _import_exchange_file(path: Path, memory: Any, as_origin: str) -> None:
    """Merge a TMX or XLIFF file into the memory and say what it did."""
    from translate_pipeline.exchange_import import read_exchange_file

    read = read_exchange_file(path, as_origin)
    merged = memory.merge_entries(read.entries)
    reviewed = sum(1 for entry in read.entries if entry.origin == "reviewed")
    click.echo(
        f"{path}: {len(read.entries)} units ({reviewed} reviewed, "
        f"{len(read.entries) - reviewed} machine): {merged.added} added, "
        f"{merged.unchanged} already in the memory, {len(merged.replaced)} replaced, "
        f"{len(merged.kept)} conflicts"
    )
    for count, what in (
        (read.other_languages, "units not French to English skipped"),
        (read.untranslated, "units without English skipped"),
        (
            read.inline_codes,
            "texts had inline codes (tags, placeholders) removed: the memory keeps plain text",
        ),
        (read.notes_dropped, "notes not kept: the memory has no place for notes"),
    ):
        if count:
            click.echo(f"  {count} {what}", err=True)
    for incoming, before in merged.replaced:
        click.echo(
            f"  replaced entry {before.entry_id} ({before.origin}): {incoming.source!r}: "
            f"{before.target!r} -> {incoming.target!r}",
            err=True,
        )
    for incoming, stored in merged.kept:
        click.echo(
            f"  conflict, entry {stored.entry_id} kept: {incoming.source!r}: the memory's "
            f"review {stored.target!r} is not older than the file's {incoming.target!r}. "
            f"To take the file's: translate memory forget {stored.entry_id} --reviewed-only, "
            "then import again",
            err=True,
        )


@main.group("memory")
def memory_group() -> None:
    """List, show, forget and count the translation memory's entries."""


@memory_group.command("init")
@click.option(
    "--empty",
    is_flag=True,
    help="Start with an empty memory instead of a copy of the one used until now.",
)
def memory_init(empty: bool) -> None:
    """Make the current folder a project, with its own memory in .translate/.

    Commands run in this folder or any folder below it then use
    .translate/memory.sqlite and glossary/terms.csv of this folder. The memory
    used until now (the user-wide one, usually) is copied in, so that no review
    is left behind, unless --empty is given.
    """
    import os

    from translate_pipeline.memory import MEMORY_ENV, create_project_memory, default_memory_path

    previous = default_memory_path()
    with library_errors():
        created = create_project_memory(Path.cwd(), None if empty else previous)
    if created.copied_from:
        click.echo(
            f"Created {created.path}, a copy of {created.copied_from}: "
            f"{created.entries} entries ({created.reviewed} reviewed)."
        )
    else:
        click.echo(f"Created {created.path} (empty).")
    if os.environ.get(MEMORY_ENV, "").strip():
        click.echo(
            f"Note: {MEMORY_ENV} is set ({previous}) and still wins over the project's memory.",
            err=True,
        )


def _existing_memory(memory_path: Path | None) -> Path:
    from translate_pipeline.memory import default_memory_path

    path = memory_path or default_memory_path()
    if not path.exists():
        raise CommandFailed(f"{path}: no translation memory yet. Run 'translate run' first")
    return path


def _entry_dict(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.entry_id,
        "origin": entry.origin,
        "source": entry.source,
        "target": entry.target,
        "engine": entry.engine,
        "engine_version": entry.engine_version,
        "glossary_version": entry.glossary_version,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _echo_entry(entry: Any) -> None:
    made_by = f" {entry.engine} {entry.engine_version}".rstrip() if entry.engine else ""
    click.echo(f"[{entry.entry_id}] {entry.origin}{made_by}  {entry.updated_at}")
    click.echo(f"  FR: {entry.source}")
    click.echo(f"  EN: {entry.target}")


@memory_group.command("list")
@click.option("--reviewed", "origin", flag_value="reviewed", help="Only reviewed entries.")
@click.option("--machine", "origin", flag_value="machine", help="Only machine entries.")
@click.option("--search", default="", help="Only entries whose French or English holds TEXT.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Show at most N entries (0: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@memory_option
def memory_list(
    origin: str | None, search: str, limit: int, as_json: bool, memory_path: Path | None
) -> None:
    """List entries, most recently changed first, with the IDs 'show' and 'forget' take."""
    from translate_pipeline.memory import TranslationMemory

    path = _existing_memory(memory_path)
    with library_errors(), TranslationMemory.open(path) as memory:
        listing = memory.list_entries(origin, search, limit or None)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "memory": str(path),
                    "matched": listing.matched,
                    "entries": [_entry_dict(entry) for entry in listing.entries],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    for entry in listing.entries:
        _echo_entry(entry)
    shown = len(listing.entries)
    more = "; --limit 0 shows all" if shown < listing.matched else ""
    click.echo(f"{shown} of {listing.matched} entries shown{more} ({path}).")


@memory_group.command("show")
@click.argument("reference", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@memory_option
def memory_show(reference: str, as_json: bool, memory_path: Path | None) -> None:
    """Show an entry (ID from 'list', or a segment ID such as 001_abc:p2:s1) and every
    other translation the memory holds for the same French sentence."""
    from translate_pipeline.memory import TranslationMemory

    path = _existing_memory(memory_path)
    with library_errors(), TranslationMemory.open(path) as memory:
        named = memory.find_entries(reference)
        entries = memory.sentence_entries(named[0].source)
        segment_ids = memory.segment_ids_of(named[0].source)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "memory": str(path),
                    "source": named[0].source,
                    "segment_ids": list(segment_ids),
                    "entries": [_entry_dict(entry) for entry in entries],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo(f"FR: {named[0].source}")
    if segment_ids:
        click.echo(f"Segments: {', '.join(segment_ids)}")
    for entry in entries:
        made_by = f" by {entry.engine} {entry.engine_version}".rstrip() if entry.engine else ""
        glossary = f", glossary {entry.glossary_version}" if entry.glossary_version else ""
        click.echo(f"[{entry.entry_id}] {entry.origin}{made_by}{glossary}")
        click.echo(f"  EN: {entry.target}")
        click.echo(f"  stored {entry.created_at}, changed {entry.updated_at}")
    if entries[0].is_reviewed:
        click.echo(f"A run uses the reviewed entry [{entries[0].entry_id}].")
    else:
        click.echo("Not reviewed: a run uses the machine entry of its engine, model and glossary.")


@memory_group.command("forget")
@click.argument("reference", metavar="ID")
@click.option(
    "--reviewed-only",
    is_flag=True,
    help="Remove only the sentence's reviewed translation (a bad review), "
    "so that its machine translation is used again.",
)
@memory_option
def memory_forget(reference: str, reviewed_only: bool, memory_path: Path | None) -> None:
    """Remove an entry (ID from 'list'), or every entry of a segment ID's sentence."""
    from translate_pipeline.memory import TranslationMemory

    path = _existing_memory(memory_path)
    with library_errors(), TranslationMemory.open(path) as memory:
        removed = memory.forget(reference, reviewed_only)
        remaining = memory.sentence_entries(removed[0].source)
    for entry in removed:
        click.echo(
            f"Forgot [{entry.entry_id}] {entry.origin}: {entry.source!r} -> {entry.target!r}"
        )
    if any(entry.is_reviewed for entry in remaining):
        click.echo("The sentence keeps its reviewed translation.")
    elif remaining:
        click.echo(
            f"The sentence keeps {len(remaining)} machine translation(s); the next "
            "'translate run' uses the one of its engine, or translates it again."
        )
    else:
        click.echo("The memory holds nothing more for it: the next 'translate run' translates it.")


@memory_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@memory_option
def memory_stats(as_json: bool, memory_path: Path | None) -> None:
    """Count entries by origin and engine; show the memory's file and size."""
    from translate_pipeline.memory import TranslationMemory

    path = _existing_memory(memory_path)
    with library_errors(), TranslationMemory.open(path) as memory:
        stats = memory.stats()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "memory": str(stats.path),
                    "size_bytes": stats.size_bytes,
                    "entries": stats.entries,
                    "reviewed": stats.reviewed,
                    "machine": stats.machine,
                    "sentences": stats.sentences,
                    "engines": [
                        {"engine": engine, "version": version, "entries": count}
                        for engine, version, count in stats.engines
                    ],
                    "segments": stats.segments,
                    "outputs": stats.outputs,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo(f"Memory: {stats.path} ({stats.size_bytes / 1024:.0f} KiB)")
    click.echo(
        f"Entries: {stats.entries} for {stats.sentences} sentences: "
        f"{stats.reviewed} reviewed, {stats.machine} machine"
    )
    for engine, version, count in stats.engines:
        click.echo(f"  {engine} {version}".rstrip() + f": {count}")
    click.echo(f"Segment IDs recorded: {stats.segments}; output files recorded: {stats.outputs}")


if __name__ == "__main__":
    main()
