"""What the memory gives a chunk besides its hits: near matches, and every
English when no engine can be loaded; the key its machine translations are kept by."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from translate_pipeline.engines import EngineChoice, Translator
from translate_pipeline.errors import EngineError
from translate_pipeline.fuzzy import find_near_matches
from translate_pipeline.glossary import Glossary
from translate_pipeline.memory import MACHINE, REVIEWED, MemoryHit, TranslationMemory
from translate_pipeline.pipeline.aligning import _NearMatchRow
from translate_pipeline.protect import TermMatcher
from translate_pipeline.translation import Translation, from_memory
from translate_pipeline.typography import DEFAULT_VARIANT, EnglishVariant

MEMORY_ONLY = "translation memory"


def served_by_memory(
    memory: TranslationMemory,
    texts: Sequence[str],
    engine_name: str,
    glossary: Glossary,
    missing: EngineError,
) -> tuple[EngineChoice, dict[str, MemoryHit]]:
    """The memory's translations of every text, when no engine can be loaded.

    The memory's machine translations of ``engine_name`` (any engine for "auto")
    made with this glossary are taken, whatever the model version, since that
    version cannot be learnt without the engine. The outputs name the engine that
    made them when there was only one.

    Raises:
        EngineError: Some texts are not in the memory; the message says how many.
    """
    wanted = None if engine_name == "auto" else engine_name
    hits = memory.lookup_without_engine(texts, wanted, glossary.version)
    if not texts or len(hits) < len(texts):
        raise EngineError(
            f"{missing} ({len(texts) - len(hits)} of {len(texts)} sentences are not in the "
            "translation memory, so they need an engine)"
        )
    makers = {(hit.engine, hit.engine_version) for hit in hits.values() if hit.origin == MACHINE}
    name, version = makers.pop() if len(makers) == 1 else (MEMORY_ONLY, "no engine loaded")

    def refuse() -> Translator:
        raise missing

    return EngineChoice(name, version, refuse), hits


def near_matches(
    reviewed_entries: Callable[[], list[tuple[str, str]]],
    translations: Mapping[str, Translation],
    matcher: TermMatcher,
) -> dict[str, _NearMatchRow]:
    """The reviewed near matches of every text that has no reviewed translation.

    Machine translations from the memory are included: the machine English of a
    sentence is kept in the memory, and its near match is offered again on every
    run until an editor reviews the sentence. A suggestion is checked against the
    glossary as a review is (a term it lacks is flagged, never repaired).
    """
    pending = [text for text, t in translations.items() if t.origin != REVIEWED]
    if not pending:
        return {}
    reviewed = reviewed_entries()
    if not reviewed:
        return {}
    rows = {}
    for text, match in find_near_matches(pending, reviewed).items():
        shown = None
        if match.suggestion is not None:
            checked = from_memory(text, MemoryHit(match.suggestion, REVIEWED), matcher)
            shown = dataclasses.replace(checked, origin=match.origin)
        rows[text] = _NearMatchRow(match, shown)
    return rows


def made_with(glossary: Glossary, english: EnglishVariant) -> str:
    """What besides the engine a machine translation depends on, for the memory's key.

    Dates and times reach the engine already in the variant's English, so a
    sentence translated for en-US is not reused for en-GB; en-GB keeps the plain
    glossary version, so memories made before the variant existed still serve.
    """
    return glossary.version if english is DEFAULT_VARIANT else f"{glossary.version}+{english}"
