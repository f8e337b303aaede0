"""The bilingual DOCX, read back with python-docx and checked row by row."""

from __future__ import annotations

from pathlib import Path

import docx

from translate_pipeline.align import align_document
from translate_pipeline.formats import read_document
from translate_pipeline.render_docx import segment_id_from_cell, write_bilingual_docx
from translate_pipeline.segmenter import SentenceSplitter, segment_document

from .conftest import SEED_FILES


def test_one_row_per_segment_with_exact_french(tmp_path: Path) -> None:
    document = read_document(SEED_FILES[1])
    segments = segment_document(document, SentenceSplitter())
    english = {s.text: f"EN {n}" for n, s in enumerate(segments)}
    aligned = align_document(document, segments, english)
    path = tmp_path / "out.docx"
    write_bilingual_docx(aligned, "test (1)", path)

    table = docx.Document(str(path)).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["ID", "Français", "English"]
    body = table.rows[1:]
    assert len(body) == len(segments)
    for row, segment in zip(body, segments, strict=True):
        id_cell, french, english_cell = row.cells
        assert segment_id_from_cell(id_cell) == segment.segment_id
        assert french.text == segment.text
        assert english_cell.text == english[segment.text]


def test_heading_rows_are_bold_and_shaded(tmp_path: Path) -> None:
    document = read_document(SEED_FILES[1])
    segments = segment_document(document, SentenceSplitter())
    aligned = align_document(document, segments, {s.text: s.text for s in segments})
    path = tmp_path / "out.docx"
    write_bilingual_docx(aligned, "test", path)
    rows = docx.Document(str(path)).tables[0].rows[1:]
    for row, segment in zip(rows, segments, strict=True):
        run = row.cells[1].paragraphs[0].runs[0]
        is_heading = segment.kind.value == "heading"
        assert bool(run.bold) is is_heading
        assert ('w:fill="DEEAF6"' in row.cells[1]._tc.xml) is is_heading
