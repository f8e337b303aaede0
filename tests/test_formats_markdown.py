"""Reading Markdown articles, and rebuilding their English from the source."""

from __future__ import annotations

from pathlib import Path

from translate_pipeline.document import BlockKind
from translate_pipeline.formats import read_document


def test_markdown_headings_paragraphs_lists_and_links(tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_text(
        "# Le titre\n\nUn paragraphe avec un [lien](https://ex.com/a_b).\nSuite.\n\n"
        "## Partie\n\n- premier point.\n- second point\n",
        encoding="utf-8",
    )
    blocks = read_document(path).blocks
    assert [(b.kind, b.level, b.text) for b in blocks] == [
        (BlockKind.HEADING, 1, "Le titre"),
        (BlockKind.PARAGRAPH, 0, "Un paragraphe avec un [lien](https://ex.com/a_b). Suite."),
        (BlockKind.HEADING, 2, "Partie"),
        (BlockKind.LIST_ITEM, 0, "premier point."),
        (BlockKind.LIST_ITEM, 0, "second point"),
    ]
