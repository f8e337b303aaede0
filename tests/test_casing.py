"""Capitals the engine invented are lowered; capitals the French explains are kept."""

from __future__ import annotations

import pytest

from translate_pipeline.casing import repair_capitals

CASES = [
    # (French as the engine got it, engine English, names the pipeline put in, expected)
    # After an unknown name at the start, the next word got the sentence's capital.
    (
        "Encelade est l'objet le plus brillant.",
        "Encelade Is the object the plus brilliant.",
        (),
        "Encelade is the object the plus brilliant.",
    ),
    (
        "Stardust établira un record.",
        "Stardust Will establish a record.",
        (),
        "Stardust will establish a record.",
    ),
    (
        "Bowen Island est une excursion.",
        "Bowen Island Is an excursion.",
        (),
        "Bowen Island is an excursion.",
    ),
    # After a placeholder, a number or a date the pipeline put in.
    (
        "ZQX0QZ des gens sont partis.",
        "34% Of the people have gone.",
        ("34%",),
        "34% of the people have gone.",
    ),
    (
        "ZQXT0QZ exactement, un silence.",
        "At 8:46 Exactly, a silence.",
        ("at 8:46",),
        "At 8:46 exactly, a silence.",
    ),
    # Function words capitalised in mid-sentence.
    (
        "Kahne et Truex sont cinquièmes.",
        "Kahne And Truex are fifth.",
        (),
        "Kahne and Truex are fifth.",
    ),
    (
        "Il a dit : « Je suis ravi ».",
        "He said: “I Am delighted”.",
        (),
        "He said: “I am delighted”.",
    ),
    # Multiword units at the start come out in capitals.
    (
        "En raison de leur succès, rien.",
        "BECAUSE OF their success, nothing.",
        (),
        "Because of their success, nothing.",
    ),
    (
        "Grâce aux liaisons, le Groenland.",
        "THANKS TO the connections, Greenland.",
        (),
        "Thanks to the connections, Greenland.",
    ),
    ("Une carte ouverte.", "AN open card.", (), "An open card."),
    # Kept: a capital the French has, a sentence start, a quotation start.
    (
        "Depuis, The Onion est un empire.",
        "Since, The Onion is an empire.",
        (),
        "Since, The Onion is an empire.",
    ),
    (
        "Le journal britannique The Guardian a dit.",
        "The British newspaper The Guardian said.",
        (),
        "The British newspaper The Guardian said.",
    ),
    (
        "Il est parti. Le soir venu, rien.",
        "He left. The evening come, nothing.",
        (),
        "He left. The evening come, nothing.",
    ),
    ("Il a dit : « Pour toi ».", "He said: “For you”.", (), "He said: “For you”."),
    # Kept: a French name the engine translated may be the capital ("Ma" -> "My").
    (
        "Selon Hsieh, Ma pourrait fuir.",
        "According to Hsieh, My could flee.",
        (),
        "According to Hsieh, My could flee.",
    ),
    (
        "Cinque Terre comprend cinq villages.",
        "Cinque Tierra comprises five villages.",
        (),
        "Cinque Tierra comprises five villages.",
    ),
    # Kept: a name with a number ("Il-76" -> "He-76"), acronyms, a heading in capitals.
    ("Le Il-76 est un avion.", "The He-76 is a plane.", (), "The He-76 is a plane."),
    ("Le VIH EST PARTOUT.", "The HIV IS EVERYWHERE.", (), "The HIV IS EVERYWHERE."),
    ("Il a parlé à l'ONU.", "He spoke to the UN.", (), "He spoke to the UN."),
    ("", "", (), ""),
]


@pytest.mark.parametrize(("french", "english", "names", "expected"), CASES)
def test_repair_capitals(french: str, english: str, names: tuple[str, ...], expected: str) -> None:
    assert repair_capitals(french, english, names) == expected


@pytest.mark.parametrize(("french", "english", "names", "expected"), CASES)
def test_repair_capitals_is_idempotent(
    french: str, english: str, names: tuple[str, ...], expected: str
) -> None:
    assert repair_capitals(french, expected, names) == expected
