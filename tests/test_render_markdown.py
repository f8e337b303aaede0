"""The bilingual Markdown table and the English article."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from translate_pipeline.align import align_document
from translate_pipeline.document import Block, BlockKind, Document, Inline, InlineKind, Place
from translate_pipeline.formats.text import english_article
from translate_pipeline.inline_runs import canonical
from translate_pipeline.render_markdown import (
    _normalised,
    _normalised_digest,
    bilingual_markdown,
    escape_cell,
    inline_markdown,
    markdown_was_edited,
    parse_cell,
    unescape_cell,
    write_bilingual_markdown,
)
from translate_pipeline.segmenter import SentenceSplitter, segment_document

DOC = Document(
    doc_id="demo",
    path=Path("demo.md"),
    blocks=(
        Block(1, BlockKind.HEADING, "Le titre", level=1),
        Block(2, BlockKind.PARAGRAPH, "Une phrase | avec barre. Une autre phrase."),
        Block(3, BlockKind.LIST_ITEM, "Premier point."),
        Block(4, BlockKind.LIST_ITEM, "Second point."),
        Block(5, BlockKind.HEADING, "Partie", level=2),
        Block(6, BlockKind.PARAGRAPH, "Fin."),
    ),
)


def aligned():  # type: ignore[no-untyped-def]
    segments = segment_document(DOC, SentenceSplitter())
    english = {s.text: s.text.replace("Une", "A").replace("phrase", "sentence") for s in segments}
    return align_document(DOC, segments, english)


@pytest.mark.parametrize(
    ("text", "cell"),
    [("a | b", "a \\| b"), ("a \\| b", "a \\\\\\| b"), ("plain", "plain"), ("x|y", "x\\|y")],
)
def test_escape_cell_table(text: str, cell: str) -> None:
    assert escape_cell(text) == cell
    assert unescape_cell(cell) == text


@given(st.text(alphabet=st.sampled_from(list("ab |\\*_`é")), max_size=40))
def test_escape_round_trips_any_single_line_text(text: str) -> None:
    normalised = " ".join(text.split())
    escaped = escape_cell(text)
    # No unescaped pipe is left to split the row.
    assert re.search(r"(?<!\\)(?:\\\\)*\|", escaped) is None
    assert unescape_cell(escaped) == normalised


def test_bilingual_table_has_one_row_per_segment() -> None:
    doc = aligned()
    text = bilingual_markdown(doc, "test (1)")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(doc.rows) == 7
    assert rows[0] == "| `demo:p1:s1` | **Le titre** | **Le titre** |"
    assert rows[1] == ("| `demo:p2:s1` | Une phrase \\| avec barre. | A sentence \\| avec barre. |")


def test_english_article_keeps_structure() -> None:
    assert english_article(aligned()) == (
        "# Le titre\n\n"
        "A sentence | avec barre. A autre sentence.\n\n"
        "- Premier point.\n- Second point.\n\n"
        "## Partie\n\n"
        "Fin.\n"
    )


B = InlineKind


def at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def spans(text: str, *items: tuple) -> tuple[Inline, ...]:  # type: ignore[type-arg]
    """``(kind, words, *data)`` items as spans of ``text``; words "" means at the end."""
    result = []
    for kind, words, *data in items:
        start, end = at(text, words) if words else (len(text), len(text))
        result.append(Inline(kind, start, end, tuple(data)))
    return tuple(result)


CELL_CASES = [
    ("l'AI Act est voté.", ((B.ITALIC, "AI Act"),), "l'*AI Act* est voté."),
    ("Le Mistral AI.", ((B.BOLD, "Mistral AI"),), "Le **Mistral AI**."),
    (
        "Voir Morningstar | ici.",
        ((B.LINK, "Morningstar", ("href", "https://m.com/a_(b)")),),
        "Voir [Morningstar](<https://m.com/a_(b)>) \\| ici.",
    ),
    ("Le mistral-large-2 a|b.", ((B.CODE, "mistral-large-2"),), "Le `mistral-large-2` a\\|b."),
    ("Du code a|b ici.", ((B.CODE, "a|b"),), "Du code `a\\|b` ici."),
    ("H2O et x2.", ((B.SUBSCRIPT, "2O"),), "H<sub>2O</sub> et x2."),
    ("Un x2 fin.", ((B.SUPERSCRIPT, "2"), (B.UNDERLINE, "fin")), "Un x<sup>2</sup> <u>fin</u>."),
    ("Barré ici.", ((B.STRIKE, "Barré"),), "~~Barré~~ ici."),
    ("Une note.", ((B.FOOTNOTE_REF, "", ("label", "1")),), "Une note.[^1]"),
    ("Un chat ici.", ((B.IMAGE, "chat", ("src", "c.png")),), "Un ![chat](c.png) ici."),
    ("Ligne un deux.", ((B.LINE_BREAK, ""),), "Ligne un deux.<br>"),
    # Overlapping spans cannot nest as Markdown delimiters: HTML tags instead.
    ("abc def", ((B.BOLD, "abc d"), (B.ITALIC, "c def")), "<b>ab<i>c d</i></b><i>ef</i>"),
    # Text that looks like Markdown is escaped, so it stays text.
    (
        "a *b* [c] `d` <e> ~~f~~ \\ g_h &amp;",
        (),
        "a \\*b\\* \\[c\\] \\`d\\` \\<e\\> \\~\\~f\\~\\~ \\\\ g\\_h \\&amp;",
    ),
]


@pytest.mark.parametrize(("text", "items", "cell"), CELL_CASES)
def test_inline_markdown_cell_table(text: str, items: tuple, cell: str) -> None:  # type: ignore[type-arg]
    inlines = spans(text, *items)
    assert inline_markdown(text, inlines) == cell
    assert parse_cell(cell) == canonical(text, inlines)


KINDS = [B.BOLD, B.ITALIC, B.STRIKE, B.UNDERLINE, B.SUPERSCRIPT, B.CODE, B.LINK]


@st.composite
def formatted_text(draw):  # type: ignore[no-untyped-def]
    text = draw(st.text(alphabet=st.sampled_from(list("ab |\\*_`[]<>~!&é.«»")), max_size=30))
    count = draw(st.integers(0, 4))
    inlines = []
    for _ in range(count):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        kind = draw(st.sampled_from(KINDS))
        if kind is B.LINK and any(span.kind is B.LINK for span in inlines):
            continue  # links never nest
        data = (("href", draw(st.sampled_from(["https://a.b/c", "x y", "p(q)|r"]))),)
        inlines.append(Inline(kind, start, end, data if kind is B.LINK else ()))
    return text, tuple(inlines)


@settings(max_examples=150, deadline=None)
@given(formatted_text())
# Two code pieces that cannot be joined (a backslash before a pipe) once ran their
# backticks together.
@example(("<<<<<\\|", (Inline(B.BOLD, 0, 6), Inline(B.BOLD, 0, 7), Inline(B.CODE, 0, 7))))
def test_any_formatted_cell_reads_back_as_written_and_keeps_the_table_whole(sample) -> None:  # type: ignore[no-untyped-def]
    text, inlines = sample
    cell = inline_markdown(text, inlines)
    assert "\n" not in cell
    assert re.search(r"(?<!\\)(?:\\\\)*\|", cell) is None
    expected_text, expected = canonical(text, inlines)
    got_text, got = parse_cell(cell)
    assert got_text == expected_text
    # Inline code cannot hold a backslash before a pipe in a table: it is then shown
    # as text; everything else reads back.
    assert [s for s in got if s.kind is not B.CODE] == [s for s in expected if s.kind is not B.CODE]


RICH = Document(
    doc_id="rich",
    path=Path("rich.md"),
    blocks=(
        Block(0, BlockKind.VERBATIM, "---\ntitle: x\n---", line=1, verbatim="front matter"),
        Block(
            1,
            BlockKind.PARAGRAPH,
            "Le Mistral AI.",
            line=5,
            inlines=spans("Le Mistral AI.", (B.BOLD, "Mistral AI")),
        ),
        Block(0, BlockKind.VERBATIM, "x = 1\ny = 2", line=7, verbatim="code block"),
        Block(2, BlockKind.TABLE_CELL, "A | B", line=11, place=Place(table=1, row=2, column=3)),
        Block(
            3, BlockKind.LIST_ITEM, "Point.", line=13, place=Place(list_level=2, list_ordered=True)
        ),
    ),
)


def rich_aligned():  # type: ignore[no-untyped-def]
    segments = segment_document(RICH, SentenceSplitter())
    english = {"Le Mistral AI.": "The Mistral AI.", "A | B": "A | B", "Point.": "Item."}
    return align_document(RICH, segments, english)


def test_places_and_kept_as_is_blocks_are_listed_in_order() -> None:
    text = bilingual_markdown(rich_aligned(), "test")
    assert "· kept as is: 1 front matter (line 1), 1 code block (line 7)" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[2:] == [
        "| *kept as is* · front matter, line 1, 3 lines | `title: x` … | `title: x` … |",
        "| `rich:p1:s1` | Le **Mistral AI**. | The **Mistral AI**. |",
        "| *kept as is* · code block, line 7, 2 lines | `x = 1` … | `x = 1` … |",
        "| `rich:p2:s1` · table 1, row 2, column 3 | A \\| B | A \\| B |",
        "| `rich:p3:s1` · numbered list, level 2 | Point. | Item. |",
    ]


def test_the_table_renders_with_three_columns_on_every_row() -> None:
    from markdown_it import MarkdownIt

    html_tokens = (
        MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        .parse(bilingual_markdown(rich_aligned(), "test"))
    )
    cells_per_row: list[int] = []
    for token in html_tokens:
        if token.type == "tr_open":
            cells_per_row.append(0)
        elif token.type in ("td_open", "th_open"):
            cells_per_row[-1] += 1
    assert cells_per_row == [3] * 6


def test_the_file_records_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "rich.bilingual.md"
    write_bilingual_markdown(rich_aligned(), "test", path)
    assert markdown_was_edited(path) is False
    path.write_text(path.read_text(encoding="utf-8").replace("\n", "\r\n"), encoding="utf-8")
    assert markdown_was_edited(path) is False  # line endings are not an edit
    path.write_text(path.read_text(encoding="utf-8").replace("Item.", "An item."), encoding="utf-8")
    assert markdown_was_edited(path) is True
    other = tmp_path / "other.md"
    other.write_text("# Not ours\n", encoding="utf-8")
    assert markdown_was_edited(other) is None


@pytest.mark.parametrize(
    ("source", "preview"),
    [
        ('```python\nprint("a|b")\n```', '`print("a\\|b")` …'),
        ("~~~\n\n~~~", ""),
        ("<!-- a note -->", "`<!-- a note -->`"),
        ("+++\ntitle = 'x'\n+++", "`title = 'x'` …"),
    ],
)
def test_a_kept_as_is_row_previews_its_first_meaningful_line(source: str, preview: str) -> None:
    document = Document(
        doc_id="k",
        path=Path("k.md"),
        blocks=(
            Block(0, BlockKind.VERBATIM, source, line=3, verbatim="block"),
            Block(1, BlockKind.PARAGRAPH, "Fin."),
        ),
    )
    aligned = align_document(
        document, segment_document(document, SentenceSplitter()), {"Fin.": "End."}
    )
    row = next(
        line
        for line in bilingual_markdown(aligned, "t").splitlines()
        if "kept as is" in line and line.startswith("|")
    )
    assert row.endswith(f"| {preview} | {preview} |")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("a é\t\n\r"), max_size=30))
@example("\n\n  a  \n \n")
def test_record_digest_is_the_digest_of_the_normalised_text(text: str) -> None:
    # Hashed line by line so that a long article's text is not copied; it must stay
    # the digest earlier runs recorded, or their files would read as edited.
    expected = hashlib.sha256(_normalised(text).encode()).hexdigest()
    assert _normalised_digest(text) == expected


CARRIAGE_RETURN_DOC = Document(
    doc_id="cr",
    path=Path("cr.txt"),
    blocks=(
        Block(1, BlockKind.HEADING, "Titre\rcoupé", level=1),
        Block(2, BlockKind.PARAGRAPH, "Une phrase\r\navec fin de ligne. Puis\u2028une autre."),
        Block(3, BlockKind.LIST_ITEM, "Point un."),
        Block(4, BlockKind.LIST_ITEM, "Point deux."),
        Block(5, BlockKind.PARAGRAPH, "Fin."),
    ),
)


@pytest.mark.parametrize(
    "document", [DOC, CARRIAGE_RETURN_DOC], ids=["plain", "carriage returns in cells"]
)
def test_files_written_row_by_row_hold_what_the_whole_text_holds(
    tmp_path: Path, document: Document
) -> None:
    segments = segment_document(document, SentenceSplitter())
    doc = align_document(document, segments, {s.text: f"EN {s.text}" for s in segments})
    write_bilingual_markdown(doc, "fake (1)", tmp_path / "b.md")
    assert (tmp_path / "b.md").read_bytes() == bilingual_markdown(doc, "fake (1)").encode()
    assert markdown_was_edited(tmp_path / "b.md") is False
    from translate_pipeline.formats.text import write_english

    write_english(doc, tmp_path / "e.md")
    assert (tmp_path / "e.md").read_bytes() == english_article(doc).encode()
    assert not list(tmp_path.glob(".*.tmp"))
