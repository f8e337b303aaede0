"""Pairing each source segment with its English, in document order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from translate_pipeline.document import AlignedDocument, AlignedRow, Document, QaFlag, Segment


def align_document(
    document: Document,
    segments: Sequence[Segment],
    english: Mapping[str, str],
    origins: Mapping[str, str] | None = None,
    flags: Mapping[str, tuple[QaFlag, ...]] | None = None,
) -> AlignedDocument:
    """Build the aligned document: one row per segment, in source order.

    Args:
        document: The source article.
        segments: Its segments, in order.
        english: English text keyed by French segment text.
        origins: Where each English came from ("machine:<engine>", "memory",
            "reviewed"), keyed by French segment text; "machine" when absent.
        flags: QA flags keyed by French segment text.

    Raises:
        KeyError: A segment has no English (a pipeline bug, never user input).
    """
    flags = flags or {}
    origins = origins or {}
    rows = tuple(
        AlignedRow(
            segment=segment,
            english=english[segment.text],
            origin=origins.get(segment.text, "machine"),
            flags=flags.get(segment.text, ()),
        )
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
