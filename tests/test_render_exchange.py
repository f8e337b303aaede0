"""TMX and XLIFF export, read back with translate-toolkit's readers."""

from __future__ import annotations

from pathlib import Path

from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile

from translate_pipeline.memory import MemoryEntry
from translate_pipeline.render_exchange import write_exchange_file

ENTRIES = [
    MemoryEntry(
        "Le chat & « la souris ».",
        "The cat & “the mouse”.",
        "machine",
        "apertium",
        "3.8",
        "2026-11-25T05:24:14Z",
    ),
    MemoryEntry("Bonjour <b>.", "Hello <b>.", "reviewed", "", "", "2026-11-25T06:00:00Z"),
]


def test_tmx_reads_back_with_a_real_reader(tmp_path: Path) -> None:
    entries = ENTRIES
    path = tmp_path / "m.tmx"
    write_exchange_file(entries, path, "tmx")
    units = tmxfile(path.read_bytes()).units
    assert [(u.source, u.target) for u in units] == [(e.source, e.target) for e in entries]
    text = path.read_text(encoding="utf-8")
    assert '<tmx version="1.4">' in text
    assert 'creationdate="20261125T052414Z"' in text
    assert '<prop type="x-origin">reviewed</prop>' in text


def test_xliff_reads_back_with_a_real_reader(tmp_path: Path) -> None:
    path = tmp_path / "m.xliff"
    write_exchange_file(ENTRIES, path, "xliff")
    units = xlifffile(path.read_bytes()).units
    assert [(u.source, u.target) for u in units] == [(e.source, e.target) for e in ENTRIES]
    assert [u.isapproved() for u in units] == [False, True]
