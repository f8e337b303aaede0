"""The bilingual DOCX as written, read back with python-docx and checked row by row."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path
from typing import IO

import docx
import pytest

from translate_pipeline.align import align_document
from translate_pipeline.bilingual_docx import (
    CODE_FONT,
    VERBATIM_FILL,
    bilingual_docx_bytes,
    qn,
    segment_id_from_cell,
    write_bilingual_docx,
)
from translate_pipeline.errors import OutputError
from translate_pipeline.formats import read_document
from translate_pipeline.segmenter import SentenceSplitter, segment_document

from .bilingual_articles import rich_document, written
from .conftest import SEED_FILES, output_contents


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


# Formatting, places, kept-as-is blocks, languages and the record, on articles built by hand.

# Formatting, places, kept-as-is blocks and languages, on articles built by hand.


def runs_of(cell) -> list:  # type: ignore[no-untyped-def]
    return list(cell._tc.iter(qn("w:r")))


def run_text(run) -> str:  # type: ignore[no-untyped-def]
    return "".join(t.text or "" for t in run.iter(qn("w:t")))


def run_has(run, tag: str) -> bool:  # type: ignore[no-untyped-def]
    properties = run.find(qn("w:rPr"))
    return properties is not None and properties.find(qn(tag)) is not None


def test_formatting_shows_as_formatting_never_as_markdown(tmp_path: Path) -> None:
    document = docx.Document(str(written(tmp_path)))
    row = document.tables[0].rows[1]
    for cell in row.cells[1:]:
        assert "**" not in cell.text and "](" not in cell.text and "`" not in cell.text
        runs = {run_text(run): run for run in runs_of(cell)}
        assert run_has(runs["Mistral AI"], "w:b")
        code = runs["mistral-large-2"].find(qn("w:rPr")).find(qn("w:rFonts"))
        assert code.get(qn("w:ascii")) == CODE_FONT
        label = runs["1"].find(qn("w:rPr")).find(qn("w:vertAlign"))
        assert label.get(qn("w:val")) == "superscript"
        assert "[image: " in runs and "]" in runs
        assert run_has(runs["photo"], "w:color")
        hyperlink = cell._tc.find(".//" + qn("w:hyperlink"))
        assert run_text(hyperlink.find(qn("w:r"))) == "Morningstar"
        relationship = document.part.rels[hyperlink.get(qn("r:id"))]
        assert relationship.is_external
        assert relationship.target_ref == "https://www.morningstar.com/a?b=1&c=2"
    english = {run_text(run): run for run in runs_of(row.cells[2])}
    assert run_has(english["The"], "w:u")
    assert run_has(english["see"], "w:i")
    assert run_has(english["model"], "w:strike")
    cell = document.tables[0].rows[4].cells[2]
    positions = [
        (run_text(run), run.find(qn("w:rPr")).find(qn("w:vertAlign")).get(qn("w:val")))
        for run in runs_of(cell)
        if run_has(run, "w:vertAlign")
    ]
    assert positions == [("2", "subscript"), ("2", "superscript")]


def test_places_and_kept_as_is_blocks_are_rows_in_article_order(tmp_path: Path) -> None:
    document = docx.Document(str(written(tmp_path)))
    assert document.paragraphs[1].text.endswith("· kept as is: 1 code block (line 3)")
    rows = document.tables[0].rows[1:]
    ids = [segment_id_from_cell(row.cells[0]) for row in rows]
    assert ids == ["demo:p1:s1", "keptasis", "demo:p2:s1", "demo:p3:s1"]
    kept = rows[1]
    assert [p.text for p in kept.cells[0].paragraphs] == ["kept as is", "code block (line 3)"]
    code_runs = [run for run in runs_of(kept.cells[1]) if run_text(run)]
    assert [run_text(run) for run in code_runs] == ["x = 1", "y = 2"]
    for run in code_runs:
        assert run.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:ascii")) == CODE_FONT
    assert f'w:fill="{VERBATIM_FILL}"' in kept.cells[1]._tc.xml
    assert [p.text for p in rows[2].cells[0].paragraphs][1] == "table 1, row 2, column 3"


@pytest.mark.parametrize("english", ["en-GB", "en-US"])
def test_french_and_english_cells_carry_their_language(tmp_path: Path, english: str) -> None:
    document = docx.Document(str(written(tmp_path, english)))
    for row in document.tables[0].rows[1:]:
        if segment_id_from_cell(row.cells[0]) == "keptasis":
            continue
        for cell, language in ((row.cells[1], "fr-FR"), (row.cells[2], english)):
            tags = {tag.get(qn("w:val")) for tag in cell._tc.iter(qn("w:lang"))}
            assert tags == {language}
            text_runs = [run for run in runs_of(cell) if run_text(run)]
            assert all(run_has(run, "w:lang") for run in text_runs)


def test_segment_rows_never_split_across_pages(tmp_path: Path) -> None:
    document = docx.Document(str(written(tmp_path)))
    for row in document.tables[0].rows[1:]:
        cant_split = row._tr.find(qn("w:trPr")) is not None and (
            row._tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None
        )
        # A long code block may be taller than a page, so its row may split.
        assert cant_split is (segment_id_from_cell(row.cells[0]) != "keptasis")


# The package is streamed into the output's temporary file (issue 10, item 9).


def test_the_file_streamed_holds_the_package_built_in_memory(tmp_path: Path) -> None:
    streamed, in_memory = tmp_path / "streamed", tmp_path / "in_memory"
    streamed.mkdir()
    in_memory.mkdir()
    path = written(streamed)
    (in_memory / path.name).write_bytes(bilingual_docx_bytes(rich_document(), "test (1)"))
    # Part by part the same, and no temporary file left beside the output.
    assert output_contents(streamed) == output_contents(in_memory)


def test_a_write_failing_midway_leaves_the_previous_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = written(tmp_path)
    before = path.read_bytes()

    def disk_full(source: IO[bytes], target: IO[bytes], length: int = 0) -> None:
        target.write(source.read(1000))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", disk_full)
    with pytest.raises(OutputError, match=r"No space left on device.*Free some space"):
        write_bilingual_docx(rich_document(), "test (2)", path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
