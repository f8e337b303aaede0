"""The glossary file: protected terms and fixed translations, read, checked and edited.

``glossary/terms.csv`` is UTF-8 with a header ``source,target,case_sensitive,note``
and an optional ``forms`` column. An empty target means the term is protected
(kept exactly as written); otherwise the target is the term's fixed English
translation, produced in the form that matches the French: plural, feminine,
capitalised (see :mod:`translate_pipeline.inflection` for how forms are made
and why). ``forms`` lists forms the rules miss or get wrong, separated by ``|``,
each ``french`` or ``french=english``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from translate_pipeline.errors import GlossaryError, GlossaryProblem
from translate_pipeline.inflection import (
    FORM_RULES_VERSION,
    TermForm,
    english_plural,
    french_plural,
    is_acronym,
    looks_like_adjective,
    parse_forms_cell,
    term_forms,
)
from translate_pipeline.output_files import write_atomic

DEFAULT_GLOSSARY = Path("glossary/terms.csv")
COLUMNS = ("source", "target", "case_sensitive", "note")
OPTIONAL_COLUMNS = ("forms",)
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
        forms: Forms an editor listed, as ``(french, english)`` pairs ("" English:
            the target).
    """

    source: str
    target: str
    case_sensitive: bool = True
    note: str = ""
    row: int = 0
    forms: tuple[tuple[str, str], ...] = ()

    @property
    def protected(self) -> bool:
        """Whether the term is kept verbatim rather than given a fixed translation."""
        return self.target == self.source

    def inflections(self) -> tuple[TermForm, ...]:
        """Every French form of the term with its English, the source first."""
        return term_forms(self.source, self.target, self.protected, self.forms)


@dataclass(frozen=True)
class Glossary:
    """The loaded glossary: its terms and a version that changes when they do."""

    path: Path | None
    terms: tuple[Term, ...]

    @property
    def version(self) -> str:
        """A short digest of the terms, used in summaries and memory keys."""
        digest = hashlib.sha256()
        if any(not term.protected for term in self.terms):
            # What a fixed translation matches depends on the form rules: machine
            # translations made under other rules are not reused from the memory.
            digest.update(f"forms-rules {FORM_RULES_VERSION}\n".encode())
        for term in sorted(self.terms, key=lambda t: (t.source, t.target)):
            line = f"{term.source}\t{term.target}\t{term.case_sensitive}"
            if term.forms:
                # Only rows with forms change their line, so older versions stand.
                line += "\t" + _forms_cell(term.forms)
            digest.update(f"{line}\n".encode())
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
    if header[:2] != ["source", "target"] or any(
        h not in COLUMNS + OPTIONAL_COLUMNS for h in header
    ):
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
            forms=parse_forms_cell(record.get("forms", "")),
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
    # The forms column is written only when a row uses it, so files without
    # forms keep the four columns editors know.
    with_forms = any(term.forms for term in terms)
    writer.writerow(COLUMNS + OPTIONAL_COLUMNS if with_forms else COLUMNS)
    for term in terms:
        row = [
            term.source,
            "" if term.protected else term.target,
            "yes" if term.case_sensitive else "no",
            term.note,
        ]
        if with_forms:
            row.append(_forms_cell(term.forms))
        writer.writerow(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buffer.getvalue().encode("utf-8"))


def _forms_cell(forms: tuple[tuple[str, str], ...]) -> str:
    return "|".join(f"{french}={english}" if english else french for french, english in forms)


def form_warnings(
    terms: tuple[Term, ...], analyse: Callable[[list[str]], dict[str, set[str]]] | None = None
) -> tuple[GlossaryProblem, ...]:
    """Warnings on the forms of ``terms``: where a form is ambiguous or doubtful.

    * A form of one term that is also a form of another with a different
      English: the text cannot say which is meant (a term's own source always
      wins over another term's generated form, but two generated or listed
      forms tie).
    * A French form that is the same in singular and plural ("prix") while the
      English differs: it is always given the singular English.
    * With ``analyse`` (the French analyser, see
      :func:`translate_pipeline.inflection.analyse_french`): a generated form
      the analyser knows the base word of but reads as another word, or does
      not know at all ("œils" for "œil").

    Args:
        terms: The glossary's terms.
        analyse: Maps words to their lemmas (unknown words: an empty set).

    Returns:
        One problem per warning, with the row of the term it is about.
    """
    warnings: list[GlossaryProblem] = []
    sources = {term.source.casefold(): term for term in terms}
    owners: dict[str, tuple[Term, TermForm]] = {}
    for term in terms:
        for form in term.inflections():
            key = form.french.casefold()
            other = sources.get(key)
            if other is not None and other is not term and not form.explicit:
                continue  # that term's own row wins; said once below
            earlier = owners.get(key)
            if earlier is None:
                owners[key] = (term, form)
                continue
            first, first_form = earlier
            if first is not term and first_form.english != form.english:
                warnings.append(
                    GlossaryProblem(
                        term.row,
                        f"ambiguous form {form.french!r}: a form of {term.source!r} "
                        f"({form.english!r}) and of {first.source!r} on row {first.row} "
                        f"({first_form.english!r}); list it in one row's forms only",
                    )
                )
    for term in terms:
        generated = {form.french for form in term.inflections() if not form.explicit}
        for source, other in sources.items():
            if other is not term and source in {f.casefold() for f in generated} - {
                term.source.casefold()
            }:
                warnings.append(
                    GlossaryProblem(
                        term.row,
                        f"the form {other.source!r} of {term.source!r} is also the term on "
                        f"row {other.row}; that row wins where it appears",
                    )
                )
        if _same_in_both_numbers(term):
            warnings.append(
                GlossaryProblem(
                    term.row,
                    f"{term.source!r} is the same in the singular and the plural; it is "
                    f"always given as {term.target!r}, never {english_plural(term.target)!r}",
                )
            )
    if analyse is not None:
        warnings.extend(_analyser_warnings(terms, analyse))
    return tuple(sorted(warnings, key=lambda problem: problem.row))


def _same_in_both_numbers(term: Term) -> bool:
    if term.protected or any(is_acronym(word) for word in term.source.split()):
        return False
    if looks_like_adjective(term.source, term.target):
        return False
    head = term.target.split()[-1] if term.target.split() else ""
    if head.endswith("s") or head[:1].isupper():
        return False  # already plural, or a name such as "Accords"
    if any(form.explicit and form.french == term.source for form in term.inflections()):
        return False  # the editor chose its English
    return french_plural(term.source) == term.source and english_plural(term.target) != term.target


def _analyser_warnings(
    terms: tuple[Term, ...], analyse: Callable[[list[str]], dict[str, set[str]]]
) -> list[GlossaryProblem]:
    pairs: list[tuple[Term, str, str]] = []
    for term in terms:
        if term.protected:
            continue
        base = term.source.split()
        for form in term.inflections():
            words = form.french.split()
            if form.explicit or len(words) != len(base):
                continue
            pairs.extend(
                (term, old, new) for old, new in zip(base, words, strict=True) if old != new
            )
    lemmas = analyse(sorted({w for _, old, new in pairs for w in (old, new)}))
    warnings = []
    for term, old, new in pairs:
        known, read = lemmas.get(old, set()), lemmas.get(new, set())
        if not known:
            continue  # the analyser does not know the word itself: nothing to compare
        if not read:
            message = f"the French analyser does not know {new!r} (generated from {old!r})"
        elif not known & read:
            message = (
                f"the French analyser reads {new!r} (generated from {old!r}) as a form "
                f"of {', '.join(sorted(read))}"
            )
        else:
            continue
        warnings.append(
            GlossaryProblem(term.row, message + "; list the right form in the forms column")
        )
    return warnings
