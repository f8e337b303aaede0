"""Every error the library raises on purpose.

Each message says what was wrong, where (file, row, segment), and what to do about
it, so that the command line can print it as one line and exit.
"""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """Base class: an error the user can act on, printed without a traceback."""

    exit_code = 1


class SourceError(PipelineError):
    """A source article is missing, empty, undecodable or of an unknown kind."""

    def __init__(self, path: Path | str, problem: str, fix: str) -> None:
        self.path = Path(path)
        super().__init__(f"{path}: {problem}. {fix}")


class EngineError(PipelineError):
    """No usable translation engine, or an engine failed while translating."""


class ModelError(PipelineError):
    """An Argos model package could not be installed, found or fetched."""


class OutputError(PipelineError):
    """The output folder or a file in it cannot be written."""

    def __init__(self, path: Path | str, problem: str, fix: str) -> None:
        self.path = Path(path)
        super().__init__(f"{path}: {problem}. {fix}")
