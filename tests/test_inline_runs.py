"""Inline spans as formatted pieces and back, and a reviewed translation's spans completed."""

from __future__ import annotations

import pytest

from translate_pipeline.document import FlagCode, Inline, InlineKind
from translate_pipeline.inline_runs import SpanBuilder, canonical, reviewed_inlines

B = InlineKind


def at(text: str, words: str, kind: InlineKind, *data: tuple[str, str]) -> Inline:
    start = text.index(words)
    return Inline(kind, start, start + len(words), tuple(data))


@pytest.mark.parametrize(
    ("pieces", "text", "spans"),
    [
        # Contiguous pieces with the same mark make one span.
        ([("a ", [B.BOLD]), ("b", [B.BOLD])], "a b", [(B.BOLD, 0, 3)]),
        # Whitespace collapses and spans lose their outer spaces.
        ([("  a  ", []), (" b ", [B.ITALIC]), ("\n c", [])], "a b c", [(B.ITALIC, 2, 3)]),
        # A span over spaces only disappears.
        ([("a", []), ("   ", [B.BOLD]), ("b", [])], "a b", []),
    ],
)
def test_span_builder_table(pieces, text, spans) -> None:  # type: ignore[no-untyped-def]
    builder = SpanBuilder()
    for piece, kinds in pieces:
        builder.add_text(piece, [(kind, ()) for kind in kinds])
    built_text, built = builder.build()
    assert built_text == text
    assert [(s.kind, s.start, s.end) for s in built] == spans


def test_canonical_keeps_only_what_a_bilingual_file_shows() -> None:
    text = "Voir le site."
    spans = (
        at(text, "site", B.LINK, ("href", "https://a.b"), ("label", "ref")),
        at(text, "le", B.FORMAT, ("color", "FF0000")),
    )
    assert canonical(text, spans) == (text, (at(text, "site", B.LINK, ("href", "https://a.b")),))


FRENCH = "Le Mistral AI et la photo."
ENGLISH = "The Mistral AI and the photo."


def test_a_reviewed_translation_regains_hidden_formatting_and_data() -> None:
    french_spans = (
        at(FRENCH, "Mistral AI", B.FORMAT, ("color", "FF0000")),
        at(FRENCH, "photo", B.IMAGE, ("src", "p.png")),
    )
    reviewed = (at(ENGLISH, "Mistral", B.BOLD), at(ENGLISH, "photo", B.IMAGE))
    spans, flag = reviewed_inlines(reviewed, FRENCH, french_spans, ENGLISH)
    assert flag is None
    assert spans == (
        at(ENGLISH, "Mistral AI", B.FORMAT, ("color", "FF0000")),
        at(ENGLISH, "Mistral", B.BOLD),
        at(ENGLISH, "photo", B.IMAGE, ("src", "p.png")),
    )


def test_hidden_formatting_that_cannot_be_placed_is_flagged() -> None:
    field = Inline(B.FIELD, 3, 3, (("code", "PAGE"),))
    # No word of the French near the field is left in the English to place it by.
    spans, flag = reviewed_inlines((), FRENCH, (field,), "A wholly new sentence.")
    assert spans == ()
    assert flag is not None and flag.code is FlagCode.FORMATTING_LOST
    assert flag.detail == "field (not in the reviewed file)"
