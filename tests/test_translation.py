"""Translating with the memory first: machine hits repaired, reviewed ones never rewritten."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from translate_pipeline.glossary import Term
from translate_pipeline.memory import MemoryHit
from translate_pipeline.protect import Outcome
from translate_pipeline.translation import from_memory, post_edit, translate_protected

from .conftest import TaggingTranslator

TERMS = (Term("Niko Felix", "Niko Felix"), Term("OpenAI", "OpenAI"))
FRENCH = "Niko Felix, porte-parole d'OpenAI, a parlé."


def test_machine_translation_from_memory_gets_safe_repairs() -> None:
    hit = MemoryHit("Niko Félix, OpenAI spokesman, spoke.", "machine")
    result = from_memory(FRENCH, hit, TERMS)
    assert result.english == "Niko Felix, OpenAI spokesman, spoke."
    assert [r.outcome for r in result.spans] == [Outcome.REPAIRED, Outcome.KEPT]
    assert result.origin == "memory"


def test_reviewed_translation_is_flagged_never_rewritten() -> None:
    hit = MemoryHit("Niko Félix, OpenAI spokesman, spoke.", "reviewed")
    result = from_memory(FRENCH, hit, TERMS)
    assert result.english == "Niko Félix, OpenAI spokesman, spoke."
    assert [r.outcome for r in result.spans] == [Outcome.MISSING, Outcome.KEPT]
    assert result.origin == "reviewed"


def test_each_batch_is_handed_back_restored_as_soon_as_it_is_done() -> None:
    engine = TaggingTranslator(calls=[], batch_size=2)
    batches: list[dict[str, str]] = []
    texts = ["OpenAI a parlé.", "Niko Felix a parlé.", "Personne n'a parlé."]
    result = translate_protected(
        engine,
        texts,
        TERMS,
        on_batch=lambda done: batches.append({k: v.english for k, v in done.items()}),
    )
    # Both named sentences mask to the same text and are translated once.
    assert engine.calls == [2]
    assert batches == [
        {
            "OpenAI a parlé.": "EN: OpenAI a parlé.",
            "Niko Felix a parlé.": "EN: Niko Felix a parlé.",
            "Personne n'a parlé.": "EN: Personne n'a parlé.",
        }
    ]
    assert {k: v.origin for k, v in result.items()} == dict.fromkeys(texts, "machine:tagging")


@pytest.mark.parametrize(
    ("french", "english", "expected"),
    [
        # The engine's marks off, typography made English, invented capitals lowered.
        (
            "Encelade est « brillant » : oui.",
            "Encelade Is « *brillant » : yes.",
            "Encelade is “brillant”: yes.",
        ),
        # The French given back unchanged is left as it is (QA flags it).
        ("Il dit « non » : voilà.", "Il dit « non » : voilà.", "Il dit « non » : voilà."),
    ],
)
def test_post_edit(french: str, english: str, expected: str) -> None:
    assert post_edit(french, english, (), "machine:test").english == expected


@dataclass(frozen=True)
class CapitalisingTranslator:
    """A fake engine that capitalises the second word, as Apertium does after a name."""

    uses_placeholders: bool
    name: str = "capitalising"
    version: str = "1"
    batch_size: int | None = None

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [re.sub(r"^(\S+ )(\w)", lambda m: m[1] + m[2].upper(), text) for text in texts]


@pytest.mark.parametrize("uses_placeholders", [True, False])
def test_the_memory_gives_back_the_english_the_engine_gave(uses_placeholders: bool) -> None:
    french = "OpenAI déclare le 12 janv. 2024 à 14 h 30 : « oui » au cœur."
    engine = CapitalisingTranslator(uses_placeholders)
    fresh = translate_protected(engine, [french], TERMS)[french]
    again = from_memory(french, MemoryHit(fresh.engine_english, "machine"), TERMS)
    assert again.english == fresh.english
    assert "OpenAI déclare" in fresh.english and "«" not in fresh.english
