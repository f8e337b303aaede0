"""Sentence splitting: pysbd plus the French rules of rules/fr.toml, with exact offsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from translate_pipeline.cli import main
from translate_pipeline.document import Block, BlockKind, Document, Inline, InlineKind, Place
from translate_pipeline.formats import read_document
from translate_pipeline.glossary import Term
from translate_pipeline.protect import find_spans
from translate_pipeline.segmenter import (
    KeepingWhole,
    SentenceSplitter,
    SplitRules,
    keep_whole,
    segment_document,
    splittable_texts,
)

from .conftest import SEED_FILES

SPLITTER = SentenceSplitter()
DATA = Path(__file__).parent / "data"
# Our own French cases, each a paragraph and how it must split (issue 12 item 6).
FRENCH_CASES = json.loads((DATA / "segmentation_fr.json").read_text(encoding="utf-8"))


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in SPLITTER.spans(text)]


# Each row pins one weakness of pysbd 0.3.4 in French (it split all of these).
REGRESSIONS = [
    ("title_MM", "MM. Dupont et Durand sont là. Ils parlent.", 2),
    ("title_M", "M. Dupont est arrivé. Il a parlé.", 2),
    ("title_Mme_Mlle", "Mme Curie et Mlle Dupont sont venues. Elles parlent.", 2),
    ("title_Dr_Pr", "Le Dr. Martin est là. Le Pr. Alain aussi.", 2),
    ("pdg", "Le P.-D.G. de la société a parlé. Il est parti.", 2),
    ("article", "Voir l'art. 12 du code. C'est clair.", 2),
    ("saint", "Il habite St. Louis depuis 2010. Il aime.", 2),
    ("inc", "Apple Inc. a annoncé un produit. Il est cher.", 2),
    ("cf", "Voir cf. chapitre 3 pour les détails. Merci.", 2),
    ("vol", "Le vol. 3 est paru. Il est bon.", 2),
    ("numero", "Le n° 5 est gagnant. Bravo.", 2),
    ("months", "Le 3 janv. 2024 il a plu. Le 4 févr. aussi.", 2),
    # Stops inside guillemets never split; a stop right before the closing mark ends
    # the sentence when a capital follows (issue 12 item 6; these were 1 before).
    ("guillemets_inner_stop", "Il a dit : « Je pars. Tu restes. » Puis il est parti.", 2),
    ("guillemets_exclamation", "Il a dit : « Je pars ! » Puis il est parti.", 2),
    ("guillemets_then_lowercase", "« Je pars ! » a-t-il lancé.", 1),
    ("ellipsis_dots", "Attendez... Je réfléchis. Bon.", 3),
    ("ellipsis_char", "Il était une fois… La suite demain.", 2),
    ("url", "Voir https://huggingface.co/spaces/PR-Puppets/PR-Puppet-Sora. Merci.", 2),
    ("billions", "Une entreprise de 150 milliards de dollars. Oui.", 2),
    ("percent", "Le taux est de 3,5 % cette année. Il monte.", 2),
    ("decimal_point", "Le prix est de 3.5 dollars. Il monte.", 2),
    ("question", "Que s'est-il passé ? Je vous propose de revenir sur cet événement.", 2),
    ("sentence_starting_with_number", "Il est parti. 300 artistes ont signé.", 2),
    ("repeated_sentences", "Oui. Oui. Oui.", 3),
]


@pytest.mark.parametrize(("case", "text", "count"), REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_french_split_regressions(case: str, text: str, count: int) -> None:
    assert len(sentences(text)) == count, sentences(text)


def test_months_and_pdg_split_exactly() -> None:
    assert sentences("Le 3 janv. 2024 il a plu. Le 4 févr. aussi.") == [
        "Le 3 janv. 2024 il a plu.",
        "Le 4 févr. aussi.",
    ]
    assert sentences("Le P.-D.G. de la société a parlé. Il est parti.") == [
        "Le P.-D.G. de la société a parlé.",
        "Il est parti.",
    ]


@pytest.mark.parametrize("case", FRENCH_CASES, ids=[case["name"] for case in FRENCH_CASES])
def test_french_cases_split_exactly(case: dict[str, list[str]]) -> None:
    assert sentences(" ".join(case["sentences"])) == case["sentences"]


# issue 12 item 6, one test per rule of rules/fr.toml it added.
def test_rule_split_before_capital_after_closing_guillemets() -> None:
    assert sentences("Il a déclaré : « C'est mon avis. » Malgré tout, il continue.") == [
        "Il a déclaré : « C'est mon avis. »",
        "Malgré tout, il continue.",
    ]
    # French no-break spaces inside the guillemets and before the next sentence.
    assert sentences("« C'est mon avis.\u202f»\u00a0Malgré tout.") == [
        "« C'est mon avis.\u202f»",
        "Malgré tout.",
    ]
    assert sentences("Des « artistes. » ont signé.") == ["Des « artistes. » ont signé."]


def test_rule_split_before_capital_after_etc_parenthesis() -> None:
    assert sentences("Il vend des fruits (pommes, etc.) Le marché ouvre.") == [
        "Il vend des fruits (pommes, etc.)",
        "Le marché ouvre.",
    ]
    assert sentences("Il vend des fruits (pommes, etc.) au marché.") == [
        "Il vend des fruits (pommes, etc.) au marché."
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Le décret No. 12 est paru.",
        "Mmes. Dupont et Martin sont venues.",
        "L'arrêt Roe v. Wade a été annulé.",
        "Le U.S. Corps of Engineers a réagi.",
        "César est né vers 100 av. J.-C. à Rome.",
    ],
)
def test_rule_no_split_after_issue12_abbreviations(text: str) -> None:
    assert sentences(text + " Il part.") == [text, "Il part."]


def test_rule_glue_punctuation_only() -> None:
    assert sentences("Il est parti. . Puis rien.") == ["Il est parti. .", "Puis rien."]
    assert sentences("… Il part. Bien.") == ["… Il part.", "Bien."]
    assert sentences("Il est parti… … Puis rien.") == ["Il est parti… …", "Puis rien."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A lower-case word after a full stop ending a real word starts a sentence.
        (
            "Le texte a été adopté au Sénat. mardi, les députés voteront.",
            ["Le texte a été adopté au Sénat.", "mardi, les députés voteront."],
        ),
        # A name with a capital inside is never glued, whatever came before.
        ("Il a dit oui. iPhone progresse.", ["Il a dit oui.", "iPhone progresse."]),
        # Still glued after "?" or "!" and after an abbreviation-shaped word.
        ("Que s'est-il passé ? demanda-t-il.", ["Que s'est-il passé ? demanda-t-il."]),
        ("Il vend des pommes, etc. et des noix.", ["Il vend des pommes, etc. et des noix."]),
    ],
)
def test_rule_glue_lowercase_after(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_seeds_segment_as_before_issue12() -> None:
    # Snapshot taken with the rules as they were before issue 12 item 6.
    before = json.loads((DATA / "seed_segments.json").read_text(encoding="utf-8"))
    now = {
        path.name: [
            [segment.segment_id, segment.text]
            for segment in segment_document(read_document(path), SPLITTER)
        ]
        for path in SEED_FILES
    }
    assert now == before


def test_rules_are_data() -> None:
    rules = SplitRules.load("fr")
    assert "P.-D.G." in rules.no_split_after
    assert "janv." in rules.no_split_after


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_seed_segments_have_exact_offsets_and_stable_ids(path) -> None:  # type: ignore[no-untyped-def]
    document = read_document(path)
    segments = segment_document(document, SPLITTER)
    blocks = {block.index: block for block in document.blocks}
    ids = [segment.segment_id for segment in segments]
    assert len(ids) == len(set(ids))
    for segment in segments:
        assert blocks[segment.block_index].text[segment.start : segment.end] == segment.text
        assert (
            segment.segment_id
            == f"{document.doc_id}:p{segment.block_index}:s{segment.sentence_index}"
        )
    assert segment_document(document, SPLITTER) == segments


def test_headings_are_never_split() -> None:
    document = read_document(SEED_FILES[1])
    headings = [s for s in segment_document(document, SPLITTER) if s.kind is BlockKind.HEADING]
    assert [s.sentence_index for s in headings] == [1, 1]


french_text = st.text(
    alphabet=st.sampled_from(list("abcdeéèàôçMDrPIn°.,;:!?…«»\"' -0123456789ABC\u00a0")),
    max_size=120,
)


@settings(max_examples=200, deadline=None)
@given(french_text)
@example(":.??")  # pysbd 0.3.4 returns [":."] and drops the "??"
@example("a. b. a. b.")
def test_spans_cover_all_text_in_order_without_overlap(text: str) -> None:
    spans = SPLITTER.spans(text)
    cursor = 0
    for start, end in spans:
        assert cursor <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        assert not text[cursor:start].strip()
        cursor = end
    assert not text[cursor:].strip()
    # Never a span of punctuation alone when the text holds a word.
    if any(char.isalnum() for char in text):
        assert all(any(char.isalnum() for char in text[s:e]) for s, e in spans)


def test_issue9_verbatim_blocks_give_no_segment_and_no_index() -> None:
    document = Document(
        doc_id="d",
        path=Path("d.md"),
        blocks=(
            Block(0, BlockKind.VERBATIM, "---\ntitle: x\n---", verbatim="front matter"),
            Block(1, BlockKind.PARAGRAPH, "Une phrase."),
            Block(0, BlockKind.VERBATIM, "```\ncode\n```", verbatim="code block"),
            Block(2, BlockKind.PARAGRAPH, "Deux."),
        ),
    )
    segments = segment_document(document, SPLITTER)
    assert [s.segment_id for s in segments] == ["d:p1:s1", "d:p2:s1"]
    assert splittable_texts([document]) == ["Une phrase.", "Deux."]


def test_issue9_each_sentence_gets_its_share_of_the_block_spans() -> None:
    # The Markdown "Le **gras** ici. Puis `code` et fin." read into plain text and spans.
    plain = "Le gras ici. Puis code et fin."
    bold = Inline(InlineKind.BOLD, 3, 7, (("markup", "**"),))
    code = Inline(InlineKind.CODE, 18, 22)
    place = Place(list_level=1)
    block = Block(1, BlockKind.LIST_ITEM, plain, inlines=(bold, code), place=place)
    document = Document("d", Path("d.md"), (block,))
    first, second = segment_document(document, SPLITTER)
    assert (first.text, first.inlines) == ("Le gras ici.", (bold,))
    assert (second.text, second.inlines) == ("Puis code et fin.", (code.shifted(-13),))
    assert second.text[second.inlines[0].start : second.inlines[0].end] == "code"
    assert first.place == second.place == place


# Issue 10 item 20: no sentence is cut inside a protected span.

PROTECTED_TERMS = (Term(".NET", ".NET"), Term("Node.js", "Node.js"))


def protected_sentences(text: str) -> list[str]:
    finder = KeepingWhole(
        SPLITTER, lambda t: [(s.start, s.end) for s in find_spans(t, PROTECTED_TERMS)]
    )
    return [text[start:end] for start, end in finder.spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Le framework .NET est gratuit. Il tourne partout.",
            ["Le framework .NET est gratuit.", "Il tourne partout."],
        ),
        ("Microsoft publie .NET 8 aujourd'hui.", ["Microsoft publie .NET 8 aujourd'hui."]),
        (
            "Voir www.exemple.fr. Merci.",  # the URL ends before the stop: still split
            ["Voir www.exemple.fr.", "Merci."],
        ),
        # Nothing protected: exactly what the splitter gives.
        ("Il a dit oui. Elle a dit non.", ["Il a dit oui.", "Elle a dit non."]),
    ],
)
def test_protected_spans_are_never_cut(text: str, expected: list[str]) -> None:
    assert protected_sentences(text) == expected


@pytest.mark.parametrize(
    ("spans", "protected", "expected"),
    [
        ([(0, 14), (15, 30)], [(13, 17)], [(0, 30)]),  # cut inside: joined
        ([(0, 14), (15, 30)], [(10, 14)], [(0, 14), (15, 30)]),  # ends at the cut: kept
        ([(0, 14), (15, 30)], [(15, 20)], [(0, 14), (15, 30)]),  # starts after it: kept
        ([(0, 5), (6, 10), (11, 20)], [(3, 12)], [(0, 20)]),  # across two cuts
        ([(0, 5), (6, 10)], [], [(0, 5), (6, 10)]),
    ],
)
def test_keep_whole(
    spans: list[tuple[int, int]],
    protected: list[tuple[int, int]],
    expected: list[tuple[int, int]],
) -> None:
    assert keep_whole(spans, protected) == expected


def test_regression_issue_10_item_20_glossary_term_dotnet_is_never_split(
    require_apertium: None, tmp_path: Path
) -> None:
    """ ".NET" in the glossary: one segment, and ".NET" in the English, never ". Clean"."""
    glossary = tmp_path / "terms.csv"
    glossary.write_text("source,target,case_sensitive,note\n.NET,,yes,\n", encoding="utf-8")
    source = tmp_path / "src" / "article.txt"
    source.parent.mkdir()
    source.write_text("Le framework .NET est gratuit. Il tourne partout.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            *("run", str(source.parent), "--out", str(out), "--engine", "apertium"),
            *("--glossary", str(glossary)),
        ],
    )
    assert result.exit_code == 0, result.output
    bilingual = (out / "article.bilingual.md").read_text(encoding="utf-8")
    assert "| `article:p1:s1` | Le framework .NET est gratuit. |" in bilingual
    assert "| `article:p1:s2` | Il tourne partout. |" in bilingual
    english = (out / "article.en.md").read_text(encoding="utf-8")
    assert "framework .NET" in english
    assert "Clean" not in english
