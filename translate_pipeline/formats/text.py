"""Plain-text articles: a line is a paragraph, a short unpunctuated line a heading.

The English of a ``.txt`` source is written as a Markdown article (``<stem>.en.md``):
headings as ``#`` lines, paragraphs and list items as they are. Plain text has no
skeleton worth keeping beyond its lines, and Markdown reads as plain text anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from translate_pipeline.align import english_blocks
from translate_pipeline.document import AlignedDocument, Block, BlockKind, Document
from translate_pipeline.errors import SourceError
from translate_pipeline.output_files import AtomicFile

# A plain-text line is taken for a heading when it is short, has no final
# punctuation and holds no URL: titles such as
# "OpenAI Suspend l'Accès à Sora Suite à des Réactions des Artistes".
HEADING_MAX_CHARS = 100
SENTENCE_FINAL = tuple(".!?…:;,»\"”')")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def read_utf8(path: Path) -> str:
    """The text of ``path``, decoded as UTF-8 (a BOM is dropped), line ends as ``\\n``.

    A file that starts with a UTF-16 or UTF-32 byte-order mark is decoded as
    such: the mark makes the encoding unambiguous. Anything else must be UTF-8.

    Raises:
        SourceError: The file is not UTF-8; the message names the line, what the
            bytes look like (UTF-16 without a mark, Latin-1/Windows-1252, binary)
            and how to convert it.
    """
    data = path.read_bytes()
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                text = data[len(mark) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise SourceError(
                    path,
                    f"starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (at byte {exc.start + len(mark)})",
                    "Save it again as UTF-8 from its editor",
                ) from None
            break
    else:
        try:
            # utf-8-sig drops a leading byte-order mark when there is one.
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            looks, fix = _encoding_advice(path, data)
            raise SourceError(
                path,
                f"not UTF-8 (byte 0x{data[exc.start]:02x} at line {line}); {looks}",
                fix,
            ) from None
    if "\x00" in text:
        # Valid UTF-8 with NULs: UTF-16 of plain ASCII text, or a binary file.
        looks, fix = _encoding_advice(path, data)
        raise SourceError(path, f"holds NUL bytes, so it is not UTF-8 text; {looks}", fix)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# UTF-32 first: its little-endian mark starts with UTF-16's.
_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _encoding_advice(path: Path, data: bytes) -> tuple[str, str]:
    """What undecodable bytes look like, and the conversion that fits them."""
    sample = data[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        return "it looks like UTF-16 (little-endian) without a byte-order mark", (
            f"Convert it, for example: iconv -f UTF-16LE -t UTF-8 '{path}' > fixed.txt"
        )
    if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        return "it looks like UTF-16 (big-endian) without a byte-order mark", (
            f"Convert it, for example: iconv -f UTF-16BE -t UTF-8 '{path}' > fixed.txt"
        )
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f")
    if controls > len(sample) * 0.01:
        return "it looks like a binary file, not text", (
            "Give a text article (.txt or .md saved as UTF-8); a Word file must end in .docx"
        )
    return "it looks like Latin-1 or Windows-1252 text", (
        f"Convert it, for example: iconv -f WINDOWS-1252 -t UTF-8 '{path}' > fixed.txt"
    )


def is_plain_text_heading(line: str) -> bool:
    """Whether a plain-text line reads as a heading (short, unpunctuated, no URL)."""
    stripped = line.strip()
    return (
        0 < len(stripped) <= HEADING_MAX_CHARS
        and not stripped.endswith(SENTENCE_FINAL)
        and not _URL.search(stripped)
    )


def read_text_document(path: Path) -> Document:
    """Read a plain-text article: one block per non-empty line.

    Raises:
        SourceError: The file is not UTF-8.
    """
    return Document(doc_id=path.stem, path=path, blocks=tuple(_text_blocks(read_utf8(path))))


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


def english_article(document: AlignedDocument) -> str:
    """The English article as Markdown: headings, paragraphs and list items."""
    return "".join(_english_pieces(document))


def _english_pieces(document: AlignedDocument) -> Iterator[str]:
    """The English article in pieces: headings, paragraphs and list items, each
    with the line breaks before it (one between list items, else a blank line)."""
    previous_kind: BlockKind | None = None
    for first, text in english_blocks(document):
        if first.kind is BlockKind.HEADING:
            piece = f"{'#' * max(1, first.level)} {text}"
        elif first.kind is BlockKind.LIST_ITEM:
            piece = f"- {text}"
        else:
            piece = text
        if previous_kind is not None:
            together = first.kind is BlockKind.LIST_ITEM and previous_kind is BlockKind.LIST_ITEM
            yield "\n" if together else "\n\n"
        yield piece
        previous_kind = first.kind
    yield "\n"


def write_english(document: AlignedDocument, path: Path, english: str = "en-GB") -> None:
    """Write the English article of a plain-text source, as Markdown, atomically
    (piece by piece: the whole article is never held as one string)."""
    with AtomicFile(path) as out:
        for piece in _english_pieces(document):
            out.write(piece)
