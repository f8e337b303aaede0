"""QA checks on segments: each flag raised when it should, and only then."""

from __future__ import annotations

import pytest

from translate_pipeline.glossary import Term
from translate_pipeline.protect import find_spans, mask, restore
from translate_pipeline.qa import SegmentCheck, check_segment

TERMS = (Term("Sora", "Sora"), Term("OpenAI", "OpenAI"), Term("IA", "AI"))


def flags(french: str, english: str) -> list[str]:
    masked = mask(french, find_spans(french, TERMS), use_placeholders=False)
    restored = restore(english, masked)
    return [
        str(flag) for flag in check_segment(SegmentCheck(french, restored.text, restored.results))
    ]


@pytest.mark.parametrize(
    ("french", "english", "expected"),
    [
        ("OpenAI a lancé Sora hier soir.", "OpenAI launched Sora last night.", []),
        (
            "OpenAI a lancé Sora hier soir.",
            "OpenAI launched it last night.",
            ["term-missing: Sora"],
        ),
        ("L'IA progresse très vite.", "The IA progresses very fast.", []),  # repaired to AI
        ("L'IA progresse très vite.", "Machines progress very fast.", ["term-missing: IA -> AI"]),
        (
            "Voir https://ex.com/A pour tout.",
            "See https://ex.com/B for all.",
            ["url-changed: https://ex.com/A"],
        ),
        (
            "Environ 300 artistes ont signé.",
            "About 30 artists signed.",
            ["number-mismatch: 300 missing"],
        ),
        ("Une hausse de 3,5 % cette année.", "A rise of 3.5% this year.", []),
        (
            "Une hausse de 3,5 % cette année.",
            "A rise of 35% this year.",
            ["number-mismatch: 3,5 % (expected 3.5%)"],
        ),
        ("Un total de 1 000 000 de vues.", "A total of 1,000,000 views.", []),
        (
            "Le chat est noir ce matin.",
            "Le chat est noir ce matin.",
            ["untranslated: English is identical to the French"],
        ),
        ("OpenAI", "OpenAI", []),  # a name alone is rightly the same
        ("Le chat est noir ce matin.", "", ["empty: no English"]),
        (
            "Le chat est noir ce matin, dit-il.",
            "Cat.",
            ["length-ratio: English is 0.1x the French length"],
        ),
        ("Oui.", "Yes indeed, absolutely.", []),  # too short to judge the ratio
    ],
)
def test_flags(french: str, english: str, expected: list[str]) -> None:
    assert flags(french, english) == expected


@pytest.mark.parametrize(
    ("english", "marked", "expected"),
    [
        ("The testeurs checked it.", ("testeurs",), ["untranslated-word: testeurs"]),
        (
            "It is an aprovechamiento, he has knock.",
            ("aprovechamiento", "knock (not inflected)"),
            ["untranslated-word: aprovechamiento, knock (not inflected)"],
        ),
        (
            "He said « no » ; that is all he thinks.",
            (),
            ["french-typography: guillemets, space before punctuation"],
        ),
        ("It opens at 14 h 30 on 12 janv.", (), ["french-typography: French date, French time"]),
        ("He said “no”; it opens at 14:30 on 12 Jan.", (), []),
        ("See https://ex.com/?q=1 : fine.", (), ["french-typography: space before punctuation"]),
    ],
)
def test_untranslated_words_and_french_typography(
    english: str, marked: tuple[str, ...], expected: list[str]
) -> None:
    french = "Il a dit non, et voilà tout ce qu’il en pense."
    check = SegmentCheck(french, english, (), marked_words=marked)
    assert [str(flag) for flag in check_segment(check)] == expected
