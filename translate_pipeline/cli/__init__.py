"""The ``translate`` command: parses options, calls the library, reports.

Exit codes: 0 success; 1 the run failed and nothing was written; 2 wrong usage;
3 some articles failed while the others were written (for ``import``: some files
failed, or some edits were kept aside, not applied); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import io
import sys

import click

from translate_pipeline import __version__
from translate_pipeline.cli import glossary, memory, model, review, run

__all__ = ["main"]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 success, 1 failure, 2 wrong usage, 3 some articles failed, "
    "130 interrupted.",
)
@click.version_option(__version__, prog_name="translate")
def main() -> None:
    """Translate French articles into aligned bilingual DOCX and Markdown, offline."""
    # A file name that is not UTF-8 reaches Python as lone surrogates; printing one
    # must show it escaped, not end the command with a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


main.add_command(run.run)
main.add_command(model.model)
main.add_command(glossary.glossary)
main.add_command(review.import_reviews)
main.add_command(review.export_memory)
main.add_command(memory.memory_group)
