"""Apertium's marks taken off the English, and the words they marked named by QA."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate_pipeline.cli import main
from translate_pipeline.unknown_words import (
    Mark,
    MarkedWord,
    flagged_words,
    strip_marks,
    unmark_placeholders,
)

STRIP_CASES = [
    # (engine English, French given, English without marks, marked words)
    (
        "The **testeurs have said.",
        "Les testeurs ont dit.",
        "The testeurs have said.",
        [("testeurs", "*")],
    ),
    (
        "It is an *aprovechamiento of the land.",
        "C'est un aménagement du territoire.",
        "It is an aprovechamiento of the land.",
        [("aprovechamiento", "*")],
    ),
    ("the @OPEP said", "l'OPEP a dit", "the OPEP said", [("OPEP", "@")]),
    (
        "a silence has #knock on",
        "un silence s'est abattu",
        "a silence has knock on",
        [("knock", "#")],
    ),
    # The French's own hashtag and handle stay; only the engine's marks go.
    ("The movement #**MeToo", "Le mouvement #MeToo", "The movement #MeToo", [("MeToo", "*")]),
    ("and @**elonmusk on X", "et @elonmusk sur X", "and @elonmusk on X", [("elonmusk", "*")]),
    # An e-mail address's "@" is no mark.
    ("Write to jean@exemple.fr.", "Écrivez à jean@exemple.fr.", "Write to jean@exemple.fr.", []),
    ("5 * 3 = 15", "5 * 3 = 15", "5 * 3 = 15", []),
    # The pipeline's placeholders are marked unknown too, but are not words to flag.
    ("**ZQX0QZ Million people", "ZQX0QZ millions de personnes", "ZQX0QZ Million people", []),
    ("", "", "", []),
]


@pytest.mark.parametrize(("english", "french", "expected", "marked"), STRIP_CASES)
def test_strip_marks(
    english: str, french: str, expected: str, marked: list[tuple[str, str]]
) -> None:
    result = strip_marks(english, french)
    assert result.text == expected
    assert [(w.word, w.mark.value) for w in result.words] == marked


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("**ZQX0QZ Million people", "ZQX0QZ Million people"),
        ("at *ZQX12QZ today", "at ZQX12QZ today"),
        ("the **testeurs", "the **testeurs"),  # real words keep their marks for later
    ],
)
def test_unmark_placeholders(english: str, expected: str) -> None:
    assert unmark_placeholders(english) == expected


@pytest.mark.parametrize(
    ("words", "english", "named"),
    [
        # Names the engine rightly copies are not flagged.
        ([("Whitehall", "*"), ("testeurs", "*")], "Whitehall testeurs", ["testeurs"]),
        # A word a later step took out of the English is no longer flagged.
        ([("h", "*")], "at 14:30", []),
        # Once each.
        ([("testeurs", "*"), ("testeurs", "*")], "testeurs and testeurs", ["testeurs"]),
        # An uninflected form is flagged, and says so, even capitalised.
        ([("Estimate", "#")], "Estimate the cost", ["Estimate (not inflected)"]),
    ],
)
def test_flagged_words(words: list[tuple[str, str]], english: str, named: list[str]) -> None:
    marked = tuple(MarkedWord(word, Mark(mark)) for word, mark in words)
    assert [w.describe() for w in flagged_words(marked, english)] == named


@pytest.mark.usefixtures("require_apertium")
def test_cli_flags_an_unknown_word_and_keeps_flagging_it_from_the_memory(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text("Les testeurs ont rigoureusement vérifié le logiciel.\n", encoding="utf-8")
    out, memory = tmp_path / "out", tmp_path / "memory.sqlite"
    args = ["run", str(source), "--engine", "apertium", "--out", str(out), "--memory", str(memory)]
    for _ in range(2):  # the second run is served by the memory
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "untranslated-word 1" in result.output
        report = json.loads((out / "qa-report.json").read_text(encoding="utf-8"))
        (row,) = report["rows"]
        flags = {flag["code"]: flag["detail"] for flag in row["flags"]}
        assert "testeurs" in flags["untranslated-word"].split(", ")
        # The English shows the word, without Apertium's marks.
        assert "testeurs" in row["english"] and "*" not in row["english"]
        assert "untranslated-word: " in (out / "qa-report.md").read_text(encoding="utf-8")
    assert "*" not in (out / "article.en.md").read_text(encoding="utf-8")
