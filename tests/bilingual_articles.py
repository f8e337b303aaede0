"""A hand-built aligned article for the bilingual DOCX tests (and the tests that reuse it).

One paragraph with every kind of span shown, a code block kept as is, a table
cell and a paragraph with subscripts and superscripts.
"""

from __future__ import annotations

from pathlib import Path

from translate_pipeline.bilingual_docx import write_bilingual_docx
from translate_pipeline.document import (
    AlignedDocument,
    AlignedRow,
    Block,
    BlockKind,
    Document,
    Inline,
    InlineKind,
    Place,
    Segment,
)

B = InlineKind
FRENCH = "Le modèle mistral-large-2 de Mistral AI, voir Morningstar et la photo."
ENGLISH = "The mistral-large-2 model from Mistral AI, see Morningstar and the photo."
HREF = "https://www.morningstar.com/a?b=1&c=2"


def span(kind: InlineKind, text: str, words: str, *data: tuple[str, str]) -> Inline:
    start = text.index(words)
    return Inline(kind, start, start + len(words), tuple(data))


def code_at_end(kind: InlineKind, text: str, *data: tuple[str, str]) -> Inline:
    return Inline(kind, len(text), len(text), tuple(data))


FRENCH_SPANS = (
    span(B.CODE, FRENCH, "mistral-large-2"),
    span(B.BOLD, FRENCH, "Mistral AI"),
    span(B.LINK, FRENCH, "Morningstar", ("href", HREF)),
    span(B.IMAGE, FRENCH, "photo", ("src", "photo.png")),
    code_at_end(B.FOOTNOTE_REF, FRENCH, ("label", "1")),
)
ENGLISH_SPANS = (
    span(B.UNDERLINE, ENGLISH, "The"),
    span(B.CODE, ENGLISH, "mistral-large-2"),
    span(B.STRIKE, ENGLISH, "model"),
    span(B.BOLD, ENGLISH, "Mistral AI"),
    span(B.ITALIC, ENGLISH, "see"),
    span(B.LINK, ENGLISH, "Morningstar", ("href", HREF)),
    span(B.IMAGE, ENGLISH, "photo", ("src", "photo.png")),
    code_at_end(B.FOOTNOTE_REF, ENGLISH, ("label", "1")),
)
CELL_PLACE = Place(table=1, row=2, column=3)


def rich_document() -> AlignedDocument:
    """A paragraph with every shown kind, a code block kept as is, and a table cell."""
    source = Document(
        doc_id="demo",
        path=Path("demo.md"),
        blocks=(
            Block(1, BlockKind.PARAGRAPH, FRENCH, inlines=FRENCH_SPANS, line=1),
            Block(0, BlockKind.VERBATIM, "x = 1\ny = 2", line=3, verbatim="code block"),
            Block(2, BlockKind.TABLE_CELL, "Cellule.", line=7, place=CELL_PLACE),
            Block(3, BlockKind.PARAGRAPH, "H2O et x2.", inlines=(Inline(B.SUBSCRIPT, 1, 2),)),
        ),
    )
    segments = (
        Segment(
            "demo:p1:s1",
            "demo",
            1,
            1,
            FRENCH,
            0,
            len(FRENCH),
            BlockKind.PARAGRAPH,
            inlines=FRENCH_SPANS,
        ),
        Segment(
            "demo:p2:s1", "demo", 2, 1, "Cellule.", 0, 8, BlockKind.TABLE_CELL, place=CELL_PLACE
        ),
        Segment(
            "demo:p3:s1",
            "demo",
            3,
            1,
            "H2O et x2.",
            0,
            10,
            BlockKind.PARAGRAPH,
            inlines=(Inline(B.SUBSCRIPT, 1, 2),),
        ),
    )
    rows = (
        AlignedRow(segments[0], ENGLISH, english_inlines=ENGLISH_SPANS),
        AlignedRow(segments[1], "Cell."),
        AlignedRow(
            segments[2],
            "H2O and x2.",
            english_inlines=(Inline(B.SUBSCRIPT, 1, 2), Inline(B.SUPERSCRIPT, 9, 10)),
        ),
    )
    return AlignedDocument("demo", Path("demo.md"), rows, source)


def written(tmp_path: Path, english: str = "en-GB") -> Path:
    path = tmp_path / "demo.bilingual.docx"
    write_bilingual_docx(rich_document(), "test (1)", path, english_language=english)
    return path
