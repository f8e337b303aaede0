"""Making a folder a project: creating its own memory, maybe as a copy."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from translate_pipeline.errors import MemoryFileError
from translate_pipeline.memory.records import REVIEWED
from translate_pipeline.memory.store import TranslationMemory


@dataclass(frozen=True)
class ProjectMemory:
    """A project memory just created by ``create_project_memory``.

    Attributes:
        path: The new memory file.
        copied_from: The memory it is a copy of (``None``: it starts empty).
        entries: Entries it holds.
        reviewed: Reviewed entries among them.
    """

    path: Path
    copied_from: Path | None
    entries: int
    reviewed: int


def create_project_memory(root: Path, copy_from: Path | None = None) -> ProjectMemory:
    """Make ``root`` a project: create ``root/.translate/memory.sqlite``.

    Args:
        root: The project folder.
        copy_from: A memory to copy whole (entries, segment IDs, the record of
            output files written), so that nothing reviewed is left behind;
            ignored when it does not exist.

    Raises:
        MemoryFileError: The project already has a memory, the copy source is not a
            memory, or the file cannot be written.
    """
    from translate_pipeline.project import project_memory_path

    path = project_memory_path(root)
    if path.exists():
        raise MemoryFileError(
            path,
            "this folder is already a project with a memory",
            "Nothing was changed; see it with 'translate memory stats'",
        )
    source = copy_from if copy_from and copy_from.exists() and copy_from != path else None
    if source is not None:
        partial = path.with_name(path.name + ".partial")
        with TranslationMemory.open(source) as original:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                copy = sqlite3.connect(partial)
                try:
                    original._db.backup(copy)
                finally:
                    copy.close()
                partial.replace(path)
            except (OSError, sqlite3.Error) as exc:
                partial.unlink(missing_ok=True)
                raise MemoryFileError(
                    path, f"cannot create ({exc})", "Check the folder's permissions and free space"
                ) from None
    with TranslationMemory.open(path) as memory:
        return ProjectMemory(path, source, memory.count(), memory.count(REVIEWED))
