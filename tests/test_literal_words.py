"""French words translated word for word, put right in the English (rules/literal_en.toml)."""

from __future__ import annotations

import pytest

from translate_pipeline.literal_words import fix_literal_words, literal_rules
from translate_pipeline.translation import post_edit


@pytest.mark.parametrize(
    ("french", "english", "fixed"),
    [
        # « également » is "also"
        ("Il a également annoncé la fin.", "It has announced equally the end.",
         "It has announced also the end."),
        ("Également, il part.", "Equally, he goes.", "Also, he goes."),
        # ... except where it means "equally"
        ("Les parts sont également réparties.", "The parts are equally distributed.",
         "The parts are equally distributed."),
        # « la plupart des » is "most"
        ("La plupart des gens sont partis.", "The majority of the people have left.",
         "Most people have left."),
        ("Il connaît la plupart des rues.", "He knows the majority of streets.",
         "He knows most streets."),
        # ... but « la majorité » is the majority
        ("La majorité des élus et la plupart des gens.", "The majority of the elected.",
         "The majority of the elected."),
        # « entre A et B » is "between"
        ("Le match entre Paris et Lyon.", "The match among Paris and Lyon.",
         "The match between Paris and Lyon."),
        # ... not « entre autres », « d'entre eux », nor with « parmi »
        ("Il a, entre autres, chanté.", "He has, among others, sung.",
         "He has, among others, sung."),
        ("L'un d'entre eux est parti.", "One among them has left.", "One among them has left."),
        ("Parmi eux, entre deux portes.", "Among them, among two doors.",
         "Among them, among two doors."),
        # the English is only changed where the French calls for it
        ("Il est parti.", "It equally left among the majority of the people.",
         "It equally left among the majority of the people."),
    ],
)  # fmt: skip
def test_literal_translations_are_put_right(french: str, english: str, fixed: str) -> None:
    assert fix_literal_words(french, english) == fixed


def test_the_rules_load_from_the_package() -> None:
    assert len(literal_rules()) == 3


def test_post_editing_a_machine_translation_applies_them() -> None:
    done = post_edit(
        "La plupart des gens sont là.", "The majority of the people are there.", (), "machine"
    )
    assert done.english == "Most people are there."
