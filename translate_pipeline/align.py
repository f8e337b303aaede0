"""Pairing each source segment with its English, in document order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from translate_pipeline.document import AlignedDocument, AlignedRow, Document, Segment


def align_document(
    document: Document,
    segments: Sequence[Segment],
    english: Mapping[str, str],
    origin: str,
) -> AlignedDocument:
    """Build the aligned document: one row per segment, in source order.

    Args:
        document: The source article.
        segments: Its segments, in order.
        english: English text keyed by French segment text.
        origin: Where the English came from, recorded on every row.

    Raises:
        KeyError: A segment has no English (a pipeline bug, never user input).
    """
    rows = tuple(
        AlignedRow(segment=segment, english=english[segment.text], origin=origin)
        for segment in segments
    )
    return AlignedDocument(doc_id=document.doc_id, source_path=document.path, rows=rows)


def english_blocks(document: AlignedDocument) -> list[tuple[Segment, str]]:
    """The English article as blocks: the first segment of each block and the block's text.

    Sentences of one block are joined with single spaces.
    """
    blocks: list[tuple[Segment, list[str]]] = []
    for row in document.rows:
        if blocks and blocks[-1][0].block_index == row.segment.block_index:
            blocks[-1][1].append(row.english)
        else:
            blocks.append((row.segment, [row.english]))
    return [(first, " ".join(part for part in parts if part)) for first, parts in blocks]
