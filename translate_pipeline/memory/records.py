"""What the translation memory stores and hands back: its records and origins."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

REVIEWED = "reviewed"
MACHINE = "machine"

Notice = Callable[[str], None]


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


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
