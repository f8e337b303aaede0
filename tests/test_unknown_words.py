"""Apertium's marks taken off the English, and the words they marked named by QA."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate_pipeline.cli import main
from translate_pipeline.english_lexicon import EnglishLexicon
from translate_pipeline.unknown_words import (
    Mark,
    MarkedWord,
    copied_words,
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
    # A mark inside a token is dropped without naming a word.
    ("A 4*x4 is advised.", "Un 4x4 est conseillé.", "A 4x4 is advised.", []),
    # "a" or "an" chosen again once the mark is off.
    (
        "two *atomes and a *atome, A *embuscade, an *testeur",
        "deux atomes et un atome, Une embuscade, un testeur",
        "two atomes and an atome, An embuscade, a testeur",
        [("atomes", "*"), ("atome", "*"), ("embuscade", "*"), ("testeur", "*")],
    ),
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
        # Units English writes the same are not flagged.
        ([("h", "*"), ("mm", "*")], "50 h and 10 mm", []),
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
    # OpenAI is a protected glossary term: its placeholder is marked unknown too.
    source.write_text(
        "OpenAI dit que les testeurs ont rigoureusement vérifié le logiciel.\n", encoding="utf-8"
    )
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
        assert row["english"].startswith("OpenAI says")  # restored, and no capital after it
        assert "untranslated-word: " in (out / "qa-report.md").read_text(encoding="utf-8")
    assert "*" not in (out / "article.en.md").read_text(encoding="utf-8")


COPIED_CASES = [
    # (French, a neural model's English, protected text, named with the analyser, without it)
    (
        "Les testeurs ont rigoureusement vérifié.",
        "The testeurs rigoureusement checked.",
        (),
        ["testeurs", "rigoureusement"],
        [],
    ),
    ("Une œuvre adéquate.", "An adéquate œuvre.", (), ["œuvre", "adéquate"], ["œuvre", "adéquate"]),
    # Words English shares, names, numbers, URLs and glossary terms are not named.
    ("Le restaurant national ferme.", "The national restaurant closes.", (), [], []),
    ("Pierre Dupont arrive.", "Pierre Dupont arrives.", (), [], []),
    ("Voir https://ex.com/testeurs aujourd'hui.", "See https://ex.com/testeurs today.", (), [], []),
    ("Le modèle sorafusion sort.", "The sorafusion model is out.", ("sorafusion",), [], []),
]


@pytest.mark.usefixtures("require_apertium")
@pytest.mark.parametrize(("french", "english", "protected", "named", "_"), COPIED_CASES)
def test_copied_words_with_the_english_analyser(
    french: str, english: str, protected: tuple[str, ...], named: list[str], _: list[str]
) -> None:
    lexicon = EnglishLexicon.start()
    assert lexicon is not None
    try:
        assert [w.word for w in copied_words(french, english, protected, lexicon)] == named
    finally:
        lexicon.close()


@pytest.mark.parametrize(("french", "english", "protected", "_", "named"), COPIED_CASES)
def test_copied_words_without_the_analyser_names_accented_words_only(
    french: str, english: str, protected: tuple[str, ...], _: list[str], named: list[str]
) -> None:
    assert [w.word for w in copied_words(french, english, protected, None)] == named


@pytest.mark.usefixtures("require_apertium")
def test_words_english_knows_are_not_flagged() -> None:
    lexicon = EnglishLexicon.start()
    assert lexicon is not None
    marked = tuple(MarkedWord(w, Mark.UNKNOWN) for w in ("feedback", "bugs", "testeurs"))
    try:
        flagged = flagged_words(marked, "feedback bugs testeurs", lexicon)
    finally:
        lexicon.close()
    assert [w.word for w in flagged] == ["testeurs"]


@dataclass(frozen=True)
class WordForWordTranslator:
    """A fake neural engine: translates the words it knows, copies the others as they are."""

    words: tuple[tuple[str, str], ...] = (("Les", "The"), ("sont", "are"), ("ici", "here"))
    name: str = "word-for-word"
    version: str = "1"
    batch_size: int | None = None
    uses_placeholders: bool = False

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        table = dict(self.words)
        return [" ".join(table.get(w, w) for w in text.split()) for text in texts]


def test_a_neural_engine_copying_a_french_word_gets_it_flagged(tmp_path: Path) -> None:
    from translate_pipeline.pipeline import RunConfig, run

    source = tmp_path / "article.txt"
    source.write_text("Les œuvres sont rigoureusement protégées ici.\n", encoding="utf-8")
    config = RunConfig(sources=(source,), out_dir=tmp_path / "out", memory=tmp_path / "m.sqlite")
    report = run(config, engine=WordForWordTranslator())
    flags = json.loads((tmp_path / "out" / "qa-report.json").read_text(encoding="utf-8"))
    details = [f["detail"] for row in flags["rows"] for f in row["flags"]]
    assert report.qa.flags.get("untranslated-word") == 1
    assert any("œuvres" in detail and "protégées" in detail for detail in details)
