"""Forms of glossary terms: French plurals and feminines, English plurals, listed forms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate_pipeline.inflection import (
    Number,
    TermForm,
    analyse_french,
    english_plural,
    french_feminine,
    french_plural,
    parse_forms_cell,
    term_forms,
)


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("accord de confidentialité", "accords de confidentialité"),  # complement as is
        ("jeune pousse", "jeunes pousses"),  # head noun and its adjective
        ("intelligence artificielle", "intelligences artificielles"),
        ("main d'œuvre", "mains d'œuvre"),
        ("journal", "journaux"),
        ("festival", "festivals"),  # -al exception
        ("réseau", "réseaux"),
        ("pneu", "pneus"),
        ("bijou", "bijoux"),
        ("travail", "travaux"),
        ("prix", "prix"),  # invariable -s/-x/-z
        ("choix", "choix"),
        ("nez", "nez"),
        ("IA", "IA"),  # acronyms do not change
        ("accord-cadre", "accords-cadres"),
        ("ex-salarié", "ex-salariés"),
        ("cheminot", "cheminots"),
    ],
)
def test_french_plural(singular: str, plural: str) -> None:
    assert french_plural(singular) == plural


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("non-disclosure agreement", "non-disclosure agreements"),
        ("policy", "policies"),
        ("day", "days"),  # -y after a vowel
        ("tax", "taxes"),
        ("search engine", "search engines"),
        ("proof of concept", "proofs of concept"),  # head before "of"
        ("railway worker", "railway workers"),
        ("start-up", "start-ups"),
        ("woman", "women"),
        ("software", "software"),  # uncountable
        ("NDA", "NDAs"),
        ("crisis", "crises"),
    ],
)
def test_english_plural(singular: str, plural: str) -> None:
    assert english_plural(singular) == plural


@pytest.mark.parametrize(
    ("masculine", "feminine"),
    [
        ("génératif", "générative"),
        ("numérique", "numérique"),
        ("artificiel", "artificielle"),
        ("dangereux", "dangereuse"),
        ("européen", "européenne"),
        ("régional", "régionale"),
        ("signé", "signée"),
        ("accord", None),  # not an adjective ending: no feminine invented
    ],
)
def test_french_feminine(masculine: str, feminine: str | None) -> None:
    assert french_feminine(masculine) == feminine


def forms(source: str, target: str, protected: bool = False, cell: str = "") -> list[tuple]:
    return [
        (f.french, f.english, f.number.value, f.feminine, f.explicit)
        for f in term_forms(source, target, protected, parse_forms_cell(cell))
    ]


@pytest.mark.parametrize(
    ("source", "target", "protected", "cell", "expected"),
    [
        (
            "accord de confidentialité",
            "non-disclosure agreement",
            False,
            "",
            [
                ("accord de confidentialité", "non-disclosure agreement", "singular", False, False),
                ("accords de confidentialité", "non-disclosure agreements", "plural", False, False),
            ],
        ),
        (  # an adjective: feminine and plural forms, English unchanged
            "génératif",
            "generative",
            False,
            "",
            [
                ("génératif", "generative", "singular", False, False),
                ("génératifs", "generative", "plural", False, False),
                ("générative", "generative", "singular", True, False),
                ("génératives", "generative", "plural", True, False),
            ],
        ),
        ("Sora", "Sora", True, "", [("Sora", "Sora", "singular", False, False)]),  # names: as is
        ("IA", "AI", False, "", [("IA", "AI", "singular", False, False)]),
        (  # listed forms win over generated ones and add what the rules miss
            "cheminot",
            "railway worker",
            False,
            "cheminots=rail workers|cheminote",
            [
                ("cheminot", "railway worker", "singular", False, False),
                ("cheminots", "rail workers", "singular", False, True),
                ("cheminote", "railway worker", "singular", False, True),
            ],
        ),
    ],
)
def test_term_forms(
    source: str, target: str, protected: bool, cell: str, expected: list[tuple]
) -> None:
    assert forms(source, target, protected, cell) == expected


def test_forms_cell_is_forgiving_about_spaces_and_empty_items() -> None:
    assert parse_forms_cell(" accords  de x = agreements |  | y") == (
        ("accords de x", "agreements"),
        ("y", ""),
    )


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"[a-zàéèêîôûç]{2,12}( [a-zàéèêîôûç]{2,12}){0,2}", fullmatch=True))
def test_plural_keeps_the_number_of_words_and_the_complement(phrase: str) -> None:
    plural = french_plural(phrase)
    assert len(plural.split()) == len(phrase.split())
    assert french_plural(plural) == plural  # a plural is never pluralised again
    form = term_forms(phrase, "thing", protected=False)
    assert form[0] == TermForm(phrase, "thing")
    assert all(f.number is Number.PLURAL for f in form[1:])


@pytest.mark.usefixtures("require_apertium")
def test_analyser_reads_generated_plurals_as_forms_of_the_term() -> None:
    words = ["accord", "accords", "journaux", "monsieurs"]
    lemmas = analyse_french(words)
    assert lemmas["accords"] == {"accord"}
    assert lemmas["journaux"] == {"journal"}
    assert lemmas["monsieurs"] == set()  # the rules' wrong plural is unknown to it
