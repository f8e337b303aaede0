"""Aligned rows kept in a temporary file, for an article too large to hold them all."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from translate_pipeline.document import AlignedRow


class RowSpool(Sequence[AlignedRow]):
    """The rows of one article, added a slice at a time and read back in order.

    Each slice is pickled to an anonymous temporary file as it is added; iterating
    unpickles one slice at a time, so a writer going through the rows holds one
    slice of them. Several iterations may run at once (each reads at its own
    offsets). The file is ours alone and removed by :meth:`close` (use as a context
    manager); nothing is read from elsewhere.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        # (offset, size in bytes, rows) of each slice, in order.
        self._slices: list[tuple[int, int, int]] = []
        self._end = 0
        self._rows = 0

    def __enter__(self) -> RowSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the temporary file."""
        self._file.close()

    def extend(self, rows: Iterable[AlignedRow]) -> None:
        """Add ``rows`` after those added before."""
        kept = tuple(rows)
        if not kept:
            return
        data = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
        os.pwrite(self._file.fileno(), data, self._end)
        self._slices.append((self._end, len(data), len(kept)))
        self._end += len(data)
        self._rows += len(kept)

    def _slice(self, number: int) -> tuple[AlignedRow, ...]:
        offset, size, _ = self._slices[number]
        rows: tuple[AlignedRow, ...] = pickle.loads(os.pread(self._file.fileno(), size, offset))
        return rows

    def __len__(self) -> int:
        return self._rows

    def __iter__(self) -> Iterator[AlignedRow]:
        for number in range(len(self._slices)):
            yield from self._slice(number)

    @overload
    def __getitem__(self, index: int) -> AlignedRow: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[AlignedRow]: ...

    def __getitem__(self, index: int | slice) -> AlignedRow | Sequence[AlignedRow]:
        if isinstance(index, slice):
            return tuple(self)[index]
        position = index + self._rows if index < 0 else index
        if not 0 <= position < self._rows:
            raise IndexError("row index out of range")
        for number, (_, _, rows) in enumerate(self._slices):
            if position < rows:
                return self._slice(number)[position]
            position -= rows
        raise IndexError("row index out of range")  # pragma: no cover (counts agree)
