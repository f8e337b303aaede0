"""``translate memory``: list, show, forget and count the translation memory's entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from translate_pipeline.cli.options import (
    CommandFailed,
    library_errors,
    memory_option,
)


@click.group("memory")
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
