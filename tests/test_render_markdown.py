"""The bilingual Markdown table and the English article."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translate_pipeline.align import align_document
from translate_pipeline.document import Block, BlockKind, Document
from translate_pipeline.formats.text import english_article
from translate_pipeline.render_markdown import bilingual_markdown, escape_cell, unescape_cell
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
