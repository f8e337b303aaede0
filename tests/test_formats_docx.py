"""Reading Word articles."""

from __future__ import annotations

from pathlib import Path

from translate_pipeline.document import BlockKind
from translate_pipeline.formats import read_document


def test_docx_heading_styles(tmp_path: Path) -> None:
    import docx

    source = docx.Document()
    source.add_heading("Le titre", level=1)
    source.add_paragraph("Premier paragraphe. Deuxième phrase.")
    source.add_paragraph("")
    source.add_heading("Une partie", level=2)
    path = tmp_path / "article.docx"
    source.save(str(path))
    blocks = read_document(path).blocks
    assert [(b.kind, b.level, b.text) for b in blocks] == [
        (BlockKind.HEADING, 1, "Le titre"),
        (BlockKind.PARAGRAPH, 0, "Premier paragraphe. Deuxième phrase."),
        (BlockKind.HEADING, 2, "Une partie"),
    ]
