"""Reading .txt, .md and .docx articles into blocks, and refusing bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_pipeline.document import BlockKind
from translate_pipeline.errors import SourceError
from translate_pipeline.sources import find_sources, is_plain_text_heading, read_document

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


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.txt", "Café à Noël.".encode("latin-1"), "not UTF-8 (byte 0xe9 at line 1)"),
        ("empty.txt", b"", "the file has no text"),
        ("blank.md", b"\n\n   \n", "the file has no text"),
        ("broken.docx", b"not a zip at all", "not a readable DOCX file"),
        ("notes.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        read_document(path)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_non_utf8_error_says_how_to_convert(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Première ligne.\nCafé.".encode("latin-1"))
    with pytest.raises(SourceError, match=r"line 1\)\. Convert it, for example: iconv"):
        read_document(path)


def test_find_sources_scans_folders_and_reports_other_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Texte.", encoding="utf-8")
    (tmp_path / "a.md").write_text("Texte.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    scan = find_sources([tmp_path])
    assert [p.name for p in scan.files] == ["a.md", "b.txt"]
    assert [p.name for p in scan.skipped] == ["notes.pdf"]


def test_find_sources_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        find_sources([tmp_path / "nowhere"])


def test_find_sources_folder_without_articles(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"holds no \.txt, \.md or \.docx article"):
        find_sources([tmp_path])


def test_find_sources_named_file_with_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "a.rtf"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(SourceError, match=r"unsupported file type '\.rtf'"):
        find_sources([path])
