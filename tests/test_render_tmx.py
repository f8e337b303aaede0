"""TMX export, read back with translate-toolkit's TMX reader."""

from __future__ import annotations

from pathlib import Path

from translate.storage.tmx import tmxfile

from translate_pipeline.memory import MemoryEntry
from translate_pipeline.render_tmx import write_tmx


def test_tmx_reads_back_with_a_real_reader(tmp_path: Path) -> None:
    entries = [
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
    path = tmp_path / "m.tmx"
    write_tmx(entries, path)
    units = tmxfile(path.read_bytes()).units
    assert [(u.source, u.target) for u in units] == [(e.source, e.target) for e in entries]
    text = path.read_text(encoding="utf-8")
    assert '<tmx version="1.4">' in text
    assert 'creationdate="20261125T052414Z"' in text
    assert '<prop type="x-origin">reviewed</prop>' in text
