"""Translating with the memory first: machine hits repaired, reviewed ones never rewritten."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from translate_pipeline.document import Inline, InlineKind
from translate_pipeline.errors import EngineError
from translate_pipeline.glossary import Term
from translate_pipeline.memory import MemoryHit
from translate_pipeline.protect import Outcome
from translate_pipeline.reproject import project_inlines
from translate_pipeline.translation import (
    DEFAULT_BATCH_SIZE,
    check_engine_output,
    code_lost,
    from_memory,
    post_edit,
    translate_protected,
    translate_span_texts,
    translate_spans,
    translate_texts,
)

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


def test_span_texts_are_translated_once_each_in_batches() -> None:
    engine = TaggingTranslator(calls=[], batch_size=2)
    english = translate_span_texts(engine, ["maison", "voiture", "maison", " ", "3,5 %"])
    assert english == {"maison": "EN: maison", "voiture": "EN: voiture", "3,5 %": "EN: 3.5%"}
    assert engine.calls == [2, 1]


_WORDS = {"la": "the", "maison": "house", "rouge": "red", "est": "is", "une": "a"}


@dataclass(frozen=True)
class WordTranslator:
    """A fake engine: word for word from a small dictionary, capitalised like a
    sentence; ``translate_marked`` does the same and leaves tags where they are.
    """

    marked: list[str]
    name: str = "words"
    version: str = "1"
    batch_size: int | None = None
    uses_placeholders: bool = True

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [_words(text).capitalize() for text in texts]

    def translate_marked(self, texts: Sequence[str]) -> list[str]:
        self.marked.extend(texts)
        return [
            "".join(
                part if part.startswith("<") else _words(part)
                for part in re.split(r"(<[^>]+>)", text)
            )
            for text in texts
        ]


def _words(text: str) -> str:
    return re.sub(r"\w+", lambda m: _WORDS.get(m.group(0).lower(), m.group(0)), text)


def test_spans_get_their_english_in_context_then_alone() -> None:
    french = "La maison est rouge."
    rows = [
        (
            french,
            (Inline(InlineKind.BOLD, 3, 9), Inline(InlineKind.ITALIC, 14, 19)),
            "The house is red.",
        )
    ]
    engine = WordTranslator(marked=[])
    candidates = translate_spans(engine, rows)
    assert engine.marked == ['La <b id="k0">maison</b> est <b id="k1">rouge</b>.']
    assert candidates == {french: {"maison": ("house", "House"), "rouge": ("red", "Red")}}
    placed = project_inlines(french, rows[0][1], rows[0][2], span_english=candidates[french])
    assert [rows[0][2][s.start : s.end] for s in placed.inlines] == ["house", "red"]


def test_engine_without_tags_gives_translations_alone_and_placed_spans_ask_nothing() -> None:
    rows = [
        ("La maison est rouge.", (Inline(InlineKind.BOLD, 3, 9),), "The house is red."),
        ("Une Maison.", (Inline(InlineKind.BOLD, 4, 10),), "A Maison."),
    ]
    engine = TaggingTranslator(calls=[])
    assert translate_spans(engine, rows) == {"La maison est rouge.": {"maison": ("EN: maison",)}}
    assert engine.calls == [1]


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        (["A"], "returned 1 translations for 2 segments"),
        (["A", "B", "C"], "returned 3 translations for 2 segments"),
        (["A", ""], r"returned no English for segment 2 of 2 \('Le chien\.'\)"),
        (["A", "   "], "returned no English for segment 2"),
    ],
)
def test_issue10_item1_engine_output_is_checked(outputs: list[str], message: str) -> None:
    with pytest.raises(EngineError, match=rf"the fake engine {message}.*nothing of this batch"):
        check_engine_output("fake", ["Le chat.", "Le chien."], outputs)


def test_issue10_item8_engines_without_a_batch_size_get_bounded_batches() -> None:
    engine = TaggingTranslator(calls=[])
    translate_texts(engine, [f"Phrase {n}." for n in range(DEFAULT_BATCH_SIZE * 2 + 1)])
    assert engine.calls == [DEFAULT_BATCH_SIZE, DEFAULT_BATCH_SIZE, 1]


CODE_FRENCH = "Le modèle mistral-large-2 est disponible."
CODE = {CODE_FRENCH: [(10, 25)]}


@dataclass(frozen=True)
class ShoutingTranslator:
    """A fake placeholder engine: upper-cases everything but placeholder tokens."""

    name: str = "shouting"
    version: str = "1"
    batch_size: int | None = None
    uses_placeholders: bool = True

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [
            "".join(
                part if re.fullmatch(r"ZQX+\d+QZ", part) else part.upper()
                for part in re.split(r"(ZQX+\d+QZ)", text)
            )
            for text in texts
        ]


@dataclass(frozen=True)
class RewordingTranslator:
    """A fake neural engine (no placeholders) that rewrites words, code included."""

    words: tuple[tuple[str, str], ...]
    name: str = "rewording"
    version: str = "1"
    batch_size: int | None = None
    uses_placeholders: bool = False

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            for old, new in self.words:
                text = text.replace(old, new)
            out.append(text)
        return out


@pytest.mark.parametrize(
    ("engine", "english", "outcome"),
    [
        (ShoutingTranslator(), "LE MODÈLE mistral-large-2 EST DISPONIBLE.", "kept"),
        (RewordingTranslator((("Le modèle", "The model"),)), None, "kept"),
        (RewordingTranslator((("Le modèle mistral", "Mistral"),)), None, "repaired"),
        # Translated code (Apertium made "mistral-wide-2" of it): reported, never hidden.
        (
            RewordingTranslator((("large", "wide"),)),
            "Le modèle mistral-wide-2 est disponible.",
            "missing",
        ),
    ],
)
def test_issue9_item1_inline_code_is_never_translated_silently(
    engine: ShoutingTranslator | RewordingTranslator, english: str | None, outcome: str
) -> None:
    (done,) = translate_protected(engine, [CODE_FRENCH], (), code=CODE).values()
    if english is not None:
        assert done.english == english
    else:
        assert "mistral-large-2" in done.english
    assert [(r.span.kind.value, r.outcome.value) for r in done.spans] == [("code", outcome)]
    assert code_lost(done) is (outcome == "missing")


def test_texts_differing_only_in_code_are_translated_once_and_each_keeps_its_code() -> None:
    engine = TaggingTranslator(calls=[])
    other = "Le modèle mistral-small-3 est disponible."
    code = {**CODE, other: [(10, 25)]}
    done = translate_protected(engine, [CODE_FRENCH, other], (), code=code)
    assert engine.calls == [1]
    assert done[other].english == "EN: Le modèle mistral-small-3 est disponible."
    assert done[CODE_FRENCH].english == "EN: Le modèle mistral-large-2 est disponible."


@pytest.mark.parametrize(
    ("target", "origin", "english", "outcome"),
    [
        ("The model mistral-large-2 is available.", "machine", None, "kept"),
        (
            "The model Mistral-large-2 is available.",
            "machine",
            "The model mistral-large-2 is available.",
            "repaired",
        ),
        # Stored before code was protected: missing, so the pipeline translates it again.
        ("The model mistral-wide-2 is available.", "machine", None, "missing"),
        # An editor's word is never rewritten: flagged instead.
        ("The model Mistral-large-2 is available.", "reviewed", None, "missing"),
    ],
)
def test_memory_hits_verify_inline_code(
    target: str, origin: str, english: str | None, outcome: str
) -> None:
    result = from_memory(CODE_FRENCH, MemoryHit(target, origin), (), code=CODE[CODE_FRENCH])
    assert result.english == (english or target)
    assert [(r.span.kind.value, r.outcome.value) for r in result.spans] == [("code", outcome)]
    assert code_lost(result) is (outcome == "missing")


@pytest.mark.parametrize(
    ("text", "code", "sent"),
    [
        ("mistral-large-2", [(0, 15)], False),
        ("« mistral-large-2 ».", [(2, 17)], False),
        ("`a` `b`", [(0, 3), (4, 7)], False),
        # Letters or digits outside the code: translated as usual.
        ("x = 1", [(0, 1)], True),
        ("mistral-large-2", [], True),
    ],
)
def test_a_text_that_is_only_code_never_reaches_the_engine(
    text: str, code: list[tuple[int, int]], sent: bool
) -> None:
    # A neural-style engine (no placeholders) would see the code itself.
    engine = dataclasses.replace(TaggingTranslator(calls=[]), uses_placeholders=False)
    saved: list[str] = []
    done = translate_protected(
        engine, [text], (), on_batch=lambda batch: saved.extend(batch), code={text: code}
    )
    assert engine.calls == ([1] if sent else [])
    assert saved == [text]
    if not sent:
        assert done[text].english == text
        assert {r.outcome for r in done[text].spans} == {Outcome.KEPT}
