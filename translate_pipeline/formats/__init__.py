"""One reader and one writer per source format, around the one document model.

The pipeline never looks at a format: it asks :func:`format_of` for a source's
:class:`Format`, reads the source into a :class:`~translate_pipeline.document.Document`
with it, and later hands the aligned document back to the same format's writer,
which rebuilds the English article (``<stem>.en.<ext>``) from the source's skeleton.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from translate_pipeline.document import AlignedDocument, Document
from translate_pipeline.errors import SourceError
from translate_pipeline.formats import docx, markdown, text


@dataclass(frozen=True)
class Format:
    """How one kind of source file is read and how its English is written.

    Attributes:
        name: What the format is called in messages ("Markdown").
        suffix: The source files' suffix (".md").
        english_suffix: The suffix of the English article written for such a source
            (".en.md"), after the document's stem.
        read: Reads a source file into a document.
        write_english: Writes the English article of an aligned document to a path,
            tagged with the English variant ("en-GB" or "en-US") where the format can.
    """

    name: str
    suffix: str
    english_suffix: str
    read: Callable[[Path], Document]
    write_english: Callable[[AlignedDocument, Path, str], None]


FORMATS: dict[str, Format] = {
    ".txt": Format("plain text", ".txt", ".en.md", text.read_text_document, text.write_english),
    ".md": Format(
        "Markdown", ".md", ".en.md", markdown.read_markdown_document, markdown.write_english
    ),
    ".docx": Format("Word", ".docx", ".en.docx", docx.read_docx_document, docx.write_english),
}

SUPPORTED_SUFFIXES = tuple(FORMATS)


def format_of(path: Path) -> Format:
    """The format of ``path``, by its suffix (case-insensitive).

    Raises:
        SourceError: The suffix is not one of :data:`SUPPORTED_SUFFIXES`.
    """
    suffix = path.suffix.lower()
    found = FORMATS.get(suffix)
    if found is None:
        raise SourceError(
            path,
            f"unsupported file type {suffix or '(no extension)'!r}",
            "Give a .txt, .md or .docx article",
        )
    return found


def read_document(path: Path) -> Document:
    """Read one article into blocks with the reader of its format.

    Raises:
        SourceError: The file is missing, empty, unreadable or of an unsupported kind.
    """
    source_format = format_of(path)
    if not path.is_file():
        raise SourceError(path, "no such file", "Check the path and try again")
    document = source_format.read(path)
    if not document.translatable_blocks:
        raise SourceError(path, "the file has no text", "Add the article's text or remove the file")
    return document
