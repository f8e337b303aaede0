"""Rendering the run's QA report: JSON for tools, Markdown for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate_pipeline.document import AlignedDocument
from translate_pipeline.output_files import write_atomic
from translate_pipeline.qa import QaSummary
from translate_pipeline.render_markdown import escape_cell

QA_JSON = "qa-report.json"
QA_MARKDOWN = "qa-report.md"


def qa_report_dict(
    documents: Sequence[AlignedDocument],
    summary: QaSummary,
    engine_label: str,
    glossary: Path | None,
    glossary_version: str,
) -> dict[str, Any]:
    """The QA report as plain data: counts, then every flagged row."""
    return {
        "engine": engine_label,
        "glossary": str(glossary) if glossary else None,
        "glossary_version": glossary_version,
        "segments": summary.segments,
        "flagged_segments": summary.flagged_segments,
        "flags": summary.flags,
        "protected_spans": summary.spans,
        "kept_as_is": {
            document.doc_id: list(document.source.kept_as_is)
            for document in documents
            if document.source and document.source.kept_as_is
        },
        "unrepresented": {
            document.doc_id: list(document.source.unrepresented)
            for document in documents
            if document.source and document.source.unrepresented
        },
        "rows": [
            {
                "document": document.doc_id,
                "segment_id": row.segment.segment_id,
                "flags": [{"code": f.code.value, "detail": f.detail} for f in row.flags],
                "french": row.segment.text,
                "english": row.english,
            }
            for document in documents
            for row in document.rows
            if row.flags
        ],
    }


def qa_report_markdown(report: dict[str, Any]) -> str:
    """The QA report for a person: what was checked, what to look at."""
    lines = [
        "# QA report",
        "",
        f"Engine: {report['engine']} · Glossary: {report['glossary'] or 'none'} "
        f"({report['glossary_version']})",
        "",
        f"{report['flagged_segments']} of {report['segments']} segments flagged.",
        "",
    ]
    if report["protected_spans"]:
        lines += ["| protected | kept | repaired | missing |", "| --- | --- | --- | --- |"]
        for kind, counts in report["protected_spans"].items():
            lines.append(
                f"| {kind} | {counts['kept']} | {counts['repaired']} | {counts['missing']} |"
            )
        lines.append("")
    if report["flags"]:
        lines += ["| flag | count |", "| --- | --- |"]
        lines += [f"| {code} | {count} |" for code, count in report["flags"].items()]
        lines.append("")
    for key, title in (
        ("kept_as_is", "## Kept as is (not translated)"),
        ("unrepresented", "## Left as in the source (the reader could not represent it)"),
    ):
        if report[key]:
            lines += [title, ""]
            for doc_id, items in report[key].items():
                lines += [f"- {doc_id}: {item}" for item in items]
            lines.append("")
    if report["rows"]:
        lines += [
            "## Flagged segments",
            "",
            "| ID | flags | Français | English |",
            "| --- | --- | --- | --- |",
        ]
        for row in report["rows"]:
            flags = "; ".join(
                f"{f['code']}: {f['detail']}" if f["detail"] else f["code"] for f in row["flags"]
            )
            lines.append(
                f"| `{row['segment_id']}` | {escape_cell(flags)} | {escape_cell(row['french'])} "
                f"| {escape_cell(row['english'])} |"
            )
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class QaReportFiles:
    """The QA report files of a run.

    Attributes:
        written: The files this run wrote.
        current: The files left as they were, because they already held this
            run's report.
    """

    written: tuple[Path, ...]
    current: tuple[Path, ...]


def write_qa_reports(
    out_dir: Path,
    documents: Sequence[AlignedDocument],
    summary: QaSummary,
    engine_label: str,
    glossary: Path | None,
    glossary_version: str,
) -> QaReportFiles:
    """Write ``qa-report.json`` and ``qa-report.md`` into ``out_dir``.

    A file already holding exactly this report is left untouched (its date too),
    as every other output of a run is.

    Raises:
        OutputError: A file cannot be written.
    """
    report = qa_report_dict(documents, summary, engine_label, glossary, glossary_version)
    contents = {
        out_dir / QA_JSON: (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode(
            "utf-8"
        ),
        out_dir / QA_MARKDOWN: qa_report_markdown(report).encode("utf-8"),
    }
    written, current = [], []
    for path, data in contents.items():
        if _holds(path, data):
            current.append(path)
        else:
            write_atomic(path, data)
            written.append(path)
    return QaReportFiles(tuple(written), tuple(current))


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a file holding exactly ``data``."""
    try:
        return path.is_file() and path.read_bytes() == data
    except OSError:
        # Unreadable: written again, and write_atomic says what is wrong.
        return False
