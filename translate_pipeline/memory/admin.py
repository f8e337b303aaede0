"""Managing the memory (``translate memory``) and merging other CAT tools' files.

:class:`MemoryAdministration` holds the methods; :class:`TranslationMemory` has them.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from translate_pipeline.errors import MemoryFileError
from translate_pipeline.memory.records import (
    MACHINE,
    REVIEWED,
    MemoryEntry,
    SegmentRecord,
    _now,
    normalise_source,
)

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


class MemoryAdministration:
    """Listing, showing, forgetting, counting and merging entries of an open memory."""

    # Provided by TranslationMemory, which these methods are mixed into.
    path: Path
    _db: sqlite3.Connection
    segments: Callable[[Iterable[str]], dict[str, SegmentRecord]]

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


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
