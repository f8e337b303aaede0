"""The simple, safe rules that place inline spans on the English (issue 9 item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate_pipeline.document import Inline, InlineKind
from translate_pipeline.reproject import (
    attention_alignment,
    mark_spans_html,
    piece_offsets,
    project_inlines,
    read_marked_html,
    spans_in_context,
    spans_needing_translation,
)


def span(kind: InlineKind, text: str, part: str, nth: int = 0) -> Inline:
    at = -1
    for _ in range(nth + 1):
        at = text.index(part, at + 1)
    return Inline(kind, at, at + len(part))


FR = "La société Mistral AI lève 600 millions."
EN = "The company Mistral AI raises 600 million."


@pytest.mark.parametrize(
    ("french", "inline", "english", "placed"),
    [
        # whole segment (its letters and digits): the whole English
        ("Tout est gras.", Inline(InlineKind.BOLD, 0, 13), "All is bold.", "All is bold"),
        # a name or inline code found verbatim, once on each side
        (FR, span(InlineKind.BOLD, FR, "Mistral AI"), EN, "Mistral AI"),
        (
            "Lancez pip install ici.",
            Inline(InlineKind.CODE, 7, 18),
            "Run pip install here.",
            "pip install",
        ),
        # the second of two occurrences goes on the second
        ("a x b x", span(InlineKind.ITALIC, "a x b x", "x", 1), "A x B x", "x@6"),
    ],
)
def test_span_placed(french: str, inline: Inline, english: str, placed: str) -> None:
    result = project_inlines(french, (inline,), english)
    assert result.lost == ()
    (got,) = result.inlines
    text, _, at = placed.partition("@")
    assert english[got.start : got.end] == text
    if at:
        assert got.start == int(at)


@pytest.mark.parametrize(
    ("french", "inline", "english"),
    [
        # translated words cannot be found: dropped and reported, never guessed
        (FR, span(InlineKind.ITALIC, FR, "société"), EN),
        # counts differ: which occurrence is meant is unknown
        ("x et x", span(InlineKind.BOLD, "x et x", "x"), "x"),
        # a footnote reference inside the sentence
        ("Le texte cité ici.", Inline(InlineKind.FOOTNOTE_REF, 9, 9), "The quoted text here."),
    ],
)
def test_span_lost_is_reported(french: str, inline: Inline, english: str) -> None:
    result = project_inlines(french, (inline,), english)
    assert result.inlines == ()
    assert result.lost == (inline,)


def test_identical_english_keeps_every_span() -> None:
    inlines = (span(InlineKind.ITALIC, FR, "société"), Inline(InlineKind.SOFT_BREAK, 10, 10))
    assert project_inlines(FR, inlines, FR).inlines == inlines


def test_codes_at_the_edges_stay_at_the_edges() -> None:
    note = Inline(InlineKind.FOOTNOTE_REF, len(FR), len(FR), (("label", "1"),))
    result = project_inlines(FR, (note,), EN)
    assert result.inlines == (Inline(InlineKind.FOOTNOTE_REF, len(EN), len(EN), note.data),)


def test_layout_only_spans_are_dropped_without_a_loss() -> None:
    inlines = (Inline(InlineKind.SOFT_BREAK, 10, 10), Inline(InlineKind.ESCAPE, 4, 5))
    assert project_inlines(FR, inlines, EN) == project_inlines(FR, (), EN)


def test_known_english_of_a_glossary_term() -> None:
    french = "Un accord de confidentialité signé."
    english = "A signed non-disclosure agreement."
    inline = span(InlineKind.BOLD, french, "accord de confidentialité")
    known = [(inline.start, inline.end, "non-disclosure agreement")]
    (got,) = project_inlines(french, (inline,), english, known).inlines
    assert english[got.start : got.end] == "non-disclosure agreement"


# --- the rule "translate the span alone and find it in the output" -------------

AI_FR = "Selon l'AI Act, les modèles doivent être documentés."
AI_EN = "As I HAVE it Act, the models have to be documented."


@pytest.mark.parametrize(
    ("french", "part", "english", "alone", "placed"),
    [
        # found once, whole words, case-insensitive (engines capitalise a lone phrase)
        (
            "Les députés ont voté contre le texte.",
            "contre",
            "The deputies have voted against the text.",
            "Against",
            "against",
        ),
        # a phrase, and the engine's full stop on a lone phrase ignored
        (
            "La voiture électrique gagne du terrain.",
            "voiture électrique",
            "The electric car is gaining ground.",
            "Electric car.",
            "electric car",
        ),
        # the French span has no article: the English article stays outside the span
        (
            "La société lève des fonds.",
            "société",
            "The company raises funds.",
            "The company",
            "company",
        ),
        # ... found without its article when only that form is in the output
        (
            "Une enquête a été ouverte.",
            "enquête",
            "An investigation was opened.",
            "The investigation",
            "investigation",
        ),
        # the French span has its article: the span covers the English one
        (
            "Le gouvernement a présenté son budget.",
            "Le gouvernement",
            "The government presented its budget.",
            "The government",
            "The government",
        ),
    ],
)
def test_span_placed_by_its_translation_alone(
    french: str, part: str, english: str, alone: str, placed: str
) -> None:
    inline = span(InlineKind.BOLD, french, part)
    result = project_inlines(french, (inline,), english, span_english={part: alone})
    assert result.lost == ()
    (got,) = result.inlines
    assert english[got.start : got.end] == placed


@pytest.mark.parametrize(
    ("french", "part", "english", "alone"),
    [
        # the bug: l'*AI Act* -> "HAVE *it Act*". Its words are not in the output
        # as the engine translates them alone: lost and flagged, never guessed.
        (AI_FR, "AI Act", AI_EN, "AI Act"),
        (AI_FR, "AI Act", AI_EN, "HAVE Act"),
        # the translation alone occurs twice: which one is meant is unknown
        (
            "Le prix du pain et le coût du pain.",
            "prix",
            "The price of bread and the price of bread.",
            "Price",
        ),
        # the French span text occurs twice in the French
        ("Le chat voit le chat.", "chat", "The cat sees a cat.", "cat"),
        # only inside a longer word: "prize" is not in "prizes"
        ("Les prix ont augmenté.", "prix", "The prizes have risen.", "Prize"),
        # a translation that is only punctuation or empty
        ("Il a dit : oui.", "oui", "He said: yes.", "."),
        # a function word locates nothing: this "of" belongs to "du"
        ("Le prix du pain de mie.", "de", "The price of sliced bread.", "of"),
    ],
)
def test_span_not_found_alone_is_lost(french: str, part: str, english: str, alone: str) -> None:
    inline = span(InlineKind.ITALIC, french, part)
    result = project_inlines(french, (inline,), english, span_english={part: alone})
    assert result.inlines == ()
    assert result.lost == (inline,)


def test_ai_act_bug_never_lands_on_wrong_words() -> None:
    inline = span(InlineKind.ITALIC, AI_FR, "AI Act")
    result = project_inlines(AI_FR, (inline,), AI_EN, span_english={"AI Act": "HAVE Act"})
    assert [AI_EN[s.start : s.end] for s in result.inlines] == []
    assert result.lost == (inline,)


def test_inline_code_is_never_placed_by_a_translation() -> None:
    french = "Le modèle mistral-large-2 est disponible."
    inline = span(InlineKind.CODE, french, "mistral-large-2")
    english = "The model mistral-wide-2 is available."
    alone = {"mistral-large-2": "mistral-wide-2"}
    assert project_inlines(french, (inline,), english, span_english=alone).lost == (inline,)


def test_verbatim_match_is_whole_words_only() -> None:
    # "vaccin" must not land on the first six letters of "vaccine"
    french = "Le vaccin est efficace."
    inline = span(InlineKind.BOLD, french, "vaccin")
    result = project_inlines(french, (inline,), "The vaccine is effective.")
    assert result.lost == (inline,)


@pytest.mark.parametrize(
    ("alone", "english", "lost"),
    [
        # two disjoint French spans on one English word: both lost
        ({"maison": "home", "demeure": "home"}, "The home is nice.", 2),
        ({"maison": "house", "demeure": "home"}, "The house is a home.", 0),
    ],
)
def test_spans_that_collide_in_english_are_lost(
    alone: dict[str, str], english: str, lost: int
) -> None:
    french = "La maison est une demeure."
    inlines = (span(InlineKind.BOLD, french, "maison"), span(InlineKind.ITALIC, french, "demeure"))
    result = project_inlines(french, inlines, english, span_english=alone)
    assert len(result.lost) == lost
    assert len(result.inlines) == 2 - lost


def test_nested_spans_stay_nested() -> None:
    french = "Lisez le rapport annuel ici."
    link = span(InlineKind.LINK, french, "le rapport annuel")
    bold = span(InlineKind.BOLD, french, "annuel")
    english = "Read the annual report here."
    alone = {"le rapport annuel": "the annual report", "annuel": "annual"}
    result = project_inlines(french, (link, bold), english, span_english=alone)
    assert [english[s.start : s.end] for s in result.inlines] == ["the annual report", "annual"]


@pytest.mark.parametrize(
    ("french", "inline", "english", "needed"),
    [
        # placed by a simple rule already: nothing to ask
        (FR, span(InlineKind.BOLD, FR, "Mistral AI"), EN, []),
        # a translated word: asked, without edge punctuation
        (
            "Voir la suite, ici.",
            Inline(InlineKind.LINK, 4, 13),
            "See the rest, here.",
            ["la suite"],
        ),
        # inline code and standalone codes are never sent to the engine
        ("Lancez pip ici.", Inline(InlineKind.CODE, 7, 10), "Run pip2 here.", []),
        ("Le texte cité ici.", Inline(InlineKind.FOOTNOTE_REF, 9, 9), "The text here.", []),
        # an English identical to the French keeps every span: nothing to ask
        ("Pas traduit.", Inline(InlineKind.BOLD, 0, 3), "Pas traduit.", []),
    ],
)
def test_spans_needing_translation(
    french: str, inline: Inline, english: str, needed: list[str]
) -> None:
    assert spans_needing_translation([(french, (inline,), english)]) == needed


def test_spans_needing_translation_are_distinct_across_segments() -> None:
    rows = [
        ("La maison.", (Inline(InlineKind.BOLD, 3, 9),), "The house."),
        ("Une maison.", (Inline(InlineKind.ITALIC, 4, 10),), "A house."),
    ]
    assert spans_needing_translation(rows) == ["maison"]


@pytest.mark.parametrize(
    ("candidates", "placed"),
    [
        # the span's English in context first: found once, it wins
        (("salary increase", "Rise in wages"), "salary increase"),
        # the first is not in the output: the next one is tried
        (("pay rise", "Salary increase"), "salary increase"),
        # none is: lost
        (("pay rise", "wage hike"), None),
    ],
)
def test_candidate_englishes_are_tried_in_order(
    candidates: tuple[str, ...], placed: str | None
) -> None:
    french = "Le ministre annonce une hausse des salaires."
    english = "The minister announces a salary increase."
    inline = span(InlineKind.BOLD, french, "hausse des salaires")
    result = project_inlines(
        french, (inline,), english, span_english={"hausse des salaires": candidates}
    )
    got = [english[s.start : s.end] for s in result.inlines]
    assert got == ([placed] if placed else [])


# --- spans marked as HTML tags for engines that carry them (Apertium -f html) --


@pytest.mark.parametrize(
    ("inlines", "marked"),
    [
        ((Inline(InlineKind.BOLD, 3, 9),), 'La <b id="k0">maison</b> & co.'),
        # link targets never reach the engine; inline code gets <code>
        (
            (Inline(InlineKind.LINK, 0, 2, (("href", "https://x.fr"),)),),
            '<b id="k0">La</b> maison & co.',
        ),
        ((Inline(InlineKind.CODE, 3, 9),), 'La <code id="k0">maison</code> & co.'),
        # a standalone code is a void <br> (an empty span eats the segment separator)
        ((Inline(InlineKind.FOOTNOTE_REF, 9, 9),), 'La maison<br id="k0"> & co.'),
        # nested spans, and layout-only ones left out
        (
            (
                Inline(InlineKind.ITALIC, 0, 9),
                Inline(InlineKind.BOLD, 3, 9),
                Inline(InlineKind.SOFT_BREAK, 2, 2),
            ),
            '<b id="k0">La <b id="k1">maison</b></b> & co.',
        ),
    ],
)
def test_spans_marked_as_html(inlines: tuple[Inline, ...], marked: str) -> None:
    assert mark_spans_html("La maison & co.", inlines).replace("&amp;", "&") == marked


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet="ab <>&'\"é", min_size=1, max_size=30),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=3),
)
def test_marking_then_reading_gives_the_text_and_spans_back(
    text: str, bounds: list[tuple[int, int]]
) -> None:
    text = " ".join(text.split()) or "a"
    inlines = []
    for a, b in bounds:
        lo, hi = sorted((min(a, len(text)), min(b, len(text))))
        if lo < hi and all(hi <= s.start or s.end <= lo for s in inlines):
            inlines.append(Inline(InlineKind.BOLD, lo, hi))
    read = read_marked_html(mark_spans_html(text, inlines), len(inlines))
    assert read.text == text
    for span, where in zip(inlines, read.ranges, strict=True):
        assert where is not None
        assert read.text[where[0] : where[1]] == text[span.start : span.end].strip()


def test_a_tag_the_engine_split_gives_no_range() -> None:
    # Apertium: 'l'<i>AI Act</i>' -> '<i>HAVE</i> it <i>Act</i>'
    read = read_marked_html('As I <b id="k0">HAVE</b> it <b id="k0">Act</b>, the.', 2)
    assert read.text == "As I HAVE it Act, the."
    assert read.ranges == (None, None)


def test_spans_in_context_gives_each_span_its_english() -> None:
    french = "Le ministre annonce une hausse des salaires."
    inlines = (
        span(InlineKind.BOLD, french, "hausse des salaires"),
        Inline(InlineKind.FOOTNOTE_REF, len(french), len(french)),
    )
    read = read_marked_html(
        'The minister announces <b id="k0">an ascent of the salaries</b>.<br id="k1">', 2
    )
    assert spans_in_context(french, inlines, read) == {
        "hausse des salaires": "an ascent of the salaries"
    }


@pytest.mark.parametrize(
    ("french", "english", "placed"),
    [
        # right after a word that is the same in both languages and occurs once
        (
            "Selon l'Insee|, la croissance a ralenti.",
            "According to the Insee, growth has slowed.",
            "According to the Insee|, growth has slowed.",
        ),
        # right before such a word, the space kept on the same side
        ("Voir| Paris en mars.", "See Paris in March.", "See| Paris in March."),
        # before the closing full stop when it was before the French one
        ("Le chat dort|.", "The cat sleeps.", "The cat sleeps|."),
        # the word occurs twice: which one is unknown, the code is lost
        ("Paris| et Paris.", "Paris and Paris.", None),
        # the words around it are translated: lost
        ("Le texte| cité ici.", "The quoted text here.", None),
    ],
)
def test_footnote_reference_inside_a_sentence(
    french: str, english: str, placed: str | None
) -> None:
    at = french.index("|")
    note = Inline(InlineKind.FOOTNOTE_REF, at, at, (("label", "1"),))
    result = project_inlines(french.replace("|", ""), (note,), english)
    if placed is None:
        assert result.lost == (note,)
    else:
        (got,) = result.inlines
        assert english[: got.start] + "|" + english[got.start :] == placed


# --- the last rule: a word alignment (CTranslate2 attention) -------------------


@pytest.mark.parametrize(
    ("text", "pieces", "offsets"),
    [
        ("La maison", ["\u2581La", "\u2581ma", "ison"], [(0, 2), (3, 5), (5, 9)]),
        ("rouge.", ["\u2581", "r", "ouge", "."], [(0, 0), (0, 1), (1, 5), (5, 6)]),
        # a piece SentencePiece normalised does not spell the text: no offsets
        ("ﬁn", ["\u2581fi", "n"], None),
    ],
)
def test_piece_offsets(text: str, pieces: list[str], offsets: list[tuple[int, int]] | None) -> None:
    assert piece_offsets(text, pieces) == offsets


# French tokens: La | maison | est | rouge .   English tokens: The | house | is | red .
_FR_OFFSETS = [(0, 2), (3, 9), (10, 13), (14, 19), (19, 20)]
_EN_OFFSETS = [(0, 3), (4, 9), (10, 12), (13, 16), (16, 17)]


def _attention(targets: list[int]) -> list[list[float]]:
    """One row per English token, its weight on the French token it aligns to."""
    return [[0.9 if source == target else 0.02 for source in range(5)] for target in targets]


@pytest.mark.parametrize(
    ("aligned_to", "part", "placed"),
    [
        # The->La house->maison is->est red->rouge .->.
        ([0, 1, 2, 3, 4], "maison", "house"),
        ([0, 1, 2, 3, 4], "maison est", "house is"),
        # the English tokens aligned into the span are not contiguous: lost
        ([0, 1, 2, 1, 4], "maison", None),
        # nothing aligned to it: lost
        ([0, 0, 2, 3, 4], "maison", None),
    ],
)
def test_span_placed_by_attention_when_contiguous(
    aligned_to: list[int], part: str, placed: str | None
) -> None:
    french, english = "La maison est rouge.", "The house is red."
    inline = span(InlineKind.BOLD, french, part)
    alignment = attention_alignment(_FR_OFFSETS, _EN_OFFSETS, _attention(aligned_to))
    result = project_inlines(french, (inline,), english, alignment=alignment)
    assert [english[s.start : s.end] for s in result.inlines] == ([placed] if placed else [])


def test_attention_of_a_real_ctranslate2_model_mechanics_only(tiny_model_file: Path) -> None:
    """The tiny model's weights are random: this checks shapes and offsets, not quality."""
    import zipfile

    import ctranslate2
    import sentencepiece

    folder = tiny_model_file.parent / "unzipped"
    if not folder.exists():
        zipfile.ZipFile(tiny_model_file).extractall(folder)
    (root,) = folder.iterdir()
    pieces_model = sentencepiece.SentencePieceProcessor(
        model_file=str(root / "sentencepiece.model")
    )
    french = "La maison est rouge."
    source = pieces_model.encode([french], out_type=str)[0]
    result = ctranslate2.Translator(str(root / "model")).translate_batch(
        [source], return_attention=True, beam_size=1, max_decoding_length=12
    )[0]
    target = result.hypotheses[0]
    english = pieces_model.decode_pieces(target).strip()
    french_offsets, english_offsets = piece_offsets(french, source), piece_offsets(english, target)
    assert french_offsets is not None and english_offsets is not None
    attention = result.attention[0]
    assert len(attention) == len(target) and all(len(row) == len(source) for row in attention)
    alignment = attention_alignment(french_offsets, english_offsets, attention)
    inline = span(InlineKind.BOLD, french, "maison")
    projection = project_inlines(french, (inline,), english, alignment=alignment)
    for placed in projection.inlines:  # whole English tokens, or lost
        assert placed.start in {a for a, _ in english_offsets}
        assert placed.end in {b for _, b in english_offsets}
    assert len(projection.inlines) + len(projection.lost) == 1
