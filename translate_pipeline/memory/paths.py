"""Where the memory lives: the one chosen by default, the user-wide one."""

from __future__ import annotations

import os
from pathlib import Path

MEMORY_ENV = "TRANSLATE_MEMORY"


def default_memory_path() -> Path:
    """The memory used without ``--memory``.

    ``$TRANSLATE_MEMORY`` when set; else ``.translate/memory.sqlite`` of the project
    the current folder is in (see ``project``); else the user-wide memory.
    """
    from translate_pipeline.project import find_project_root, project_memory_path

    from_env = os.environ.get(MEMORY_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    root = find_project_root()
    return project_memory_path(root) if root else user_memory_path()


def user_memory_path() -> Path:
    """``$XDG_DATA_HOME/translate-pipeline/memory.sqlite`` (``~/.local/share/...`` by default).

    The memory used outside a project. It lives outside ``output/`` so that
    deleting the generated documents keeps it.
    """
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "translate-pipeline" / "memory.sqlite"
