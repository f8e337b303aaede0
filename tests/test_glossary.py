"""The glossary CSV: loading, checking with file:row messages, adding and removing."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_pipeline.errors import GlossaryError
from translate_pipeline.glossary import (
    DEFAULT_GLOSSARY,
    add_term,
    check_glossary,
    load_glossary,
    remove_term,
)

from .conftest import ROOT

HEADER = "source,target,case_sensitive,note\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "terms.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_shipped_glossary_has_the_required_terms() -> None:
    glossary = load_glossary(ROOT / DEFAULT_GLOSSARY)
    by_source = {term.source: term for term in glossary.terms}
    for name in ("Sora", "PR-Puppets", "NDA", "OpenAI", "Hugging Face"):
        assert by_source[name].protected
        assert by_source[name].case_sensitive
    assert by_source["accord de confidentialité"].target == "non-disclosure agreement"


def test_empty_target_means_protected(tmp_path: Path) -> None:
    terms = load_glossary(write(tmp_path, "Sora,,yes,\nIA,AI,,\nopen source,,no,note\n")).terms
    assert [(t.source, t.target, t.protected, t.case_sensitive) for t in terms] == [
        ("Sora", "Sora", True, True),
        ("IA", "AI", False, True),
        ("open source", "open source", True, False),
    ]
    assert terms[2].note == "note"
    assert terms[1].row == 3


def test_version_changes_with_the_terms(tmp_path: Path) -> None:
    first = load_glossary(write(tmp_path, "Sora,,yes,\n")).version
    second = load_glossary(write(tmp_path, "Sora,,yes,\nNDA,,yes,\n")).version
    note_only = load_glossary(write(tmp_path, "Sora,,yes,a note\n")).version
    assert first != second
    assert first == note_only


BROKEN = (
    "Sora,,yes,\n"
    ",empty source,yes,\n"  # row 3
    "Sora,,yes,again\n"  # row 4: duplicate
    "IA,AI,yes,\n"
    "IA,A.I.,yes,\n"  # row 6: conflict
    "NDA,,maybe,\n"  # row 7: bad flag
    "a,b,yes,note,extra\n"  # row 8: too many cells
)


def test_check_reports_every_broken_row(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN)
    terms, problems = check_glossary(path)
    assert [(p.row, p.message) for p in problems] == [
        (3, "the source cell is empty"),
        (4, "duplicate of row 2 ('Sora')"),
        (6, "conflicts with row 5: 'IA' -> 'A.I.' here, 'AI' there"),
        (7, "case_sensitive must be yes or no, not 'maybe'"),
        (8, "5 cells, expected at most 4; quote a cell that contains a comma"),
    ]
    assert [t.source for t in terms] == ["Sora", "IA"]
    with pytest.raises(GlossaryError) as caught:
        load_glossary(path)
    assert caught.value.lines[0] == f"{path}:3: the source cell is empty"


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        ("Café,,yes,\n".encode("latin-1"), 2, "not UTF-8; save the file as UTF-8"),
        (b"", 0, "the file is empty"),
        (b"term,translation\nSora,\n", 1, "the header must be source,target,case_sensitive,note"),
    ],
)
def test_file_level_problems(tmp_path: Path, content: bytes, row: int, message: str) -> None:
    path = tmp_path / "terms.csv"
    path.write_bytes(HEADER.encode() + content if row == 2 else content)
    _, problems = check_glossary(path)
    assert problems[0].row == row
    assert problems[0].message.startswith(message)


def test_missing_file(tmp_path: Path) -> None:
    _, problems = check_glossary(tmp_path / "none.csv")
    assert problems[0].message.startswith("no such file")


def test_add_and_remove_keep_the_file_valid(tmp_path: Path) -> None:
    path = tmp_path / "new" / "terms.csv"
    add_term(path, "Sora")
    add_term(path, "accord de confidentialité", "non-disclosure agreement", False, "legal")
    add_term(path, "a, b", "c")
    assert path.read_text(encoding="utf-8") == (
        HEADER
        + "Sora,,yes,\n"
        + "accord de confidentialité,non-disclosure agreement,no,legal\n"
        + '"a, b",c,yes,\n'
    )
    with pytest.raises(GlossaryError, match="'Sora' is already in the glossary"):
        add_term(path, "Sora")
    remove_term(path, "Sora")
    assert [t.source for t in load_glossary(path).terms] == ["accord de confidentialité", "a, b"]
    with pytest.raises(GlossaryError, match="no row has the source 'Sora'"):
        remove_term(path, "Sora")
