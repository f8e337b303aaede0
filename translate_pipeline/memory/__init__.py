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

The package's rooms: ``store`` (the open file and its core lookups and writes),
``records`` (what it stores and returns), ``faults`` (SQLite failures as
:class:`MemoryFileError`), ``reviewed`` (reviewed spans, notes, set-aside edits),
``admin`` (listing, forgetting, stats, merging), ``paths`` (which memory is used)
and ``project_memory`` (creating a project's memory).
"""

from translate_pipeline.memory.admin import (
    EntryListing,
    MemoryAdministration,
    MemoryStats,
    MergeReport,
    StoredEntry,
)
from translate_pipeline.memory.faults import (
    DEFAULT_WAIT_SECONDS,
    FIRST_TRY_SECONDS,
    KEEP_IT,
    memory_fault,
    read_only_error,
    wait_seconds,
)
from translate_pipeline.memory.paths import MEMORY_ENV, default_memory_path, user_memory_path
from translate_pipeline.memory.project_memory import ProjectMemory, create_project_memory
from translate_pipeline.memory.records import (
    MACHINE,
    REVIEWED,
    MachineKey,
    MemoryEntry,
    MemoryHit,
    Notice,
    OutputState,
    SegmentRecord,
    normalise_source,
)
from translate_pipeline.memory.reviewed import (
    CONFLICT,
    GONE,
    Notes,
    ReviewedSpans,
    SetAside,
    SetAsideEdit,
)
from translate_pipeline.memory.store import APPLICATION_ID, SCHEMA_VERSION, TranslationMemory

__all__ = [
    "APPLICATION_ID",
    "CONFLICT",
    "DEFAULT_WAIT_SECONDS",
    "FIRST_TRY_SECONDS",
    "GONE",
    "KEEP_IT",
    "MACHINE",
    "MEMORY_ENV",
    "REVIEWED",
    "SCHEMA_VERSION",
    "EntryListing",
    "MachineKey",
    "MemoryAdministration",
    "MemoryEntry",
    "MemoryHit",
    "MemoryStats",
    "MergeReport",
    "Notes",
    "Notice",
    "OutputState",
    "ProjectMemory",
    "ReviewedSpans",
    "SegmentRecord",
    "SetAside",
    "SetAsideEdit",
    "StoredEntry",
    "TranslationMemory",
    "create_project_memory",
    "default_memory_path",
    "memory_fault",
    "normalise_source",
    "read_only_error",
    "user_memory_path",
    "wait_seconds",
]
