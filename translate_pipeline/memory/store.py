"""The memory file itself: opening it, its schema, and the core lookups and writes.

What the memory is for, and its rules, are in the package docstring.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from translate_pipeline.errors import MemoryFileError
from translate_pipeline.memory.admin import MemoryAdministration
from translate_pipeline.memory.faults import (
    FIRST_TRY_SECONDS,
    _guarded,
    _is_locked,
    memory_fault,
    read_only_error,
    wait_seconds,
)
from translate_pipeline.memory.records import (
    MachineKey,
    MemoryEntry,
    MemoryHit,
    Notice,
    OutputState,
    SegmentRecord,
    _now,
    normalise_source,
)
from translate_pipeline.memory.reviewed import Notes, ReviewedSpans, SetAside

# "TPTM" in ASCII: marks the file as ours, so a foreign SQLite file is refused.
APPLICATION_ID = 0x5450544D
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    source_key TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('machine', 'reviewed')),
    engine TEXT NOT NULL DEFAULT '',
    engine_version TEXT NOT NULL DEFAULT '',
    glossary_version TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source_key, origin, engine, engine_version, glossary_version)
);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sentence_spans (
    block_key TEXT PRIMARY KEY,
    spans TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    segment_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


class TranslationMemory(MemoryAdministration):
    """An open memory file. Use as a context manager; every write is committed."""

    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection,
        read_only: bool = False,
        on_wait: Notice | None = None,
    ) -> None:
        self.path = path
        self._db = connection
        self.read_only = read_only
        self._on_wait = on_wait

    @classmethod
    def open(cls, path: Path, on_wait: Notice | None = None) -> TranslationMemory:
        """Open the memory at ``path``, creating it if it does not exist.

        A file this user may not write is opened read-only: reading works, and a
        write raises :class:`MemoryFileError`. A file another process holds locked
        is waited for (``on_wait`` is told once) up to :func:`wait_seconds`.

        Raises:
            MemoryFileError: The file is corrupt, not a memory of this tool, locked
                for too long, or cannot be created; it is never overwritten.
        """
        existed = path.exists() and path.stat().st_size > 0
        read_only = existed and not _writable(path)
        patience = wait_seconds()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if read_only:
                connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            else:
                connection = sqlite3.connect(
                    os.fsencode(path), timeout=min(FIRST_TRY_SECONDS, patience)
                )
        except (OSError, sqlite3.Error) as exc:
            raise MemoryFileError(
                path, f"cannot open ({exc})", "Choose another file with --memory"
            ) from None
        started = time.monotonic()
        told = False
        while True:
            try:
                cls._prepare(path, connection, existed, read_only)
                break
            except sqlite3.OperationalError as exc:
                waited = time.monotonic() - started
                if not _is_locked(exc) or waited >= patience:
                    connection.close()
                    raise memory_fault(path, exc, waited) from None
                if on_wait is not None and not told:
                    on_wait(
                        f"{path}: in use by another process; waiting up to {patience:.0f} s "
                        "for it to finish"
                    )
                    told = True
                connection.execute(f"PRAGMA busy_timeout = {int(1000 * (patience - waited))}")
            except sqlite3.DatabaseError as exc:
                connection.close()
                raise memory_fault(path, exc) from None
            except MemoryFileError:
                connection.close()
                raise
        connection.execute(f"PRAGMA busy_timeout = {int(1000 * patience)}")
        return cls(path, connection, read_only=read_only, on_wait=on_wait)

    @staticmethod
    def _prepare(
        path: Path, connection: sqlite3.Connection, existed: bool, read_only: bool
    ) -> None:
        """Check the file is ours and of a schema we read; create or upgrade it."""
        app_id = connection.execute("PRAGMA application_id").fetchone()[0]
        has_tables = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
        if existed and app_id != APPLICATION_ID:
            what = "an SQLite file of another program" if has_tables or app_id else "not empty"
            raise MemoryFileError(
                path,
                f"not a translate_pipeline memory ({what})",
                "Move it away or choose another file with --memory; it was not changed",
            )
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise MemoryFileError(
                path,
                f"written by a newer translate_pipeline (schema {version})",
                "Upgrade translate_pipeline",
            )
        if read_only:
            if version < SCHEMA_VERSION:
                raise read_only_error(path)
            return
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        with connection:
            connection.executescript(_SCHEMA)
            # Written only when they differ: rewriting them takes the write lock,
            # which would make a reader wait for another process's run.
            if app_id != APPLICATION_ID:
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            if version != SCHEMA_VERSION:
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A transaction committed at its end; refused on a read-only memory.

        The write lock is taken first; when another process holds it, the wait
        (up to :func:`wait_seconds`) is announced through ``on_wait``.
        """
        if self.read_only:
            raise read_only_error(self.path)
        self._take_write_lock()
        with self._db:
            yield

    def _take_write_lock(self) -> None:
        if self._db.in_transaction:
            return  # a write inside another write: the lock is already held
        patience = wait_seconds()
        started = time.monotonic()
        self._db.execute(f"PRAGMA busy_timeout = {int(1000 * min(FIRST_TRY_SECONDS, patience))}")
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) or patience <= FIRST_TRY_SECONDS:
                raise memory_fault(self.path, exc, time.monotonic() - started) from None
            if self._on_wait is not None:
                self._on_wait(
                    f"{self.path}: in use by another process; waiting up to {patience:.0f} s "
                    "for it to finish"
                )
            self._db.execute(f"PRAGMA busy_timeout = {int(1000 * patience)}")
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as again:
                raise memory_fault(self.path, again, time.monotonic() - started) from None
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {int(1000 * patience)}")

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    @_guarded
    def lookup(self, sources: Iterable[str], key: MachineKey) -> dict[str, MemoryHit]:
        """Find translations for ``sources``: reviewed first, then a machine one made
        with exactly this engine, model and glossary.

        Returns:
            Hits keyed by the source text as given; misses are absent.
        """
        # Ordered so that a reviewed row, when there is one, is taken last.
        return self._hits(
            sources,
            "engine = ? AND engine_version = ? AND glossary_version = ?",
            (key.engine, key.engine_version, key.glossary_version),
            "origin = 'reviewed'",
        )

    @_guarded
    def lookup_without_engine(
        self, sources: Iterable[str], engine: str | None, glossary_version: str
    ) -> dict[str, MemoryHit]:
        """Find translations when the engine cannot be loaded to learn its version.

        Reviewed first, else the latest machine translation made with the current
        glossary by ``engine`` (any version; any engine when ``None``).

        Returns:
            Hits keyed by the source text as given; misses are absent.
        """
        # Ordered so that the reviewed row, else the latest machine row, is taken last.
        return self._hits(
            sources,
            "glossary_version = ? AND (? IS NULL OR engine = ?)",
            (glossary_version, engine, engine),
            "origin = 'reviewed', updated_at, rowid",
        )

    def _hits(
        self,
        sources: Iterable[str],
        machine: str,
        params: tuple[str | None, ...],
        order: str,
    ) -> dict[str, MemoryHit]:
        """Reviewed entries of ``sources``, and machine ones meeting ``machine``.

        Rows come in ``order``; the last row of a source is its hit. Sources are
        looked up 500 at a time (SQLite's limit on bound parameters).
        """
        hits: dict[str, MemoryHit] = {}
        by_key: dict[str, list[str]] = {}
        for source in sources:
            by_key.setdefault(normalise_source(source), []).append(source)
        keys = list(by_key)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"""SELECT source_key, target, origin, engine, engine_version FROM entries
                    WHERE source_key IN ({marks}) AND (origin = 'reviewed' OR ({machine}))
                    ORDER BY {order}""",
                (*chunk, *params),
            ).fetchall()
            for source_key, target, origin, engine, version in rows:
                for source in by_key[source_key]:
                    hits[source] = MemoryHit(target, origin, engine, version)
        return hits

    @_guarded
    def store_machine(self, pairs: Sequence[tuple[str, str]], key: MachineKey) -> None:
        """Store machine translations and commit at once."""
        now = _now()
        with self._writing():
            self._db.executemany(
                """INSERT INTO entries (source_key, source, target, origin, engine,
                                        engine_version, glossary_version, created_at, updated_at)
                   VALUES (?, ?, ?, 'machine', ?, ?, ?, ?, ?)
                   ON CONFLICT (source_key, origin, engine, engine_version, glossary_version)
                   DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at""",
                [
                    (
                        normalise_source(source),
                        source,
                        target,
                        key.engine,
                        key.engine_version,
                        key.glossary_version,
                        now,
                        now,
                    )
                    for source, target in pairs
                ],
            )

    @_guarded
    def store_reviewed(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Store reviewed translations (replacing earlier reviews) and commit at once."""
        now = _now()
        with self._writing():
            self._db.executemany(
                """INSERT INTO entries (source_key, source, target, origin, created_at, updated_at)
                   VALUES (?, ?, ?, 'reviewed', ?, ?)
                   ON CONFLICT (source_key, origin, engine, engine_version, glossary_version)
                   DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at""",
                [(normalise_source(source), source, target, now, now) for source, target in pairs],
            )

    @_guarded
    def record_segments(
        self, records: Iterable[SegmentRecord], document: str | None = None
    ) -> None:
        """Remember what each segment ID showed in the documents just written.

        On a read-only memory, records it already holds are not a write.

        Args:
            records: What each segment ID shows now.
            document: When ``records`` are the whole of this article (a run wrote
                it), its IDs that are not among them are forgotten: they no longer
                stand for anything in the article (it lost paragraphs).
        """
        # In batches, so that the records of a large article are never all held.
        batches = _batches(iter(records), 500)
        if self.read_only:
            # Refused below at the first record it does not hold, or the first stale ID.
            current: set[str] = set()
            for batch in batches:
                current.update(r.segment_id for r in batch)
                known = self.segments(r.segment_id for r in batch)
                if any(known.get(r.segment_id) != r for r in batch):
                    break
            else:
                if document is None or all(i in current for i in self._document_ids(document)):
                    return
            with self._writing():
                pass  # raises: the memory is read-only
        now = _now()
        current = set()
        with self._writing():
            for batch in batches:
                current.update(r.segment_id for r in batch)
                self._db.executemany(
                    """INSERT INTO segments (segment_id, source, target, kind, updated_at)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (segment_id) DO UPDATE SET source = excluded.source,
                           target = excluded.target, kind = excluded.kind,
                           updated_at = excluded.updated_at""",
                    [(r.segment_id, r.source, r.target, r.kind, now) for r in batch],
                )
            if document is not None:
                stale = [i for i in self._document_ids(document) if i not in current]
                self._db.executemany(
                    "DELETE FROM segments WHERE segment_id = ?", [(i,) for i in stale]
                )

    @_guarded
    def segments(self, segment_ids: Iterable[str]) -> dict[str, SegmentRecord]:
        """The last written state of the given segment IDs (unknown IDs are absent)."""
        found: dict[str, SegmentRecord] = {}
        ids = list(dict.fromkeys(segment_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = (
                "SELECT segment_id, source, target, kind FROM segments "
                f"WHERE segment_id IN ({marks})"
            )
            for row in self._db.execute(query, chunk):
                found[row[0]] = SegmentRecord(*row)
        return found

    def _document_ids(self, document: str) -> list[str]:
        prefix = f"{document}:"
        return [
            row[0]
            for row in self._db.execute(
                "SELECT segment_id FROM segments WHERE segment_id >= ? AND segment_id < ?",
                (prefix, prefix + "\U0010ffff"),
            )
        ]

    @_guarded
    def document_segments(self, documents: Iterable[str]) -> tuple[SegmentRecord, ...]:
        """Every segment the last run wrote for these articles (by doc ID)."""
        found: list[SegmentRecord] = []
        for document in dict.fromkeys(documents):
            prefix = f"{document}:"
            found.extend(
                SegmentRecord(*row)
                for row in self._db.execute(
                    "SELECT segment_id, source, target, kind FROM segments "
                    "WHERE segment_id >= ? AND segment_id < ?",
                    (prefix, prefix + "\U0010ffff"),
                )
            )
        return tuple(found)

    @_guarded
    def reviewed_targets(self, sources: Iterable[str]) -> dict[str, str]:
        """The reviewed English of each source sentence that has one, by memory key."""
        keys = list({normalise_source(source) for source in sources})
        found: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, target in self._db.execute(
                "SELECT source_key, target FROM entries "
                f"WHERE origin = 'reviewed' AND source_key IN ({marks})",
                chunk,
            ):
                found[key] = target
        return found

    @property
    def notes(self) -> Notes:
        """Reviewers' notes on sentences (Word comments imported)."""
        return Notes(self)

    @property
    def set_aside(self) -> SetAside:
        """Edits an import could not apply, kept so that nothing an editor gave is lost."""
        return SetAside(self)

    @_guarded
    def output_state(self, path: Path) -> OutputState | None:
        """How this tool last wrote ``path``, if it did."""
        row = self._db.execute(
            "SELECT digest, size, mtime_ns FROM outputs WHERE path = ?", (_path_key(path),)
        ).fetchone()
        return OutputState(*row) if row else None

    @_guarded
    def record_output(self, path: Path, digest: str) -> None:
        """Remember that ``path`` was just written with content ``digest``."""
        stat = path.stat()
        with self._writing():
            self._db.execute(
                """INSERT INTO outputs (path, digest, size, mtime_ns) VALUES (?, ?, ?, ?)
                   ON CONFLICT (path) DO UPDATE SET digest = excluded.digest,
                       size = excluded.size, mtime_ns = excluded.mtime_ns""",
                (_path_key(path), digest, stat.st_size, stat.st_mtime_ns),
            )

    @_guarded
    def cached_spans(self, keys: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
        """Sentence spans computed earlier, by block key (see the segmenter)."""
        found: dict[str, list[tuple[int, int]]] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            query = f"SELECT block_key, spans FROM sentence_spans WHERE block_key IN ({marks})"
            for key, spans in self._db.execute(query, chunk):
                found[key] = [tuple(pair) for pair in json.loads(spans)]
        return found

    @_guarded
    def store_spans(self, spans: dict[str, list[tuple[int, int]]]) -> None:
        """Keep sentence spans for the next run."""
        with self._writing():
            self._db.executemany(
                "INSERT OR REPLACE INTO sentence_spans (block_key, spans) VALUES (?, ?)",
                [(key, json.dumps(value)) for key, value in spans.items()],
            )

    def best_entries(self) -> Iterator[MemoryEntry]:
        """One entry per source sentence: the reviewed one, else the latest machine one."""
        rows = self._db.execute(
            """SELECT source, target, origin, engine, engine_version, updated_at
               FROM entries AS e
               WHERE rowid = (SELECT rowid FROM entries AS f
                              WHERE f.source_key = e.source_key
                              ORDER BY f.origin = 'reviewed' DESC, f.updated_at DESC, f.rowid DESC
                              LIMIT 1)
               ORDER BY source_key"""
        )
        notes = self.notes.all()
        for row in rows:
            yield MemoryEntry(*row, note=notes.get(normalise_source(row[0]), ""))

    @_guarded
    def count(self, origin: str | None = None) -> int:
        """How many entries the memory holds (of one origin, if given)."""
        if origin is None:
            return int(self._db.execute("SELECT count(*) FROM entries").fetchone()[0])
        return int(
            self._db.execute("SELECT count(*) FROM entries WHERE origin = ?", (origin,)).fetchone()[
                0
            ]
        )

    @_guarded
    def reviewed_entries(self) -> list[tuple[str, str]]:
        """``(French, English)`` of every reviewed entry, for near matches (see ``fuzzy``)."""
        rows = self._db.execute(
            "SELECT source, target FROM entries WHERE origin = 'reviewed' ORDER BY rowid"
        )
        return [(str(source), str(target)) for source, target in rows]

    @property
    def reviewed_spans(self) -> ReviewedSpans:
        """The inline spans of reviewed translations."""
        return ReviewedSpans(self)

    def known_documents(self, doc_ids: Iterable[str]) -> set[str]:
        """Which of ``doc_ids`` have segments written by a run with this memory."""
        found = set()
        for doc_id in set(doc_ids):
            prefix = f"{doc_id}:"
            row = self._db.execute(
                "SELECT 1 FROM segments WHERE segment_id >= ? AND segment_id < ? LIMIT 1",
                (prefix, prefix + "\U0010ffff"),
            ).fetchone()
            if row is not None:
                found.add(doc_id)
        return found


def _writable(path: Path) -> bool:
    """Whether this user may write the memory file and create its journal beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _path_key(path: Path) -> str:
    """How an output path is keyed: absolute, with any byte that is not UTF-8 escaped."""
    return os.fsencode(path.resolve()).decode("utf-8", "backslashreplace")


T = TypeVar("T")


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    while batch := list(itertools.islice(items, size)):
        yield batch
