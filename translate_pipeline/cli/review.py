"""``translate import`` and ``translate export``: editors' reviews in, exchange files out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from translate_pipeline.cli.options import (
    EXIT_FAILED,
    EXIT_PARTIAL,
    CommandFailed,
    library_errors,
    memory_option,
    notice,
)
from translate_pipeline.errors import PipelineError

if TYPE_CHECKING:
    from translate_pipeline.review_import import ImportReport


@click.command("import")
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
    with library_errors(), TranslationMemory.open(memory_file, on_wait=notice) as memory:
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


@click.command("export")
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
    with library_errors(), TranslationMemory.open(path, on_wait=notice) as memory:
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
