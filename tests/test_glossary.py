"""The glossary CSV: loading, checking with file:row messages, adding and removing."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_pipeline.errors import GlossaryError
from translate_pipeline.glossary import (
    DEFAULT_GLOSSARY,
    add_term,
    check_glossary,
    form_warnings,
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


def test_forms_column_is_read_and_written_back(tmp_path: Path) -> None:
    header = "source,target,case_sensitive,note,forms\n"
    path = write(
        tmp_path,
        "cheminot,railway worker,no,,cheminote|cheminotes=railway workers\nSora,,yes,,\n",
        header=header,
    )
    terms = load_glossary(path).terms
    assert terms[0].forms == (("cheminote", ""), ("cheminotes", "railway workers"))
    assert [(f.french, f.english) for f in terms[0].inflections()] == [
        ("cheminot", "railway worker"),
        ("cheminots", "railway workers"),
        ("cheminote", "railway worker"),
        ("cheminotes", "railway workers"),
    ]
    add_term(path, "NDA")
    assert path.read_text(encoding="utf-8") == (
        header
        + "cheminot,railway worker,no,,cheminote|cheminotes=railway workers\n"
        + "Sora,,yes,,\n"
        + "NDA,,yes,,\n"
    )


def test_forms_change_the_version_but_files_without_them_keep_theirs(tmp_path: Path) -> None:
    four = load_glossary(write(tmp_path, "prix,price,no,\n")).version
    five = load_glossary(
        write(tmp_path, "prix,price,no,,\n", header="source,target,case_sensitive,note,forms\n")
    ).version
    listed = load_glossary(
        write(
            tmp_path,
            "prix,price,no,,prix=prices\n",
            header="source,target,case_sensitive,note,forms\n",
        )
    ).version
    assert four == five != listed


FORMS_HEADER = "source,target,case_sensitive,note,forms\n"


@pytest.mark.parametrize(
    ("rows", "warnings"),
    [
        ("accord de confidentialité,non-disclosure agreement,no,,\nSora,,yes,,\n", []),
        (  # a generated form that is another row's term
            "accord,agreement,no,,\naccords,Accords,yes,the treaty,\n",
            [(2, "the form 'accords' of 'accord' is also the term on row 3; that row wins")],
        ),
        (  # a listed form that is another row's term with other English
            "cheminot,railway worker,no,,cheminote\ncheminote,female railway worker,no,,\n",
            [(3, "ambiguous form 'cheminote': a form of 'cheminote' ('female railway worker')")],
        ),
        (  # same in both numbers: the plural English is never produced
            "prix,price,no,,\n",
            [(2, "'prix' is the same in the singular and the plural; it is always given as")],
        ),
        ("prix,price,no,,prix=prices\n", []),  # the editor chose
        ("IA,AI,yes,,\nNDA,,yes,,\n", []),  # acronyms and names: no forms, no warning
    ],
)
def test_glossary_check_warns_where_a_form_is_ambiguous(
    tmp_path: Path, rows: str, warnings: list[tuple[int, str]]
) -> None:
    terms, problems = check_glossary(write(tmp_path, rows, header=FORMS_HEADER))
    assert problems == ()
    found = form_warnings(terms)
    assert len(found) == len(warnings)
    for problem, (row, start) in zip(found, warnings, strict=True):
        assert problem.row == row
        assert problem.message.startswith(start)


def test_analyser_warnings_name_a_form_read_as_another_word(tmp_path: Path) -> None:
    terms, _ = check_glossary(write(tmp_path, "pousse,shoot,no,\nrégional,regional,no,\n"))
    lemmas = {
        **{"pousse": {"pousse"}, "pousses": {"pousser"}},
        **{"régional": {"régional"}, "régionaux": set()},
        **{"régionale": {"régional"}, "régionales": {"régional"}},
    }
    messages = [p.message for p in form_warnings(terms, lambda words: lemmas)]
    assert messages[0].startswith(
        "the French analyser reads 'pousses' (generated from 'pousse') as a form of pousser"
    )
    assert messages[1].startswith("the French analyser does not know 'régionaux'")
    assert len(messages) == 2


def test_glossary_check_cli_reports_analyser_doubts(require_apertium: None, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from translate_pipeline.cli import main

    path = write(tmp_path, "monsieur,gentleman,no,\naccord,agreement,no,\n")
    result = CliRunner().invoke(main, ["glossary", "check", "--glossary", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{path}:2: warning: the French analyser does not know 'monsieurs' (generated from "
        "'monsieur'); list the right form in the forms column\n"
    )
    assert "2 terms, no problems, 1 warning(s); generated forms checked" in result.stdout
