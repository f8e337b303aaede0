"""The English Markdown article, rebuilt from the source's skeleton.

Each block's ``anchor`` (see :mod:`.reader`) holds the literal source before it
and the container prefixes of its continuation lines: verbatim blocks are
written as they were read, byte for byte; a translatable block is written from
its rows' English and re-projected spans, with the source's own markers. The
skeleton travels in the document itself, so the writer never re-reads a source
that may have changed since it was translated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from translate_pipeline.align import rows_by_block
from translate_pipeline.document import AlignedDocument, AlignedRow, Block, Inline
from translate_pipeline.formats.markdown.front_matter import scalar
from translate_pipeline.formats.markdown.inline import render_inline
from translate_pipeline.formats.markdown.reader import read_markdown_document
from translate_pipeline.output_files import AtomicFile


def write_english(document: AlignedDocument, path: Path, english: str = "en-GB") -> None:
    """Write the English article of a Markdown source, atomically (block by block:
    the whole article is never held as one string)."""
    with AtomicFile(path) as out:
        for piece in _english_pieces(document):
            out.write(piece)


def english_markdown(document: AlignedDocument) -> str:
    """The whole English article: the source's skeleton around the English blocks."""
    return "".join(_english_pieces(document))


def _english_pieces(document: AlignedDocument) -> Iterator[str]:
    """The English article in pieces, in the source's file form (its line ends, its BOM)."""
    source = document.source or read_markdown_document(document.source_path)
    # The source's file form, which reading normalised (see the reader).
    form = json.loads(source.blocks[0].anchor) if source.blocks and source.blocks[0].anchor else {}
    newline = form.get("newline")
    if form.get("bom"):
        yield "\ufeff"
    for block, rows in rows_by_block(document, source.blocks):
        if block is None:
            # Rows of no block of the source (never expected) have no place here.
            continue
        anchor = json.loads(block.anchor) if block.anchor else {}
        if not block.translatable:
            text = block.text
        else:
            english, inlines = english_block(block, rows)
            if "front" in anchor:
                # A front matter value: a YAML or TOML scalar, not Markdown.
                text = scalar(english, anchor["front"])
            else:
                breaks = anchor.get("breaks", [])
                text = _with_prefixes(block, render_inline(english, inlines), breaks)
        piece = anchor.get("lead", "") + text + anchor.get("tail", "")
        yield piece.replace("\n", newline) if newline else piece


def english_block(block: Block, rows: Sequence[AlignedRow]) -> tuple[str, tuple[Inline, ...]]:
    """A block's English text and spans, its sentences joined as in the source.

    Between two sentences goes the source's own whitespace (a space, or the
    space that stands for a line break), or one space when the source had
    something else there; codes the source had in that whitespace (an HTML tag
    after the last sentence, ``&nbsp;`` before the first) stay there. A span
    the source ran across two sentences is one span again. A block without
    rows keeps its French.
    """
    if not rows:
        return block.text, block.inlines
    french = block.text
    ordered = sorted(rows, key=lambda row: row.segment.sentence_index)
    parts: list[str] = []
    spans: list[Inline] = []
    length = 0
    previous_end = 0
    for number, row in enumerate(ordered):
        gap_start, gap_end = previous_end, row.segment.start
        gap = french[gap_start:gap_end]
        kept = _between(block.inlines, gap_start, gap_end, first=number == 0, last=False)
        english = row.english.replace("\n", " ")
        own = list(row.english_inlines)
        if not gap.strip():
            spans.extend(span.shifted(length - gap_start) for span in kept)
            if number == 0:
                _drop_edge_copies(own, kept, 0)
            else:
                _drop_edge_copies(spans, kept, length)
        parts.append(gap if not gap.strip() else " ")
        length += len(parts[-1])
        crossing = _crossing(block.inlines, gap_start, gap_end) if number else []
        for span in own:
            _add_joined(spans, span.shifted(length), crossing, length - len(parts[-1]), length)
        parts.append(english)
        length += len(english)
        previous_end = row.segment.end
    rest = french[previous_end:]
    if not rest.strip():
        kept = _between(block.inlines, previous_end, len(french), first=False, last=True)
        _drop_edge_copies(spans, kept, length)
        spans.extend(span.shifted(length - previous_end) for span in kept)
        parts.append(rest)
    return "".join(parts), tuple(spans)


def _between(
    inlines: Sequence[Inline], start: int, end: int, *, first: bool, last: bool
) -> list[Inline]:
    """The French spans that lie in the whitespace ``[start, end)`` between sentences.

    Codes at ``start`` belong to the sentence before (at ``end``, to the one
    after), except around the first and after the last sentence.
    """
    found = []
    for span in inlines:
        if span.standalone:
            after = span.start >= start if first else span.start > start
            before = span.start <= end if last else span.start < end
            if after and before:
                found.append(span)
        elif start <= span.start and span.end <= end:
            found.append(span)
    return found


def _drop_edge_copies(spans: list[Inline], kept: Sequence[Inline], at: int) -> None:
    """Remove the copies the segmenter made of ``kept`` codes at a sentence's edge.

    The segmenter gives a code in the whitespace between sentences to a
    sentence, moved onto its edge; the code is written where the source had it
    instead.
    """
    for code in kept:
        if not code.standalone:
            continue
        for number, span in enumerate(spans):
            if (
                span.standalone
                and span.start == at
                and (span.kind, span.data)
                == (
                    code.kind,
                    code.data,
                )
            ):
                del spans[number]
                break


def _crossing(inlines: Sequence[Inline], start: int, end: int) -> list[Inline]:
    """The French spans that run across the whitespace ``[start, end)``."""
    return [span for span in inlines if span.start < start and span.end > end]


def _add_joined(
    spans: list[Inline], span: Inline, crossing: Sequence[Inline], gap_start: int, gap_end: int
) -> None:
    """Add ``span``, joined to its first part when the source ran it across sentences.

    A sentence boundary inside a span (a code span holding ``~/.bashrc``, bold
    over two sentences) cuts it in two; written as two, it would read as two.
    """
    joins = any((other.kind, other.data) == (span.kind, span.data) for other in crossing)
    if joins and not span.standalone and span.start == gap_end:
        for number in range(len(spans) - 1, -1, -1):
            before = spans[number]
            if (before.kind, before.data) == (span.kind, span.data) and before.end == gap_start:
                spans[number] = Inline(span.kind, before.start, span.end, span.data)
                return
    spans.append(span)


def _with_prefixes(block: Block, written: str, breaks: list[str]) -> str:
    """The block's Markdown with the source's container prefix on each further line."""
    if block.place.table:
        written = written.replace("|", "\\|")
    lines = written.split("\n")
    if len(lines) == 1:
        return written
    # More lines than the source had (cannot happen from our own spans): the
    # last prefix the source used goes on the extra ones.
    fallback = breaks[-1] if breaks else "\n"
    joins = [breaks[n] if n < len(breaks) else fallback for n in range(len(lines) - 1)]
    return lines[0] + "".join(join + line for join, line in zip(joins, lines[1:], strict=True))
