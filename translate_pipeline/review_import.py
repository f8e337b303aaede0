"""Reading bilingual files an editor reviewed, and storing their corrections.

Rows are matched by segment ID. A changed English cell (its text or its
formatting: bold, italic, links, inline code ... read back from the DOCX runs or
the cell's inline Markdown) becomes a reviewed translation in the memory, with
its spans. A row whose French was altered makes the whole file refused (with its
rows named), since its English may no longer match the sentence it stands for.
A row that cannot be placed (its ID altered or unknown, duplicated, or a ``kept
as is`` row edited) makes the import fail: the other rows' corrections are
stored, the file is not marked imported, so the next run still will not
overwrite it. A file none of whose IDs belongs to an article of this memory is
refused in one message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from translate_pipeline.document import Inline, InlineKind
from translate_pipeline.errors import ReviewImportError
from translate_pipeline.memory import SegmentRecord, TranslationMemory
from translate_pipeline.render_docx import (
    docx_was_edited,
    external_links,
    read_record,
    row_fingerprint,
    table_rows,
)
from translate_pipeline.render_markdown import (
    KEPT_AS_IS,
    cell_fingerprint,
    markdown_was_edited,
    parse_cell,
    split_record,
    unescape_cell,
)

_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")


@dataclass(frozen=True)
class ReviewedRow:
    """One row of a reviewed bilingual file.

    Attributes:
        segment_id: The row's segment ID as found ("" when the row shows none).
        french: The French cell's plain text.
        english: The English cell's plain text.
        where: Where the row is, for messages ("table row 5", "line 12").
        english_inlines: The English cell's formatting, offsets into ``english``.
        fingerprint: A hash of the English cell (text and formatting) as read.
    """

    segment_id: str
    french: str
    english: str
    where: str
    english_inlines: tuple[Inline, ...] = ()
    fingerprint: str = ""


@dataclass(frozen=True)
class ReviewedFile:
    """A reviewed bilingual file as read.

    Attributes:
        rows: The segment rows, in order.
        written: Each segment ID's English fingerprint as the tool wrote it (empty
            for a file written before fingerprints were recorded).
        unplaceable: Rows that stand for no segment, each named with the problem
            (a ``kept as is`` row whose text was changed, a row without an ID).
    """

    rows: tuple[ReviewedRow, ...]
    written: dict[str, str] = field(default_factory=dict)
    unplaceable: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """What importing one file did."""

    path: Path
    changed: int
    unchanged: int
    unknown: tuple[str, ...]
    empty: int


def output_was_edited(path: Path) -> bool | None:
    """Whether a bilingual output differs from what ``translate run`` wrote into it.

    Each bilingual file records what the tool wrote (a digest in a DOCX custom
    property, in a comment at the end of the Markdown), so this works without the
    translation memory.

    Returns:
        ``None`` when ``path`` is not a bilingual file of ours or holds no record
        (an older output, the English article); else whether it was changed.
    """
    if not path.is_file():
        return None
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_was_edited(path)
    if suffix == ".md":
        return markdown_was_edited(path)
    return None


def read_reviewed_file(path: Path) -> tuple[ReviewedRow, ...]:
    """Read the segment rows of a bilingual ``.docx`` or ``.md`` file written by ``translate run``.

    Raises:
        ReviewImportError: The file is missing, unreadable, or not a bilingual file.
    """
    return read_reviewed(path).rows


def read_reviewed(path: Path) -> ReviewedFile:
    """Read a bilingual ``.docx`` or ``.md`` file written by ``translate run``.

    Raises:
        ReviewImportError: The file is missing, unreadable, or not a bilingual file.
    """
    if not path.is_file():
        raise ReviewImportError(
            f"{path}: no such file. Give a .bilingual.docx or .bilingual.md file"
        )
    suffix = path.suffix.lower()
    if suffix == ".docx":
        found = _docx_file(path)
    elif suffix == ".md":
        found = _markdown_file(path)
    else:
        raise ReviewImportError(
            f"{path}: unsupported file type {suffix or '(none)'!r}. Give a .bilingual.docx or "
            ".bilingual.md file"
        )
    if not found.rows and not found.unplaceable:
        raise ReviewImportError(
            f"{path}: no bilingual table found. Give a file written by 'translate run'"
        )
    return found


def _docx_file(path: Path) -> ReviewedFile:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, XMLSyntaxError, KeyError, ValueError):
        raise ReviewImportError(
            f"{path}: not a readable DOCX file. Save it again as .docx"
        ) from None
    if not document.tables:
        return ReviewedFile(())
    record = read_record(document) or {}
    rows, unplaceable = [], []
    for row in table_rows(document.tables[0]._tbl, external_links(document.part)):
        where = f"table row {row.number}"
        if row.cells != 3:
            raise ReviewImportError(
                f"{path}: {where} has {row.cells} cells, expected 3 "
                "(ID, Français, English). Do not add or merge columns"
            )
        if row.kept_as_is:
            if row.french != row.english:
                unplaceable.append(_verbatim_changed(path, where))
            continue
        rows.append(
            ReviewedRow(
                segment_id=row.id_text,
                french=row.french[0],
                english=row.english[0],
                where=where,
                english_inlines=row.english[1],
                fingerprint=row_fingerprint(row),
            )
        )
    return ReviewedFile(tuple(rows), dict(record.get("rows", {})), tuple(unplaceable))


def _verbatim_changed(path: Path, where: str) -> str:
    return (
        f"{path}: {where} (kept as is): changed, but blocks kept as is are not translated; "
        "make the change in the source article and restore this row"
    )


def _markdown_file(path: Path) -> ReviewedFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ReviewImportError(f"{path}: not UTF-8. Save it as UTF-8") from None
    _, record = split_record(text)
    rows, unplaceable = [], []
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("|"):
            in_table = False
            continue
        if not in_table:
            # The header row and its separator open the table.
            in_table = stripped.replace(" ", "").startswith("|---")
            continue
        where = f"line {number}"
        cells = _split_row(stripped)
        if len(cells) != 3:
            raise ReviewImportError(
                f"{path}: {where} is not a row of three cells (ID | Français | English). "
                "Escape a | inside a cell as \\|"
            )
        id_cell = cells[0].strip()
        if id_cell.startswith(KEPT_AS_IS):
            if " ".join(cells[1].split()) != " ".join(cells[2].split()):
                unplaceable.append(_verbatim_changed(path, where))
            continue
        if id_cell.count("`") < 2:
            unplaceable.append(f"{path}: {where}: no segment ID (it must stay as `doc:p1:s1`)")
            continue
        if record is None:
            # Written before cells held inline Markdown: only pipes and backslashes
            # were escaped, and a heading row was set in bold.
            french, english, spans = _legacy(cells[1]), _legacy(cells[2]), ()
        else:
            french, _ = parse_cell(cells[1])
            english, spans = parse_cell(cells[2])
        rows.append(
            ReviewedRow(
                segment_id=id_cell.split("`")[1].strip(),
                french=french,
                english=english,
                where=where,
                english_inlines=spans,
                fingerprint=cell_fingerprint(cells[2]),
            )
        )
    written = dict(record.get("rows", {})) if record else {}
    return ReviewedFile(tuple(rows), written, tuple(unplaceable))


def _legacy(cell: str) -> str:
    text = " ".join(unescape_cell(cell).split())
    if len(text) > 4 and text.startswith("**") and text.endswith("**"):
        text = text[2:-2].strip()
    return text


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


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _without_heading_bold(kind: str, spans: tuple[Inline, ...]) -> tuple[Inline, ...]:
    # A heading row is bold as a whole; that bold is the row's look, not the editor's.
    if kind != "heading":
        return spans
    return tuple(span for span in spans if span.kind is not InlineKind.BOLD)


def import_reviews(path: Path, memory: TranslationMemory) -> ImportReport:
    """Store the edited English cells of one reviewed file as reviewed translations.

    Raises:
        ReviewImportError: The file cannot be read; a row's French differs from the
            sentence its ID stands for (nothing of the file is stored then); no ID
            belongs to an article of this memory (another project's file); or some
            rows could not be placed (the others' corrections are stored, and the
            file stays protected from being overwritten).
    """
    found = read_reviewed(path)
    rows = found.rows
    known = memory.segments(row.segment_id for row in rows)
    if rows and not known:
        documents = {row.segment_id.partition(":")[0] for row in rows}
        if not memory.known_documents(documents):
            raise ReviewImportError(
                f"{path}: none of its {len(rows)} segment IDs belongs to an article translated "
                f"with this translation memory ({memory.path}): it comes from another project "
                "or was written with another --memory. Nothing was imported; give that "
                "memory with --memory"
            )
    altered: list[str] = []
    unplaceable: list[str] = list(found.unplaceable)
    changed: list[tuple[ReviewedRow, SegmentRecord, str, tuple[Inline, ...]]] = []
    seen: dict[str, str] = {}
    unchanged = empty = 0
    reviewed_spans = memory.reviewed_spans.lookup(
        (record.source, _collapse(row.english))
        for row in rows
        if (record := known.get(row.segment_id)) is not None
    )
    for row in rows:
        record = known.get(row.segment_id)
        if record is None:
            unplaceable.append(
                f"{path}: {row.where}: unknown segment ID {row.segment_id or '(empty)'!r} "
                "(was it changed? IDs must stay as written)"
            )
            continue
        if row.segment_id in seen:
            unplaceable.append(
                f"{path}: {row.where}: segment ID {row.segment_id} appears twice "
                f"(also at {seen[row.segment_id]})"
            )
            continue
        seen[row.segment_id] = row.where
        if _collapse(row.french) != _collapse(record.source):
            altered.append(f"{path}: {row.where} ({row.segment_id}): the French was changed")
            continue
        english = _collapse(row.english)
        spans = _without_heading_bold(record.kind, row.english_inlines)
        if not english:
            empty += 1
        elif english != _collapse(record.target):
            changed.append((row, record, english, spans))
        elif row.segment_id in found.written and row.fingerprint != found.written[row.segment_id]:
            # Same words, other formatting: changed, unless imported already.
            if reviewed_spans.get(record.source) == spans:
                unchanged += 1
            else:
                changed.append((row, record, english, spans))
        else:
            unchanged += 1
    if altered:
        raise ReviewImportError(
            "\n".join(altered)
            + "\nNothing from this file was imported: restore the French cells (edit only the "
            "English), then import again"
        )
    memory.store_reviewed([(record.source, english) for _, record, english, _ in changed])
    memory.reviewed_spans.store(
        [(record.source, english, spans) for _, record, english, spans in changed]
    )
    memory.record_segments(
        SegmentRecord(record.segment_id, record.source, english, record.kind)
        for _, record, english, _ in changed
    )
    if unplaceable:
        raise ReviewImportError(
            "\n".join(unplaceable)
            + f"\n{len(unplaceable)} row(s) could not be placed and nothing was taken from them; "
            f"the {len(changed)} correction(s) of the other rows were imported. The file stays "
            "protected (translate run will not overwrite it): restore those rows as they were "
            "written, then import it again"
        )
    # The file's corrections are in the memory now: the next run may replace it
    # (its digest no longer matches anything, so it is rewritten, not refused).
    memory.record_output(path, digest="imported")
    return ImportReport(
        path=path,
        changed=len(changed),
        unchanged=unchanged,
        unknown=(),
        empty=empty,
    )
