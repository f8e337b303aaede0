"""The QA report gathered article by article is the report made from every article at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from translate_pipeline.document import (
    AlignedDocument,
    AlignedRow,
    BlockKind,
    FlagCode,
    QaFlag,
    Segment,
)
from translate_pipeline.formats import read_document
from translate_pipeline.protect import Outcome, ProtectedSpan, SpanKind, SpanResult
from translate_pipeline.qa import QaSummary
from translate_pipeline.render_qa import (
    QA_JSON,
    QA_MARKDOWN,
    QaReportStream,
    qa_report_dict,
    qa_report_markdown,
)

ARTICLE = Path(__file__).parent / "data" / "markdown" / "article.md"


def _row(doc_id: str, number: int, french: str, english: str, *flags: QaFlag) -> AlignedRow:
    segment = Segment(
        f"{doc_id}:p{number}:s1", doc_id, number, 1, french, 0, len(french), BlockKind.PARAGRAPH
    )
    return AlignedRow(segment, english, flags=flags)


def _documents(flagged: bool) -> list[AlignedDocument]:
    source = read_document(ARTICLE)
    term = QaFlag(FlagCode.TERM_MISSING, "IA -> AI")
    number = QaFlag(FlagCode.NUMBER_MISMATCH, "3,5 % missing")
    return [
        AlignedDocument(
            "article",
            ARTICLE,
            (
                _row("article", 1, "Une phrase.", "A sentence."),
                _row(
                    "article", 2, "L'IA | « ça »\nva.", "The IA | “it”\ngoes.", *([term] * flagged)
                ),
            ),
            source,
        ),
        AlignedDocument("vide", Path("vide.txt"), ()),
        AlignedDocument(
            "autre",
            Path("autre.txt"),
            (_row("autre", 1, "Hausse de 3,5 %.", "Rise.", *([term, number] * flagged)),),
        ),
    ]


@pytest.mark.parametrize("flagged", [True, False], ids=["flagged rows", "no flagged row"])
def test_streamed_report_is_byte_for_byte_the_whole_report(tmp_path: Path, flagged: bool) -> None:
    documents = _documents(flagged)
    span = ProtectedSpan(SpanKind.TERM, 0, 2, "IA", "AI", "IA")
    spans = [SpanResult(span, Outcome.REPAIRED), SpanResult(span, Outcome.MISSING)]
    summary = QaSummary.build(documents, spans)
    with QaReportStream() as stream:
        stream.add(documents[0], spans[:1])
        stream.add(documents[1])
        stream.add(documents[2], spans[1:])
        assert stream.summary() == summary
        files = stream.write(tmp_path, summary, "apertium (1.0)", Path("g.csv"), "abc")
    assert [path.name for path in files.written] == [QA_JSON, QA_MARKDOWN]
    whole = qa_report_dict(documents, summary, "apertium (1.0)", Path("g.csv"), "abc")
    assert (tmp_path / QA_JSON).read_text(encoding="utf-8") == json.dumps(
        whole, indent=2, ensure_ascii=False
    ) + "\n"
    assert (tmp_path / QA_MARKDOWN).read_text(encoding="utf-8") == qa_report_markdown(whole)
    assert whole["kept_as_is"]["article"]
    assert len(whole["rows"]) == (2 if flagged else 0)
    assert not list(tmp_path.glob(".*.tmp"))
