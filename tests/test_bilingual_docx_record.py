"""The record a bilingual DOCX keeps of what the tool wrote, and telling an edit by it."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from translate_pipeline.bilingual_docx import docx_was_edited

from .bilingual_articles import written


def test_the_file_records_what_it_holds(tmp_path: Path) -> None:
    path = written(tmp_path)
    assert docx_was_edited(path) is False
    document = docx.Document(str(path))
    document.tables[0].rows[1].cells[2].paragraphs[0].runs[0].bold = True  # formatting only
    document.save(str(path))
    assert docx_was_edited(path) is True
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    assert docx_was_edited(plain) is None
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    assert docx_was_edited(tmp_path / "broken.docx") is None


@pytest.mark.parametrize(
    "pieces", [['{"rows":{"a&b<c>d":"x"}}'], ['{"x":"', "&amp; ' < > q", '"}'], []]
)
def test_the_record_streamed_into_its_part_is_what_lxml_would_write(pieces: list[str]) -> None:
    import docx

    from translate_pipeline.bilingual_docx.record import (
        RECORD_PLACEHOLDER,
        add_record,
        custom_properties,
    )

    def part_of(text: str) -> bytes:
        doc = docx.Document()
        add_record(doc, text)
        return next(
            rel.target_part.blob
            for rel in doc.part.package.rels.values()
            if rel.target_ref.endswith("custom.xml")
        )

    streamed = b"".join(custom_properties(part_of(RECORD_PLACEHOLDER), pieces))
    assert streamed == part_of("".join(pieces))
