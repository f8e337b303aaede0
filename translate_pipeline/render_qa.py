"""Rendering the run's QA report: JSON for tools, Markdown for people."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from translate_pipeline.document import AlignedDocument, AlignedRow
from translate_pipeline.output_files import AtomicFile
from translate_pipeline.protect import Outcome, SpanResult
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
            _row_dict(document.doc_id, row)
            for document in documents
            for row in document.rows
            if row.flags
        ],
    }


def _row_dict(doc_id: str, row: AlignedRow) -> dict[str, Any]:
    """One flagged row as the JSON report lists it."""
    return {
        "document": doc_id,
        "segment_id": row.segment.segment_id,
        "flags": [{"code": f.code.value, "detail": f.detail} for f in row.flags],
        "french": row.segment.text,
        "english": row.english,
    }


def qa_report_markdown(report: dict[str, Any]) -> str:
    """The QA report for a person: what was checked, what to look at."""
    lines = _markdown_head(report)
    if report["rows"]:
        lines += [*_MARKDOWN_ROWS_HEAD, *(_markdown_row(row) for row in report["rows"])]
    return "\n".join(lines) + "\n"


# The table of flagged segments, the last part of the Markdown report.
_MARKDOWN_ROWS_HEAD = (
    "## Flagged segments",
    "",
    "| ID | flags | Français | English |",
    "| --- | --- | --- | --- |",
)


def _markdown_head(report: dict[str, Any]) -> list[str]:
    """The lines of the Markdown report before its flagged segments."""
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
    return lines


def _markdown_row(row: dict[str, Any]) -> str:
    """One flagged segment as a row of the Markdown report's table."""
    flags = "; ".join(
        f"{f['code']}: {f['detail']}" if f["detail"] else f["code"] for f in row["flags"]
    )
    return (
        f"| `{row['segment_id']}` | {escape_cell(flags)} | {escape_cell(row['french'])} "
        f"| {escape_cell(row['english'])} |"
    )


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


class QaReportStream:
    """The run's QA report, gathered one article at a time.

    Only counters and each article's short lists (blocks kept as is, what was left
    as in the source) stay in memory; the flagged rows go to temporary files as
    each article is added, and :meth:`write` puts the report together from them.
    The files are the same, byte for byte, as those :func:`qa_report_dict` and
    :func:`qa_report_markdown` make from every document at once.

    Use as a context manager, so that the temporary files are removed.
    """

    def __init__(self) -> None:
        self.segments = 0
        self.flagged_segments = 0
        self._flags: Counter[str] = Counter()
        self._spans: dict[str, dict[str, int]] = {}
        self._kept_as_is: dict[str, list[str]] = {}
        self._unrepresented: dict[str, list[str]] = {}
        # Rows already rendered: JSON (indented as in the whole report) and Markdown.
        # (Closed, and so removed, by close(): the stream is the context manager.)
        self._json_rows: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._markdown_rows: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def __enter__(self) -> QaReportStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the temporary files."""
        self._json_rows.close()
        self._markdown_rows.close()

    def add(self, document: AlignedDocument, spans: Iterable[SpanResult] = ()) -> None:
        """Count one article's rows and flags, and keep its flagged rows.

        Args:
            document: The article as written (or as it would have been).
            spans: What became of the protected spans of its rows, one per row's span.
        """
        self.segments += len(document.rows)
        for row in document.rows:
            if not row.flags:
                continue
            self.flagged_segments += 1
            self._flags.update(flag.code.value for flag in row.flags)
            item = _row_dict(document.doc_id, row)
            text = json.dumps(item, indent=2, ensure_ascii=False)
            self._json_rows.write(
                (",\n" if self.flagged_segments > 1 else "")
                + "\n".join("    " + line for line in text.split("\n"))
            )
            self._markdown_rows.write(_markdown_row(item) + "\n")
        for result in spans:
            outcomes = self._spans.setdefault(result.span.kind.value, {o.value: 0 for o in Outcome})
            outcomes[result.outcome.value] += 1
        source = document.source
        if source and source.kept_as_is:
            self._kept_as_is[document.doc_id] = list(source.kept_as_is)
        if source and source.unrepresented:
            self._unrepresented[document.doc_id] = list(source.unrepresented)

    def summary(self) -> QaSummary:
        """The counts of every article added so far."""
        return QaSummary(
            segments=self.segments,
            flagged_segments=self.flagged_segments,
            flags=dict(sorted(self._flags.items())),
            spans=dict(sorted(self._spans.items())),
        )

    def write(
        self,
        out_dir: Path,
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
        head = {
            "engine": engine_label,
            "glossary": str(glossary) if glossary else None,
            "glossary_version": glossary_version,
            "segments": summary.segments,
            "flagged_segments": summary.flagged_segments,
            "flags": summary.flags,
            "protected_spans": summary.spans,
            "kept_as_is": self._kept_as_is,
            "unrepresented": self._unrepresented,
            "rows": [],
        }
        json_head = json.dumps(head, indent=2, ensure_ascii=False)
        markdown_head = "\n".join(_markdown_head(head)) + "\n"
        if self.flagged_segments:
            # The empty list closing the head is where the rows go.
            json_parts = [json_head.removesuffix("[]\n}") + "[\n", self._json_rows, "\n  ]\n}\n"]
            markdown_parts = [
                markdown_head + "\n".join(_MARKDOWN_ROWS_HEAD) + "\n",
                self._markdown_rows,
            ]
        else:
            json_parts, markdown_parts = [json_head + "\n"], [markdown_head]
        written, current = [], []
        for path, parts in (
            (out_dir / QA_JSON, json_parts),
            (out_dir / QA_MARKDOWN, markdown_parts),
        ):
            if _write_unless_held(path, parts):
                written.append(path)
            else:
                current.append(path)
        return QaReportFiles(tuple(written), tuple(current))


def write_qa_reports(
    out_dir: Path,
    documents: Sequence[AlignedDocument],
    summary: QaSummary,
    engine_label: str,
    glossary: Path | None,
    glossary_version: str,
) -> QaReportFiles:
    """Write ``qa-report.json`` and ``qa-report.md`` for ``documents`` into ``out_dir``.

    (A run adds its articles to a :class:`QaReportStream` one by one instead.)

    Raises:
        OutputError: A file cannot be written.
    """
    with QaReportStream() as stream:
        for document in documents:
            stream.add(document)
        return stream.write(out_dir, summary, engine_label, glossary, glossary_version)


def _write_unless_held(path: Path, parts: Sequence[str | IO[str]]) -> bool:
    """Write ``parts`` (strings, or temporary files read from their start) to ``path``,
    unless it already holds exactly that; whether it was written.

    Raises:
        OutputError: The file cannot be written.
    """
    target = AtomicFile(path, unless_same=True)
    with target as out:
        for part in parts:
            if isinstance(part, str):
                out.write(part)
            else:
                part.seek(0)
                shutil.copyfileobj(part, out)
    return target.written


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
