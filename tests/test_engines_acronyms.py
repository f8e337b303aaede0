"""Acronyms Apertium would translate as words are masked, and always come back."""

from __future__ import annotations

import pytest

from translate_pipeline.engines import acronyms
from translate_pipeline.engines.acronyms import Masked, mask
from translate_pipeline.inflection import french_analyser_available

from .conftest import apertium_available

needs_analyser = pytest.mark.skipif(
    not french_analyser_available(), reason="Apertium's French analyser is not installed"
)


@needs_analyser
@pytest.mark.parametrize(
    ("french", "masked"),
    [
        # Also a French word (« ai », « usa »), or unknown to Apertium: masked.
        ("Mistral AI lève des fonds.", ("AI",)),
        ("Il vit aux USA depuis 2020.", ("USA",)),
        ("Donnez votre IBAN et votre SIRET.", ("IBAN", "SIRET")),
        # Known to Apertium as acronyms only: left for it to translate (UN, EU, GDP).
        ("L'ONU et l'UE parlent du PIB.", ()),
        # A headline in capitals is words, not acronyms.
        ("LA FRANCE VOTE AUX USA", ()),
        # One letter is not an acronym; words with digits or hyphens are not either.
        ("Le plan B du A-380 et du H100.", ()),
    ],
)
def test_mask_hides_the_acronyms_apertium_would_turn_into_words(
    french: str, masked: tuple[str, ...]
) -> None:
    (result,) = mask([french])
    assert result.words == masked
    assert all(word not in result.text for word in masked)
    assert result.restore(result.text) == french


@pytest.mark.parametrize(
    ("english", "restored"),
    [
        (
            "Mistral *ZQXA0QZ raises funds with his ZQXA1QZ.",
            "Mistral AI raises funds with his IBAN.",
        ),
        ("Mistral raises funds with his ZQXA1QZ.", None),  # a token lost
        ("ZQXA0QZ ZQXA0QZ ZQXA1QZ", None),  # a token doubled
    ],
)
def test_restore_puts_the_words_back_or_says_a_token_was_lost(
    english: str, restored: str | None
) -> None:
    assert (
        Masked("Mistral ZQXA0QZ lève des fonds avec son ZQXA1QZ.", ("AI", "IBAN")).restore(english)
        == restored
    )


@pytest.mark.skipif(not apertium_available(), reason="apertium is not installed here")
def test_apertium_keeps_acronyms_and_still_translates_the_ones_it_knows() -> None:
    from translate_pipeline.engines.apertium import ApertiumTranslator

    english = ApertiumTranslator.load().translate_batch(
        ["Mistral AI lève des fonds avec son IBAN aux USA.", "L'ONU et l'UE parlent du PIB."]
    )
    assert "Mistral AI" in english[0] and "IBAN" in english[0] and "USA" in english[0]
    assert not {"HAVE", "WENT", "USED"} & set(english[0].upper().split()) - {"AI"}
    assert all(word in english[1] for word in ("UN", "EU", "GDP"))


@pytest.mark.skipif(not apertium_available(), reason="apertium is not installed here")
def test_a_segment_whose_token_is_lost_is_translated_again_unmasked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from translate_pipeline.engines.apertium import ApertiumTranslator

    translator = ApertiumTranslator.load()
    calls: list[list[str]] = []

    def losing(_self: ApertiumTranslator, texts: list[str]) -> list[str]:
        calls.append(list(texts))
        return [text.replace("ZQXA0QZ", "") for text in texts]

    monkeypatch.setattr(ApertiumTranslator, "_translate", losing)
    english = translator.translate_batch(["Il vit aux USA.", "Il dort."])
    # The first call lost the token: that segment alone went again, unmasked.
    assert calls == [["Il vit aux ZQXA0QZ.", "Il dort."], ["Il vit aux USA."]]
    assert english == ["Il vit aux USA.", "Il dort."]


def test_without_the_analyser_nothing_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acronyms, "french_analyser_available", lambda: False)
    monkeypatch.setattr(acronyms, "_decided", {})
    (result,) = mask(["Il vit aux USA."])
    assert result == Masked("Il vit aux USA.")
