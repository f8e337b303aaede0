"""The glossary file: protected terms and fixed translations, read, checked and edited.

``glossary/terms.csv`` is UTF-8 with a header ``source,target,case_sensitive,note``.
An empty target means the term is protected (kept exactly as written); otherwise
the target is the term's fixed English translation.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from translate_pipeline.errors import GlossaryError, GlossaryProblem
from translate_pipeline.output_files import write_atomic

DEFAULT_GLOSSARY = Path("glossary/terms.csv")
COLUMNS = ("source", "target", "case_sensitive", "note")
TRUE_WORDS = {"yes", "y", "true", "1", ""}
FALSE_WORDS = {"no", "n", "false", "0"}


@dataclass(frozen=True)
class Term:
    """One glossary row.

    Attributes:
        source: The French term as it appears in articles.
        target: The English it must become (equal to ``source`` for a protected term).
        case_sensitive: Whether matching respects case.
        note: Free text for editors.
        row: The CSV row number (header is row 1), for messages.
    """

    source: str
    target: str
    case_sensitive: bool = True
    note: str = ""
    row: int = 0

    @property
    def protected(self) -> bool:
        """Whether the term is kept verbatim rather than given a fixed translation."""
        return self.target == self.source


@dataclass(frozen=True)
class Glossary:
    """The loaded glossary: its terms and a version that changes when they do."""

    path: Path | None
    terms: tuple[Term, ...]

    @property
    def version(self) -> str:
        """A short digest of the terms, used in summaries and memory keys."""
        digest = hashlib.sha256()
        for term in sorted(self.terms, key=lambda t: (t.source, t.target)):
            digest.update(f"{term.source}\t{term.target}\t{term.case_sensitive}\n".encode())
        return digest.hexdigest()[:12]


def empty_glossary() -> Glossary:
    """A glossary with no terms."""
    return Glossary(path=None, terms=())


def load_glossary(path: Path) -> Glossary:
    """Read and check a glossary file.

    Raises:
        GlossaryError: The file is missing or unreadable, or has broken rows; every
            problem is listed with its row.
    """
    terms, problems = _parse(path)
    if problems:
        raise GlossaryError(path, problems)
    return Glossary(path=path, terms=terms)


def check_glossary(path: Path) -> tuple[tuple[Term, ...], tuple[GlossaryProblem, ...]]:
    """Read a glossary file and return its terms and every problem found, without raising."""
    return _parse(path)


def _parse(path: Path) -> tuple[tuple[Term, ...], tuple[GlossaryProblem, ...]]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return (), (
            GlossaryProblem(0, "no such file; create it with the header " + ",".join(COLUMNS)),
        )
    except OSError as exc:
        return (), (GlossaryProblem(0, f"cannot read the file ({exc.strerror or exc})"),)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return (), (GlossaryProblem(line, "not UTF-8; save the file as UTF-8"),)

    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    # The line each row starts on: a quoted cell may span lines, so rows and
    # lines differ, and messages must name the line an editor sees.
    starts: list[int] = []
    ends: list[int] = []
    try:
        for row in reader:
            starts.append(ends[-1] + 1 if ends else 1)
            ends.append(reader.line_num)
            rows.append(row)
    except csv.Error as exc:
        return (), (GlossaryProblem(reader.line_num, f"not a readable CSV row ({exc})"),)
    if not rows:
        return (), (
            GlossaryProblem(0, "the file is empty; its first line must be " + ",".join(COLUMNS)),
        )
    header = [cell.strip().lower() for cell in rows[0]]
    if header[:2] != ["source", "target"] or any(h not in COLUMNS for h in header):
        return (), (
            GlossaryProblem(
                1, f"the header must be {','.join(COLUMNS)} (found {','.join(rows[0])})"
            ),
        )

    terms: list[Term] = []
    problems: list[GlossaryProblem] = []
    seen: dict[tuple[str, bool], Term] = {}
    for number, end, cells in zip(starts[1:], ends[1:], rows[1:], strict=True):
        if not any(cell.strip() for cell in cells):
            continue
        spanning = next((cell for cell in cells if "\n" in cell or "\r" in cell), None)
        if spanning is not None:
            problems.append(
                GlossaryProblem(
                    number,
                    (
                        f"a double quote opens a cell here that runs on to line {end}, "
                        "swallowing the rows between"
                        if end > number
                        else "a double quote opens a cell here that is never closed"
                    )
                    + "; remove the stray quote, or close it (a quote inside a quoted cell "
                    'is written "")',
                )
            )
            continue
        if len(cells) > len(header):
            problems.append(
                GlossaryProblem(
                    number,
                    f"{len(cells)} cells, expected at most {len(header)}; "
                    "quote a cell that contains a comma",
                )
            )
            continue
        record = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        source = record.get("source", "")
        if not source:
            problems.append(GlossaryProblem(number, "the source cell is empty"))
            continue
        case_word = record.get("case_sensitive", "").lower()
        if case_word not in TRUE_WORDS | FALSE_WORDS:
            problems.append(
                GlossaryProblem(number, f"case_sensitive must be yes or no, not {case_word!r}")
            )
            continue
        term = Term(
            source=source,
            target=record.get("target", "") or source,
            case_sensitive=case_word in TRUE_WORDS,
            note=record.get("note", ""),
            row=number,
        )
        key = (source if term.case_sensitive else source.casefold(), term.case_sensitive)
        earlier = seen.get(key)
        if earlier is not None:
            if earlier.target == term.target:
                problems.append(
                    GlossaryProblem(number, f"duplicate of row {earlier.row} ({source!r})")
                )
            else:
                problems.append(
                    GlossaryProblem(
                        number,
                        f"conflicts with row {earlier.row}: {source!r} -> {term.target!r} "
                        f"here, {earlier.target!r} there",
                    )
                )
            continue
        seen[key] = term
        terms.append(term)
    return tuple(terms), tuple(problems)


def add_term(
    path: Path, source: str, target: str = "", case_sensitive: bool = True, note: str = ""
) -> Term:
    """Append a row to the glossary file (created with its header if missing).

    Raises:
        GlossaryError: The file is broken, or already has a row for ``source``.
    """
    source = source.strip()
    terms = load_glossary(path).terms if path.exists() else ()
    if not source:
        raise GlossaryError(path, (GlossaryProblem(0, "the source term is empty"),))
    for term in terms:
        same = (
            term.source == source if case_sensitive else term.source.casefold() == source.casefold()
        )
        if same:
            raise GlossaryError(
                path, (GlossaryProblem(term.row, f"{source!r} is already in the glossary"),)
            )
    new = Term(source, target.strip() or source, case_sensitive, note.strip(), len(terms) + 2)
    _write(path, (*terms, new))
    return new


def remove_term(path: Path, source: str) -> Term:
    """Remove the row whose source is ``source``.

    Raises:
        GlossaryError: The file is broken, or has no such row.
    """
    terms = load_glossary(path).terms
    kept = tuple(term for term in terms if term.source != source)
    if len(kept) == len(terms):
        raise GlossaryError(path, (GlossaryProblem(0, f"no row has the source {source!r}"),))
    _write(path, kept)
    return next(term for term in terms if term.source == source)


def _write(path: Path, terms: tuple[Term, ...]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for term in terms:
        writer.writerow(
            (
                term.source,
                "" if term.protected else term.target,
                "yes" if term.case_sensitive else "no",
                term.note,
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buffer.getvalue().encode("utf-8"))
