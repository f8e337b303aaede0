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


def test_issue11_item5_folders_are_read_recursively(tmp_path: Path) -> None:
    for name in ("a.txt", "politique/b.md", "politique/europe/c.txt", ".git/d.txt", "out/e.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Texte.", encoding="utf-8")
    scan = find_sources([tmp_path], skip=[tmp_path / "out"])
    found = {p.relative_to(tmp_path).as_posix(): scan.subfolder(p).as_posix() for p in scan.files}
    assert found == {
        "a.txt": ".",
        "politique/b.md": "politique",
        "politique/europe/c.txt": "politique/europe",
    }


def test_issue11_item5_a_file_named_directly_goes_to_the_top(tmp_path: Path) -> None:
    (tmp_path / "politique").mkdir()
    article = tmp_path / "politique" / "a.txt"
    article.write_text("Texte.", encoding="utf-8")
    assert find_sources([article]).subfolder(article) == Path(".")


# Through the real CLI and the real Apertium (issue 11 item 5).
def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _translate(*args: str):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from translate_pipeline.cli import main

    return CliRunner().invoke(main, ["run", *args, "--engine", "apertium", "-q"])


def _tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.usefixtures("require_apertium")
def test_issue11_item5_outputs_mirror_the_source_tree(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    _write(src / "une.txt", "Le chat dort.")
    _write(src / "politique" / "a.md", "# Titre\n\nLe chien mange.\n")
    _write(src / "politique" / "europe" / "b.txt", "La maison est grande.")
    _write(src / ".venv" / "c.txt", "Pas un article.")
    result = _translate(str(src), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert _tree(out) == {
        "une.bilingual.docx",
        "une.bilingual.md",
        "une.en.md",
        "politique/a.bilingual.docx",
        "politique/a.bilingual.md",
        "politique/a.en.md",
        "politique/europe/b.bilingual.docx",
        "politique/europe/b.bilingual.md",
        "politique/europe/b.en.md",
        "qa-report.md",
        "qa-report.json",
    }
    assert "dog" in (out / "politique" / "a.en.md").read_text(encoding="utf-8")
    assert "house" in (out / "politique" / "europe" / "b.en.md").read_text(encoding="utf-8")


@pytest.mark.usefixtures("require_apertium")
def test_issue11_item5_same_name_in_two_subfolders_is_not_overwritten(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    _write(src / "x" / "a.txt", "Le chat dort.")
    _write(src / "y" / "a.txt", "Le chien mange.")
    result = _translate(str(src), "--out", str(out))
    assert result.exit_code == 0, result.output
    # Distinct document IDs (the memory keys segments by them), each in its own folder.
    assert "cat" in (out / "x" / "x-a.en.md").read_text(encoding="utf-8")
    assert "dog" in (out / "y" / "y-a.en.md").read_text(encoding="utf-8")
    assert "x-a:p" in (out / "x" / "x-a.bilingual.md").read_text(encoding="utf-8")


@pytest.mark.usefixtures("require_apertium")
def test_issue11_item5_output_folder_inside_the_sources_is_not_read_back(tmp_path: Path) -> None:
    src = tmp_path / "src"
    out = src / "traductions"
    _write(src / "politique" / "a.txt", "Le chat dort.")
    for _ in range(2):
        result = _translate(str(src), "--out", str(out))
        assert result.exit_code == 0, result.output
    # A stray article left in the output folder is not taken for a source either.
    _write(out / "politique" / "note.txt", "Une note.")
    result = _translate(str(src), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert _tree(out) == {
        "politique/a.bilingual.docx",
        "politique/a.bilingual.md",
        "politique/a.en.md",
        "politique/note.txt",
        "qa-report.md",
        "qa-report.json",
    }
    assert not (out / "traductions").exists()


@pytest.mark.usefixtures("require_apertium")
def test_issue11_item5_import_reads_a_mirrored_output(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from translate_pipeline.cli import main

    src, out = tmp_path / "src", tmp_path / "out"
    _write(src / "politique" / "a.txt", "Le chat dort.")
    assert _translate(str(src), "--out", str(out)).exit_code == 0
    english = out / "politique" / "a.en.md"
    text = english.read_text(encoding="utf-8")
    corrected = text.replace("sleeps", "is asleep")
    assert corrected != text
    english.write_text(corrected, encoding="utf-8")
    imported = CliRunner().invoke(main, ["import", str(english)])
    assert imported.exit_code == 0, imported.output
    result = _translate(str(src), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "is asleep" in (out / "politique" / "a.bilingual.md").read_text(encoding="utf-8")
