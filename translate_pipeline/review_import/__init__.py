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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from translate_pipeline.bilingual_docx import (
    docx_comments,
    docx_was_edited,
    external_links,
    read_record,
    row_fingerprint,
    shown_text_hash,
    table_rows,
)
from translate_pipeline.document import Inline, InlineKind
from translate_pipeline.errors import ReviewImportError
from translate_pipeline.memory import (
    CONFLICT,
    GONE,
    SegmentRecord,
    SetAsideEdit,
    TranslationMemory,
    normalise_source,
)
from translate_pipeline.render_markdown import (
    KEPT_AS_IS,
    cell_fingerprint,
    markdown_was_edited,
    parse_cell,
    split_record,
    unescape_cell,
)
from translate_pipeline.review_import.english_article import (
    import_english_article,
    is_english_article,
)

_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")
_SEGMENT_ID = re.compile(r"^\S+:p\d+:s\d+$")


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
        note: The reviewer's comments anchored in the row, joined ("" when none).
    """

    segment_id: str
    french: str
    english: str
    where: str
    english_inlines: tuple[Inline, ...] = ()
    fingerprint: str = ""
    note: str = ""


@dataclass(frozen=True)
class ReviewedFile:
    """A reviewed bilingual file as read.

    Attributes:
        rows: The segment rows, in order.
        written: Each segment ID's English fingerprint as the tool wrote it (empty
            for a file written before fingerprints were recorded).
        unplaceable: Rows that stand for no segment, each named with the problem
            (a ``kept as is`` row whose text was changed, a row without an ID).
        shows_formatting: Whether the file showed formatting when it was written
            (a file of an older version did not: its cells' spans say nothing).
        shown: Each segment ID's French and English text hashes as written (empty
            for a file written before they were recorded).
    """

    rows: tuple[ReviewedRow, ...]
    written: dict[str, str] = field(default_factory=dict)
    unplaceable: tuple[str, ...] = ()
    shows_formatting: bool = True
    shown: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportReport:
    """What importing one file did.

    Attributes:
        path: The file.
        changed: Corrections stored as reviewed.
        unchanged: Rows left as they were (or already imported).
        unknown: Always empty now (rows are placed by their French); kept for callers.
        empty: Rows whose English cell was emptied (skipped).
        moved: Rows placed at another ID than theirs (the article changed).
        set_aside: Edits kept aside: their French is no longer in the article, or a
            newer review of their sentence exists (a conflict).
        gone_unchanged: Rows not edited whose French is no longer in the article.
        notes: Reviewers' comments stored as notes of their rows' sentences.
        not_found: Paragraphs of the article an edited English article no longer
            has where they were expected (named; nothing is taken from them).
    """

    path: Path
    changed: int
    unchanged: int
    unknown: tuple[str, ...]
    empty: int
    moved: int = 0
    set_aside: tuple[SetAsideEdit, ...] = ()
    gone_unchanged: int = 0
    notes: int = 0
    not_found: tuple[str, ...] = ()


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
    if not found.shown and not any(_SEGMENT_ID.match(row.segment_id) for row in found.rows):
        raise ReviewImportError(
            f"{path}: not a bilingual file written by 'translate run' (no row has a segment "
            "ID such as doc:p1:s1, and the file holds no record of ours). Nothing was imported; "
            "give the .bilingual.docx or .bilingual.md file"
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
    comments = docx_comments(document.part)
    for row in table_rows(document.tables[0]._tbl, external_links(document.part), comments):
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
                note=" / ".join(row.comments),
            )
        )
    return ReviewedFile(
        tuple(rows),
        dict(record.get("rows", {})),
        tuple(unplaceable),
        bool(record),
        dict(record.get("shown", {})),
    )


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
    shown = dict(record.get("shown", {})) if record else {}
    return ReviewedFile(tuple(rows), written, tuple(unplaceable), record is not None, shown)


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


def _gone_message(path: Path, row: ReviewedRow) -> str:
    return f"{path}: {row.where} ({row.segment_id or 'no ID'}): no longer in the article"


@dataclass
class _Plan:
    """What an import will do with each row, decided before anything is stored."""

    altered: list[str] = field(default_factory=list)
    unplaceable: list[str] = field(default_factory=list)
    changed: list[tuple[ReviewedRow, SegmentRecord, str, tuple[Inline, ...]]] = field(
        default_factory=list
    )
    set_aside: list[SetAsideEdit] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    gone_reviews: list[tuple[str, str]] = field(default_factory=list)
    gone_unchanged: int = 0
    moved: int = 0
    unchanged: int = 0
    empty: int = 0


def _current_article(
    path: Path, rows: Sequence[ReviewedRow], memory: TranslationMemory
) -> tuple[dict[str, SegmentRecord], dict[tuple[str, str], SegmentRecord]]:
    """The segments of the file's articles as last written, by ID and by French."""
    documents = {row.segment_id.partition(":")[0] for row in rows if row.segment_id}
    current = memory.document_segments(sorted(documents))
    if rows and not current:
        raise ReviewImportError(
            f"{path}: none of its {len(rows)} segment IDs belongs to an article translated "
            f"with this translation memory ({memory.path}): it comes from another project "
            "or was written with another --memory. Nothing was imported; give that "
            "memory with --memory"
        )
    by_id = {record.segment_id: record for record in current}
    by_french: dict[tuple[str, str], SegmentRecord] = {}
    for record in sorted(current, key=lambda r: _id_order(r.segment_id)):
        french = normalise_source(record.source)
        by_french.setdefault((record.segment_id.partition(":")[0], french), record)
        # A row whose ID lost its article part still belongs to the file's articles.
        by_french.setdefault(("", french), record)
    return by_id, by_french


def _id_order(segment_id: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", segment_id.partition(":")[2]))


def import_reviews(path: Path, memory: TranslationMemory) -> ImportReport:
    """Store the edited English cells of one reviewed file as reviewed translations.

    A row is placed by its French, the ID as a hint: at its ID when that segment
    still shows the same French, else wherever the article now holds that French
    (the article gained or lost paragraphs since the file was written). A row
    whose French the article no longer holds is reported, and its edit kept
    aside in the memory (:attr:`TranslationMemory.set_aside`); an edit known to
    be the editor's is also stored as the reviewed English of that French (it
    reaches no output, unless the sentence comes back, or as a near match). An edit of a
    sentence reviewed again since this file was written (an older copy) is a
    conflict: the newer review is kept, this edit kept aside and reported.

    Raises:
        ReviewImportError: The file cannot be read; a row's French differs from
            what the file showed when written (nothing of the file is stored then);
            no ID belongs to an article of this memory (another project's file); or
            some rows could not be placed (the others' corrections are stored, and
            the file stays protected from being overwritten).
    """
    if is_english_article(path):
        english = import_english_article(path, memory)
        return ImportReport(
            path=path,
            changed=len(english.changed),
            unchanged=english.unchanged,
            unknown=(),
            empty=0,
            set_aside=english.set_aside,
            not_found=english.missing,
        )
    found = read_reviewed(path)
    by_id, by_french = _current_article(path, found.rows, memory)
    plan = _plan(path, found, by_id, by_french, memory)
    if plan.altered:
        raise ReviewImportError(
            "\n".join(plan.altered)
            + "\nNothing from this file was imported: restore the French cells (edit only the "
            "English), then import again"
        )
    changed = plan.changed
    memory.store_reviewed(
        [(record.source, english) for _, record, english, _ in changed] + plan.gone_reviews
    )
    if found.shows_formatting:
        # (From an older file, no spans are stored: the French's are projected instead.)
        memory.reviewed_spans.store(
            [(record.source, english, spans) for _, record, english, spans in changed]
        )
    memory.record_segments(
        SegmentRecord(record.segment_id, record.source, english, record.kind)
        for _, record, english, _ in changed
    )
    memory.set_aside.store(plan.set_aside)
    memory.notes.store(plan.notes)
    if plan.unplaceable:
        raise ReviewImportError(
            "\n".join(plan.unplaceable)
            + f"\n{len(plan.unplaceable)} row(s) could not be placed and nothing was taken from "
            f"them; the {len(changed)} correction(s) of the other rows were imported. The file "
            "stays protected (translate run will not overwrite it): restore those rows as they "
            "were written, then import it again"
        )
    # The file's corrections are in the memory (or kept aside) now: the next run may
    # replace it (its digest no longer matches anything, so it is rewritten, not refused).
    memory.record_output(path, digest="imported")
    return ImportReport(
        path=path,
        changed=len(changed),
        unchanged=plan.unchanged,
        unknown=(),
        empty=plan.empty,
        moved=plan.moved,
        set_aside=tuple(plan.set_aside),
        gone_unchanged=plan.gone_unchanged,
        notes=len(plan.notes),
    )


def _plan(
    path: Path,
    found: ReviewedFile,
    by_id: dict[str, SegmentRecord],
    by_french: dict[tuple[str, str], SegmentRecord],
    memory: TranslationMemory,
) -> _Plan:
    plan = _Plan(unplaceable=list(found.unplaceable))
    seen: dict[str, str] = {}
    placed: list[tuple[ReviewedRow, SegmentRecord]] = []
    for row in found.rows:
        if row.segment_id and row.segment_id in seen:
            plan.unplaceable.append(
                f"{path}: {row.where}: segment ID {row.segment_id} appears twice "
                f"(also at {seen[row.segment_id]})"
            )
            continue
        seen[row.segment_id] = row.where
        shown = found.shown.get(row.segment_id)
        if shown is not None and shown_text_hash(row.french) != shown[0]:
            plan.altered.append(f"{path}: {row.where} ({row.segment_id}): the French was changed")
            continue
        key = normalise_source(row.french)
        record = by_id.get(row.segment_id)
        if record is None or normalise_source(record.source) != key:
            record = by_french.get((row.segment_id.partition(":")[0], key)) or by_french.get(
                ("", key)
            )
            if record is not None:
                plan.moved += 1
        if record is None:
            english = _collapse(row.english)
            if (english and _edited(row, found, shown)) or row.note:
                plan.set_aside.append(
                    SetAsideEdit(
                        str(path),
                        row.where,
                        row.segment_id,
                        row.french,
                        english,
                        GONE,
                        note=row.note,
                    )
                )
                if english and shown is not None and _edited(row, found, shown):
                    # Still the review of that French: a near match may offer it.
                    plan.gone_reviews.append((row.french, english))
            else:
                plan.gone_unchanged += 1
            continue
        placed.append((row, record))
    reviewed = memory.reviewed_targets(record.source for _, record in placed)
    reviewed_spans = memory.reviewed_spans.lookup(
        (record.source, _collapse(row.english)) for row, record in placed
    )
    for row, record in placed:
        if row.note:
            plan.notes.append((record.source, row.note))
        english = _collapse(row.english)
        spans = _without_heading_bold(record.kind, row.english_inlines)
        shown = found.shown.get(row.segment_id)
        newer = reviewed.get(normalise_source(record.source))
        if not english:
            plan.empty += 1
        elif shown is not None and not _edited(row, found, shown):
            # Left as the file showed it: a newer review (from another copy) stays.
            plan.unchanged += 1
        elif (
            shown is not None
            and newer is not None
            and shown_text_hash(newer) != shown[1]
            and _collapse(newer) != english
        ):
            plan.set_aside.append(
                SetAsideEdit(str(path), row.where, row.segment_id, record.source, english, CONFLICT)
            )
        elif english != _collapse(newer if newer is not None else record.target):
            plan.changed.append((row, record, english, spans))
        elif row.segment_id in found.written and row.fingerprint != found.written[row.segment_id]:
            # Same words, other formatting: changed, unless imported already.
            if reviewed_spans.get(record.source) == spans:
                plan.unchanged += 1
            else:
                plan.changed.append((row, record, english, spans))
        else:
            plan.unchanged += 1
    return plan


def _edited(row: ReviewedRow, found: ReviewedFile, shown: Sequence[str] | None) -> bool:
    """Whether the editor changed a row's English (text or formatting) in this file."""
    if shown is None:
        # A file written before rows recorded what they showed: assume so.
        return True
    written = found.written.get(row.segment_id)
    return shown_text_hash(row.english) != shown[1] or (
        written is not None and row.fingerprint != written
    )
