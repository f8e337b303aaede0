"""French words a rule-based engine translates word for word, put right in the English.

Apertium picks one English word per French word whatever the sense, and through
its Spanish pivot some picks are wrong in most contexts: « également » comes out
"equally" (it means "also"), « la plupart des » "the majority of the" ("most"),
« entre » "among" ("between"). The rules are data (``rules/literal_en.toml``):
each names the French that must be there, the English it produces, and the
English to write instead. They apply to machine translations only, like the
typography and capitalisation repairs, and never to an editor's English.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class LiteralRule:
    """One word-for-word translation and its fix.

    Attributes:
        french: Must match the French segment (ignoring case).
        unless: Must not match it (ignoring case); an empty pattern never matches.
        match: The literal English, as the engine writes it.
        english: What to write instead (capitalised where the match was).
    """

    french: re.Pattern[str]
    unless: re.Pattern[str] | None
    match: re.Pattern[str]
    english: str

    def apply(self, french: str, english: str) -> str:
        """``english`` with this rule's literal English replaced, where the French calls for it."""
        if not self.french.search(french) or (self.unless and self.unless.search(french)):
            return english
        return self.match.sub(self._replacement, english)

    def _replacement(self, found: re.Match[str]) -> str:
        if found.group(0)[:1].isupper():
            return self.english[:1].upper() + self.english[1:]
        return self.english


@cache
def literal_rules() -> tuple[LiteralRule, ...]:
    """The packaged rules (``rules/literal_en.toml``)."""
    raw = resources.files("translate_pipeline").joinpath("rules/literal_en.toml")
    data = tomllib.loads(raw.read_text(encoding="utf-8"))
    return tuple(
        LiteralRule(
            french=re.compile(item["french"], re.IGNORECASE),
            unless=re.compile(item["unless"], re.IGNORECASE) if item.get("unless") else None,
            match=re.compile(item["match"]),
            english=item["english"],
        )
        for item in data.get("rule", ())
    )


def fix_literal_words(french: str, english: str) -> str:
    """``english`` with every rule applied (see the module's rules)."""
    for rule in literal_rules():
        english = rule.apply(french, english)
    return english
