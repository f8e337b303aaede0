"""The format registry: each source suffix to its reader and writer; bad files refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_pipeline.errors import SourceError
from translate_pipeline.formats import FORMATS, format_of, read_document


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
    with pytest.raises(SourceError, match=r"line 1\); it looks like Latin-1 .*iconv -f WINDOWS"):
        read_document(path)


@pytest.mark.parametrize(
    ("name", "english"),
    [("a.txt", ".en.md"), ("b.MD", ".en.md"), ("c.docx", ".en.docx")],
)
def test_each_suffix_has_its_format(name: str, english: str) -> None:
    found = format_of(Path(name))
    assert found is FORMATS[Path(name).suffix.lower()]
    assert found.english_suffix == english
