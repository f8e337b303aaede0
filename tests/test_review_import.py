"""Reading reviewed bilingual files back: formatting, kept-as-is rows, unplaceable rows."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from translate_pipeline.bilingual_docx import qn, write_bilingual_docx
from translate_pipeline.document import AlignedDocument
from translate_pipeline.errors import ReviewImportError
from translate_pipeline.memory import SegmentRecord, TranslationMemory
from translate_pipeline.render_markdown import write_bilingual_markdown
from translate_pipeline.review_import import import_reviews, output_was_edited, read_reviewed

from .bilingual_articles import ENGLISH, ENGLISH_SPANS, rich_document


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


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# What Word leaves in a cell an editor worked on with tracked changes on.
WORD_PARAGRAPH = f"""<w:p {W}>
  <w:proofErr w:type="spellStart"/>
  <w:r><w:rPr><w:lang w:val="en-GB"/></w:rPr><w:t xml:space="preserve">Hello </w:t></w:r>
  <w:proofErr w:type="spellEnd"/>
  <w:del w:id="1" w:author="Ed"><w:r><w:delText>old </w:delText></w:r></w:del>
  <w:ins w:id="2" w:author="Ed"><w:r><w:rPr><w:b/></w:rPr><w:t>new</w:t></w:r></w:ins>
  <w:bookmarkStart w:id="3" w:name="x"/><w:bookmarkEnd w:id="3"/>
  <w:r><w:t xml:space="preserve"> </w:t></w:r>
  <w:hyperlink w:anchor="_Toc1">
    <w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>here</w:t></w:r>
  </w:hyperlink>
  <w:r><w:rPr><w:b w:val="0"/><w:i/></w:rPr><w:t>.</w:t></w:r>
</w:p>"""


def test_a_cell_edited_in_word_reads_as_the_editor_sees_it(tmp_path: Path) -> None:
    from lxml import etree

    path, aligned = written(tmp_path, "docx")
    document = docx.Document(str(path))
    cell = document.tables[0].rows[3].cells[2]._tc  # demo:p2:s1, "Cell."
    for paragraph in cell.findall(qn("w:p")):
        cell.remove(paragraph)
    cell.append(etree.fromstring(WORD_PARAGRAPH))
    document.save(str(path))
    row = next(r for r in read_reviewed(path).rows if r.segment_id == "demo:p2:s1")
    assert row.english == "Hello new here."
    assert [(s.kind.value, row.english[s.start : s.end], s.data) for s in row.english_inlines] == [
        ("bold", "new", ()),
        ("link", "here", (("href", "#_Toc1"),)),
        ("italic", ".", ()),
    ]
    with remembered(tmp_path, aligned) as memory:
        report = import_reviews(path, memory)
        assert (report.changed, report.unchanged) == (1, 2)
        stored = memory.reviewed_spans.lookup([("Cellule.", "Hello new here.")])
    assert stored == {"Cellule.": row.english_inlines}
