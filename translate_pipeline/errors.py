"""Every error the library raises on purpose.

Each message says what was wrong, where (file, row, segment), and what to do about
it, so that the command line can print it as one line and exit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path | str) -> str:
    """``path`` as text that can always be printed.

    A file name that is not UTF-8 reaches Python with its stray bytes as lone
    surrogates, which no terminal encoding accepts; they are shown as ``\\xNN``.
    """
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def describe_os_error(exc: OSError) -> str:
    """The reason of an ``OSError`` in a few words ("permission denied")."""
    return (exc.strerror or type(exc).__name__).lower()


class PipelineError(Exception):
    """Base class: an error the user can act on, printed without a traceback."""

    exit_code = 1


class SourceError(PipelineError):
    """A source article is missing, empty, undecodable or of an unknown kind."""

    def __init__(self, path: Path | str, problem: str, fix: str) -> None:
        self.path = Path(path)
        super().__init__(f"{display_path(path)}: {problem}. {fix}")


class EngineError(PipelineError):
    """No usable translation engine, or an engine failed while translating."""


class DamagedModelError(EngineError):
    """An installed (or just extracted) Argos package has a part that cannot be loaded."""

    def __init__(self, path: Path, part: str, reason: str) -> None:
        self.path = path
        self.part = part
        self.reason = reason
        super().__init__(
            f"{display_path(path)}: the installed Argos model cannot be loaded: its {part} is "
            f"damaged ({reason}). Reinstall it with 'translate model install FILE.argosmodel' "
            "(or remove the folder and use --engine apertium)"
        )


class ModelError(PipelineError):
    """An Argos model package could not be installed, found or fetched."""


class OutputError(PipelineError):
    """The output folder or a file in it cannot be written."""

    def __init__(self, path: Path | str, problem: str, fix: str) -> None:
        self.path = Path(path)
        super().__init__(f"{display_path(path)}: {problem}. {fix}")


@dataclass(frozen=True)
class GlossaryProblem:
    """One broken row of a glossary file (row 0: the file as a whole)."""

    row: int
    message: str

    def where(self, path: Path) -> str:
        """``file:row`` (or just the file for problems of the whole file)."""
        return f"{path}:{self.row}" if self.row else str(path)


class GlossaryError(PipelineError):
    """The glossary file is missing, unreadable or has broken rows."""

    def __init__(self, path: Path | str, problems: tuple[GlossaryProblem, ...]) -> None:
        self.path = Path(path)
        self.problems = problems
        self.lines = tuple(f"{p.where(self.path)}: {p.message}" for p in problems)
        super().__init__("\n".join(self.lines))


class MemoryFileError(PipelineError):
    """The translation memory file is corrupt, foreign or cannot be opened."""

    def __init__(self, path: Path | str, problem: str, fix: str) -> None:
        self.path = Path(path)
        super().__init__(f"{display_path(path)}: {problem}. {fix}")


class ReviewImportError(PipelineError):
    """A reviewed file cannot be imported (unreadable, or its French was altered)."""
