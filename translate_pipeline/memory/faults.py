"""SQLite failures of the memory file turned into :class:`MemoryFileError`.

A full disk, a file another process holds locked (waited for), a read-only file
and a corrupt or foreign one each get their own message and remedy.
"""

from __future__ import annotations

import functools
import math
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from translate_pipeline.errors import MemoryFileError

if TYPE_CHECKING:
    from translate_pipeline.memory.store import TranslationMemory

# How long a memory locked by another process is waited for, at start and for
# each write, before giving up (TRANSLATE_MEMORY_WAIT overrides it, in seconds).
DEFAULT_WAIT_SECONDS = 30.0
# The first try at start is short, so that the wait can be announced.
FIRST_TRY_SECONDS = 0.5
KEEP_IT = "the memory itself is fine: keep it where it is"

Method = TypeVar("Method", bound=Callable[..., Any])


def wait_seconds() -> float:
    """How long to wait for a memory another process holds (``TRANSLATE_MEMORY_WAIT``)."""
    try:
        seconds = float(os.environ.get("TRANSLATE_MEMORY_WAIT", DEFAULT_WAIT_SECONDS))
    except ValueError:
        return DEFAULT_WAIT_SECONDS
    # SQLite takes whole milliseconds: no infinity, NaN or negative time.
    return min(max(seconds, 0.0), 86_400.0) if math.isfinite(seconds) else DEFAULT_WAIT_SECONDS


def _is_locked(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def memory_fault(path: Path, exc: sqlite3.Error, waited: float | None = None) -> MemoryFileError:
    """The error to show for an SQLite failure on the memory at ``path``.

    A full disk, a lock held by another process and a read-only file each get
    their own message and remedy; none of them advises moving the memory away.
    """
    text = str(exc).lower()
    if "full" in text:
        return MemoryFileError(
            path,
            "the disk holding the translation memory is full",
            "Free some space and run again; every batch saved before is kept",
        )
    if _is_locked(exc):
        return MemoryFileError(
            path,
            "in use by another process (another translate run or import?), which kept it "
            f"locked for {waited if waited is not None else wait_seconds():.0f} s",
            f"Run again when that process has finished; {KEEP_IT}",
        )
    if "readonly" in text or "read-only" in text or "read only" in text:
        return read_only_error(path)
    if isinstance(exc, sqlite3.OperationalError) and "disk i/o" in text:
        return MemoryFileError(
            path, f"the disk failed while using the memory ({exc})", "Check the disk and run again"
        )
    return MemoryFileError(
        path,
        f"not a readable memory file ({exc})",
        "Move it away or choose another file with --memory; it was not changed",
    )


def read_only_error(path: Path) -> MemoryFileError:
    """The error for a write to a memory that can only be read."""
    return MemoryFileError(
        path,
        "the translation memory is read-only, and this command needs to write to it",
        f"Make it and its folder writable (chmod u+w), or choose another file with --memory; "
        f"{KEEP_IT}",
    )


def _guarded(method: Method) -> Method:
    """Turn an SQLite failure inside ``method`` into a :class:`MemoryFileError`."""

    @functools.wraps(method)
    def wrapper(self: TranslationMemory, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise memory_fault(self.path, exc) from None

    return wrapper  # type: ignore[return-value]
