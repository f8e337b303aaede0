"""Pairing each source segment with its English, in document order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from translate_pipeline.document import (
    AlignedDocument,
    AlignedRow,
    Block,
    Document,
    FlagCode,
    Inline,
    QaFlag,
    Segment,
)
from translate_pipeline.reproject import Alignment, project_inlines


def align_document(
    document: Document,
    segments: Sequence[Segment],
    english: Mapping[str, str],
    origins: Mapping[str, str] | None = None,
    flags: Mapping[str, tuple[QaFlag, ...]] | None = None,
    english_inlines: Mapping[str, tuple[Inline, ...]] | None = None,
    span_english: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    known_english: Mapping[str, Sequence[tuple[int, int, str]]] | None = None,
    alignments: Mapping[str, Alignment] | None = None,
) -> AlignedDocument:
    """Build the aligned document: one row per segment, in source order.

    Args:
        document: The source article.
        segments: Its segments, in order.
        english: English text keyed by French segment text.
        origins: Where each English came from ("machine:<engine>", "memory",
            "reviewed"), keyed by French segment text; "machine" when absent.
        flags: QA flags keyed by French segment text.
        english_inlines: English spans known already (a reviewed translation's),
            keyed by French segment text; the others are projected from the
            French spans, and a span that cannot be placed flags the row
            ``formatting-lost``.
        span_english: Candidate Englishes of span texts (in context, alone),
            keyed by French segment text (see ``translation.translate_spans``).
        known_english: French ranges whose English is known (glossary terms as
            protection restored them), keyed by French segment text.
        alignments: Word alignments of the French with its English (CTranslate2's
            attention), keyed by French segment text (see
            ``translation.span_alignments``): the last rule for a span.

    Raises:
        KeyError: A segment has no English (a pipeline bug, never user input).
    """
    flags = flags or {}
    origins = origins or {}
    known = english_inlines or {}
    rows = []
    for segment in segments:
        target = english[segment.text]
        row_flags = flags.get(segment.text, ())
        if segment.text in known:
            placed = known[segment.text]
        else:
            projection = project_inlines(
                segment.text,
                segment.inlines,
                target,
                (known_english or {}).get(segment.text, ()),
                (span_english or {}).get(segment.text),
                (alignments or {}).get(segment.text),
            )
            placed = projection.inlines
            if projection.lost:
                row_flags = (*row_flags, _formatting_lost(segment.text, projection.lost))
        rows.append(
            AlignedRow(
                segment=segment,
                english=target,
                origin=origins.get(segment.text, "machine"),
                flags=row_flags,
                english_inlines=placed,
            )
        )
    return AlignedDocument(
        doc_id=document.doc_id, source_path=document.path, rows=tuple(rows), source=document
    )


def _formatting_lost(french: str, lost: tuple[Inline, ...]) -> QaFlag:
    """The flag naming each span that could not be placed on the English."""
    names = [
        f"{span.kind.value} {french[span.start : span.end]!r}"
        if not span.standalone
        else span.kind.value.replace("_", " ")
        for span in lost
    ]
    return QaFlag(FlagCode.FORMATTING_LOST, ", ".join(names))


def english_blocks(document: AlignedDocument) -> Iterator[tuple[Segment, str]]:
    """The English article as blocks: the first segment of each block and the block's
    text, one block at a time (the rows are gone through once, never all held).

    Sentences of one block are joined with single spaces.
    """
    first: Segment | None = None
    parts: list[str] = []
    for row in document.rows:
        if first is not None and first.block_index != row.segment.block_index:
            yield first, " ".join(part for part in parts if part)
            first, parts = None, []
        if first is None:
            first = row.segment
        parts.append(row.english)
    if first is not None:
        yield first, " ".join(part for part in parts if part)


def rows_by_block(
    document: AlignedDocument, blocks: Sequence[Block]
) -> Iterator[tuple[Block | None, list[AlignedRow]]]:
    """Each of ``blocks`` (the source's, in order) with its rows, going through
    ``document.rows`` once, so that rows read back from disk are never all held.

    A verbatim block comes with no rows. Rows come in the order of their blocks,
    as segmentation made them; a row whose block is not met in that order (never
    expected) is kept, never dropped: all such rows come last, with ``None``.
    """
    rows = iter(document.rows)
    pending = next(rows, None)
    stray: list[AlignedRow] = []
    for block in blocks:
        mine: list[AlignedRow] = []
        if block.translatable:
            while pending is not None and pending.segment.block_index <= block.index:
                (mine if pending.segment.block_index == block.index else stray).append(pending)
                pending = next(rows, None)
        yield block, mine
    if pending is not None:
        stray.append(pending)
    stray.extend(rows)
    if stray:
        yield None, stray
