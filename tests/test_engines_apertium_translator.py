"""The Apertium translator, run for real (CI installs Debian's apertium packages)."""

from __future__ import annotations

import pytest

from translate_pipeline.engines import apertium
from translate_pipeline.engines.apertium import translator

pytestmark = pytest.mark.usefixtures("require_apertium")


def test_translates_french_into_english() -> None:
    engine = apertium.ApertiumTranslator.load(pivots=apertium.PIVOTS[:1])
    assert engine.translate_batch(["Le chat est noir.", "Bonjour le monde."]) == [
        "The cat is black.",
        "I hail the world.",
    ]
    assert "apertium-fr-es=" in engine.version


def _all_pivots_installed() -> bool:
    engine = apertium.ApertiumTranslator.load()
    return len(engine.pivots) == len(apertium.PIVOTS)


def test_every_pivot_translates_and_the_english_comes_from_one_of_them() -> None:
    if not _all_pivots_installed():
        pytest.skip("needs " + " ".join(apertium.EXTRA_PACKAGES))
    engine = apertium.ApertiumTranslator.load()
    texts = ["Le chat est noir.", "Le gouvernement a annoncé une hausse des impôts."]
    combined = engine.translate_batch(texts)
    alone = apertium.run_chains("\n\n".join(texts), engine.pivots, None)
    assert combined[0] == "The cat is black."
    for number, english in enumerate(combined):
        assert english in [" ".join(out.split("\n\n")[number].split()) for out in alone.values()]
    assert "fra-cat|cat-spa|spa-eng" in engine.version


def test_one_pipeline_for_the_whole_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = translator.run_pipeline

    def counting(text: str, limit: float | None = None) -> str:
        calls.append(text)
        return real(text, limit)

    monkeypatch.setattr(translator, "run_pipeline", counting)
    texts = [f"Le chat numéro {n} est noir." for n in range(300)]
    out = apertium.ApertiumTranslator.load(pivots=apertium.PIVOTS[:1]).translate_batch(texts)
    assert len(calls) == 1
    assert len(out) == 300
    assert out[7] == "The cat number 7 is black."


def test_boundaries_hold_with_headings_and_special_characters() -> None:
    texts = [
        "Titre sans point final",
        "Un [crochet] avec ^chapeau$ et a/b <b> @x fin.",
        "« Bonjour », dit-il.",
        "Le chat noir",
        "Ligne\navec retour",
    ]
    out = apertium.ApertiumTranslator.load().translate_batch(texts)
    assert len(out) == len(texts)
    assert out[0] == "Title without full stop"
    assert out[3] == "The black cat"
    assert all("\n" not in text and "  " not in text for text in out)
