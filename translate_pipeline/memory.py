"""The translation memory: an SQLite file of every sentence translated or reviewed.

It also keeps what a run needs to be cheap and safe the next time: the sentence
spans of each paragraph, and the digest, size and mtime of every file written (so
an unchanged file is not rewritten and a file an editor changed is not overwritten).

A reviewed translation always wins and survives any change of engine, model or
glossary; a machine translation is reused only when engine, model version and
glossary version are all unchanged. The file runs in WAL mode and every batch is
committed as it finishes, so a run killed with ``kill -9`` keeps what it did.

Faults of the file are told apart, because their remedies differ: a full disk,
a file another process holds locked (waited for, with a notice), a read-only
file (usable for reading), and a corrupt or foreign one. Only the last is ever
worth moving away.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from translate_pipeline.errors import MemoryFileError

# "TPTM" in ASCII: marks the file as ours, so a foreign SQLite file is refused.
APPLICATION_ID = 0x5450544D
SCHEMA_VERSION = 1
REVIEWED = "reviewed"
MACHINE = "machine"

# How long a memory locked by another process is waited for, at start and for
# each write, before giving up (TRANSLATE_MEMORY_WAIT overrides it, in seconds).
DEFAULT_WAIT_SECONDS = 30.0
# The first try at start is short, so that the wait can be announced.
FIRST_TRY_SECONDS = 0.5
KEEP_IT = "the memory itself is fine: keep it where it is"

Notice = Callable[[str], None]
Method = TypeVar("Method", bound=Callable[..., Any])

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


def default_memory_path() -> Path:
    """``$XDG_DATA_HOME/translate-pipeline/memory.sqlite`` (``~/.local/share/...`` by default).

    It lives outside ``output/`` so that deleting the generated documents keeps it.
    """
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "translate-pipeline" / "memory.sqlite"


def normalise_source(text: str) -> str:
    """The memory key of a source sentence: NFC, whitespace collapsed, case kept."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class MachineKey:
    """What a machine translation depends on."""

    engine: str
    engine_version: str
    glossary_version: str


@dataclass(frozen=True)
class MemoryHit:
    """A translation found in the memory.

    Attributes:
        target: The English.
        origin: "reviewed" or "machine".
        engine: The engine that made a machine translation ("" for a reviewed one).
        engine_version: Its engine and model version.
    """

    target: str
    origin: str
    engine: str = ""
    engine_version: str = ""


@dataclass(frozen=True)
class SegmentRecord:
    """What a segment ID showed in the last documents written."""

    segment_id: str
    source: str
    target: str
    kind: str


@dataclass(frozen=True)
class OutputState:
    """A file as this tool last wrote it: what it held, and its size and mtime then."""

    digest: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class MemoryEntry:
    """The best translation the memory holds for one source sentence (for export)."""

    source: str
    target: str
    origin: str
    engine: str
    engine_version: str
    updated_at: str


class TranslationMemory:
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
                    WHERE source_key IN ({marks}) AND (
                        origin = 'reviewed'
                        OR (engine = ? AND engine_version = ? AND glossary_version = ?))
                    ORDER BY origin = 'reviewed'""",
                (*chunk, key.engine, key.engine_version, key.glossary_version),
            ).fetchall()
            # Ordered so that a reviewed row, when there is one, is written last.
            for source_key, target, origin, engine, version in rows:
                for source in by_key[source_key]:
                    hits[source] = MemoryHit(target, origin, engine, version)
        return hits

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
                    WHERE source_key IN ({marks}) AND (
                        origin = 'reviewed'
                        OR (glossary_version = ? AND (? IS NULL OR engine = ?)))
                    ORDER BY origin = 'reviewed', updated_at, rowid""",
                (*chunk, glossary_version, engine, engine),
            ).fetchall()
            # Ordered so that the reviewed row, else the latest machine row, is written last.
            for source_key, target, origin, engine_name, version in rows:
                for source in by_key[source_key]:
                    hits[source] = MemoryHit(target, origin, engine_name, version)
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
    def record_segments(self, records: Iterable[SegmentRecord]) -> None:
        """Remember what each segment ID showed in the documents just written.

        On a read-only memory, records it already holds are not a write.
        """
        if self.read_only:
            records = list(records)
            known = self.segments(r.segment_id for r in records)
            if all(known.get(r.segment_id) == r for r in records):
                return
        now = _now()
        with self._writing():
            self._db.executemany(
                """INSERT INTO segments (segment_id, source, target, kind, updated_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (segment_id) DO UPDATE SET source = excluded.source,
                       target = excluded.target, kind = excluded.kind,
                       updated_at = excluded.updated_at""",
                [(r.segment_id, r.source, r.target, r.kind, now) for r in records],
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
        for row in rows:
            yield MemoryEntry(*row)

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


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _writable(path: Path) -> bool:
    """Whether this user may write the memory file and create its journal beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _path_key(path: Path) -> str:
    """How an output path is keyed: absolute, with any byte that is not UTF-8 escaped."""
    return os.fsencode(path.resolve()).decode("utf-8", "backslashreplace")
