"""Word articles (.docx): paragraphs in order, Title and Heading N styles as headings.

Until the DOCX writer exists, the English of a Word source is written as a
Markdown article (``<stem>.en.md``), like that of a plain-text source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from translate_pipeline.document import AlignedDocument, Block, BlockKind, Document
from translate_pipeline.errors import SourceError
from translate_pipeline.formats import text

_DOCX_HEADING_STYLE = re.compile(r"^(?:Heading|Titre)\s*(\d)$", re.IGNORECASE)


def read_docx_document(path: Path) -> Document:
    """Read a Word article's paragraphs into blocks.

    Raises:
        SourceError: The file is not a readable DOCX package.
    """
    return Document(doc_id=path.stem, path=path, blocks=tuple(_docx_blocks(path)))


def _docx_blocks(path: Path) -> Iterator[Block]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, XMLSyntaxError, KeyError) as exc:
        raise SourceError(
            path,
            f"not a readable DOCX file ({type(exc).__name__})",
            "Save it again as .docx from Word or LibreOffice",
        ) from None
    index = 0
    for number, paragraph in enumerate(document.paragraphs, start=1):
        content = " ".join(paragraph.text.split())
        if not content:
            continue
        index += 1
        style = paragraph.style.name if paragraph.style is not None else ""
        match = _DOCX_HEADING_STYLE.match(style or "")
        if style == "Title":
            yield Block(index, BlockKind.HEADING, content, level=1, line=number)
        elif match:
            yield Block(index, BlockKind.HEADING, content, level=int(match.group(1)), line=number)
        elif style.startswith("List"):
            yield Block(index, BlockKind.LIST_ITEM, content, line=number)
        else:
            yield Block(index, BlockKind.PARAGRAPH, content, line=number)


def write_english(document: AlignedDocument, path: Path) -> None:
    """Write the English article of a Word source (for now as Markdown), atomically."""
    text.write_english(document, path)
