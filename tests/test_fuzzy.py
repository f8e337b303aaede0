"""Near matches of reviewed sentences: matching, number patching, the French differences."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from translate_pipeline.align import align_document
from translate_pipeline.bilingual_docx import FUZZY_FILL, bilingual_docx_bytes
from translate_pipeline.document import Block, BlockKind, Document, FlagCode, QaFlag
from translate_pipeline.fuzzy import (
    find_near_matches,
    fuzzy_score,
    matching_key,
    near_match,
    patch_numbers,
    word_differences,
)
from translate_pipeline.render_markdown import bilingual_markdown
from translate_pipeline.segmenter import SentenceSplitter, segment_document

RATE_FR = "Le taux de chômage atteint 85 % dans la région selon l'Insee."
RATE_EN = "Unemployment reaches 85% in the region according to Insee."


@pytest.mark.parametrize(
    ("reviewed_french", "french", "reviewed_english", "differences", "patched"),
    [
        # The brief's case: the English form of "85 %" is "85%".
        (
            RATE_FR,
            RATE_FR.replace("85", "86"),
            RATE_EN,
            [("85 %", "86 %")],
            RATE_EN.replace("85", "86"),
        ),
        # The English kept the French form.
        (
            "Il fait 41 °C à Paris.",
            "Il fait 42 °C à Paris.",
            "It is 41 °C in Paris.",
            [("41", "42")],
            "It is 42 °C in Paris.",
        ),
        # French thousands and decimals become English ones.
        (
            "Le budget est de 1 200 € et la hausse de 3,5 %.",
            "Le budget est de 1 300 € et la hausse de 3,7 %.",
            "The budget is €1,200 and the rise 3.5%.",
            [("1 200 €", "1 300 €"), ("3,5 %", "3,7 %")],
            "The budget is €1,300 and the rise 3.7%.",
        ),
        # An unchanged number that the changed one resembles stays as it is.
        (
            "En 2023, 85 personnes et 12 voitures.",
            "En 2023, 86 personnes et 12 voitures.",
            "In 2023, 85 people and 12 cars.",
            [("85", "86")],
            "In 2023, 86 people and 12 cars.",
        ),
        # The number appears twice in the English: which one to patch is a guess.
        (
            "Il a 85 ans et 85 amis.",
            "Il a 86 ans et 85 amis.",
            "He is 85 and has 85 friends.",
            [("85", "86")],
            None,
        ),
        # The number is not in the English at all (written as a word).
        (
            "Il y a 3 chats dans la maison.",
            "Il y a 4 chats dans la maison.",
            "There are three cats in the house.",
            [("3", "4")],
            None,
        ),
        # A word changed, not only a number: never patched.
        (
            "Le maire de Paris a annoncé 85 mesures.",
            "Le maire de Lyon a annoncé 86 mesures.",
            "The mayor of Paris announced 85 measures.",
            [("Paris", "Lyon"), ("85", "86")],
            None,
        ),
        # A number inside a longer one is not that number.
        (
            "Le code 75008 et 8 rues.",
            "Le code 75008 et 9 rues.",
            "Postcode 75008 and 8 streets.",
            [("8", "9")],
            "Postcode 75008 and 9 streets.",
        ),
        # Only the case changed: nothing to patch.
        ("le maire a parlé.", "Le maire a parlé.", "The mayor spoke.", [("le", "Le")], None),
    ],
)
def test_patch_numbers(
    reviewed_french: str,
    french: str,
    reviewed_english: str,
    differences: list[tuple[str, str]],
    patched: str | None,
) -> None:
    found, english = patch_numbers(reviewed_french, french, reviewed_english)
    assert list(found) == differences
    assert english == patched


@pytest.mark.parametrize(
    ("old", "new", "differences"),
    [
        ("Le maire de Paris parle.", "Le maire de Lyon parle.", [("Paris", "Lyon")]),
        ("Il pleut.", "Il pleut encore.", [("", "encore")]),
        ("Il pleut beaucoup ici.", "Il pleut ici.", [("beaucoup", "")]),
        ("Le chat noir dort.", "Le chien blanc dort.", [("chat noir", "chien blanc")]),
    ],
)
def test_word_differences(old: str, new: str, differences: list[tuple[str, str]]) -> None:
    assert list(word_differences(old, new)) == differences


def test_a_near_match_of_a_number_carries_the_patched_english_score_and_difference() -> None:
    new = RATE_FR.replace("85", "86")
    match = find_near_matches([new], [(RATE_FR, RATE_EN)])[new]
    assert match.suggestion == "Unemployment reaches 86% in the region according to Insee."
    assert match.score == int(fuzz.ratio(matching_key(RATE_FR), matching_key(new)))
    assert 85 <= match.score < 100
    assert match.origin == f"fuzzy:{match.score}"
    assert str(match.flag()) == (
        f"fuzzy-match: {match.score}% of a reviewed sentence; differences: 85 % -> 86 % "
        "(patched in its English; check it)"
    )


def test_a_near_match_that_cannot_be_patched_shows_the_reviewed_english_beside() -> None:
    old = "Le maire de Paris a annoncé un nouveau plan pour les transports."
    new = old.replace("Paris", "Lyon")
    english = "The mayor of Paris announced a new transport plan."
    match = find_near_matches([new], [(old, english)])[new]
    assert match.suggestion is None
    assert match.flag().code is FlagCode.FUZZY_MATCH
    assert "differences: Paris -> Lyon; its English, not used: " + english in str(match.flag())


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        # Too different: a different sentence, not a near match.
        ("Le gouvernement a présenté son budget hier soir.", False),
        # The same sentence with its clauses swapped is not offered.
        ("Dans la région selon l'Insee, le taux de chômage atteint 85 %.", False),
        # The reviewed sentence itself is an exact match, not a near one.
        (RATE_FR, False),
        # Whitespace and no-break spaces do not count against a match.
        (RATE_FR.replace("85 %", "86\u00a0%").replace(" ", "  "), True),
    ],
)
def test_what_counts_as_a_near_match(new: str, expected: bool) -> None:
    assert (new in find_near_matches([new], [(RATE_FR, RATE_EN)])) is expected


def test_the_score_is_never_100_for_a_different_sentence() -> None:
    assert near_match("Le Maire parle.", "le maire parle.", "The mayor speaks.", 100.0).score == 99


def test_the_best_candidate_wins() -> None:
    new = "Le taux de chômage atteint 87 % dans la région selon l'Insee."
    reviewed = [
        ("Le taux de chômage atteint 80 % dans le pays selon l'Insee.", "far"),
        (RATE_FR, RATE_EN),
    ]
    assert find_near_matches([new], reviewed)[new].reviewed_french == RATE_FR


_SENTENCE = st.text(alphabet="abcde 1%", min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=8), _SENTENCE, st.sampled_from([70.0, 85.0, 95.0]))
def test_the_length_prefilter_never_loses_a_match(
    reviewed: list[str], new: str, threshold: float
) -> None:
    """The prefilter only skips candidates that cannot reach the threshold."""
    pairs = [(french, french.upper()) for french in reviewed]
    key = matching_key(new)
    best = max(
        (fuzz.ratio(key, matching_key(french)) for french in reviewed if french != new),
        default=0.0,
    )
    found = find_near_matches([new], pairs, threshold).get(new)
    if best >= threshold and key and new not in reviewed:
        assert found is not None
        assert fuzz.ratio(key, matching_key(found.reviewed_french)) == best
    elif best < threshold:
        assert found is None


def test_ten_thousand_reviewed_entries_and_a_thousand_new_sentences_take_seconds() -> None:
    rng = random.Random(11)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyzéè") for _ in range(rng.randint(2, 9)))
        for _ in range(3000)
    ]

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(6, 30))) + "."

    reviewed = [(sentence(), "english") for _ in range(10_000)]
    new = [sentence() for _ in range(990)]
    # Ten of them are near matches: one number added to a reviewed sentence.
    near = [f"{french[:-1]} 42." for french, _ in reviewed[:10]]
    started = time.perf_counter()
    found = find_near_matches(new + near, reviewed)
    seconds = time.perf_counter() - started
    assert set(near) <= set(found)
    assert seconds < 30, f"{seconds:.1f} s"


def _aligned_with(origin: str, english: str, flags: tuple[QaFlag, ...]):  # type: ignore[no-untyped-def]
    document = Document(
        doc_id="demo",
        path=Path("demo.md"),
        blocks=(Block(1, BlockKind.PARAGRAPH, RATE_FR.replace("85", "86")),),
    )
    segments = segment_document(document, SentenceSplitter())
    text = segments[0].text
    return align_document(
        document,
        segments,
        {text: english},
        origins={text: origin},
        flags={text: flags},
    )


def test_a_fuzzy_row_is_marked_in_the_bilingual_markdown_and_not_as_reviewed() -> None:
    flag = near_match(RATE_FR.replace("85", "86"), RATE_FR, RATE_EN, 98.4).flag()
    aligned = _aligned_with("fuzzy:98", RATE_EN.replace("85", "86"), (flag,))
    table = bilingual_markdown(aligned, "test")
    row = next(line for line in table.splitlines() if line.startswith("| `demo:p1:s1`"))
    assert "≈ 98% match" in row
    assert "⚠ fuzzy-match: 98% of a reviewed sentence; differences: 85 % -> 86 %" in row
    assert "reviewed" not in row.split(" ⚠ ")[0]
    assert row.endswith("| Unemployment reaches 86% in the region according to Insee. |")


def test_a_fuzzy_row_is_marked_and_shaded_apart_in_the_bilingual_docx(tmp_path: Path) -> None:
    import docx

    flag = near_match(RATE_FR.replace("85", "86"), RATE_FR, RATE_EN, 98.4).flag()
    path = tmp_path / "demo.docx"
    path.write_bytes(bilingual_docx_bytes(_aligned_with("fuzzy:98", "Patched.", (flag,)), "test"))
    row = docx.Document(str(path)).tables[0].rows[1]
    notes = [paragraph.text for paragraph in row.cells[0].paragraphs]
    assert "≈ 98% match" in notes
    assert "✓ reviewed" not in notes
    assert row.cells[2].text == "Patched."
    assert f'w:fill="{FUZZY_FILL}"' in row.cells[2]._tc.xml


@pytest.mark.parametrize(
    ("origin", "score"),
    [("fuzzy:92", 92), ("reviewed", None), ("machine:argos", None), ("memory", None)],
)
def test_fuzzy_score(origin: str, score: int | None) -> None:
    assert fuzzy_score(origin) == score
