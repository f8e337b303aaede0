"""Term, URL and number protection: finding, masking, restoring, verifying."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from translate_pipeline.cli import main
from translate_pipeline.glossary import Term
from translate_pipeline.protect import (
    Outcome,
    SpanKind,
    find_spans,
    mask,
    placeholder,
    restore,
)

TERMS = (
    Term("Sora", "Sora"),
    Term("PR-Puppets", "PR-Puppets"),
    Term("NDA", "NDA"),
    Term("OpenAI", "OpenAI"),
    Term("Hugging Face", "Hugging Face"),
    Term("Hugging", "Hugging"),
    Term("Niko Felix", "Niko Felix"),
    Term("accord de confidentialité", "non-disclosure agreement", case_sensitive=False),
    Term("IA", "AI"),
)


def found(text: str) -> list[tuple[str, str, str]]:
    return [(s.kind.value, s.source, s.expected) for s in find_spans(text, TERMS)]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("la demande des fondateurs", []),  # NDA never inside a word
        ("un NDA signé", [("term", "NDA", "NDA")]),
        ("un nda signé", []),  # case matters unless the row says otherwise
        ("l'OpenAI et d'OpenAI, qu’OpenAI", [("term", "OpenAI", "OpenAI")] * 3),
        ("Sora.", [("term", "Sora", "Sora")]),
        ("« Sora »", [("term", "Sora", "Sora")]),
        ('"Sora"', [("term", "Sora", "Sora")]),
        ("Sorah et XSora", []),
        ("sur Hugging Face hier", [("term", "Hugging Face", "Hugging Face")]),  # longest first
        ("sur Hugging seul", [("term", "Hugging", "Hugging")]),
        (
            "Un Accord de Confidentialité",
            [("term", "Accord de Confidentialité", "non-disclosure agreement")],
        ),
        ("l'IA et l’IA", [("term", "IA", "AI")] * 2),
        (
            "lien : https://huggingface.co/spaces/PR-Puppets/PR-Puppet-Sora.",
            [
                (
                    "url",
                    "https://huggingface.co/spaces/PR-Puppets/PR-Puppet-Sora",
                )
                * 2
            ],
        ),
        ("(voir https://ex.com/a_(b))", [("url", "https://ex.com/a_(b)", "https://ex.com/a_(b)")]),
        ("[lien](https://ex.com/x)", [("url", "https://ex.com/x", "https://ex.com/x")]),
        (
            "écrire à jean.dupont@example.fr.",
            [
                (
                    "email",
                    "jean.dupont@example.fr",
                )
                * 2
            ],
        ),
        (
            "150 milliards de dollars",
            [("number", "150 milliards de dollars", "150 billion dollars")],
        ),
        ("3,5 % de plus", [("number", "3,5 %", "3.5%")]),
        ("3,5% de plus", [("number", "3,5%", "3.5%")]),
        ("1 000 000 d'euros", [("number", "1 000 000", "1,000,000")]),
        ("2 millions d’euros", [("number", "2 millions d’euros", "2 million euros")]),
        ("2 millions de barils", [("number", "2 millions de", "2 million")]),  # no "of"
        ("300 artistes en 2024", []),  # same in English: nothing to protect
    ],
)
def test_find_spans(text: str, spans: list[tuple[str, ...]]) -> None:
    expected = [s if len(s) == 3 else (s[0], s[1], s[1]) for s in spans]
    assert found(text) == expected


def test_placeholders_round_trip_through_an_engine_that_keeps_them() -> None:
    text = "OpenAI a signé un accord de confidentialité (NDA) : https://x.org/a, 3,5 %."
    spans = find_spans(text, TERMS)
    masked = mask(text, spans, use_placeholders=True)
    assert masked.text == "ZQX0QZ a signé un ZQX1QZ (ZQX2QZ) : ZQX3QZ, ZQX4QZ."
    engine_output = "ZQX0QZ signed a ZQX1QZ (ZQX2QZ): ZQX3QZ, ZQX4QZ."
    restored = restore(engine_output, masked)
    assert restored.text == (
        "OpenAI signed a non-disclosure agreement (NDA): https://x.org/a, 3.5%."
    )
    assert {r.outcome for r in restored.results} == {Outcome.KEPT}


def test_mangled_placeholder_is_repaired_and_lost_one_flagged() -> None:
    text = "Sora et OpenAI."
    masked = mask(text, find_spans(text, TERMS), use_placeholders=True)
    restored = restore("zqx0qz and", masked)
    assert restored.text == "Sora and"
    assert [r.outcome for r in restored.results] == [Outcome.REPAIRED, Outcome.MISSING]


@pytest.mark.parametrize(
    ("french", "english", "fixed", "outcomes"),
    [
        # Copied names are kept.
        ("Sora et OpenAI.", "Sora and OpenAI.", "Sora and OpenAI.", ["kept", "kept"]),
        # Accent or case variants are safe to repair.
        ("Niko Felix a dit.", "Niko Félix said.", "Niko Felix said.", ["repaired"]),
        (
            "Voir https://ex.com/PR-Puppets.",
            "See https://ex.com/pr-puppets.",
            "See https://ex.com/PR-Puppets.",
            ["repaired"],
        ),
        # A fixed-translation term left in French is replaced by its target.
        (
            "un accord de confidentialité",
            "an accord de confidentialité",
            "an non-disclosure agreement",
            ["repaired"],
        ),
        # A French-form number is put into English form.
        ("taux de 3,5 %", "rate of 3,5 %", "rate of 3.5%", ["repaired"]),
        # Twice in French but once in English: one kept, one missing, never two kept.
        ("Sora, Sora.", "Sora.", "Sora.", ["kept", "missing"]),
        # Gone: flagged, nothing invented.
        (
            "Hugging Face a publié.",
            "Hugging Expensive published.",
            "Hugging Expensive published.",
            ["missing"],
        ),
    ],
)
def test_verbatim_strategy_verifies_and_repairs(
    french: str, english: str, fixed: str, outcomes: list[str]
) -> None:
    masked = mask(french, find_spans(french, TERMS), use_placeholders=False)
    assert masked.text == french
    restored = restore(english, masked)
    assert restored.text == fixed
    assert [r.outcome.value for r in restored.results] == outcomes


word = st.sampled_from(
    [
        "Sora",
        "NDA",
        "OpenAI",
        "l'IA",
        "Hugging Face",
        "demande",
        "le",
        "chat",
        "3,5 %",
        "https://a.b/PR-Puppets",
        "accord de confidentialité",
        "«",
        "»",
        ".",
        ",",
        "150 milliards",
        "ZQX0QZ",  # the placeholder shape itself (issue 10 item 19)
        "zqx 1 qz",
        "2 millions d'habitants",
    ]
)
sentences = st.lists(word, max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_identity_engine_round_trip_with_placeholders(text: str) -> None:
    """Masking then restoring through an engine that changes nothing gives the text
    with each span replaced by its expected English, every span kept."""
    spans = find_spans(text, TERMS)
    masked = mask(text, spans, use_placeholders=True)
    # Each span is sent as exactly one placeholder.
    assert all(masked.text.count(token) == 1 for token in masked.placeholders)
    restored = restore(masked.text, masked)
    expected = text
    for span in reversed(spans):
        # An elided "d'" taken into a number span leaves a space before the next
        # word: "2 millions d'habitants" -> "2 million habitants".
        elided = span.source.endswith("'") and text[span.end : span.end + 1].isalnum()
        english = span.expected + (" " if elided else "")
        expected = expected[: span.start] + english + expected[span.end :]
    assert restored.text == expected
    assert all(r.outcome is Outcome.KEPT for r in restored.results)


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_spans_are_ordered_disjoint_and_exact(text: str) -> None:
    spans = find_spans(text, TERMS)
    end = 0
    for span in spans:
        assert span.start >= end
        assert text[span.start : span.end] == span.source
        end = span.end


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_verbatim_identity_keeps_every_protected_term(text: str) -> None:
    """With terms left in the text, an engine that copies the French keeps every
    protected term and URL; nothing is ever reported kept that is not there."""
    masked = mask(text, find_spans(text, TERMS), use_placeholders=False)
    restored = restore(text, masked)
    for result in restored.results:
        if result.outcome is Outcome.KEPT:
            assert result.span.expected in restored.text
        if (
            result.span.kind in (SpanKind.URL, SpanKind.TERM)
            and result.span.expected == result.span.source
        ):
            assert result.outcome is Outcome.KEPT


def test_placeholder_tokens_are_letters_and_digits() -> None:
    assert placeholder(12) == "ZQX12QZ"


def test_placeholders_are_unique_against_the_text_they_protect() -> None:
    text = "Le jeton ZQX0QZ (ou zqx 1 qz, ZQXX0QZ) précède OpenAI."
    masked = mask(text, find_spans(text, TERMS), use_placeholders=True)
    [token] = masked.placeholders
    assert token == "ZQXXX0QZ"
    assert masked.text == "Le jeton ZQX0QZ (ou zqx 1 qz, ZQXX0QZ) précède ZQXXX0QZ."
    restored = restore(masked.text, masked)
    assert restored.text == text
    assert [r.outcome for r in restored.results] == [Outcome.KEPT]


def test_regression_issue_10_item_19_literal_placeholder_never_swaps_with_a_term(
    require_apertium: None, tmp_path: Path
) -> None:
    """A literal ZQX0QZ in the French stays where it was; the term stays where it was."""
    glossary = tmp_path / "terms.csv"
    glossary.write_text(
        "source,target,case_sensitive,note\nOpenAI,,yes,\nIA,AI,yes,\n", encoding="utf-8"
    )
    source = tmp_path / "src" / "article.txt"
    source.parent.mkdir()
    source.write_text("Le jeton ZQX0QZ précède OpenAI et l'IA.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            *("run", str(source.parent), "--out", str(out), "--engine", "apertium"),
            *("--glossary", str(glossary), "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    english = (out / "article.en.md").read_text(encoding="utf-8")
    assert english.count("ZQX0QZ") == 1
    assert english.index("ZQX0QZ") < english.index("OpenAI") < english.index("AI.")
    assert "ZQXX" not in english
    report = json.loads((out / "qa-report.json").read_text(encoding="utf-8"))
    assert report["protected_spans"]["term"] == {"kept": 2, "repaired": 0, "missing": 0}


# Glossary terms in every form (issue 12 item 2).
FORM_TERMS = (
    Term("accord de confidentialité", "non-disclosure agreement"),  # case-sensitive
    Term("génératif", "generative"),
    Term("jeune pousse", "start-up", case_sensitive=False),
    Term("Sora", "Sora"),
    Term("pomme", "apple"),
    Term("main d'œuvre", "workforce"),
    Term("aujourd'hui", "today"),
)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        (
            "Les accords de confidentialité sont signés.",
            [("accords de confidentialité", "non-disclosure agreements")],
        ),
        (  # the elided article stays French for the engine; the term is the glossary's
            "l'accord de confidentialité et d’accords de confidentialité",
            [
                ("accord de confidentialité", "non-disclosure agreement"),
                ("accords de confidentialité", "non-disclosure agreements"),
            ],
        ),
        (
            "Accords de confidentialité signés.",
            [("Accords de confidentialité", "Non-disclosure agreements")],
        ),
        (
            "Fin. « Accord de confidentialité » signé.",
            [("Accord de confidentialité", "Non-disclosure agreement")],
        ),
        ("un Accord de confidentialité", []),  # a capital mid-sentence is another word
        ("la Pomme et la pomme", [("pomme", "apple")]),
        (
            "des vidéos génératives, un modèle génératif, une vidéo générative",
            [
                ("génératives", "generative"),
                ("génératif", "generative"),
                ("générative", "generative"),
            ],
        ),
        (
            "Jeunes pousses et JEUNES POUSSES",
            [("Jeunes pousses", "Start-ups"), ("JEUNES POUSSES", "start-ups")],
        ),
        ("Soras et Sora", [("Sora", "Sora")]),  # names are never inflected
        (  # either apostrophe, in the term and before it
            "la main d’œuvre et les mains d'œuvre aujourd’hui",
            [
                ("main d’œuvre", "workforce"),
                ("mains d'œuvre", "workforces"),
                ("aujourd’hui", "today"),
            ],
        ),
    ],
)
def test_terms_match_their_forms_and_give_the_matching_english(
    text: str, spans: list[tuple[str, str]]
) -> None:
    assert [(s.source, s.expected) for s in find_spans(text, FORM_TERMS)] == spans
    assert {s.label for s in find_spans(text, FORM_TERMS)} <= {t.source for t in FORM_TERMS}


@pytest.mark.parametrize(
    ("english", "outcome", "flags"),
    [
        ("The non-disclosure agreements are signed.", Outcome.KEPT, []),
        (
            "The non-disclosure agreement are signed.",
            Outcome.MISSING,
            ["accords de confidentialité -> non-disclosure agreements"],
        ),
        (
            "The agreements of confidentiality are signed.",
            Outcome.MISSING,
            ["accords de confidentialité -> non-disclosure agreements"],
        ),
    ],
)
def test_qa_verifies_the_form_of_a_term(english: str, outcome: Outcome, flags: list[str]) -> None:
    from translate_pipeline.qa import SegmentCheck, check_segment

    french = "Les accords de confidentialité sont signés."
    restored = restore(english, mask(french, find_spans(french, FORM_TERMS), False))
    assert [r.outcome for r in restored.results] == [outcome]
    found = check_segment(SegmentCheck(french, restored.text, restored.results))
    assert [f.detail for f in found if f.code.value == "term-missing"] == flags


def test_sentence_start_form_goes_through_placeholders_capitalised() -> None:
    text = "Accords de confidentialité signés. Les jeunes pousses aussi."
    masked = mask(text, find_spans(text, FORM_TERMS), use_placeholders=True)
    assert masked.text == "ZQX0QZ signés. Les ZQX1QZ aussi."
    restored = restore("ZQX0QZ signed. The ZQX1QZ too.", masked)
    assert restored.text == "Non-disclosure agreements signed. The start-ups too."


def test_plural_term_through_the_cli_with_apertium(require_apertium: None, tmp_path: Path) -> None:
    """The plural in a real run: the English plural is produced and QA counts it kept."""
    glossary = tmp_path / "terms.csv"
    glossary.write_text(
        "source,target,case_sensitive,note\n"
        "accord de confidentialité,non-disclosure agreement,yes,\nOpenAI,,yes,\n",
        encoding="utf-8",
    )
    source = tmp_path / "src" / "article.txt"
    source.parent.mkdir()
    source.write_text(
        "Accords de confidentialité : les artistes ont signé des accords de "
        "confidentialité avec OpenAI.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            *("run", str(source.parent), "--out", str(out), "--engine", "apertium"),
            *("--glossary", str(glossary), "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    english = (out / "article.en.md").read_text(encoding="utf-8")
    assert english.startswith("Non-disclosure agreements")
    assert english.count("non-disclosure agreements") == 1
    assert "confidentiality" not in english
    report = json.loads((out / "qa-report.json").read_text(encoding="utf-8"))
    assert report["protected_spans"]["term"] == {"kept": 3, "repaired": 0, "missing": 0}
    assert report["flagged_segments"] == 0

    # An editor's English with the singular is the editor's word, and QA says so.
    bilingual = out / "article.bilingual.md"
    edited = bilingual.read_text(encoding="utf-8")
    assert "non-disclosure agreements with" in edited
    bilingual.write_text(
        edited.replace("non-disclosure agreements with", "non-disclosure agreement with"),
        encoding="utf-8",
    )
    imported = CliRunner().invoke(main, ["import", str(bilingual)])
    assert imported.exit_code == 0, imported.output
    rerun = CliRunner().invoke(
        main,
        [
            *("run", str(source.parent), "--out", str(tmp_path / "again"), "--engine", "apertium"),
            *("--glossary", str(glossary), "--json"),
        ],
    )
    assert rerun.exit_code == 0, rerun.output
    report = json.loads((tmp_path / "again" / "qa-report.json").read_text(encoding="utf-8"))
    assert report["protected_spans"]["term"] == {"kept": 2, "repaired": 0, "missing": 1}
    assert [flag for row in report["rows"] for flag in row["flags"]] == [
        {
            "code": "term-missing",
            "detail": "accords de confidentialité -> non-disclosure agreements",
        }
    ]


form_word = st.sampled_from(
    [
        "accord de confidentialité",
        "accords de confidentialité",
        "Accords de confidentialité",
        "l'accord de confidentialité",
        "Accord",
        "génératives",
        "génératif",
        "jeunes pousses",
        "Pomme",
        "pomme",
        "Soras",
        "Sora",
        "le",
        "signés.",
        "« ",
        "?",
        "de",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(form_word, max_size=10).map(" ".join))
def test_every_form_span_gets_an_english_form_of_its_own_term(text: str) -> None:
    """Spans stay exact and disjoint, each expected English is a form of its own
    term (capitalised only where the French form is), and an engine that changes
    nothing gets every span back through placeholders."""
    spans = find_spans(text, FORM_TERMS)
    end = 0
    for span in spans:
        assert span.start >= end and text[span.start : span.end] == span.source
        end = span.end
        term = next(t for t in FORM_TERMS if t.source == span.label)
        englishes = {form.english for form in term.inflections()}
        assert span.expected in englishes or (
            span.source[:1].isupper() and span.expected[:1].lower() + span.expected[1:] in englishes
        )
    masked = mask(text, spans, use_placeholders=True)
    restored = restore(masked.text, masked)
    assert all(r.outcome is Outcome.KEPT for r in restored.results)


def test_a_generated_form_that_is_another_term_is_left_to_that_term() -> None:
    terms = (Term("accord", "agreement"), Term("accords", "Accords"))
    text = "un accord et les accords"
    assert [(s.source, s.expected, s.label) for s in find_spans(text, terms)] == [
        ("accord", "agreement", "accord"),
        ("accords", "Accords", "accords"),
    ]


def code_found(text: str, code: list[tuple[int, int]]) -> list[tuple[str, str]]:
    return [(s.kind.value, s.source) for s in find_spans(text, TERMS, code)]


@pytest.mark.parametrize(
    ("text", "code", "spans"),
    [
        # Issue 9 item 1: inline code is protected as it is, whatever it holds.
        ("Le modèle mistral-large-2 est là.", [(10, 25)], [("code", "mistral-large-2")]),
        # A URL, a term or a number inside code belongs to the code.
        (
            "Lancez curl https://x.org/a puis OpenAI.",
            [(7, 27)],
            [("code", "curl https://x.org/a"), ("term", "OpenAI")],
        ),
        ("Réglez OpenAI=3,5 % ici.", [(7, 19)], [("code", "OpenAI=3,5 %")]),
        # Side by side or overlapping ranges are one span.
        ("Tapez ab ici.", [(6, 7), (7, 8)], [("code", "ab")]),
        ("Tapez abc ici.", [(6, 8), (7, 9)], [("code", "abc")]),
        # Nothing to keep: empty, blank or out-of-range ranges.
        ("Tapez  ici.", [(6, 6), (5, 7), (40, 50)], []),
    ],
)
def test_inline_code_is_protected_first(
    text: str, code: list[tuple[int, int]], spans: list[tuple[str, str]]
) -> None:
    assert code_found(text, code) == spans


CODE_FRENCH = "Le modèle mistral-large-2 est disponible."
CODE_RANGE = [(10, 25)]


def test_inline_code_through_placeholders_comes_back_byte_identical() -> None:
    masked = mask(CODE_FRENCH, find_spans(CODE_FRENCH, TERMS, CODE_RANGE), use_placeholders=True)
    assert masked.text == "Le modèle ZQX0QZ est disponible."
    restored = restore("THE MODEL ZQX0QZ IS AVAILABLE.", masked)
    assert restored.text == "THE MODEL mistral-large-2 IS AVAILABLE."
    assert [r.outcome for r in restored.results] == [Outcome.KEPT]


@pytest.mark.parametrize(
    ("english", "fixed", "outcome"),
    [
        ("The model mistral-large-2 is available.", None, "kept"),
        # Case and spaces slipped in by the engine are safe to undo.
        ("The model Mistral-Large-2 is available.", None, "repaired"),
        ("The model mistral-large - 2 is available.", None, "repaired"),
        # Translated code (what Apertium did) cannot be put back: where it was is unknown.
        ("The model mistral-wide-2 is available.", "same", "missing"),
        # Part of a longer word is not the code.
        ("The model xmistral-large-2 is available.", "same", "missing"),
    ],
)
def test_inline_code_left_in_the_text_is_verified_and_repaired(
    english: str, fixed: str | None, outcome: str
) -> None:
    """For engines without placeholders: kept, repaired, or reported missing, never wrong."""
    masked = mask(CODE_FRENCH, find_spans(CODE_FRENCH, TERMS, CODE_RANGE), use_placeholders=False)
    restored = restore(english, masked)
    wanted = "The model mistral-large-2 is available." if fixed is None else english
    assert restored.text == wanted
    assert [r.outcome.value for r in restored.results] == [outcome]


@pytest.mark.parametrize(
    ("french", "english", "outcome"),
    [
        # Short code with spaces slipped in may be ordinary words: not repaired.
        ("Tapez abc ici.", "Type a bc here.", "missing"),
        ("Tapez abc ici.", "Type ABC here.", "repaired"),
    ],
)
def test_short_code_is_only_repaired_for_case(french: str, english: str, outcome: str) -> None:
    masked = mask(french, find_spans(french, TERMS, [(6, 9)]), use_placeholders=False)
    assert [r.outcome.value for r in restore(english, masked).results] == [outcome]


code_pieces = st.lists(
    st.tuples(st.booleans(), word | st.sampled_from(["mistral-large-2", "{{< ref >}}", "x=1"])),
    max_size=10,
)


@settings(max_examples=200, deadline=None)
@given(code_pieces)
def test_identity_engine_keeps_every_code_span_byte_identical(
    pieces: list[tuple[bool, str]],
) -> None:
    """Whatever the code holds (terms, URLs, numbers, placeholder shapes), an engine
    that changes nothing gets it back as it was, with either strategy."""
    text, code, at = "", [], 0
    for is_code, piece in pieces:
        if text:
            text += " "
        at = len(text)
        text += piece
        if is_code:
            code.append((at, len(text)))
    spans = find_spans(text, TERMS, code)
    code_spans = [s for s in spans if s.kind is SpanKind.CODE]
    for placeholders in (True, False):
        masked = mask(text, spans, use_placeholders=placeholders)
        restored = restore(masked.text, masked)
        for span in code_spans:
            assert span.expected == text[span.start : span.end]
            assert span.expected in restored.text
        assert all(
            r.outcome is Outcome.KEPT for r in restored.results if r.span.kind is SpanKind.CODE
        )
