"""Keeping glossary terms, URLs, e-mail addresses and numbers intact through an engine.

Pure functions, in three steps:

1. :func:`find_spans` lists what must come out a given way: each inline code
   range the reader found (byte-identical: ``mistral-large-2`` is never
   translated), each URL and e-mail address (byte-identical), each glossary term
   (its target), each French number expression whose English form differs
   ("3,5 %" -> "3.5%"; which numbers are quantities is decided in
   :mod:`translate_pipeline.numbers`).
2. :func:`mask` replaces them with opaque placeholders for engines that pass such
   tokens through (measured: Apertium keeps ``ZQX0QZ`` in place, but translates
   text inside square brackets), or leaves the text as it is for engines that do
   not (neural models mangle placeholders; they copy most names). Placeholders
   are unique against the text: a literal "ZQX0QZ" in the French makes them
   "ZQXX0QZ", and so on.
3. :func:`restore` puts the expected English back, repairs what is safe to repair
   (a mangled placeholder, a case or accent variant, an untranslated French term),
   and reports each span as kept, repaired or missing. A span is never reported
   kept unless its English is in the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from translate_pipeline.glossary import Term
from translate_pipeline.inflection import TermForm, capitalised
from translate_pipeline.numbers import french_numbers, unmatched


class SpanKind(StrEnum):
    """What a protected span is."""

    URL = "url"
    EMAIL = "email"
    TERM = "term"
    NUMBER = "number"
    # Inline code (a Markdown code span, a shortcode): kept byte-identical.
    CODE = "code"


class Outcome(StrEnum):
    """What became of a protected span in the English."""

    KEPT = "kept"
    REPAIRED = "repaired"
    MISSING = "missing"


@dataclass(frozen=True)
class ProtectedSpan:
    """A piece of a French segment that must come out a given way.

    Attributes:
        kind: Inline code, URL, e-mail, glossary term or number.
        start: Offset in the segment.
        end: End offset in the segment.
        source: The French text.
        expected: The exact English it must become.
        label: How reports name it (the glossary source, or the text itself).
    """

    kind: SpanKind
    start: int
    end: int
    source: str
    expected: str
    label: str


@dataclass(frozen=True)
class MaskedText:
    """A segment ready for an engine.

    Attributes:
        text: What the engine receives.
        spans: The protected spans of the original segment.
        placeholders: The placeholder standing for each span ("" where left as is).
    """

    text: str
    spans: tuple[ProtectedSpan, ...]
    placeholders: tuple[str, ...]


@dataclass(frozen=True)
class SpanResult:
    """The outcome of one protected span."""

    span: ProtectedSpan
    outcome: Outcome


@dataclass(frozen=True)
class Restored:
    """The English after restoring protected spans, and what happened to each."""

    text: str
    results: tuple[SpanResult, ...]


_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def without_links(text: str) -> str:
    """``text`` with every URL and e-mail address blanked out (for checks on the rest)."""
    return _EMAIL.sub(" ", _URL.sub(" ", text))


_TRAILING = ".,;:!?'\"»”’"


@dataclass(frozen=True)
class TermEntry:
    """One term's compiled pattern and its forms.

    Attributes:
        term: The glossary row.
        pattern: Matches any of its French forms (see :func:`term_pattern`).
        needle: A case-folded prefix every form starts with, so that the
            pattern only runs on text that could hold the term.
        forms: Its French forms, each with the English it must become.
    """

    term: Term
    pattern: re.Pattern[str]
    needle: str
    forms: tuple[TermForm, ...]

    def form_of(self, matched: str) -> TermForm:
        """The form ``matched`` (a match of :attr:`pattern`) is."""
        written = _straight(" ".join(matched.split()))
        candidates = (written, written[:1].lower() + written[1:])
        for form in self.forms:
            if _straight(form.french) in candidates:
                return form
        folded = written.casefold()
        return next(
            (f for f in self.forms if _straight(f.french).casefold() == folded), self.forms[0]
        )


def _straight(text: str) -> str:
    # Either apostrophe is the same letter to an editor ("main d'œuvre").
    return text.replace("’", "'")


@dataclass(frozen=True)
class TermMatcher:
    """A glossary's term patterns, compiled once for a whole run.

    Each term matches every form of it (:meth:`Term.inflections`: plural,
    feminine, forms listed in the glossary) and, at the start of a sentence,
    each form with a capital first letter. A generated form that is another
    row's source is left to that row ("accords" when "accords" has its own row).
    """

    entries: tuple[TermEntry, ...]

    @classmethod
    def build(cls, terms: Iterable[Term]) -> TermMatcher:
        """Compile the patterns of ``terms``."""
        terms = tuple(terms)
        sources = {term.source.casefold(): term for term in terms}
        entries = []
        for term in terms:
            forms = tuple(
                form
                for index, form in enumerate(term.inflections())
                if index == 0 or form.explicit or sources.get(form.french.casefold(), term) is term
            )
            needle = _common_prefix([form.french.casefold() for form in forms])
            # Up to the first space or apostrophe: the text may use another one.
            needle = re.split(r"[\s'’]", needle, maxsplit=1)[0]
            entries.append(TermEntry(term, term_pattern(term, forms), needle, forms))
        return cls(tuple(entries))

    def matches(self, text: str) -> list[tuple[int, int, Term, str]]:
        """Every match of every term in ``text`` (overlaps included), with its English.

        The English is that of the form found ("accords de confidentialité" ->
        "non-disclosure agreements"), with a capital first letter where the
        French form starts a sentence with one.
        """
        folded = text.casefold()
        found = []
        for entry in self.entries:
            if entry.needle not in folded:
                continue
            for m in entry.pattern.finditer(text):
                form = entry.form_of(m.group(0))
                english = form.english
                if m.group(0)[:1].isupper() and _starts_sentence(text, m.start()):
                    english = capitalised(english)
                elif entry.term.case_sensitive and m.group(0)[:1] != form.french[:1]:
                    # A capital that only the start of a sentence allows: "apple"
                    # is not "Apple" in the middle of one.
                    continue
                found.append((m.start(), m.end(), entry.term, english))
        return found


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


_OPENING = "\"'«“‘(*_[ \t\u00a0\u202f-–—"


def _starts_sentence(text: str, start: int) -> bool:
    # At the start of the text or after a sentence-final mark, past any
    # opening quotes, brackets or emphasis marks.
    before = text[:start].rstrip(_OPENING)
    return not before or before[-1] in ".!?…\n"


def find_spans(
    text: str,
    terms: TermMatcher | Iterable[Term],
    code: Iterable[tuple[int, int]] = (),
) -> tuple[ProtectedSpan, ...]:
    """Every protected span of ``text``, in order and never overlapping.

    Inline code comes first (``code``: the ranges the reader marked as code; a
    URL or a number inside code is part of the code); then URLs and e-mail
    addresses (a term inside a URL is left to the URL); then glossary terms,
    longest first; then number expressions outside all of them. Pass a
    :class:`TermMatcher` when calling this for many texts.

    Args:
        text: The French segment.
        terms: The glossary.
        code: ``(start, end)`` ranges of inline code in ``text``; overlapping or
            touching ranges are merged; empty ones, out-of-range ones and those
            holding only spaces are ignored (there is nothing to keep).
    """
    matcher = terms if isinstance(terms, TermMatcher) else TermMatcher.build(terms)
    taken: list[ProtectedSpan] = [
        ProtectedSpan(SpanKind.CODE, start, end, text[start:end], text[start:end], text[start:end])
        for start, end in merge_ranges(code, len(text))
        if text[start:end].strip()
    ]
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        if not _overlaps(match.start(), match.start() + len(url), taken):
            taken.append(
                ProtectedSpan(SpanKind.URL, match.start(), match.start() + len(url), url, url, url)
            )
    for match in _EMAIL.finditer(text):
        if not _overlaps(match.start(), match.end(), taken):
            taken.append(
                ProtectedSpan(
                    SpanKind.EMAIL,
                    match.start(),
                    match.end(),
                    match.group(0),
                    match.group(0),
                    match.group(0),
                )
            )
    for start, end, term, english in _longest_first(matcher.matches(text)):
        if not _overlaps(start, end, taken):
            taken.append(
                ProtectedSpan(SpanKind.TERM, start, end, text[start:end], english, term.source)
            )
    # Numbers come in order, as do the spans taken so far once sorted: one walk
    # over both finds the overlaps (a paragraph may hold thousands of numbers).
    others = sorted((span.start, span.end) for span in taken)
    index = 0
    for number in french_numbers(text):
        while index < len(others) and others[index][1] <= number.start:
            index += 1
        overlaps = index < len(others) and others[index][0] < number.end
        if number.converted and not overlaps:
            taken.append(
                ProtectedSpan(
                    SpanKind.NUMBER,
                    number.start,
                    number.end,
                    number.source,
                    number.english,
                    number.source,
                )
            )
    return tuple(sorted(taken, key=lambda span: span.start))


def merge_ranges(ranges: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """``ranges`` clipped to ``[0, length]``, sorted, with overlapping or touching ones merged.

    Two code spans side by side (```a``b``) become one protected span: nothing
    between them could be translated anyway.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in ranges):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _trim_url(url: str) -> str:
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def _overlaps(start: int, end: int, spans: list[ProtectedSpan]) -> bool:
    return any(start < span.end and span.start < end for span in spans)


def term_pattern(term: Term, forms: Iterable[TermForm] | None = None) -> re.Pattern[str]:
    """The regex of a term's forms: whole words only, elided articles allowed before.

    "NDA" never matches inside "demande"; "OpenAI" matches in "d'OpenAI";
    "accord de confidentialité" matches "accords de confidentialité" and, for a
    case-sensitive term, "Accords de confidentialité" (a capital first letter is
    allowed wherever the form has a lower-case one; :meth:`TermMatcher.matches`
    says whether it starts a sentence). ``forms`` defaults to the term's
    inflections; the longest form is tried first.
    """
    chosen = term.inflections() if forms is None else tuple(forms)
    spellings = sorted({form.french for form in chosen}, key=lambda f: (-len(f), f))
    bodies = [_form_body(spelling, capital=term.case_sensitive) for spelling in spellings]
    flags = 0 if term.case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w-])(?:{'|'.join(bodies)})(?![\w-])", flags)


def _form_body(spelling: str, capital: bool) -> str:
    body = r"\s+".join(re.escape(_straight(word)) for word in spelling.split())
    body = body.replace("'", "['’]")
    first = spelling[:1]
    if capital and first.islower() and len(first.upper()) == 1:
        body = f"[{re.escape(first)}{re.escape(first.upper())}]" + body[len(re.escape(first)) :]
    return body


def _longest_first(found: list[tuple[int, int, Term, str]]) -> list[tuple[int, int, Term, str]]:
    # Longest match first; among equals, the earliest.
    found.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    chosen: list[tuple[int, int, Term, str]] = []
    for item in found:
        start, end = item[0], item[1]
        if all(end <= s or e <= start for s, e, *_ in chosen):
            chosen.append(item)
    return sorted(chosen, key=lambda item: item[0])


PLACEHOLDER_PREFIX = "ZQX"
PLACEHOLDER_SUFFIX = "QZ"


def placeholder(index: int, prefix: str = PLACEHOLDER_PREFIX) -> str:
    """The opaque token standing for span ``index`` (letters an engine leaves alone)."""
    return f"{prefix}{index}{PLACEHOLDER_SUFFIX}"


def placeholder_prefix(text: str) -> str:
    """A placeholder prefix whose tokens cannot be confused with anything in ``text``.

    "ZQX", or "ZQXX", "ZQXXX", ... when ``text`` already holds something shaped
    like one of its tokens (measured: Apertium passes each of these through).
    The check is as loose as the repair in :func:`restore` (any case, spaces
    slipped in), so a literal "ZQX0QZ" in the French is never taken for ours.
    """
    prefix = PLACEHOLDER_PREFIX
    while _token_pattern(prefix + r"\d+" + PLACEHOLDER_SUFFIX, escape=False).search(text):
        prefix += "X"
    return prefix


def _token_pattern(token: str, escape: bool = True) -> re.Pattern[str]:
    # The token with spaces slipped in or its case changed: safe to repair,
    # since the text held nothing like it (see placeholder_prefix).
    letters = [re.escape(c) for c in token] if escape else _pattern_units(token)
    return re.compile(r"\s*".join(letters), re.IGNORECASE)


def _pattern_units(pattern: str) -> list[str]:
    # Split "ZQX\d+QZ" into "Z", "Q", "X", "\d+", "Q", "Z".
    return re.findall(r"\\d\+|.", pattern)


def mask(text: str, spans: tuple[ProtectedSpan, ...], use_placeholders: bool) -> MaskedText:
    """Prepare ``text`` for an engine: placeholders for ``spans``, or the text as is.

    Placeholders are unique against ``text`` (see :func:`placeholder_prefix`).
    A span ending in an elided "d'" ("2 millions d'habitants") gets a space
    after its placeholder, so the engine still sees the next word.
    """
    if not use_placeholders or not spans:
        return MaskedText(text=text, spans=spans, placeholders=("",) * len(spans))
    prefix = placeholder_prefix(text)
    pieces: list[str] = []
    tokens: list[str] = []
    cursor = 0
    for index, span in enumerate(spans):
        token = placeholder(index, prefix)
        pieces.append(text[cursor : span.start])
        pieces.append(token)
        if span.source.endswith(("'", "’")) and text[span.end : span.end + 1].isalnum():
            pieces.append(" ")
        tokens.append(token)
        cursor = span.end
    pieces.append(text[cursor:])
    return MaskedText(text="".join(pieces), spans=spans, placeholders=tuple(tokens))


def restore(english: str, masked: MaskedText) -> Restored:
    """Put each span's expected English into ``english`` and report what happened."""
    results: list[SpanResult] = []
    text = english
    # Placeholders first: they are unambiguous.
    pending: list[ProtectedSpan] = []
    for span, token in zip(masked.spans, masked.placeholders, strict=True):
        if not token:
            pending.append(span)
            continue
        if token in text:
            text = text.replace(token, span.expected, 1)
            results.append(SpanResult(span, Outcome.KEPT))
            continue
        variant = _token_pattern(token).search(text)
        if variant:
            text = text[: variant.start()] + span.expected + text[variant.end() :]
            results.append(SpanResult(span, Outcome.REPAIRED))
        else:
            results.append(SpanResult(span, Outcome.MISSING))
    # Spans left in the text: count what is there, repair safe variants.
    remaining_need: dict[str, int] = {}
    for span in pending:
        remaining_need[span.expected] = remaining_need.get(span.expected, 0) + 1
    present = {expected: _count(text, expected) for expected in remaining_need}
    for span in pending:
        if present[span.expected] > 0:
            present[span.expected] -= 1
            results.append(SpanResult(span, Outcome.KEPT))
            continue
        if span.kind is SpanKind.NUMBER and not unmatched(span.source, text):
            # Another English form of the same value ("600 million euros" for
            # "€600 million", "1200" for "1,200"): kept, and left as written.
            results.append(SpanResult(span, Outcome.KEPT))
            continue
        repaired = _repair(text, span)
        if repaired is not None:
            text = repaired
            results.append(SpanResult(span, Outcome.REPAIRED))
        else:
            results.append(SpanResult(span, Outcome.MISSING))
    order = {id(span): n for n, span in enumerate(masked.spans)}
    results.sort(key=lambda result: order[id(result.span)])
    return Restored(text=text, results=tuple(results))


def _count(text: str, expected: str) -> int:
    return len(re.findall(rf"(?<![\w-]){re.escape(expected)}(?![\w-])", text))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _repair(text: str, span: ProtectedSpan) -> str | None:
    """Replace one safe variant of ``span.expected`` in ``text``, or return None.

    Safe variants: the expected English with other case or accents ("Niko Félix",
    a lower-cased URL), the French source left untranslated, for numbers the
    French form ("3,5 %"), for inline code the code with spaces slipped in
    ("mistral-large -2"). Inline code whose characters were translated
    ("mistral-wide-2") has no safe variant: where it was is unknown.
    """
    candidates = [span.expected]
    if span.source != span.expected:
        candidates.append(span.source)
    for candidate in candidates:
        folded = _fold(candidate)
        if not folded.strip():
            continue
        # Compare on folded text; folding keeps one character per character for
        # the Latin scripts this tool handles, so offsets carry over.
        haystack = _fold(text)
        if len(haystack) != len(text):
            continue
        words = r"\s+".join(re.escape(word) for word in folded.split())
        for match in re.finditer(rf"(?<![\w-]){words}(?![\w-])", haystack):
            # An exact occurrence was already counted as kept for another span:
            # only a variant may be rewritten.
            if text[match.start() : match.end()] != span.expected:
                return text[: match.start()] + span.expected + text[match.end() :]
    if span.kind is SpanKind.NUMBER:
        loose = re.escape(span.source).replace(r"\ ", r"\s?").replace("\\\u00a0", r"\s?")
        match = re.search(loose, text)
        if match:
            return text[: match.start()] + span.expected + text[match.end() :]
    core = span.source.strip()
    if span.kind is SpanKind.CODE and len("".join(core.split())) >= _LOOSE_CODE_MIN:
        for match in _token_pattern("".join(core.split())).finditer(text):
            before, after = text[: match.start()], text[match.end() :]
            cut = (before[-1:].isalnum() and core[0].isalnum()) or (
                after[:1].isalnum() and core[-1].isalnum()
            )
            if not cut and match.group(0) != core:
                return before + core + after
    return None


# Shorter code ("a b", "x") with spaces slipped in could be ordinary words.
_LOOSE_CODE_MIN = 4
