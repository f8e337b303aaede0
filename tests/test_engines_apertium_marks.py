"""Marked translation: inline spans travel through Apertium with their words (run for real)."""

from __future__ import annotations

import pytest

from translate_pipeline.engines import apertium

pytestmark = pytest.mark.usefixtures("require_apertium")


def test_marked_spans_travel_with_their_words() -> None:
    from translate_pipeline.document import Inline, InlineKind
    from translate_pipeline.reproject import mark_spans_html, read_marked_html

    french = "La maison est rouge.", "Selon l'AI Act, le texte.", "Le chat dort."
    inlines = (
        (Inline(InlineKind.BOLD, 3, 9), Inline(InlineKind.CODE, 14, 19)),
        (Inline(InlineKind.ITALIC, 8, 14),),
        (Inline(InlineKind.FOOTNOTE_REF, 13, 13),),
    )
    engine = apertium.ApertiumTranslator.load(pivots=apertium.PIVOTS[:1])
    outputs = engine.translate_marked(
        [mark_spans_html(f, i) for f, i in zip(french, inlines, strict=True)]
    )
    house, act, cat = (read_marked_html(o, len(i)) for o, i in zip(outputs, inlines, strict=True))
    assert [house.text[a:b] for a, b in house.ranges if a is not None] == ["house", "rouge"]
    # 'l'AI Act' comes back split in two ('HAVE it Act'): no range, never a wrong one
    assert act.ranges == (None,)
    # a code at the end of a segment keeps the segments apart and stays at the end
    assert cat.text.startswith("The cat") and cat.ranges == ((len(cat.text), len(cat.text)),)
