"""Acronyms Apertium would translate as words, kept from it.

Apertium looks words up without regard to case, so an acronym that is also a
French word, or one it does not know, comes out as a word: « Mistral AI lève »
gives "Mistral HAVE raises" (French « ai », I have), « aux USA » "to USED them"
(« usa », used), « son IBAN » "his WENT" (the unknown « IBAN » reaches the
Spanish-English step as Spanish « iban », they went). An acronym Apertium knows
as one and only as one (« ONU », « UE », « PIB », « TVA ») is translated as it
should be ("UN", "EU", "GDP", "VAT").

So, before a batch goes to Apertium, each all-capital word of two letters or
more, in a segment that is not all capitals, is masked with a token Apertium
passes through, unless Apertium's French analyser reads it as an acronym or a
proper noun and its lower-case form as nothing at all; the word is put back in
the English. Where a token did not come back exactly once, the caller
translates that segment again unmasked, so nothing is ever lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from translate_pipeline.errors import GlossaryError
from translate_pipeline.inflection import french_analyser_available, french_readings

# An all-capital word (French capitals included), two letters or more.
_CAPITALS = re.compile(r"(?<![\w-])[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ]{2,}(?![\w-])")
_TOKEN = "ZQXA{}QZ"
_TOKEN_SHAPE = re.compile(r"[*@#]*ZQXA(\d+)QZ")
_ACRONYM_TAGS = ("<acr>", "<np>")
# Words already decided, for the life of the process (the analyser is a process).
_decided: dict[str, bool] = {}


@dataclass(frozen=True)
class Masked:
    """A segment with its risky acronyms masked.

    Attributes:
        text: What Apertium is given.
        words: The masked words, in token order.
    """

    text: str
    words: tuple[str, ...] = ()

    def restore(self, english: str) -> str | None:
        """``english`` with the masked words put back; ``None`` if a token was lost."""
        if not self.words:
            return english
        found = [int(n) for n in _TOKEN_SHAPE.findall(english)]
        if sorted(found) != list(range(len(self.words))):
            return None
        return _TOKEN_SHAPE.sub(lambda match: self.words[int(match.group(1))], english)


def mask(texts: Sequence[str]) -> list[Masked]:
    """Each text with the acronyms Apertium would mistranslate masked.

    Without the French analyser (``lt-proc`` and ``apertium-fr-es``), nothing is
    masked.
    """
    candidates = {
        word
        for text in texts
        if _has_lower_case(text) and "ZQXA" not in text
        for word in _CAPITALS.findall(text)
    }
    risky = _risky(candidates)
    masked = []
    for text in texts:
        if not risky or not _has_lower_case(text) or "ZQXA" in text:
            masked.append(Masked(text))
            continue
        words: list[str] = []

        def token(match: re.Match[str], words: list[str] = words) -> str:
            if match.group(0) not in risky:
                return match.group(0)
            words.append(match.group(0))
            return _TOKEN.format(len(words) - 1)

        masked.append(Masked(_CAPITALS.sub(token, text), tuple(words)))
    return masked


def _has_lower_case(text: str) -> bool:
    return any(char.islower() for char in text)


def _risky(words: Iterable[str]) -> set[str]:
    """The words Apertium would translate as something other than an acronym."""
    unknown = sorted(word for word in set(words) if word not in _decided)
    if unknown and french_analyser_available():
        try:
            readings = french_readings([*unknown, *(word.lower() for word in unknown)])
        except GlossaryError:  # the analyser failed: mask nothing, as without it
            readings = {}
        if readings:
            for word in unknown:
                as_acronym = any(
                    tag in reading for reading in readings.get(word, []) for tag in _ACRONYM_TAGS
                )
                _decided[word] = not as_acronym or bool(readings.get(word.lower()))
    return {word for word in words if _decided.get(word)}
