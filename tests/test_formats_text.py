"""Reading plain-text articles, and writing their English as Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_pipeline.document import BlockKind
from translate_pipeline.formats import read_document
from translate_pipeline.formats.text import is_plain_text_heading

from .conftest import SEEDS


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("OpenAI Suspend l’Accès à Sora Suite à des Réactions des Artistes", True),
        ("Une Lettre Ouverte des Artistes : Vers une Réflexion sur l’Éthique", True),
        ("Sora est un outil lancé récemment par OpenAI.", False),
        ("Que s'est-il passé ?", False),
        # ends without punctuation, but holds a URL: a paragraph, not a title
        ("Voici le lien : https://huggingface.co/spaces/PR-Puppets/PR-Puppet-Sora", False),
        ("x" * 101, False),
    ],
)
def test_plain_text_heading_rule(line: str, heading: bool) -> None:
    assert is_plain_text_heading(line) is heading


def test_seed_with_titles_reads_two_headings() -> None:
    document = read_document(SEEDS / "003_2115df51cde3f6b7.txt")
    headings = [b.text for b in document.blocks if b.kind is BlockKind.HEADING]
    assert headings == [
        "OpenAI Suspend l’Accès à Sora Suite à des Réactions des Artistes",
        "Une Lettre Ouverte des Artistes : Vers une Réflexion sur l’Éthique",
    ]
    assert [b.index for b in document.blocks] == list(range(1, 9))
    assert document.doc_id == "003_2115df51cde3f6b7"


def test_txt_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTitre court\r\nUne phrase. Une autre.\r\n".encode())
    blocks = read_document(path).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        (BlockKind.HEADING, "Titre court"),
        (BlockKind.PARAGRAPH, "Une phrase. Une autre."),
    ]
