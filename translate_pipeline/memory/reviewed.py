"""Tables kept beside the memory's entries: reviewed spans, notes, set-aside edits.

Each is created on first use, so that a memory written by an older version opens
unchanged. Reach them through :class:`TranslationMemory`'s ``reviewed_spans``,
``notes`` and ``set_aside``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from translate_pipeline.document import Inline, InlineKind
from translate_pipeline.memory.faults import read_only_error
from translate_pipeline.memory.records import _now, normalise_source

if TYPE_CHECKING:
    from translate_pipeline.memory.store import TranslationMemory

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
