"""Rows kept on disk for an article too large to hold, and the slices it is taken in."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_pipeline.align import rows_by_block
from translate_pipeline.document import AlignedDocument, AlignedRow, Block, BlockKind, Segment
from translate_pipeline.pipeline.job import block_slices
from translate_pipeline.pipeline.spool import RowSpool


def _segment(block: int, sentence: int) -> Segment:
    return Segment(
        segment_id=f"a-p{block}-s{sentence}",
        doc_id="a",
        block_index=block,
        sentence_index=sentence,
        text=f"Phrase {block}.{sentence}.",
        start=0,
        end=10,
        kind=BlockKind.PARAGRAPH,
    )


def _row(block: int, sentence: int) -> AlignedRow:
    return AlignedRow(_segment(block, sentence), f"Sentence {block}.{sentence}.", "machine")


def test_rows_come_back_in_order_as_often_as_asked_and_by_index() -> None:
    rows = [_row(block, sentence) for block in (1, 2, 3) for sentence in range(3)]
    with RowSpool() as spool:
        spool.extend(rows[:4])
        spool.extend([])
        spool.extend(rows[4:])
        assert len(spool) == 9
        assert list(spool) == rows
        # Two readers at once each get every row (each reads at its own offsets).
        assert list(zip(spool, spool, strict=True)) == [(row, row) for row in rows]
        assert (spool[0], spool[5], spool[-1]) == (rows[0], rows[5], rows[-1])
        assert spool[2:6] == tuple(rows[2:6])
        with pytest.raises(IndexError):
            spool[9]


@pytest.mark.parametrize(
    ("blocks", "limit", "expected"),
    [
        # Sentences per block -> sentences per slice: a slice ends at the first
        # block end at or past the limit, and a block is never cut.
        ([2, 2, 2, 2], 4, [4, 4]),
        ([2, 2, 2, 2], 3, [4, 4]),
        ([1, 1, 1, 1, 1], 2, [2, 2, 1]),
        ([7, 1, 1], 2, [7, 2]),
        ([3], 1, [3]),
        ([], 5, []),
    ],
)
def test_an_article_is_sliced_at_block_ends(
    blocks: list[int], limit: int, expected: list[int]
) -> None:
    segments = [_segment(b, s) for b, count in enumerate(blocks, start=1) for s in range(count)]
    slices = list(block_slices(segments, limit))
    assert [len(piece) for piece in slices] == expected
    assert [s for piece in slices for s in piece] == segments


def test_rows_are_shared_among_their_blocks_in_one_pass_and_none_is_dropped() -> None:
    source_blocks = (
        Block(1, BlockKind.PARAGRAPH, "Un."),
        Block(0, BlockKind.VERBATIM, "code", verbatim="code"),
        Block(2, BlockKind.PARAGRAPH, "Deux."),
        Block(3, BlockKind.PARAGRAPH, "Trois."),
    )
    # Block 3 has no row; a row of block 9 is of no block the source lists.
    rows = (_row(1, 0), _row(1, 1), _row(2, 0), _row(9, 0))
    document = AlignedDocument("a", Path("a.md"), rows)
    shared = list(rows_by_block(document, source_blocks))
    assert shared == [
        (source_blocks[0], [rows[0], rows[1]]),
        (source_blocks[1], []),
        (source_blocks[2], [rows[2]]),
        (source_blocks[3], []),
        (None, [rows[3]]),
    ]
