"""Reading bilingual files an editor reviewed, and storing their corrections.

Rows are matched by segment ID. A changed English cell becomes a reviewed
translation in the memory; a row whose French was altered makes the whole file
refused (with its rows named), since its English may no longer match the
sentence it stands for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from translate_pipeline.errors import ReviewImportError
from translate_pipeline.memory import SegmentRecord, TranslationMemory
from translate_pipeline.render_docx import segment_id_from_cell
from translate_pipeline.render_markdown import unescape_cell

_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")


@dataclass(frozen=True)
class ReviewedRow:
    """One row of a reviewed bilingual file.

    Attributes:
        segment_id: The row's segment ID.
        french: The French cell as found.
        english: The English cell as found.
        where: Where the row is, for messages ("table row 5", "line 12").
    """

    segment_id: str
    french: str
    english: str
    where: str


@dataclass(frozen=True)
class ImportReport:
    """What importing one file did."""

    path: Path
    changed: int
    unchanged: int
    unknown: tuple[str, ...]
    empty: int


def read_reviewed_file(path: Path) -> tuple[ReviewedRow, ...]:
    """Read the rows of a bilingual ``.docx`` or ``.md`` file written by ``translate run``.

    Raises:
        ReviewImportError: The file is missing, unreadable, or not a bilingual file.
    """
    if not path.is_file():
        raise ReviewImportError(
            f"{path}: no such file. Give a .bilingual.docx or .bilingual.md file"
        )
    suffix = path.suffix.lower()
    if suffix == ".docx":
        rows = _docx_rows(path)
    elif suffix == ".md":
        rows = _markdown_rows(path)
    else:
        raise ReviewImportError(
            f"{path}: unsupported file type {suffix or '(none)'!r}. Give a .bilingual.docx or "
            ".bilingual.md file"
        )
    if not rows:
        raise ReviewImportError(
            f"{path}: no bilingual table found. Give a file written by 'translate run'"
        )
    return rows


def _docx_rows(path: Path) -> tuple[ReviewedRow, ...]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, XMLSyntaxError, KeyError):
        raise ReviewImportError(
            f"{path}: not a readable DOCX file. Save it again as .docx"
        ) from None
    if not document.tables:
        return ()
    rows = []
    for number, row in enumerate(document.tables[0].rows[1:], start=2):
        cells = row.cells
        if len(cells) != 3:
            raise ReviewImportError(
                f"{path}: table row {number} has {len(cells)} cells, expected 3 "
                "(ID, Français, English). Do not add or merge columns"
            )
        rows.append(
            ReviewedRow(
                segment_id=segment_id_from_cell(cells[0]),
                french=cells[1].text,
                english=cells[2].text,
                where=f"table row {number}",
            )
        )
    return tuple(rows)


def _markdown_rows(path: Path) -> tuple[ReviewedRow, ...]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ReviewImportError(f"{path}: not UTF-8. Save it as UTF-8") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("| `"):
            continue
        cells = _split_row(line)
        if len(cells) != 3 or cells[0].count("`") < 2:
            raise ReviewImportError(
                f"{path}: line {number} is not a row of three cells (ID | Français | English). "
                "Escape a | inside a cell as \\|"
            )
        rows.append(
            ReviewedRow(
                segment_id=cells[0].split("`")[1],
                french=unescape_cell(cells[1]),
                english=unescape_cell(cells[2]),
                where=f"line {number}",
            )
        )
    return tuple(rows)


def _split_row(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells, start = [], 0
    for match in _UNESCAPED_PIPE.finditer(body):
        cells.append(body[start : match.end() - 1])
        start = match.end()
    cells.append(body[start:])
    return cells


def _clean(text: str, kind: str) -> str:
    text = " ".join(text.split())
    # Heading rows are bold in the Markdown table.
    if kind == "heading" and len(text) > 4 and text.startswith("**") and text.endswith("**"):
        text = text[2:-2].strip()
    return text


def import_reviews(path: Path, memory: TranslationMemory) -> ImportReport:
    """Store the edited English cells of one reviewed file as reviewed translations.

    Raises:
        ReviewImportError: The file cannot be read, or a row's French differs from
            the sentence its ID stands for; nothing of the file is stored then.
    """
    rows = read_reviewed_file(path)
    known = memory.segments(row.segment_id for row in rows)
    altered: list[str] = []
    changed: list[tuple[ReviewedRow, SegmentRecord, str]] = []
    unknown: list[str] = []
    unchanged = empty = 0
    for row in rows:
        record = known.get(row.segment_id)
        if record is None:
            unknown.append(row.segment_id)
            continue
        french = _clean(row.french, record.kind)
        if french != " ".join(record.source.split()):
            altered.append(f"{path}: {row.where} ({row.segment_id}): the French was changed")
            continue
        english = _clean(row.english, record.kind)
        if not english:
            empty += 1
        elif english == " ".join(record.target.split()):
            unchanged += 1
        else:
            changed.append((row, record, english))
    if altered:
        raise ReviewImportError(
            "\n".join(altered)
            + "\nNothing from this file was imported: restore the French cells (edit only the "
            "English), then import again"
        )
    memory.store_reviewed([(record.source, english) for _, record, english in changed])
    # The file's corrections are in the memory now: the next run may replace it
    # (its digest no longer matches anything, so it is rewritten, not refused).
    memory.record_output(path, digest="imported")
    memory.record_segments(
        SegmentRecord(record.segment_id, record.source, english, record.kind)
        for _, record, english in changed
    )
    return ImportReport(
        path=path,
        changed=len(changed),
        unchanged=unchanged,
        unknown=tuple(unknown),
        empty=empty,
    )
