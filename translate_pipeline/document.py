"""The plain, frozen records that flow between stages.

sources -> ``Document`` (blocks) -> segmenter -> ``Segment`` -> engines -> ``AlignedRow``
-> renderers. Each record carries stable IDs and character offsets; no stage
reaches back into an earlier one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path


class BlockKind(StrEnum):
    """What a block of the source is, which decides how it is rendered."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_CELL = "table_cell"
    QUOTE = "quote"
    CAPTION = "caption"
    FOOTNOTE = "footnote"
    HEADER = "header"
    FOOTER = "footer"
    # Carried through untouched and never sent to an engine (code blocks, front
    # matter, HTML, rules, link definitions, math): ``Block.verbatim`` says which.
    VERBATIM = "verbatim"


class InlineKind(StrEnum):
    """A piece of inline markup inside a block or segment.

    Paired kinds cover a range of the text (``start < end``); standalone codes
    (footnote references, line breaks, tabs, fields, pictures without alt text)
    sit at one offset (``start == end``).
    """

    BOLD = "bold"
    ITALIC = "italic"
    UNDERLINE = "underline"
    STRIKE = "strike"
    SUPERSCRIPT = "superscript"
    SUBSCRIPT = "subscript"
    # The link's text is translated; its target (``data["href"]``) never reaches an engine.
    LINK = "link"
    # Inline code: its text is kept byte-identical, never translated.
    CODE = "code"
    # An image whose covered text is its alt text (translated); ``data["src"]`` is kept.
    IMAGE = "image"
    # Format-specific formatting with no common name (a DOCX run's other properties):
    # ``data`` holds what the writer of that format needs.
    FORMAT = "format"
    FOOTNOTE_REF = "footnote_ref"
    LINE_BREAK = "line_break"
    SOFT_BREAK = "soft_break"
    TAB = "tab"
    FIELD = "field"
    OTHER_CODE = "other_code"
    # Text the source wrote as an escape or entity (``\*``, ``&amp;``): the covered
    # text is the character itself, ``data["markup"]`` how the source wrote it.
    ESCAPE = "escape"


@dataclass(frozen=True)
class Inline:
    """One inline span or code, with offsets into the text that holds it.

    Attributes:
        kind: What it is.
        start: Offset where it begins.
        end: Offset where it ends (``== start`` for a standalone code).
        data: Sorted ``(key, value)`` pairs the writers need: ``href`` and ``title``
            of a link, ``src`` of an image, ``label`` of a footnote reference,
            ``markup`` the source's own markers (``**`` or ``__``), a format's raw
            properties. Never sent to an engine.
    """

    kind: InlineKind
    start: int
    end: int
    data: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, default: str = "") -> str:
        """The value of ``key`` in :attr:`data`, or ``default``."""
        for name, value in self.data:
            if name == key:
                return value
        return default

    def shifted(self, offset: int) -> Inline:
        """The same span with both offsets moved by ``offset``."""
        return replace(self, start=self.start + offset, end=self.end + offset)

    @property
    def standalone(self) -> bool:
        """Whether this is a code at one offset rather than a range of text."""
        return self.start == self.end


def split_inlines(
    inlines: tuple[Inline, ...], bounds: list[tuple[int, int]]
) -> list[tuple[Inline, ...]]:
    """Share a block's spans among its sentences, each re-based on its sentence's start.

    ``bounds`` are the sentences' ``(start, end)`` offsets, in order. A paired span
    that crosses a sentence boundary is cut into one part per sentence. A
    standalone code goes to the sentence that holds it or ends right before it (a
    footnote reference after a full stop stays with that sentence); a code before
    the first sentence goes to the first. No code is ever dropped.
    """
    shares: list[list[Inline]] = [[] for _ in bounds]
    if not bounds:
        return []
    for span in inlines:
        if span.standalone:
            owner = 0
            for number, (start, _end) in enumerate(bounds):
                if span.start >= start:
                    owner = number
            start, end = bounds[owner]
            at = min(max(span.start, start), end)
            shares[owner].append(replace(span, start=at - start, end=at - start))
            continue
        for number, (start, end) in enumerate(bounds):
            lo, hi = max(span.start, start), min(span.end, end)
            if lo < hi:
                shares[number].append(replace(span, start=lo - start, end=hi - start))
    return [tuple(share) for share in shares]


@dataclass(frozen=True)
class Place:
    """Where a block sits in its document's structure, for writers and labels.

    Attributes:
        container: "body", "header", "footer", "footnote", "endnote", "textbox", "caption".
        list_level: Nesting level of a list item (1 for a top-level item; 0: not in a list).
        list_ordered: Whether the list is numbered.
        list_number: The item's number in a numbered list (0: not numbered).
        table: 1-based table number in the document (0: not in a table).
        row: 1-based row of the cell.
        column: 1-based column of the cell.
        quote_depth: How many block quotes enclose the block.
        note: The footnote or endnote label the block belongs to.
    """

    container: str = "body"
    list_level: int = 0
    list_ordered: bool = False
    list_number: int = 0
    table: int = 0
    row: int = 0
    column: int = 0
    quote_depth: int = 0
    note: str = ""

    def label(self) -> str:
        """How a reviewer is told where the block is ("table 1, row 2, column 3")."""
        parts = []
        if self.container not in ("body", ""):
            parts.append(f"{self.container} {self.note}".strip())
        if self.table:
            parts.append(f"table {self.table}, row {self.row}, column {self.column}")
        if self.list_level:
            kind = "numbered list" if self.list_ordered else "list"
            parts.append(f"{kind}, level {self.list_level}")
        if self.quote_depth:
            parts.append("quote")
        return "; ".join(parts)


BODY = Place()


@dataclass(frozen=True)
class Block:
    """One heading, paragraph, list item, cell, note or verbatim block of an article.

    Attributes:
        index: 1-based position among the document's translatable blocks (the ``p``
            of segment IDs); verbatim blocks get 0 so that adding one never renumbers
            the others.
        kind: Heading, paragraph, list item, cell, ... or verbatim.
        text: The block's plain text: what is segmented and translated, markup
            removed (``inlines`` says where it was). For a verbatim block, its source.
        level: Heading level (1-6); 0 for other blocks.
        line: 1-based line (or DOCX paragraph) where the block starts, for messages.
        inlines: Inline spans and codes, offsets into ``text``.
        place: Where the block sits (list, table cell, quote, note, header ...).
        verbatim: For a verbatim block, what it is ("code block", "front matter",
            "HTML comment", ...), as named in summaries; "" otherwise.
        anchor: Where the format's writer finds the block in the source again (a
            line range, a DOCX paragraph path); opaque to every other stage.
    """

    index: int
    kind: BlockKind
    text: str
    level: int = 0
    line: int = 0
    inlines: tuple[Inline, ...] = ()
    place: Place = BODY
    verbatim: str = ""
    anchor: str = ""

    @property
    def translatable(self) -> bool:
        """Whether the block goes through segmentation and translation."""
        return self.kind is not BlockKind.VERBATIM


@dataclass(frozen=True)
class Document:
    """A source article read into blocks.

    Attributes:
        doc_id: Stable document ID: the file's stem.
        path: The source file.
        blocks: The article's blocks, in order, verbatim ones included.
        unrepresented: What the reader met and could not represent, each with its
            place ("line 12: raw LaTeX environment"); reported, never dropped silently.
    """

    doc_id: str
    path: Path
    blocks: tuple[Block, ...]
    unrepresented: tuple[str, ...] = ()

    @property
    def translatable_blocks(self) -> tuple[Block, ...]:
        """The blocks that are segmented and translated."""
        return tuple(block for block in self.blocks if block.translatable)

    @property
    def verbatim_blocks(self) -> tuple[Block, ...]:
        """The blocks kept as they are."""
        return tuple(block for block in self.blocks if not block.translatable)

    @property
    def kept_as_is(self) -> tuple[str, ...]:
        """Each verbatim block named with where it is: ``"code block (line 12)"``."""
        return tuple(
            f"{block.verbatim or 'block'} (line {block.line})"
            if block.line
            else block.verbatim or "block"
            for block in self.verbatim_blocks
        )


@dataclass(frozen=True)
class Segment:
    """One sentence (or heading) to translate.

    Attributes:
        segment_id: ``<doc_id>:p<block>:s<sentence>``, stable across runs of the same text.
        doc_id: The document it belongs to.
        block_index: The block's 1-based index.
        sentence_index: 1-based position within the block.
        text: The sentence's plain text exactly as in the block, without surrounding spaces.
        start: Character offset of ``text`` in the block's text.
        end: ``start + len(text)``.
        kind: The block's kind, so renderers need not look the block up.
        level: The block's heading level (0 for non-headings).
        inlines: The block's inline spans clipped to this sentence, offsets into ``text``.
        place: The block's place.
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
    inlines: tuple[Inline, ...] = ()
    place: Place = BODY


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
    FORMATTING_LOST = "formatting-lost"
    UNTRANSLATED_WORD = "untranslated-word"
    FRENCH_TYPOGRAPHY = "french-typography"
    # A near match of a reviewed sentence (see ``fuzzy``): never a reviewed row.
    FUZZY_MATCH = "fuzzy-match"
    # Inline code that did not come back byte-identical (and could not be repaired).
    CODE_CHANGED = "code-changed"


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
        origin: Where the English came from (``machine:<engine>``, ``memory``,
            ``reviewed``, or ``fuzzy:<score>`` for a reviewed near match's suggestion).
        flags: QA flags raised on this row.
        english_inlines: The segment's inline spans re-projected onto the English
            (offsets into ``english``); a span that could not be placed is dropped
            and the row flagged ``formatting-lost``.
        note: A reviewer's note on this sentence (a Word comment imported), shown
            beside the row; "" when none.
    """

    segment: Segment
    english: str
    origin: str = "machine"
    flags: tuple[QaFlag, ...] = ()
    english_inlines: tuple[Inline, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class AlignedDocument:
    """A whole article, segment by segment, ready for the renderers.

    ``source`` is the document the rows came from, so that writers can rebuild the
    article around them (verbatim blocks, structure, the format's own skeleton).
    ``rows`` is a tuple, or for an article too large to hold at once a sequence
    read back from disk (``pipeline.spool.RowSpool``): writers go through it in
    order, once or a few times, and never keep it whole.
    """

    doc_id: str
    source_path: Path
    rows: Sequence[AlignedRow]
    source: Document | None = None
