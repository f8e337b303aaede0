"""French numbers: which ones are quantities, their English form, and their value.

A digit sequence is converted only when it is unambiguously a French quantity:
a decimal comma ("3,5"), groups of three digits after a leading group of one to
three ("1 200", "3 101,2"), a percent sign, a scale word ("2,5 millions") or a
currency. Everything else keeps its digits exactly as written: postal codes
("75008"), phone numbers ("0 800 06 66 66", "+33 1 ..."), SIRET and SIREN
numbers, IBAN, ISBN, years, ranges ("2023-2024"), scores ("2-1"), versions
("3.5.1", "v2") and any grouping that is not French thousands.

The same scanners give QA the value of every number on both sides, so that
equivalent forms ("600 millions d'euros" and "€600 million") compare equal while
a lost digit or a regrouped code ("75008" -> "75,008") does not.

The rules are data (the tables below); the functions only apply them.

Currencies keep the form the French used: a word stays a word after the number
("600 millions d'euros" -> "600 million euros", "3 millions de livres" -> "3
million pounds"), a sign stays a sign, written first as English does ("1 200 €"
-> "€1,200", "600 M€" -> "€600 million"). QA accepts either form for either
("€600 million" keeps "600 millions d'euros": same value).
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

# --- Rules as data -----------------------------------------------------------

#: Characters that separate French thousands: space, no-break space, narrow
#: no-break space, thin space (FLORES writes "11\u2009000").
GROUP_SEPARATORS = " \u00a0\u202f\u2009"

#: French scale words: their English word and their multiplier.
SCALES: dict[str, tuple[str, int]] = {
    "mille": ("thousand", 10**3),
    "million": ("million", 10**6),
    "millions": ("million", 10**6),
    "milliard": ("billion", 10**9),
    "milliards": ("billion", 10**9),
    "billion": ("trillion", 10**12),
    "billions": ("trillion", 10**12),
}

#: Currencies after "de"/"d'" (following a scale word): a symbol written before
#: the number, and/or a word written after it.
CURRENCY_WORDS: dict[str, tuple[str, str]] = {
    "euros": ("", "euros"),
    "dollars": ("", "dollars"),
    "livres": ("", "pounds"),
    "francs": ("", "francs"),
    "yens": ("", "yen"),
    "yuans": ("", "yuan"),
}

#: Currency signs written after a French number, and the scale they carry.
CURRENCY_SIGNS: dict[str, tuple[str, str]] = {
    "€": ("€", ""),
    "$": ("$", ""),
    "£": ("£", ""),
    "M€": ("€", "million"),
    "Md€": ("€", "billion"),
    "Mds€": ("€", "billion"),
    "Mrd€": ("€", "billion"),
    "Mrds€": ("€", "billion"),
}

#: Words after "millions de" that do not start a noun: "2 millions de plus"
#: keeps its "de" for the engine.
NOT_A_NOUN_AFTER_DE = ("plus", "moins", "ici")

#: A number right after one of these is an identifier, never a quantity
#: ("SIREN 552 100 554", "tél. 01 23 45 67 89", "n° 12 345").
IDENTIFIER_LABELS = (
    "SIREN",
    "SIRET",
    "RCS",
    "TVA",
    "IBAN",
    "BIC",
    "ISBN",
    "ISSN",
    "EAN",
    "n°",
    "no",
    "nº",
    "numéro",
    "tél",
    "tel",
    "téléphone",
    "fax",
    "BP",
    "CS",
    "code postal",
)

#: English scale words and abbreviations with their multipliers (for QA).
ENGLISH_SCALES: dict[str, int] = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "k": 10**3,
    "m": 10**6,
    "bn": 10**9,
}

# --- Patterns built from the data --------------------------------------------

_S = f"[{GROUP_SEPARATORS}]"
_NOT_BEFORE = r"(?<![\w.,+\-–/:])"
_NOT_AFTER = r"(?![\w]|[.,\-–/:]\d)"

_FRENCH_CANDIDATE = re.compile(
    rf"{_NOT_BEFORE}(?P<sign>\+)?(?P<digits>\d+(?:{_S}\d+)*)(?:,(?P<frac>\d+))?{_NOT_AFTER}"
)


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_FRENCH_SUFFIX = re.compile(
    rf"(?P<pct>{_S}?%)"
    rf"|{_S}?(?P<sign>{_alternatives(CURRENCY_SIGNS)})(?!\w)"
    rf"|{_S}(?P<scale>{_alternatives(SCALES)})(?!\w)"
    rf"(?:{_S}?(?P<sign2>{_alternatives(CURRENCY_SIGNS)})(?!\w)"
    rf"|(?P<de>{_S}(?:de{_S}|d['’]))(?P<unit>\w+))?"
)
_IDENTIFIER_BEFORE = re.compile(
    rf"(?<![\w])(?:{_alternatives(IDENTIFIER_LABELS)})\.?{_S}*:?{_S}*$", re.IGNORECASE
)
_FRENCH_TIME = re.compile(
    rf"(?<![\w.,:])(?P<hour>[01]?\d|2[0-3]){_S}?h(?:{_S}?(?P<minute>[0-5]\d))?(?!\w)"
)
_ENGLISH_TIME = re.compile(
    r"(?<![\w.,:])(?P<hour>[01]?\d|2[0-3])(?::(?P<minute>[0-5]\d)(?:\s?(?P<half>[ap])\.?m\.?)?"
    r"|(?:[.:](?P<minute2>[0-5]\d))?\s?(?P<half2>[ap])\.?m\.?)(?!\w)",
    re.IGNORECASE,
)
_ENGLISH_NUMBER = re.compile(
    rf"{_NOT_BEFORE}(?P<sym>[€$£])?(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:{_S}\d+)*)"
    rf"(?:\.(?P<frac>\d+))?"
    rf"(?:(?P<abbr>k|m|bn)(?!\w)|{_NOT_AFTER}"
    rf"(?:{_S}?%|{_S}(?P<scale>thousand|million|billion|trillion)(?!\w))?)",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_DOTTED = re.compile(rf"{_NOT_BEFORE}\d+(?:\.\d+)+{_NOT_AFTER}")
_DIGIT_AHEAD = re.compile(rf"{_S}*\d")
_DIGITS_BEFORE = re.compile(r"\d[^\S\n]+$")
_DIGITS_AFTER = re.compile(r"[^\S\n]+\d")


class NumberKind(StrEnum):
    """How a number is compared: by value, by its exact digits, or by its grouping."""

    QUANTITY = "quantity"
    PLAIN = "plain"
    CODE = "code"
    TIME = "time"


@dataclass(frozen=True)
class NumberItem:
    """One number found in a text.

    Attributes:
        kind: How it compares (see :class:`NumberKind`).
        start: Offset in the text.
        end: End offset in the text.
        source: The text itself.
        english: The English form (equal to ``source`` when nothing is converted).
        value: Its value with any scale applied (quantities and plain integers).
        digits: The digit string of a plain integer.
        groups: The digit groups of a space-separated sequence.
        minutes: Minutes after midnight (times), or after midnight/noon for "3 pm".
    """

    kind: NumberKind
    start: int
    end: int
    source: str
    english: str
    value: Decimal | None = None
    digits: str = ""
    groups: tuple[str, ...] = ()
    minutes: int | None = None

    @property
    def converted(self) -> bool:
        """Whether its English form differs from the French."""
        return self.english != self.source


def french_numbers(text: str) -> list[NumberItem]:
    """Every number in French ``text``, in order, with its English form.

    Digits no rule recognises (inside "3.5.1", "2023-2024", "v2") come back as
    plain items, so that none goes unchecked.
    """
    items = _french_times(text)
    taken = _Intervals.of(items)
    for match in _DOTTED.finditer(text):
        # "3.5.1", "figure 1.1": a version or a section, never converted; the
        # English must show the same string.
        if not taken.overlaps(match.start(), match.end()):
            taken.add(match.start(), match.end())
            source = match.group(0)
            groups = tuple(source.split("."))
            items.append(
                NumberItem(
                    NumberKind.CODE, match.start(), match.end(), source, source, groups=groups
                )
            )
    for match in _FRENCH_CANDIDATE.finditer(text):
        if not taken.overlaps(match.start(), match.end()):
            items.append(_french_item(text, match))
            taken.add(items[-1].start, items[-1].end)
    items.extend(_leftover_digits(text, taken))
    return sorted(items, key=lambda item: item.start)


def _french_times(text: str) -> list[NumberItem]:
    return [
        NumberItem(
            NumberKind.TIME,
            match.start(),
            match.end(),
            match.group(0),
            match.group(0),
            minutes=int(match.group("hour")) * 60 + int(match.group("minute") or 0),
        )
        for match in _FRENCH_TIME.finditer(text)
    ]


def _french_item(text: str, match: re.Match[str]) -> NumberItem:
    digits, frac = match.group("digits"), match.group("frac")
    groups = tuple(re.split(_S, digits))
    start, end = match.start(), match.end()
    source = match.group(0)
    identifier = _IDENTIFIER_BEFORE.search(text, max(0, start - 40), start) is not None
    # Digits across some other space ("22\u2007500 $"): one number or two? Neither
    # is certain, so nothing is converted (moving the "$" would give "22 $500").
    glued = _DIGITS_BEFORE.search(text, max(0, start - 8), start) or _DIGITS_AFTER.match(text, end)
    if (
        match.group("sign")
        or identifier
        or glued
        or (len(groups) > 1 and not _french_thousands(groups))
    ):
        return NumberItem(NumberKind.CODE, start, end, source, source, groups=groups)
    integer = "".join(groups)
    number = f"{int(integer):,}" if len(groups) > 1 else integer
    if frac:
        number += "." + frac
    value = Decimal(integer + ("." + frac if frac else ""))
    quantity = len(groups) > 1 or frac is not None
    english = number
    suffix = _FRENCH_SUFFIX.match(text, end)
    if suffix and suffix.group("sign") and _DIGIT_AHEAD.match(text, suffix.end()):
        suffix = None  # "5 € 100 fois": moving the sign would make "€5 100"
    if suffix:
        end = suffix.end()
        if _de_before_a_non_noun(suffix):
            end = suffix.start("de")  # "2 millions de plus": "de plus" is the engine's
        elif suffix.group("de") and not _is_currency(suffix):
            # "2 millions de barils": "de" goes with the number ("2 million"), the
            # noun stays for the engine, so no stray "of" comes out.
            end = suffix.end("de") - (suffix.group("de")[-1] in GROUP_SEPARATORS)
        english, value = _with_suffix(number, value, suffix)
        quantity = True
    if not quantity:
        return NumberItem(NumberKind.PLAIN, start, end, source, source, value=value, digits=integer)
    return NumberItem(NumberKind.QUANTITY, start, end, text[start:end], english, value=value)


def _french_thousands(groups: tuple[str, ...]) -> bool:
    """A leading group of 1-3 digits (not starting with 0), then groups of exactly 3."""
    head, *rest = groups
    return 1 <= len(head) <= 3 and not head.startswith("0") and all(len(g) == 3 for g in rest)


def _is_currency(suffix: re.Match[str]) -> bool:
    return (suffix.group("unit") or "").casefold() in CURRENCY_WORDS


def _de_before_a_non_noun(suffix: re.Match[str]) -> bool:
    unit = suffix.group("unit")
    return unit is not None and unit.casefold() in NOT_A_NOUN_AFTER_DE


def _with_suffix(number: str, value: Decimal, suffix: re.Match[str]) -> tuple[str, Decimal]:
    """The English of ``number`` followed by a percent, a scale or a currency."""
    if suffix.group("pct"):
        return number + "%", value
    sign = suffix.group("sign") or suffix.group("sign2")
    symbol, scale_word = CURRENCY_SIGNS[sign] if sign else ("", "")
    words = []
    if suffix.group("scale"):
        scale_word, multiplier = SCALES[suffix.group("scale").casefold()]
        value *= multiplier
    elif scale_word:
        value *= ENGLISH_SCALES[scale_word]
    if scale_word:
        words.append(scale_word)
    if _is_currency(suffix):
        symbol, word = CURRENCY_WORDS[suffix.group("unit").casefold()]
        if word:
            words.append(word)
    return symbol + " ".join([number, *words]), value


def english_numbers(text: str) -> list[NumberItem]:
    """Every number in English ``text``, in order, with its value (for QA).

    Times in the French form ("14 h 30", left for the typography stage) count too.
    """
    items = _french_times(text)
    taken = _Intervals.of(items)
    for match in _ENGLISH_TIME.finditer(text):
        if taken.overlaps(match.start(), match.end()):
            continue
        taken.add(match.start(), match.end())
        hour = int(match.group("hour"))
        minute = int(match.group("minute") or match.group("minute2") or 0)
        half = (match.group("half") or match.group("half2") or "").casefold()
        if half == "p" and hour < 12:
            hour += 12
        elif half == "a" and hour == 12:
            hour = 0
        items.append(
            NumberItem(
                NumberKind.TIME,
                match.start(),
                match.end(),
                match.group(0),
                match.group(0),
                minutes=hour * 60 + minute,
            )
        )
    for match in _ENGLISH_NUMBER.finditer(text):
        number = None if taken.overlaps(match.start(), match.end()) else _english_item(match)
        if number is not None:
            items.append(number)
            taken.add(number.start, number.end)
    items.extend(_leftover_digits(text, taken))
    return sorted(items, key=lambda item: item.start)


def _english_item(match: re.Match[str]) -> NumberItem | None:
    """The number ``match`` found, or None for digit groups that are no single number."""
    num, frac = match.group("num"), match.group("frac")
    groups = tuple(re.split(_S, num))
    start, end, source = match.start(), match.end(), match.group(0)
    if len(groups) > 1 and not _french_thousands(groups):
        return None  # "0 800 06 66 66": each group is checked on its own
    integer = "".join(groups).replace(",", "")
    value = Decimal(integer + ("." + frac if frac else ""))
    # "€600m" is 600 million, but "600m" alone may be metres.
    scale = match.group("scale") or (match.group("sym") and match.group("abbr"))
    if scale:
        value *= ENGLISH_SCALES[scale.casefold()]
    plain = len(groups) == 1 and "," not in num and not frac and not scale
    return NumberItem(
        NumberKind.PLAIN if plain else NumberKind.QUANTITY,
        start,
        end,
        source,
        source,
        value=value,
        digits=integer if plain else "",
    )


def _leftover_digits(text: str, taken: _Intervals) -> list[NumberItem]:
    return [
        NumberItem(
            NumberKind.PLAIN,
            m.start(),
            m.end(),
            m.group(0),
            m.group(0),
            value=Decimal(m.group(0)),
            digits=m.group(0),
        )
        for m in _DIGITS.finditer(text)
        if not taken.overlaps(m.start(), m.end())
    ]


class _Intervals:
    """Disjoint ``(start, end)`` spans, with an overlap test in O(log n)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    @classmethod
    def of(cls, items: Iterable[NumberItem]) -> _Intervals:
        """The spans of ``items`` (which must not overlap)."""
        intervals = cls()
        for item in items:
            intervals.add(item.start, item.end)
        return intervals

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span already added."""
        index = bisect.bisect_right(self._starts, start)
        before = index > 0 and self._ends[index - 1] > start
        after = index < len(self._starts) and self._starts[index] < end
        return before or after

    def add(self, start: int, end: int) -> None:
        """Add a span that overlaps none of the others."""
        index = bisect.bisect_right(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)

    def spans(self) -> list[tuple[int, int]]:
        """The spans, in order."""
        return list(zip(self._starts, self._ends, strict=True))


def unmatched(french: str, english: str) -> list[NumberItem]:
    """The numbers of ``french`` that ``english`` does not keep.

    A French quantity is kept by any English number of the same value ("1 200"
    by "1,200" or "1200", "600 millions d'euros" by "€600 million"); a plain
    integer only by the same digits ("75008", never "75,008"); a code only by
    the same groups of digits ("0 800 06 66 66", never "0800 06 66 66"); a time
    by the same time ("14 h 30" by "14:30" or "2:30 pm", or by its digits).
    Each English number keeps at most one French number.
    """
    # A "code" of one run of digits ("1" before "2023-2024": not converted, since
    # which number it belongs to is unsure) is kept by the same digits, as a plain
    # number is; matched as a code it could take the "1" of an English "1 million".
    wanted = [
        replace(item, kind=NumberKind.PLAIN, digits=item.source)
        if item.kind is NumberKind.CODE and item.source.isdigit()
        else item
        for item in french_numbers(french)
    ]
    missing, english = _take_codes([i for i in wanted if i.kind is NumberKind.CODE], english)
    offers = _Offers(english_numbers(english))
    # The strictest first, so that a value match never takes the digits a
    # plain number needs.
    order = {NumberKind.TIME: 0, NumberKind.PLAIN: 1, NumberKind.QUANTITY: 2}
    for item in sorted((i for i in wanted if i.kind in order), key=lambda i: order[i.kind]):
        if offers.take(_wants(item)):
            continue
        if item.kind is NumberKind.TIME and all(
            # "pendant 5 h" -> "for 5 hours": the digits alone are enough.
            offers.take(("plain", digits))
            for digits in _DIGITS.findall(item.source)
        ):
            continue
        missing.append(item)
    return sorted(missing, key=lambda i: i.start)


def _take_codes(codes: list[NumberItem], english: str) -> tuple[list[NumberItem], str]:
    """Find each code in ``english``; return the codes not found and ``english``
    with the found ones blanked, so that no other number can use their digits."""
    missing: list[NumberItem] = []
    taken = _Intervals()
    by_source: dict[str, list[NumberItem]] = {}
    for code in codes:
        by_source.setdefault(code.source, []).append(code)
    # Where each digit run starts in the English: a code is only tried there.
    runs: dict[str, list[int]] = {}
    for run in _DIGITS.finditer(english):
        runs.setdefault(run.group(0), []).append(run.start())
    for source in sorted(by_source, key=len, reverse=True):
        found = _code_matches(source, english, runs, taken)
        for code in by_source[source]:
            place = next(found, None)
            if place is None:
                missing.append(code)
            else:
                taken.add(*place)
    pieces, cursor = [], 0
    for start, end in taken.spans():
        pieces += [english[cursor:start], "#" * (end - start)]
        cursor = end
    return missing, "".join([*pieces, english[cursor:]])


def _code_matches(
    source: str, english: str, runs: dict[str, list[int]], taken: _Intervals
) -> Iterator[tuple[int, int]]:
    """Each place ``english`` shows the code ``source``, in order, outside ``taken``."""
    first = _DIGITS.search(source)
    if first is None:
        return
    for position in runs.get(first.group(0), []):
        start = position - first.start()
        end = start + len(source)
        if start >= 0 and _same_code(source, english, start) and not taken.overlaps(start, end):
            yield start, end


def _same_code(source: str, english: str, start: int) -> bool:
    """Whether ``english`` shows ``source`` at ``start``: the same digits in the
    same groups (any kind of space between them), and no digit glued on."""
    end = start + len(source)
    if end > len(english):
        return False
    for char, other in zip(source, english[start:end], strict=True):
        if char != other and not (char in GROUP_SEPARATORS and other in GROUP_SEPARATORS):
            return False
    if start > 0 and (english[start - 1].isdigit() or english[start - 1] in ",."):
        return False
    after = english[end : end + 2]
    return not (after[:1].isdigit() or (after[:1] in (",", ".") and after[1:].isdigit()))


class _Offers:
    """English numbers by what they can keep, each usable once."""

    def __init__(self, items: list[NumberItem]) -> None:
        self._used = [False] * len(items)
        self._by_key: dict[tuple[str, object], deque[int]] = {}
        for index, item in enumerate(items):
            for key in _offers(item):
                self._by_key.setdefault(key, deque()).append(index)

    def take(self, key: tuple[str, object]) -> bool:
        """Use the first unused English number offering ``key``; False if none."""
        queue = self._by_key.get(key)
        while queue:
            index = queue.popleft()
            if not self._used[index]:
                self._used[index] = True
                return True
        return False


def _offers(item: NumberItem) -> list[tuple[str, object]]:
    if item.kind is NumberKind.TIME:
        return [("time", item.minutes)]
    keys: list[tuple[str, object]] = []
    if item.kind is NumberKind.PLAIN:
        keys.append(("plain", item.digits))
    if item.value is not None:
        keys.append(("value", item.value))  # equal Decimals hash equal: 2.5E+6 == 2500000
    return keys


def _wants(item: NumberItem) -> tuple[str, object]:
    if item.kind is NumberKind.TIME:
        return ("time", item.minutes)
    if item.kind is NumberKind.PLAIN:
        return ("plain", item.digits)
    return ("value", item.value)
