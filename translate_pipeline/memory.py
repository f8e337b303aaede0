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

from translate_pipeline.document import Inline, InlineKind
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


MEMORY_ENV = "TRANSLATE_MEMORY"


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
    note: str = ""


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
        records = list(records)
        stale: list[str] = []
        if document is not None:
            current = {r.segment_id for r in records}
            stale = [i for i in self._document_ids(document) if i not in current]
        if self.read_only and not stale:
            known = self.segments(r.segment_id for r in records)
            if all(known.get(r.segment_id) == r for r in records):
                return
        now = _now()
        with self._writing():
            self._db.executemany("DELETE FROM segments WHERE segment_id = ?", [(i,) for i in stale])
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

    # Managing the memory (``translate memory``) and merging other CAT tools' files.

    def list_entries(
        self, origin: str | None = None, search: str = "", limit: int | None = None
    ) -> EntryListing:
        """Entries, most recently changed first.

        Args:
            origin: Only "reviewed" or only "machine" entries, when given.
            search: Only entries whose French or English contains this text (any case).
            limit: At most this many entries (all when ``None``).

        Returns:
            The entries kept and how many matched in all.
        """
        query = f"SELECT {_STORED_COLUMNS} FROM entries"
        params: tuple[str, ...] = ()
        if origin is not None:
            query += " WHERE origin = ?"
            params = (origin,)
        query += " ORDER BY updated_at DESC, rowid DESC"
        needle = _folded(search)
        matched = [
            entry
            for entry in (StoredEntry(*row) for row in self._db.execute(query, params))
            if not needle or needle in _folded(entry.source) or needle in _folded(entry.target)
        ]
        kept = matched if limit is None else matched[:limit]
        return EntryListing(tuple(kept), len(matched))

    def find_entries(self, reference: str) -> tuple[StoredEntry, ...]:
        """The entries a reference names: an entry ID (from ``list``) or a segment ID.

        An entry ID names that entry; a segment ID (``<stem>:p<n>:s<m>``) names every
        entry of the sentence the last run showed under that ID.

        Raises:
            MemoryFileError: Nothing in the memory answers to ``reference``.
        """
        reference = reference.strip()
        if reference.isdigit():
            row = self._db.execute(
                f"SELECT {_STORED_COLUMNS} FROM entries WHERE rowid = ?", (int(reference),)
            ).fetchone()
            if row is None:
                raise MemoryFileError(
                    self.path,
                    f"no entry with ID {reference}",
                    "Run 'translate memory list' to see the IDs",
                )
            return (StoredEntry(*row),)
        record = self.segments([reference]).get(reference)
        if record is None:
            raise MemoryFileError(
                self.path,
                f"no entry or segment with ID {reference!r}",
                "Give an entry ID from 'translate memory list' or a segment ID shown in an output",
            )
        entries = self.sentence_entries(record.source)
        if not entries:
            raise MemoryFileError(
                self.path,
                f"segment {reference} ({record.source!r}) has no entry in the memory",
                "Nothing to show or forget; 'translate run' translates it again",
            )
        return entries

    def sentence_entries(self, source: str) -> tuple[StoredEntry, ...]:
        """Every entry of one French sentence: the reviewed one first, then newest first."""
        rows = self._db.execute(
            f"""SELECT {_STORED_COLUMNS} FROM entries WHERE source_key = ?
                ORDER BY origin = 'reviewed' DESC, updated_at DESC, rowid DESC""",
            (normalise_source(source),),
        )
        return tuple(StoredEntry(*row) for row in rows)

    def segment_ids_of(self, source: str) -> tuple[str, ...]:
        """The segment IDs under which the last runs showed this French sentence."""
        key = normalise_source(source)
        rows = self._db.execute("SELECT segment_id, source FROM segments ORDER BY segment_id")
        return tuple(sid for sid, text in rows if normalise_source(text) == key)

    def forget(self, reference: str, reviewed_only: bool = False) -> tuple[StoredEntry, ...]:
        """Remove entries and commit at once.

        Args:
            reference: An entry ID (that entry is removed) or a segment ID (every
                entry of its sentence is removed).
            reviewed_only: Remove only the reviewed translation of the sentence, so
                that a machine one is used again.

        Returns:
            The entries removed.

        Raises:
            MemoryFileError: Nothing answers to ``reference``, or with
                ``reviewed_only`` the sentence has no reviewed translation.
        """
        named = self.find_entries(reference)
        if reviewed_only:
            doomed = tuple(
                entry for entry in self.sentence_entries(named[0].source) if entry.is_reviewed
            )
            if not doomed:
                raise MemoryFileError(
                    self.path,
                    f"{reference}: the sentence {named[0].source!r} has no reviewed translation",
                    "Nothing was removed; forget it without --reviewed-only to remove the entry",
                )
        else:
            doomed = named
        with self._db:
            self._db.executemany(
                "DELETE FROM entries WHERE rowid = ?", [(entry.entry_id,) for entry in doomed]
            )
        return doomed

    def stats(self) -> MemoryStats:
        """How many entries of each kind the memory holds, and how big its file is."""
        by_origin = dict(
            self._db.execute("SELECT origin, count(*) FROM entries GROUP BY origin").fetchall()
        )
        engines = self._db.execute(
            """SELECT engine, engine_version, count(*) FROM entries WHERE origin = 'machine'
               GROUP BY engine, engine_version ORDER BY count(*) DESC, engine, engine_version"""
        ).fetchall()
        sentences = self._db.execute("SELECT count(DISTINCT source_key) FROM entries").fetchone()
        segments = self._db.execute("SELECT count(*) FROM segments").fetchone()
        outputs = self._db.execute("SELECT count(*) FROM outputs").fetchone()
        size = sum(
            part.stat().st_size
            for part in (self.path, self.path.with_name(self.path.name + "-wal"))
            if part.exists()
        )
        return MemoryStats(
            path=self.path,
            size_bytes=size,
            reviewed=int(by_origin.get(REVIEWED, 0)),
            machine=int(by_origin.get(MACHINE, 0)),
            sentences=int(sentences[0]),
            engines=tuple((str(e), str(v), int(n)) for e, v, n in engines),
            segments=int(segments[0]),
            outputs=int(outputs[0]),
        )

    def merge_entries(self, entries: Iterable[MemoryEntry]) -> MergeReport:
        """Bring in translations from another file (a TMX or XLIFF) and commit at once.

        A reviewed entry never silently replaces a different review: it does so only
        when it carries a date (``updated_at``) later than the stored review's;
        otherwise the stored review is kept and the entry is reported as a conflict.
        Machine entries are stored under their own engine and version, with no
        glossary version (they are kept and exported, but ``run`` does not reuse
        them, not knowing the glossary they were made with).

        Returns:
            What each entry did, in order.
        """
        added = unchanged = 0
        replaced: list[tuple[MemoryEntry, StoredEntry]] = []
        kept: list[tuple[MemoryEntry, StoredEntry]] = []
        now = _now()
        with self._db:
            for entry in entries:
                key = normalise_source(entry.source)
                engine, version = (
                    ("", "")
                    if entry.origin == REVIEWED
                    else (
                        entry.engine,
                        entry.engine_version,
                    )
                )
                row = self._db.execute(
                    f"""SELECT {_STORED_COLUMNS} FROM entries WHERE source_key = ? AND origin = ?
                        AND engine = ? AND engine_version = ? AND glossary_version = ''""",
                    (key, entry.origin, engine, version),
                ).fetchone()
                stamp = entry.updated_at or now
                if row is None:
                    self._db.execute(
                        """INSERT INTO entries (source_key, source, target, origin, engine,
                               engine_version, glossary_version, created_at, updated_at)
                           VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)""",
                        (
                            key,
                            entry.source,
                            entry.target,
                            entry.origin,
                            engine,
                            version,
                            stamp,
                            stamp,
                        ),
                    )
                    added += 1
                    continue
                stored = StoredEntry(*row)
                if stored.target == entry.target:
                    unchanged += 1
                elif entry.origin == REVIEWED and not (
                    entry.updated_at and entry.updated_at > stored.updated_at
                ):
                    kept.append((entry, stored))
                else:
                    self._db.execute(
                        "UPDATE entries SET target = ?, updated_at = ? WHERE rowid = ?",
                        (entry.target, stamp, stored.entry_id),
                    )
                    replaced.append((entry, stored))
        return MergeReport(added, unchanged, tuple(replaced), tuple(kept))


# Added after schema 1 without changing it: created on first use, so that a memory
# written by an older version opens unchanged and one written by this version
# still opens in an older one.
_REVIEWED_SPANS = """
CREATE TABLE IF NOT EXISTS reviewed_spans (
    source_key TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    spans TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


def _spans_json(spans: Sequence[Inline]) -> str:
    return json.dumps(
        [
            [span.kind.value, span.start, span.end, [list(pair) for pair in span.data]]
            for span in spans
        ],
        ensure_ascii=False,
    )


def _spans_from_json(text: str) -> tuple[Inline, ...]:
    return tuple(
        Inline(InlineKind(kind), start, end, tuple((key, value) for key, value in data))
        for kind, start, end, data in json.loads(text)
    )


class ReviewedSpans:
    """The inline spans of reviewed translations, as the editor formatted them.

    Kept beside the memory's reviewed entries, in the same file and a table of
    their own; reach them through :attr:`TranslationMemory.reviewed_spans`.
    """

    def __init__(self, memory: TranslationMemory) -> None:
        self._db = memory._db

    def _exists(self) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reviewed_spans'"
        ).fetchone()
        return row is not None

    def store(self, items: Sequence[tuple[str, str, Sequence[Inline]]]) -> None:
        """Keep the spans of reviewed translations: ``(source, english, spans)``."""
        if not items:
            return
        now = _now()
        with self._db:
            self._db.execute(_REVIEWED_SPANS)
            self._db.executemany(
                """INSERT INTO reviewed_spans (source_key, target, spans, updated_at)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (source_key) DO UPDATE SET target = excluded.target,
                       spans = excluded.spans, updated_at = excluded.updated_at""",
                [
                    (normalise_source(source), target, _spans_json(spans), now)
                    for source, target, spans in items
                ],
            )

    def lookup(self, pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[Inline, ...]]:
        """The stored spans of ``(source, english)`` pairs, keyed by source.

        Spans are returned only when they were stored for exactly that English
        (a review made later without spans does not inherit old ones).
        """
        wanted = list(pairs)
        if not wanted or not self._exists():
            return {}
        found: dict[str, tuple[Inline, ...]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            keys = {normalise_source(source) for source, _ in chunk}
            marks = ",".join("?" * len(keys))
            stored = {
                key: (target, spans)
                for key, target, spans in self._db.execute(
                    "SELECT source_key, target, spans FROM reviewed_spans "
                    f"WHERE source_key IN ({marks})",
                    list(keys),
                )
            }
            for source, english in chunk:
                hit = stored.get(normalise_source(source))
                if hit is not None and hit[0] == english:
                    found[source] = _spans_from_json(hit[1])
        return found


_SET_ASIDE = """
CREATE TABLE IF NOT EXISTS set_aside (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    place TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (file, segment_id, source, target, reason)
)
"""


@dataclass(frozen=True)
class SetAsideEdit:
    """An editor's edit that an import kept aside instead of applying.

    Attributes:
        file: The reviewed file it came from.
        place: Where it was in that file ("table row 5", "line 12").
        segment_id: The row's ID as written in that file.
        source: The row's French.
        target: The editor's English.
        reason: Why it was not applied: ``gone`` (the French is no longer in the
            article) or ``conflict`` (a newer review of that sentence exists).
        created_at: When it was kept aside (UTC, ISO 8601).
        note: The reviewer's comment on the row, if any.
    """

    file: str
    place: str
    segment_id: str
    source: str
    target: str
    reason: str
    created_at: str = ""
    note: str = ""


GONE = "gone"
CONFLICT = "conflict"


class SetAside:
    """Edits kept aside by imports (created on first use, like ``reviewed_spans``)."""

    def __init__(self, memory: TranslationMemory) -> None:
        self._memory = memory
        self._db = memory._db

    def store(self, edits: Sequence[SetAsideEdit]) -> None:
        """Keep these edits (the same edit from the same file is kept once)."""
        if not edits:
            return
        if self._memory.read_only:
            raise read_only_error(self._memory.path)
        now = _now()
        with self._db:
            self._db.execute(_SET_ASIDE)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(set_aside)")}
            if "note" not in columns:  # (made by a development version without notes)
                self._db.execute("ALTER TABLE set_aside ADD COLUMN note TEXT NOT NULL DEFAULT ''")
            self._db.executemany(
                """INSERT OR IGNORE INTO set_aside
                   (file, place, segment_id, source, target, reason, created_at, note)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (e.file, e.place, e.segment_id, e.source, e.target, e.reason, now, e.note)
                    for e in edits
                ],
            )

    def entries(self) -> tuple[SetAsideEdit, ...]:
        """Every edit kept aside, oldest first."""
        exists = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'set_aside'"
        ).fetchone()
        if exists is None:
            return ()
        return tuple(
            SetAsideEdit(*row)
            for row in self._db.execute(
                "SELECT file, place, segment_id, source, target, reason, created_at, note "
                "FROM set_aside ORDER BY id"
            )
        )


_NOTES = """
CREATE TABLE IF NOT EXISTS notes (
    source_key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    note TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


class Notes:
    """Reviewers' notes, one per source sentence (created on first use)."""

    def __init__(self, memory: TranslationMemory) -> None:
        self._memory = memory
        self._db = memory._db

    def _exists(self) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notes'"
        ).fetchone()
        return row is not None

    def store(self, items: Sequence[tuple[str, str]]) -> None:
        """Keep ``(source, note)`` pairs, replacing a sentence's earlier note."""
        if not items:
            return
        if self._memory.read_only:
            raise read_only_error(self._memory.path)
        now = _now()
        with self._db:
            self._db.execute(_NOTES)
            self._db.executemany(
                """INSERT INTO notes (source_key, source, note, updated_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (source_key) DO UPDATE SET note = excluded.note,
                       updated_at = excluded.updated_at""",
                [(normalise_source(source), source, note, now) for source, note in items],
            )

    def all(self) -> dict[str, str]:
        """Every note, keyed by the sentence's memory key (:func:`normalise_source`)."""
        if not self._exists():
            return {}
        return dict(self._db.execute("SELECT source_key, note FROM notes"))

    def lookup(self, sources: Iterable[str]) -> dict[str, str]:
        """The notes of these source sentences, keyed by the source as given."""
        stored = self.all()
        return {
            source: stored[key] for source in sources if (key := normalise_source(source)) in stored
        }


_STORED_COLUMNS = (
    "rowid, source, target, origin, engine, engine_version, glossary_version, "
    "created_at, updated_at"
)


@dataclass(frozen=True)
class StoredEntry:
    """One row of the memory, as ``translate memory`` shows it.

    Attributes:
        entry_id: The row's ID, shown by ``translate memory list`` (stable while the
            row exists).
        source: The French, as first stored.
        target: The English.
        origin: "reviewed" or "machine".
        engine: The engine of a machine translation ("" for a reviewed one).
        engine_version: Its engine and model version.
        glossary_version: The glossary it was made with ("" when unknown).
        created_at: When it was first stored (UTC, ISO 8601).
        updated_at: When its English last changed.
    """

    entry_id: int
    source: str
    target: str
    origin: str
    engine: str
    engine_version: str
    glossary_version: str
    created_at: str
    updated_at: str

    @property
    def is_reviewed(self) -> bool:
        """Whether a person reviewed this English."""
        return self.origin == REVIEWED


@dataclass(frozen=True)
class EntryListing:
    """Entries found by ``list_entries``, and how many matched before the limit."""

    entries: tuple[StoredEntry, ...]
    matched: int


@dataclass(frozen=True)
class MemoryStats:
    """What a memory file holds.

    Attributes:
        path: The file.
        size_bytes: Its size on disk, with its write-ahead log.
        reviewed: Reviewed entries.
        machine: Machine entries.
        sentences: Distinct French sentences.
        engines: (engine, version, machine entries) for each engine, most used first.
        segments: Segment IDs recorded from the last runs.
        outputs: Output files recorded from the last runs.
    """

    path: Path
    size_bytes: int
    reviewed: int
    machine: int
    sentences: int
    engines: tuple[tuple[str, str, int], ...]
    segments: int
    outputs: int

    @property
    def entries(self) -> int:
        """Every entry, reviewed or machine."""
        return self.reviewed + self.machine


@dataclass(frozen=True)
class MergeReport:
    """What ``merge_entries`` did.

    Attributes:
        added: New entries stored.
        unchanged: Entries the memory already held with the same English.
        replaced: (incoming, stored before) where the incoming English replaced it.
        kept: (incoming, stored) where a stored review was kept over a different,
            not newer incoming one.
    """

    added: int
    unchanged: int
    replaced: tuple[tuple[MemoryEntry, StoredEntry], ...]
    kept: tuple[tuple[MemoryEntry, StoredEntry], ...]


@dataclass(frozen=True)
class ProjectMemory:
    """A project memory just created by ``create_project_memory``.

    Attributes:
        path: The new memory file.
        copied_from: The memory it is a copy of (``None``: it starts empty).
        entries: Entries it holds.
        reviewed: Reviewed entries among them.
    """

    path: Path
    copied_from: Path | None
    entries: int
    reviewed: int


def create_project_memory(root: Path, copy_from: Path | None = None) -> ProjectMemory:
    """Make ``root`` a project: create ``root/.translate/memory.sqlite``.

    Args:
        root: The project folder.
        copy_from: A memory to copy whole (entries, segment IDs, the record of
            output files written), so that nothing reviewed is left behind;
            ignored when it does not exist.

    Raises:
        MemoryFileError: The project already has a memory, the copy source is not a
            memory, or the file cannot be written.
    """
    from translate_pipeline.project import project_memory_path

    path = project_memory_path(root)
    if path.exists():
        raise MemoryFileError(
            path,
            "this folder is already a project with a memory",
            "Nothing was changed; see it with 'translate memory stats'",
        )
    source = copy_from if copy_from and copy_from.exists() and copy_from != path else None
    if source is not None:
        partial = path.with_name(path.name + ".partial")
        with TranslationMemory.open(source) as original:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                copy = sqlite3.connect(partial)
                try:
                    original._db.backup(copy)
                finally:
                    copy.close()
                partial.replace(path)
            except (OSError, sqlite3.Error) as exc:
                partial.unlink(missing_ok=True)
                raise MemoryFileError(
                    path, f"cannot create ({exc})", "Check the folder's permissions and free space"
                ) from None
    with TranslationMemory.open(path) as memory:
        return ProjectMemory(path, source, memory.count(), memory.count(REVIEWED))


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _writable(path: Path) -> bool:
    """Whether this user may write the memory file and create its journal beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _path_key(path: Path) -> str:
    """How an output path is keyed: absolute, with any byte that is not UTF-8 escaped."""
    return os.fsencode(path.resolve()).decode("utf-8", "backslashreplace")
