"""Markdown articles (.md): read with a CommonMark parser, English rebuilt from the source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from translate_pipeline.document import AlignedDocument, Block, BlockKind, Document
from translate_pipeline.formats import text


def read_markdown_document(path: Path) -> Document:
    """Read a Markdown article into blocks.

    Raises:
        SourceError: The file is not UTF-8.
    """
    return Document(
        doc_id=path.stem, path=path, blocks=tuple(_markdown_blocks(text.read_utf8(path)))
    )


def _markdown_blocks(source: str) -> Iterator[Block]:
    from markdown_it import MarkdownIt

    # markdown-it stops parsing below 20 levels of nesting and drops that text
    # silently; deeper text is kept, and nesting too deep for Python's stack ends
    # in a RecursionError that the pipeline reports for this file.
    tokens = MarkdownIt("commonmark", {"maxNesting": 10_000}).parse(source)
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


def write_english(document: AlignedDocument, path: Path) -> None:
    """Write the English article of a Markdown source, atomically."""
    text.write_english(document, path)
