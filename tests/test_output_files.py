"""Writing outputs: the folder checked up front, files renamed into place with normal modes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from translate_pipeline.errors import OutputError
from translate_pipeline.output_files import OutputPaths, prepare_output_folder, write_atomic


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, b"new")
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_written_files_get_the_mode_open_would_give(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.md", b"x")
    finally:
        os.umask(previous)
    assert (tmp_path / "a.md").stat().st_mode & 0o777 == 0o644


def test_write_into_a_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "missing" / "a.md", b"x")


@pytest.mark.parametrize("kind", ["file", "under-a-file"])
def test_prepare_output_folder_refuses_what_cannot_hold_files(tmp_path: Path, kind: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    target = blocker if kind == "file" else blocker / "out"
    with pytest.raises(OutputError, match="Choose another folder with --out"):
        prepare_output_folder(target)


def test_output_paths_name_the_three_files(tmp_path: Path) -> None:
    paths = OutputPaths.for_document(tmp_path, "003_x")
    assert [p.name for p in paths.all()] == [
        "003_x.bilingual.docx",
        "003_x.bilingual.md",
        "003_x.en.md",
    ]
