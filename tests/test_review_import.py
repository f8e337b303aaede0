"""Reading reviewed bilingual files back: formatting, kept-as-is rows, unplaceable rows."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from translate_pipeline.document import AlignedDocument
from translate_pipeline.errors import ReviewImportError
from translate_pipeline.memory import SegmentRecord, TranslationMemory
from translate_pipeline.render_docx import write_bilingual_docx
from translate_pipeline.render_markdown import write_bilingual_markdown
from translate_pipeline.review_import import import_reviews, output_was_edited, read_reviewed

from .test_render_docx import ENGLISH, ENGLISH_SPANS, rich_document


def written(tmp_path: Path, suffix: str) -> tuple[Path, AlignedDocument]:
    aligned = rich_document()
    path = tmp_path / f"demo.bilingual.{suffix}"
    if suffix == "docx":
        write_bilingual_docx(aligned, "test", path)
    else:
        write_bilingual_markdown(aligned, "test", path)
    return path, aligned


def remembered(tmp_path: Path, aligned: AlignedDocument) -> TranslationMemory:
    memory = TranslationMemory.open(tmp_path / "tm.sqlite")
    memory.record_segments(
        SegmentRecord(r.segment.segment_id, r.segment.text, r.english, r.segment.kind.value)
        for r in aligned.rows
    )
    return memory


@pytest.mark.parametrize("suffix", ["docx", "md"])
def test_rows_read_back_with_their_formatting_and_kept_as_is_rows_skipped(
    tmp_path: Path, suffix: str
) -> None:
    path, aligned = written(tmp_path, suffix)
    found = read_reviewed(path)
    assert [row.segment_id for row in found.rows] == [r.segment.segment_id for r in aligned.rows]
    first = found.rows[0]
    assert first.english == ENGLISH
    kinds = sorted(span.kind.value for span in first.english_inlines)
    assert kinds == sorted(span.kind.value for span in ENGLISH_SPANS)
    link = next(s for s in first.english_inlines if s.kind.value == "link")
    assert ENGLISH[link.start : link.end] == "Morningstar"
    assert found.unplaceable == ()
    assert set(found.written) == {r.segment.segment_id for r in aligned.rows}
    assert output_was_edited(path) is False


def edit_kept_as_is_row(path: Path) -> None:
    if path.suffix == ".docx":
        document = docx.Document(str(path))
        document.tables[0].rows[2].cells[2].paragraphs[0].runs[0].text = "x = 2"
        document.save(str(path))
    else:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("| `x = 1` … |\n", "| `x = 2` … |\n"), encoding="utf-8")


@pytest.mark.parametrize("suffix", ["docx", "md"])
def test_an_edited_kept_as_is_row_is_named_and_the_import_fails(
    tmp_path: Path, suffix: str
) -> None:
    path, aligned = written(tmp_path, suffix)
    edit_kept_as_is_row(path)
    assert output_was_edited(path) is True
    with remembered(tmp_path, aligned) as memory, pytest.raises(ReviewImportError) as error:
        import_reviews(path, memory)
    where = "table row 3" if suffix == "docx" else "line 8"
    assert str(error.value).splitlines()[0] == (
        f"{path}: {where} (kept as is): changed, but blocks kept as is are not translated; "
        "make the change in the source article and restore this row"
    )
