"""Reading source articles (.txt, .md, .docx) into ``Document`` blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from translate_pipeline.document import Block, BlockKind, Document
from translate_pipeline.errors import SourceError

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx")

# A plain-text line is taken for a heading when it is short, has no final
# punctuation and holds no URL: titles such as
# "OpenAI Suspend l'Accès à Sora Suite à des Réactions des Artistes".
HEADING_MAX_CHARS = 100
SENTENCE_FINAL = tuple(".!?…:;,»\"”')")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_DOCX_HEADING_STYLE = re.compile(r"^(?:Heading|Titre)\s*(\d)$", re.IGNORECASE)


@dataclass(frozen=True)
class SourceScan:
    """The articles found under the given paths.

    Attributes:
        files: Supported files, in a stable order.
        skipped: Files in scanned folders that are not articles (unsupported extension).
    """

    files: tuple[Path, ...]
    skipped: tuple[Path, ...]


def find_sources(paths: Iterable[Path]) -> SourceScan:
    """List the article files named by ``paths`` (files or folders, not recursive).

    A file named directly must exist and have a supported extension; in a folder,
    hidden files are ignored and other unsupported files are reported as skipped.

    Raises:
        SourceError: A path does not exist, a named file has an unknown extension,
            or a folder holds no article.
    """
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if not path.exists():
            raise SourceError(path, "no such file or folder", "Check the path and try again")
        if path.is_dir():
            found = False
            for child in sorted(path.iterdir()):
                if child.name.startswith(".") or not child.is_file():
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(child)
                    found = True
                else:
                    skipped.append(child)
            if not found:
                raise SourceError(
                    path,
                    "holds no .txt, .md or .docx article",
                    "Put the French articles there, or name the files directly",
                )
        else:
            _check_suffix(path)
            files.append(path)
    unique = tuple(dict.fromkeys(files))
    return SourceScan(files=unique, skipped=tuple(skipped))


def read_document(path: Path) -> Document:
    """Read one article into blocks.

    Raises:
        SourceError: The file is missing, empty, not UTF-8, not a valid DOCX, or of
            an unsupported kind.
    """
    suffix = _check_suffix(path)
    if not path.is_file():
        raise SourceError(path, "no such file", "Check the path and try again")
    if suffix == ".docx":
        blocks = tuple(_docx_blocks(path))
    else:
        text = _read_utf8(path)
        blocks = tuple(_markdown_blocks(text) if suffix == ".md" else _text_blocks(text))
    if not blocks:
        raise SourceError(path, "the file has no text", "Add the article's text or remove the file")
    return Document(doc_id=path.stem, path=path, blocks=blocks)


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceError(
            path,
            f"unsupported file type {suffix or '(no extension)'!r}",
            "Give a .txt, .md or .docx article",
        )
    return suffix


def _read_utf8(path: Path) -> str:
    data = path.read_bytes()
    try:
        # utf-8-sig drops a leading byte-order mark when there is one.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            path,
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at line {line})",
            f"Convert it, for example: iconv -f WINDOWS-1252 -t UTF-8 '{path}' > fixed.txt",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_plain_text_heading(line: str) -> bool:
    """Whether a plain-text line reads as a heading (short, unpunctuated, no URL)."""
    stripped = line.strip()
    return (
        0 < len(stripped) <= HEADING_MAX_CHARS
        and not stripped.endswith(SENTENCE_FINAL)
        and not _URL.search(stripped)
    )


def _text_blocks(text: str) -> Iterator[Block]:
    index = 0
    for line_number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        index += 1
        if is_plain_text_heading(stripped):
            yield Block(index, BlockKind.HEADING, stripped, level=2, line=line_number)
        else:
            yield Block(index, BlockKind.PARAGRAPH, stripped, line=line_number)


def _markdown_blocks(text: str) -> Iterator[Block]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    index = 0
    context: list[str] = []
    for position, token in enumerate(tokens):
        if token.type.endswith("_open"):
            context.append(token.type)
        elif token.type.endswith("_close"):
            context.pop()
        elif token.type == "inline":
            # Soft line breaks inside a paragraph are spaces to a reader.
            content = " ".join(part.strip() for part in token.content.split("\n")).strip()
            if not content:
                continue
            index += 1
            line = (token.map[0] + 1) if token.map else 0
            parent = tokens[position - 1]
            if parent.type == "heading_open":
                level = int(parent.tag[1])
                yield Block(index, BlockKind.HEADING, content, level=level, line=line)
            elif "list_item_open" in context:
                yield Block(index, BlockKind.LIST_ITEM, content, line=line)
            else:
                yield Block(index, BlockKind.PARAGRAPH, content, line=line)


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
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        index += 1
        style = paragraph.style.name if paragraph.style is not None else ""
        match = _DOCX_HEADING_STYLE.match(style or "")
        if style == "Title":
            yield Block(index, BlockKind.HEADING, text, level=1, line=number)
        elif match:
            yield Block(index, BlockKind.HEADING, text, level=int(match.group(1)), line=number)
        elif style.startswith("List"):
            yield Block(index, BlockKind.LIST_ITEM, text, line=number)
        else:
            yield Block(index, BlockKind.PARAGRAPH, text, line=number)
