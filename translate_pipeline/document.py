"""The plain, frozen records that flow between stages.

sources -> ``Document`` (blocks) -> segmenter -> ``Segment`` -> engines -> ``AlignedRow``
-> renderers. Each record carries stable IDs and character offsets; no stage
reaches back into an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class BlockKind(StrEnum):
    """What a block of the source is, which decides how it is rendered."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"


@dataclass(frozen=True)
class Block:
    """One heading, paragraph or list item of a source article.

    Attributes:
        index: 1-based position among the document's blocks (the ``p`` of segment IDs).
        kind: Heading, paragraph or list item.
        text: The block's text exactly as in the source (Markdown keeps its inline markup).
        level: Heading level (1-6); 0 for other blocks.
        line: 1-based line (or DOCX paragraph) where the block starts, for messages.
    """

    index: int
    kind: BlockKind
    text: str
    level: int = 0
    line: int = 0


@dataclass(frozen=True)
class Document:
    """A source article read into blocks.

    Attributes:
        doc_id: Stable document ID: the file's stem.
        path: The source file.
        blocks: The article's blocks, in order.
    """

    doc_id: str
    path: Path
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Segment:
    """One sentence (or heading) to translate.

    Attributes:
        segment_id: ``<doc_id>:p<block>:s<sentence>``, stable across runs of the same text.
        doc_id: The document it belongs to.
        block_index: The block's 1-based index.
        sentence_index: 1-based position within the block.
        text: The sentence exactly as in the source, without surrounding spaces.
        start: Character offset of ``text`` in the block's text.
        end: ``start + len(text)``.
        kind: The block's kind, so renderers need not look the block up.
        level: The block's heading level (0 for non-headings).
    """

    segment_id: str
    doc_id: str
    block_index: int
    sentence_index: int
    text: str
    start: int
    end: int
    kind: BlockKind
    level: int = 0


def segment_id(doc_id: str, block_index: int, sentence_index: int) -> str:
    """Return the stable ID of a segment."""
    return f"{doc_id}:p{block_index}:s{sentence_index}"


class FlagCode(StrEnum):
    """The kinds of QA flag a row can carry."""

    TERM_MISSING = "term-missing"
    URL_CHANGED = "url-changed"
    NUMBER_MISMATCH = "number-mismatch"
    UNTRANSLATED = "untranslated"
    EMPTY = "empty"
    LENGTH_RATIO = "length-ratio"


@dataclass(frozen=True)
class QaFlag:
    """One problem found on a row: its kind and a short detail for the editor."""

    code: FlagCode
    detail: str

    def __str__(self) -> str:
        return f"{self.code.value}: {self.detail}" if self.detail else self.code.value


@dataclass(frozen=True)
class AlignedRow:
    """A source segment beside its English.

    Attributes:
        segment: The French segment.
        english: Its English translation.
        origin: Where the English came from (``machine:<engine>`` or ``reviewed``).
        flags: QA flags raised on this row.
    """

    segment: Segment
    english: str
    origin: str = "machine"
    flags: tuple[QaFlag, ...] = ()


@dataclass(frozen=True)
class AlignedDocument:
    """A whole article, segment by segment, ready for the renderers."""

    doc_id: str
    source_path: Path
    rows: tuple[AlignedRow, ...]
