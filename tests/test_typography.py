"""English typography, dates and times, in both variants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate_pipeline.cli import main
from translate_pipeline.typography import (
    EnglishVariant,
    english_typography,
    french_typography,
    mask_dates_times,
    restore_dates_times,
    with_ligatures,
    without_ligatures,
)

from .conftest import TaggingTranslator

GB, US = EnglishVariant.GB, EnglishVariant.US

DATE_TIME_CASES = [
    # (French, variant, the English each date or time becomes)
    ("Le 12 janv. 2024, il pleut.", GB, ["on 12 Jan 2024"]),
    ("Le 12 janv. 2024, il pleut.", US, ["on January 12, 2024"]),
    ("Il est parti le 12 janvier 2024 à 14 h 30.", GB, ["on 12 January 2024", "at 14:30"]),
    ("Il est parti le 12 janvier 2024 à 14 h 30.", US, ["on January 12, 2024", "at 2:30 pm"]),
    ("Rendez-vous le 3 mars à 9h15.", GB, ["on 3 March", "at 9:15"]),
    ("Rendez-vous le 3 mars à 9h15.", US, ["on March 3", "at 9:15 am"]),
    ("Le 1er décembre 2023, à 8 h, la séance.", GB, ["on 1 December 2023", "at 8:00"]),
    ("Le 1er décembre 2023, à 8 h, la séance.", US, ["on December 1, 2023", "at 8 am"]),
    # After a preposition, "le 3 mars" is just the date.
    ("Depuis le 3 mars, rien.", GB, ["3 March"]),
    ("La fusillade du 21 mars à l'école.", GB, ["of 21 March"]),
    ("La fusillade du 21 mars à l'école.", US, ["of March 21"]),
    ("En sept. 2023, le mardi 5 nov. 2024.", GB, ["Sept 2023", "on Tuesday 5 Nov 2024"]),
    (
        "En sept. 2023, le mardi 5 nov. 2024.",
        US,
        ["September 2023", "on Tuesday, November 5, 2024"],
    ),
    ("La réunion de 14h à 16h30 est annulée.", GB, ["from 14:00 to 16:30"]),
    ("La réunion de 14h à 16h30 est annulée.", US, ["from 2 pm to 4:30 pm"]),
    ("Il a atterri vers 10 h heure locale.", GB, ["around 10:00"]),
    ("A 11 h 29, la foule.", GB, ["at 11:29"]),
    ("Il est arrivé à 0 h 15.", US, ["at 12:15 am"]),
    ("Ouvert jusqu'à 18 h.", GB, ["18:00"]),
    # Durations, lone months and numbers are left to the engine.
    ("Il a volé 50 h en tout.", GB, []),
    ("Mars est une planète.", GB, []),
    ("Le score est de 2,5 h.", GB, []),
]


@pytest.mark.parametrize(("french", "variant", "english"), DATE_TIME_CASES)
def test_dates_and_times_are_masked_with_their_english(
    french: str, variant: EnglishVariant, english: list[str]
) -> None:
    masked = mask_dates_times(french, variant)
    assert list(masked.english) == english
    assert masked.text.count("ZQXT") == len(english)


@pytest.mark.parametrize(
    ("engine_english", "expected"),
    [
        ("It left ZQXT0QZ ZQXT1QZ.", "It left on 12 January 2024 at 14:30."),
        ("ZQXT0QZ, it rains.", "On 12 January 2024, it rains."),  # a sentence starts with it
        ("It left zqxt0qz Z QXT1QZ.", "It left on 12 January 2024 at 14:30."),  # mangled
        ("It left.", "It left."),  # dropped by the engine: nothing to put back
    ],
)
def test_restore_dates_times(engine_english: str, expected: str) -> None:
    masked = mask_dates_times("Il est parti le 12 janvier 2024 à 14 h 30.", GB)
    assert restore_dates_times(engine_english, masked) == expected


TYPOGRAPHY_CASES = [
    # (engine English, variant, published English)
    ("It has said : « I do not know  ! »", GB, "It has said: “I do not know!”"),
    ("« Papers » is a term ; why ?", GB, "“Papers” is a term; why?"),
    ("Quoted\u00a0: «\u202fyes\u202f» and ‹ no ›", GB, "Quoted: “yes” and ‘no’"),
    ("On 3 March, it rained.", US, "On March 3, it rained."),
    ("On 1st December 2023, it rained.", GB, "On 1 December 2023, it rained."),
    ("On 1st December 2023, it rained.", US, "On December 1, 2023, it rained."),
    ("On January 12, 2024, it rained.", US, "On January 12, 2024, it rained."),
    # What is already English stays as it is.
    (
        'He said "yes": fine? Yes! See https://x.org/?a=1',
        GB,
        'He said "yes": fine? Yes! See https://x.org/?a=1',
    ),
]


@pytest.mark.parametrize(("english", "variant", "expected"), TYPOGRAPHY_CASES)
def test_english_typography(english: str, variant: EnglishVariant, expected: str) -> None:
    assert english_typography(english, variant) == expected


@pytest.mark.parametrize(("english", "expected"), [(e, x) for e, _, x in TYPOGRAPHY_CASES])
def test_english_typography_is_idempotent(english: str, expected: str) -> None:
    assert english_typography(expected, GB) == english_typography(english_typography(expected))


@pytest.mark.parametrize(
    ("english", "named"),
    [
        ("He said « yes ».", ("guillemets",)),
        ("Why ? Because.", ("space before punctuation",)),
        ("It happened on 12 janv. 2024.", ("French date",)),
        ("It happened at 14 h 30.", ("French time",)),
        ("He said “yes” at 14:30 on 12 Jan 2024: why?", ()),
    ],
)
def test_french_typography_is_named(english: str, named: tuple[str, ...]) -> None:
    assert french_typography(english) == named


@pytest.mark.usefixtures("require_apertium")
def test_cli_writes_dates_times_and_quotes_in_the_variant(tmp_path: Path) -> None:
    # en-GB through the CLI and both variants through the library are tested elsewhere.
    variant, expected = "en-US", "On January 12, 2024 at 2:30 pm"
    source = tmp_path / "article.txt"
    source.write_text(
        "Le 12 janv. 2024 à 14 h 30, il a dit : « Je ne sais pas ! »\n", encoding="utf-8"
    )
    out, memory = tmp_path / "out", tmp_path / "memory.sqlite"
    args = ["run", str(source), "--engine", "apertium", "--out", str(out), "--memory", str(memory)]
    result = CliRunner().invoke(
        main, [*args, "--english", variant, "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    english = (out / "article.en.md").read_text(encoding="utf-8")
    assert english.startswith(expected), english
    assert "“" in english and "”" in english and "«" not in english and " :" not in english
    assert json.loads(result.output)["qa"]["flags"].get("french-typography") is None


def test_help_documents_the_english_option() -> None:
    result = CliRunner().invoke(main, ["run", "--help"])
    assert "--english [en-GB|en-US]" in result.output


@pytest.mark.parametrize(
    ("french", "for_apertium", "english", "published"),
    [
        ("le cœur et l'œil", "le coeur et l'oeil", "the heart, the eye", "the heart, the eye"),
        ("Œdipe et ŒUVRES", "Oedipe et OEUVRES", "Oedipe and OEUVRES", "Œdipe and ŒUVRES"),
        ("les œuvres", "les oeuvres", "the works", "the works"),
    ],
)
def test_ligatures_spelt_out_for_the_engine_and_back_in_copied_words(
    french: str, for_apertium: str, english: str, published: str
) -> None:
    assert without_ligatures(french) == for_apertium
    assert with_ligatures(english, french) == published


def test_a_variant_change_translates_again_and_rereads_the_memory(
    tmp_path: Path, tagging_engine: TaggingTranslator
) -> None:
    from translate_pipeline.pipeline import RunConfig, run

    source = tmp_path / "article.txt"
    source.write_text("Le 12 janv. 2024 à 14 h 30, il a dit « oui ».\n", encoding="utf-8")
    out = tmp_path / "out"
    english = {}
    for variant in (GB, US, GB):
        config = RunConfig((source,), out, memory=tmp_path / "m.sqlite", english=variant)
        report = run(config, engine=tagging_engine)
        english[variant] = (out / "article.en.md").read_text(encoding="utf-8").strip()
    assert english[GB] == "EN: on 12 Jan 2024 at 14:30, il a dit “oui”."
    assert english[US] == "EN: on January 12, 2024 at 2:30 pm, il a dit “oui”."
    # Each variant was translated once; the last en-GB run came from the memory.
    assert tagging_engine.calls == [1, 1]
    assert report.memory_hits == 1
