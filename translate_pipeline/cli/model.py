"""``translate model``: install and list Argos French-English models."""

from __future__ import annotations

import json
from pathlib import Path

import click

from translate_pipeline.cli.options import (
    library_errors,
)


@click.group()
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
