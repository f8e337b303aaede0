"""The Apertium engine, run for real (CI installs Debian's apertium packages)."""

from __future__ import annotations

import pytest

from translate_pipeline.engines import apertium
from translate_pipeline.errors import EngineError

pytestmark = pytest.mark.usefixtures("require_apertium")


def test_translates_french_into_english() -> None:
    engine = apertium.ApertiumTranslator.load()
    assert engine.translate_batch(["Le chat est noir.", "Bonjour le monde."]) == [
        "The cat is black.",
        "I hail the world.",
    ]
    assert "apertium-fr-es=" in engine.version


def test_one_pipeline_for_the_whole_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = apertium._run_pipeline

    def counting(text: str, limit: float | None = None) -> str:
        calls.append(text)
        return real(text, limit)

    monkeypatch.setattr(apertium, "_run_pipeline", counting)
    texts = [f"Le chat numéro {n} est noir." for n in range(300)]
    out = apertium.ApertiumTranslator.load().translate_batch(texts)
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


def test_missing_apertium_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not apertium.is_available()
    with pytest.raises(EngineError, match="sudo apt-get install apertium apertium-fr-es"):
        apertium.ApertiumTranslator.load()
