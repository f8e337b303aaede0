"""What a run reports about each article."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DocumentReport:
    """What happened to one article: its outputs, or the error that stopped it.

    Attributes:
        outputs: The article's three files, when they are complete and current.
        written: Those this run wrote (the others already held the same content).
        kept_as_is: The blocks carried over untranslated, each with its place
            ("code block (line 12)").
        unrepresented: What the reader met and could not represent, with its place;
            it is left as it was in the source, never dropped silently.
    """

    source: Path
    doc_id: str
    segments: int = 0
    outputs: tuple[Path, ...] = ()
    written: tuple[Path, ...] = ()
    error: str | None = None
    kept_as_is: tuple[str, ...] = ()
    unrepresented: tuple[str, ...] = ()
