"""``translate glossary``: list, edit and check the glossary of protected terms."""

from __future__ import annotations

from pathlib import Path

import click

from translate_pipeline.cli.options import (
    CommandFailed,
    glossary_option,
    library_errors,
)


@click.group()
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
