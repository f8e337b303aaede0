"""The per-row part of a bilingual file's record, kept on disk until it is written.

A bilingual file (DOCX or Markdown) records what the tool wrote in it: a digest,
and for each segment row a fingerprint of its English and hashes of the texts it
showed (see ``render_markdown`` and ``bilingual_docx``). For a large article that is
tens of thousands of entries; as dictionaries they took about 400 bytes a row, so
:class:`RowRecord` writes each entry as JSON text to a temporary file as the row is
made, and gives the whole record back as pieces of the JSON text.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import IO, Any


class RowRecord:
    """A record's ``rows`` and ``shown`` maps, built one row at a time.

    :meth:`json_pieces` joined is exactly ``json.dumps(record, separators=(",",
    ":"))`` of the record as dictionaries (ASCII only, as ``json.dumps`` writes by
    default), the rows in the order they were added. Each segment ID is added once.

    Use as a context manager, so that the temporary files are removed.
    """

    def __init__(self) -> None:
        self._rows: IO[str] = tempfile.TemporaryFile("w+", encoding="ascii")  # noqa: SIM115
        self._shown: IO[str] = tempfile.TemporaryFile("w+", encoding="ascii")  # noqa: SIM115
        self.count = 0

    def __enter__(self) -> RowRecord:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the temporary files."""
        self._rows.close()
        self._shown.close()

    def add(self, segment_id: str, fingerprint: str, shown: list[str]) -> None:
        """Record one segment row: its English's fingerprint and the hashes shown."""
        comma = "," if self.count else ""
        key = _compact(segment_id)
        self._rows.write(f"{comma}{key}:{_compact(fingerprint)}")
        self._shown.write(f"{comma}{key}:{_compact(shown)}")
        self.count += 1

    def json_pieces(self, head: dict[str, Any]) -> Iterator[str]:
        """The record as JSON text, in pieces: ``head``'s entries, then ``rows`` and
        ``shown``."""
        text = _compact(head)
        yield text[:-1] + ("," if head else "") + '"rows":{'
        yield from _contents(self._rows)
        yield '},"shown":{'
        yield from _contents(self._shown)
        yield "}}"

    def as_json(self, head: dict[str, Any]) -> str:
        """:meth:`json_pieces` joined."""
        return "".join(self.json_pieces(head))


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _contents(file: IO[str]) -> Iterator[str]:
    """What was written to ``file``, a megabyte at a time."""
    file.flush()
    file.seek(0)
    while piece := file.read(1 << 20):
        yield piece
    file.seek(0, 2)
