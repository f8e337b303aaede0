"""The translation memory: an SQLite file of every sentence translated or reviewed.

It also keeps what a run needs to be cheap and safe the next time: the sentence
spans of each paragraph, and the digest, size and mtime of every file written (so
an unchanged file is not rewritten and a file an editor changed is not overwritten).

A reviewed translation always wins and survives any change of engine, model or
glossary; a machine translation is reused only when engine, model version and
glossary version are all unchanged. The file runs in WAL mode and every batch is
committed as it finishes, so a run killed with ``kill -9`` keeps what it did.
"""

from __future__ import annotations

import json
import os
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from translate_pipeline.document import Inline, InlineKind
from translate_pipeline.errors import MemoryFileError

# "TPTM" in ASCII: marks the file as ours, so a foreign SQLite file is refused.
APPLICATION_ID = 0x5450544D
SCHEMA_VERSION = 1
REVIEWED = "reviewed"
MACHINE = "machine"

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

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    @classmethod
    def open(cls, path: Path) -> TranslationMemory:
        """Open the memory at ``path``, creating it if it does not exist.

        Raises:
            MemoryFileError: The file is corrupt, not a memory of this tool, or
                cannot be created; it is never overwritten.
        """
        existed = path.exists() and path.stat().st_size > 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise MemoryFileError(
                path, f"cannot open ({exc})", "Choose another file with --memory"
            ) from None
        try:
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
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            with connection:
                connection.executescript(_SCHEMA)
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise MemoryFileError(
                path,
                f"not a readable memory file ({exc})",
                "Move it away or choose another file with --memory; it was not changed",
            ) from None
        except MemoryFileError:
            connection.close()
            raise
        return cls(path, connection)

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

    def store_machine(self, pairs: Sequence[tuple[str, str]], key: MachineKey) -> None:
        """Store machine translations and commit at once."""
        now = _now()
        with self._db:
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

    def store_reviewed(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Store reviewed translations (replacing earlier reviews) and commit at once."""
        now = _now()
        with self._db:
            self._db.executemany(
                """INSERT INTO entries (source_key, source, target, origin, created_at, updated_at)
                   VALUES (?, ?, ?, 'reviewed', ?, ?)
                   ON CONFLICT (source_key, origin, engine, engine_version, glossary_version)
                   DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at""",
                [(normalise_source(source), source, target, now, now) for source, target in pairs],
            )

    def record_segments(self, records: Iterable[SegmentRecord]) -> None:
        """Remember what each segment ID showed in the documents just written."""
        now = _now()
        with self._db:
            self._db.executemany(
                """INSERT INTO segments (segment_id, source, target, kind, updated_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (segment_id) DO UPDATE SET source = excluded.source,
                       target = excluded.target, kind = excluded.kind,
                       updated_at = excluded.updated_at""",
                [(r.segment_id, r.source, r.target, r.kind, now) for r in records],
            )

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

    def output_state(self, path: Path) -> OutputState | None:
        """How this tool last wrote ``path``, if it did."""
        row = self._db.execute(
            "SELECT digest, size, mtime_ns FROM outputs WHERE path = ?", (str(path.resolve()),)
        ).fetchone()
        return OutputState(*row) if row else None

    def record_output(self, path: Path, digest: str) -> None:
        """Remember that ``path`` was just written with content ``digest``."""
        stat = path.stat()
        with self._db:
            self._db.execute(
                """INSERT INTO outputs (path, digest, size, mtime_ns) VALUES (?, ?, ?, ?)
                   ON CONFLICT (path) DO UPDATE SET digest = excluded.digest,
                       size = excluded.size, mtime_ns = excluded.mtime_ns""",
                (str(path.resolve()), digest, stat.st_size, stat.st_mtime_ns),
            )

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

    def store_spans(self, spans: dict[str, list[tuple[int, int]]]) -> None:
        """Keep sentence spans for the next run."""
        with self._db:
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

    def count(self, origin: str | None = None) -> int:
        """How many entries the memory holds (of one origin, if given)."""
        if origin is None:
            return int(self._db.execute("SELECT count(*) FROM entries").fetchone()[0])
        return int(
            self._db.execute("SELECT count(*) FROM entries WHERE origin = ?", (origin,)).fetchone()[
                0
            ]
        )

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


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
