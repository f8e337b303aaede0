"""Finding the articles to translate under the paths given."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_pipeline.errors import SourceError
from translate_pipeline.sources import find_sources


def test_find_sources_scans_folders_and_reports_other_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Texte.", encoding="utf-8")
    (tmp_path / "a.md").write_text("Texte.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    scan = find_sources([tmp_path])
    assert [p.name for p in scan.files] == ["a.md", "b.txt"]
    assert [p.name for p in scan.skipped] == ["notes.pdf"]


def test_find_sources_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        find_sources([tmp_path / "nowhere"])


def test_find_sources_folder_without_articles(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"holds no \.txt, \.md or \.docx article"):
        find_sources([tmp_path])


def test_find_sources_named_file_with_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "a.rtf"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(SourceError, match=r"unsupported file type '\.rtf'"):
        find_sources([path])


@pytest.mark.parametrize(
    ("name", "own"),
    [
        ("article.bilingual.docx", True),
        ("article.bilingual.md", True),
        ("article.en.md", True),
        ("a-txt.en.md", True),
        ("qa-report.md", True),
        ("~$ticle.docx", True),
        ("article.md", False),
        ("lean.md", False),
        ("bilingual.md", False),
        ("en.txt", False),
    ],
)
def test_issue10_item21_own_outputs_are_recognised(name: str, own: bool) -> None:
    from translate_pipeline.sources import is_own_output

    assert is_own_output(Path(name)) is own


def test_issue10_item18_folder_scan_names_what_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Texte.", encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    (tmp_path / "a.bilingual.md").write_text("x", encoding="utf-8")
    scan = find_sources([tmp_path, tmp_path / "a.txt"])
    assert [p.name for p in scan.files] == ["a.txt"]
    assert [(p.name, problem.split(",")[0]) for p, problem in scan.unreadable] == [
        ("gone.txt", f"a symbolic link to {tmp_path / 'nowhere.txt'}"),
        ("loop.md", "a symbolic link loop"),
    ]
