"""The SQLite translation memory: keys, precedence, and refusing files that are not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from translate_pipeline.errors import MemoryFileError
from translate_pipeline.memory import (
    MachineKey,
    SegmentRecord,
    TranslationMemory,
    default_memory_path,
    normalise_source,
)

KEY = MachineKey("apertium", "3.8", "g1")


@pytest.fixture
def memory(tmp_path: Path):  # type: ignore[no-untyped-def]
    with TranslationMemory.open(tmp_path / "tm.sqlite") as opened:
        yield opened


def test_machine_entry_reused_only_with_same_engine_model_and_glossary(memory) -> None:  # type: ignore[no-untyped-def]
    memory.store_machine([("Le chat.", "The cat.")], KEY)
    assert memory.lookup(["Le chat."], KEY)["Le chat."].target == "The cat."
    for other in (
        MachineKey("argos", "3.8", "g1"),
        MachineKey("apertium", "3.9", "g1"),
        MachineKey("apertium", "3.8", "g2"),
    ):
        assert memory.lookup(["Le chat."], other) == {}


def test_reviewed_wins_and_survives_any_change(memory) -> None:  # type: ignore[no-untyped-def]
    memory.store_machine([("Le chat.", "The cat.")], KEY)
    memory.store_reviewed([("Le chat.", "The cat, reviewed.")])
    for key in (KEY, MachineKey("argos", "x", "y")):
        hit = memory.lookup(["Le chat."], key)["Le chat."]
        assert (hit.target, hit.origin) == ("The cat, reviewed.", "reviewed")
    memory.store_reviewed([("Le chat.", "The cat, reviewed twice.")])
    assert memory.count("reviewed") == 1
    best = list(memory.best_entries())
    assert [(e.source, e.target, e.origin) for e in best] == [
        ("Le chat.", "The cat, reviewed twice.", "reviewed")
    ]


def test_keys_are_normalised(memory) -> None:  # type: ignore[no-untyped-def]
    assert normalise_source("  Le\u00a0 chat.\n") == "Le chat."
    assert normalise_source("e\u0301t\u00e9") == "\u00e9t\u00e9"
    memory.store_machine([("Le chat.", "The cat.")], KEY)
    assert "Le  chat. " in memory.lookup(["Le  chat. "], KEY)
    assert memory.lookup(["le chat."], KEY) == {}  # case matters


def test_segments_remember_what_was_written(memory) -> None:  # type: ignore[no-untyped-def]
    memory.record_segments([SegmentRecord("d:p1:s1", "Le chat.", "The cat.", "paragraph")])
    memory.record_segments([SegmentRecord("d:p1:s1", "Le chat.", "The cat!", "paragraph")])
    assert memory.segments(["d:p1:s1", "nope"]) == {
        "d:p1:s1": SegmentRecord("d:p1:s1", "Le chat.", "The cat!", "paragraph")
    }


def test_wal_mode_and_application_id(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    TranslationMemory.open(path).close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA application_id").fetchone()[0] == 0x5450544D


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(MemoryFileError, match="not a translate_pipeline memory"):
        TranslationMemory.open(path)
    assert path.read_bytes() == before


def test_corrupt_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(MemoryFileError, match=r"tm\.sqlite: not a readable memory file"):
        TranslationMemory.open(path)
    assert path.read_bytes() == b"this is not a database" * 200


def test_default_path_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Outside a project and without TRANSLATE_MEMORY (see tests/test_project.py).
    monkeypatch.delenv("TRANSLATE_MEMORY")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_memory_path() == tmp_path / "translate-pipeline" / "memory.sqlite"


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("database or disk is full", "the disk holding the translation memory is full"),
        ("database is locked", "in use by another process"),
        ("attempt to write a readonly database", "the translation memory is read-only"),
        ("disk I/O error", "the disk failed"),
    ],
)
def test_issue10_items10_11_12_faults_are_told_apart(
    tmp_path: Path, failure: str, message: str
) -> None:
    from translate_pipeline.memory import memory_fault

    error = memory_fault(tmp_path / "tm.sqlite", sqlite3.OperationalError(failure))
    assert message in str(error)
    assert "Move it away" not in str(error)


def test_issue10_item11_lock_taken_mid_run_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSLATE_MEMORY_WAIT", "0.2")
    path = tmp_path / "tm.sqlite"
    with TranslationMemory.open(path) as memory:
        other = sqlite3.connect(path)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(MemoryFileError, match="in use by another process"):
                memory.store_machine([("Le chat.", "The cat.")], KEY)
            # Reading still works while another process writes.
            assert memory.lookup(["Le chat."], KEY) == {}
        finally:
            other.rollback()
            other.close()
        memory.store_machine([("Le chat.", "The cat.")], KEY)
        assert memory.count() == 1
