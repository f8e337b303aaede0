"""The simple, safe rules that place inline spans on the English (issue 9 item 3)."""

from __future__ import annotations

import pytest

from translate_pipeline.document import Inline, InlineKind
from translate_pipeline.reproject import project_inlines


def span(kind: InlineKind, text: str, part: str, nth: int = 0) -> Inline:
    at = -1
    for _ in range(nth + 1):
        at = text.index(part, at + 1)
    return Inline(kind, at, at + len(part))


FR = "La société Mistral AI lève 600 millions."
EN = "The company Mistral AI raises 600 million."


@pytest.mark.parametrize(
    ("french", "inline", "english", "placed"),
    [
        # whole segment (its letters and digits): the whole English
        ("Tout est gras.", Inline(InlineKind.BOLD, 0, 13), "All is bold.", "All is bold"),
        # a name or inline code found verbatim, once on each side
        (FR, span(InlineKind.BOLD, FR, "Mistral AI"), EN, "Mistral AI"),
        (
            "Lancez pip install ici.",
            Inline(InlineKind.CODE, 7, 18),
            "Run pip install here.",
            "pip install",
        ),
        # the second of two occurrences goes on the second
        ("a x b x", span(InlineKind.ITALIC, "a x b x", "x", 1), "A x B x", "x@6"),
    ],
)
def test_span_placed(french: str, inline: Inline, english: str, placed: str) -> None:
    result = project_inlines(french, (inline,), english)
    assert result.lost == ()
    (got,) = result.inlines
    text, _, at = placed.partition("@")
    assert english[got.start : got.end] == text
    if at:
        assert got.start == int(at)


@pytest.mark.parametrize(
    ("french", "inline", "english"),
    [
        # translated words cannot be found: dropped and reported, never guessed
        (FR, span(InlineKind.ITALIC, FR, "société"), EN),
        # counts differ: which occurrence is meant is unknown
        ("x et x", span(InlineKind.BOLD, "x et x", "x"), "x"),
        # a footnote reference inside the sentence
        ("Le texte cité ici.", Inline(InlineKind.FOOTNOTE_REF, 9, 9), "The quoted text here."),
    ],
)
def test_span_lost_is_reported(french: str, inline: Inline, english: str) -> None:
    result = project_inlines(french, (inline,), english)
    assert result.inlines == ()
    assert result.lost == (inline,)


def test_identical_english_keeps_every_span() -> None:
    inlines = (span(InlineKind.ITALIC, FR, "société"), Inline(InlineKind.SOFT_BREAK, 10, 10))
    assert project_inlines(FR, inlines, FR).inlines == inlines


def test_codes_at_the_edges_stay_at_the_edges() -> None:
    note = Inline(InlineKind.FOOTNOTE_REF, len(FR), len(FR), (("label", "1"),))
    result = project_inlines(FR, (note,), EN)
    assert result.inlines == (Inline(InlineKind.FOOTNOTE_REF, len(EN), len(EN), note.data),)


def test_layout_only_spans_are_dropped_without_a_loss() -> None:
    inlines = (Inline(InlineKind.SOFT_BREAK, 10, 10), Inline(InlineKind.ESCAPE, 4, 5))
    assert project_inlines(FR, inlines, EN) == project_inlines(FR, (), EN)


def test_known_english_of_a_glossary_term() -> None:
    french = "Un accord de confidentialité signé."
    english = "A signed non-disclosure agreement."
    inline = span(InlineKind.BOLD, french, "accord de confidentialité")
    known = [(inline.start, inline.end, "non-disclosure agreement")]
    (got,) = project_inlines(french, (inline,), english, known).inlines
    assert english[got.start : got.end] == "non-disclosure agreement"
