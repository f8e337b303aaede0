"""Finding the project a command runs in, as git finds ``.git``.

A project is a folder holding ``.translate/`` (made by ``translate memory init``).
Its root is the nearest such folder from the current one upward; the project's
memory is ``<root>/.translate/memory.sqlite`` and its glossary
``<root>/glossary/terms.csv``, so a command run from any subfolder uses them.
Outside a project, the memory is the user-wide one and the glossary is
``glossary/terms.csv`` in the current folder. ``$TRANSLATE_MEMORY`` names a memory
that wins over the project's and the user-wide one (see ``memory.default_memory_path``).
"""

from __future__ import annotations

from pathlib import Path

PROJECT_FOLDER = ".translate"
MEMORY_FILE = "memory.sqlite"
GLOSSARY_FILE = Path("glossary") / "terms.csv"


def find_project_root(start: Path | None = None) -> Path | None:
    """The nearest folder from ``start`` (the current folder) upward holding ``.translate/``."""
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FOLDER).is_dir():
            return folder
    return None


def project_memory_path(root: Path) -> Path:
    """The memory file of the project at ``root``."""
    return root / PROJECT_FOLDER / MEMORY_FILE


def default_glossary_path(start: Path | None = None) -> Path:
    """The glossary used without ``--glossary``: the project's, else ``glossary/terms.csv``."""
    root = find_project_root(start)
    return root / GLOSSARY_FILE if root else GLOSSARY_FILE
