"""What every ``translate`` command shares: option decorators, exit codes, error handling."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from translate_pipeline.errors import PipelineError

EXIT_FAILED = 1
EXIT_PARTIAL = 3
EXIT_INTERRUPTED = 130  # the shell's code for a program stopped by Ctrl-C


class CommandFailed(click.ClickException):
    """A library error shown on stderr (one line per problem), with a meaningful exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        # Click prefixes "Error: " once; a multi-problem message gets it on every line.
        super().__init__(message.replace("\n", "\nError: "))
        self.exit_code = exit_code

    @classmethod
    def from_error(cls, error: PipelineError) -> CommandFailed:
        """Wrap a library error."""
        return cls(str(error), error.exit_code)


memory_option = click.option(
    "--memory",
    "memory_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Translation memory file [default: $TRANSLATE_MEMORY, else the project's "
    ".translate/memory.sqlite, else $XDG_DATA_HOME/translate-pipeline/memory.sqlite].",
)


def notice(message: str) -> None:
    """Tell the user, on stderr, about something the library is waiting for."""
    click.echo(message, err=True)


@contextmanager
def library_errors() -> Iterator[None]:
    """Turn the library's own errors into a clean exit: one line per problem, no traceback."""
    try:
        yield
    except PipelineError as exc:
        raise CommandFailed.from_error(exc) from None


glossary_option = click.option(
    "--glossary",
    "glossary_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Glossary CSV (default: glossary/terms.csv of the project, or of the current "
    "folder, when it exists).",
)
