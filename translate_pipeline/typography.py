"""English typography, dates and times, in the English variant asked for.

Two steps around the engine:

1. :func:`mask_dates_times` finds French dates and times in the (already
   protected) French and puts an opaque token in their place, with the English
   they must become: Apertium leaves ``janv.`` unknown, reads ``sept.`` as
   "seven." and ``14 h 30`` as "14 h 30", and turns the ``à`` before a time
   into "to". :func:`restore_dates_times` puts the English back.
2. :func:`english_typography` fixes what French typography leaves in the
   English: guillemets become English quotes, the spaces French puts before
   ``: ; ? !`` and inside guillemets (ordinary, no-break or narrow no-break) go,
   and dates the engine wrote itself follow the variant.

The variants (``--english``), as documented in the README:

========  ======================  ===============  =====================
variant   dates                   times            quotes
========  ======================  ===============  =====================
en-GB     12 Jan 2024, 3 March    14:30, 11:00     “double”, ‘nested’
en-US     January 12, 2024        2:30 pm, 11 am   “double”, ‘nested’
========  ======================  ===============  =====================

Both use double curly quotes: British news style (BBC, Reuters, the Economist)
uses double quotes as much as American style, and one choice keeps reviewed
rows consistent when the variant changes. An abbreviated French month stays
abbreviated in en-GB (``Jan``, without a full stop) and is written out in en-US.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class EnglishVariant(StrEnum):
    """The English the output is written in (``--english``)."""

    GB = "en-GB"
    US = "en-US"


DEFAULT_VARIANT = EnglishVariant.GB

_MONTHS = (
    ("January", "Jan", r"janvier|janv\.?"),
    ("February", "Feb", r"février|févr\.?|fév\."),
    ("March", "Mar", r"mars"),
    ("April", "Apr", r"avril|avr\.?"),
    ("May", "May", r"mai"),
    ("June", "Jun", r"juin"),
    ("July", "Jul", r"juillet|juil\.?"),
    ("August", "Aug", r"août"),
    ("September", "Sept", r"septembre|sept\.?"),
    ("October", "Oct", r"octobre|oct\.?"),
    ("November", "Nov", r"novembre|nov\.?"),
    ("December", "Dec", r"décembre|déc\.?"),
)
_WEEKDAYS = {
    "lundi": "Monday",
    "mardi": "Tuesday",
    "mercredi": "Wednesday",
    "jeudi": "Thursday",
    "vendredi": "Friday",
    "samedi": "Saturday",
    "dimanche": "Sunday",
}
_MONTH = "|".join(f"(?P<m{n}>{pattern})" for n, (_, _, pattern) in enumerate(_MONTHS))
# Words after which "le 3 mars" is just "3 March" ("depuis le 3 mars": "since 3 March").
_NO_ON_AFTER = r"depuis|avant|après|pour|dès|jusqu['’]au|jusqu['’]à|que|est|était|sera|fut"
_SPACE = r"[ \u00a0\u202f]"
_DATE = re.compile(
    rf"(?P<lead>(?P<before>\b\w+['’]?{_SPACE}+)?(?P<le>\b(?:[Ll]e|[Dd]u)){_SPACE}+)?"
    rf"(?:(?P<weekday>{'|'.join(_WEEKDAYS)}){_SPACE}+)?"
    rf"(?:(?P<day>1er|[12]\d|3[01]|0?[1-9]){_SPACE}+)?"
    rf"(?:{_MONTH})(?![\w])"
    rf"(?:{_SPACE}+(?P<year>(?:1[5-9]|20)\d\d)(?!\d))?",
    re.IGNORECASE,
)
# Words after which "11 h" is a time of day rather than a duration.
_TIME_BEFORE = r"(?:jusqu['’]à|dès|avant|après|entre|et|depuis)[ \u00a0\u202f]+$"
_TIME_TOKEN = (
    rf"(?<![\d,.])(?P<{{p}}h>[01]?\d|2[0-4]){_SPACE}?h(?:{_SPACE}?(?P<{{p}}m>[0-5]\d))?(?!\w)"
)
_TIME = re.compile(
    rf"(?:(?P<range>\b[Dd]e){_SPACE}+{_TIME_TOKEN.format(p='a')}{_SPACE}+à{_SPACE}+"
    rf"{_TIME_TOKEN.format(p='b')})"
    rf"|(?:(?<!['’])(?P<prep>\b(?:à|vers|À|A|Vers)){_SPACE}+)?{_TIME_TOKEN.format(p='c')}"
)


def without_ligatures(french: str) -> str:
    """``french`` with ``œ`` spelt ``oe``, as Apertium's French dictionary spells it.

    Measured: Apertium knows "coeur", "oeil", "oeuvres", "soeur", but leaves
    "cœur", "œil", "œuvres", "sœur" untranslated.
    """
    return re.sub("Œ(?=[A-Z])", "OE", french).replace("Œ", "Oe").replace("œ", "oe")


def with_ligatures(english: str, french: str) -> str:
    """Put ``œ`` back in words the engine copied from ``french`` (an unknown "Oedipe")."""
    for word in set(re.findall(r"\w*[œŒ]\w*", french)):
        spelt = without_ligatures(word)
        english = re.sub(rf"(?<!\w){re.escape(spelt)}(?!\w)", word, english)
    return english


@dataclass(frozen=True)
class DateTimeMask:
    """French text with its dates and times replaced by tokens.

    Attributes:
        text: What the engine receives.
        english: The English each token stands for, in token order.
    """

    text: str
    english: tuple[str, ...]


def date_token(index: int) -> str:
    """The opaque token standing for date or time ``index`` (distinct from protect's)."""
    return f"ZQXT{index}QZ"


def mask_dates_times(text: str, variant: EnglishVariant = DEFAULT_VARIANT) -> DateTimeMask:
    """Replace French dates and times in ``text`` with tokens, and say what each becomes.

    A time needs minutes (``14 h 30``, ``9h15``) or a preposition before it
    (``à 11 h``, ``vers 10 h``): ``50 h`` alone is a duration and left alone.
    """
    found: list[tuple[int, int, str]] = []
    for match in _DATE.finditer(text):
        english = _english_date(match, variant)
        if english is not None:
            start = match.start("le") if match.group("le") else match.start()
            found.append((start, match.end(), english))
    for match in _TIME.finditer(text):
        if any(start < match.end() and match.start() < end for start, end, _ in found):
            continue
        english = _english_time(match, variant, text[: match.start()])
        if english is not None:
            found.append((match.start(), match.end(), english))
    found.sort()
    pieces, english_parts, cursor = [], [], 0
    for index, (start, end, english) in enumerate(found):
        pieces += [text[cursor:start], date_token(index)]
        english_parts.append(english)
        cursor = end
    pieces.append(text[cursor:])
    return DateTimeMask("".join(pieces), tuple(english_parts))


def restore_dates_times(english: str, masked: DateTimeMask) -> str:
    """Put each date and time back into the engine's ``english``.

    A token the engine spaced out or re-cased is still found; a sentence-initial
    "on" is capitalised. A token the engine dropped cannot be restored, and the
    number check of QA then flags the row.
    """
    for index, value in enumerate(masked.english):
        pattern = re.compile(rf"Z\s*Q\s*X\s*T\s*{index}\s*Q\s*Z", re.IGNORECASE)
        found = pattern.search(english)
        if not found:
            continue
        before = english[: found.start()]
        if value[:1].islower() and (not before.strip() or before.rstrip()[-1] in '.!?«“"('):
            value = value[0].upper() + value[1:]
        english = before + value + english[found.end() :]
    return english


def _month_index(match: re.Match[str]) -> str:
    return next(str(n) for n in range(len(_MONTHS)) if match.group(f"m{n}"))


def _english_date(match: re.Match[str], variant: EnglishVariant) -> str | None:
    number = int(_month_index(match))
    full, short, _ = _MONTHS[number]
    month_text = match.group(f"m{number}")
    day, year, weekday = match.group("day"), match.group("year"), match.group("weekday")
    if not day and not year:
        return None  # "mars" alone: a month or a planet, the engine decides
    abbreviated = month_text.endswith(".") or month_text.lower() in ("janv", "févr", "sept")
    if not day:
        month = short if abbreviated and variant is EnglishVariant.GB else full
        return f"{month} {year}"
    day_number = "1" if day.lower() == "1er" else str(int(day))
    if variant is EnglishVariant.US:
        date = f"{full} {day_number}" + (f", {year}" if year else "")
        if weekday:
            date = f"{_WEEKDAYS[weekday.lower()]}, {date}"
    else:
        date = f"{day_number} {short if abbreviated else full}" + (f" {year}" if year else "")
        if weekday:
            date = f"{_WEEKDAYS[weekday.lower()]} {date}"
    if not match.group("le"):
        return date
    if match.group("le").lower() == "du":
        return f"of {date}"  # "la fusillade du 21 mars": "the shooting of 21 March"
    before = (match.group("before") or "").strip().lower()
    if re.fullmatch(_NO_ON_AFTER, before):
        return date
    return f"on {date}"


def _english_time(match: re.Match[str], variant: EnglishVariant, before: str) -> str | None:
    if match.group("range"):
        first = _clock(match.group("ah"), match.group("am"), variant)
        second = _clock(match.group("bh"), match.group("bm"), variant)
        return f"from {first} to {second}"
    hours, minutes, prep = match.group("ch"), match.group("cm"), match.group("prep")
    if minutes is None and prep is None and not re.search(_TIME_BEFORE, before, re.I):
        return None
    clock = _clock(hours, minutes, variant)
    if prep is None:
        return clock
    return ("at " if prep.lower() in ("à", "a") else "around ") + clock


def _clock(hours: str, minutes: str | None, variant: EnglishVariant) -> str:
    hour, minute = int(hours), minutes or "00"
    if variant is EnglishVariant.GB:
        return f"{hour}:{minute}"
    suffix = "am" if hour % 24 < 12 else "pm"
    twelve = hour % 12 or 12
    return f"{twelve} {suffix}" if minutes is None else f"{twelve}:{minute} {suffix}"


_SPACES = "[ \u00a0\u202f\t]"
_ENGLISH_DATE = re.compile(
    r"\b(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)? (?P<month>January|February|March|April|"
    r"May|June|July|August|September|October|November|December)(?: (?P<year>\d{4})(?!\d))?"
)


def english_typography(english: str, variant: EnglishVariant = DEFAULT_VARIANT) -> str:
    """``english`` with French typography made English, in ``variant``.

    Guillemets become double quotes (``‹ ›`` single ones), spaces before
    ``: ; ? !`` and inside quotes go, no-break spaces become plain ones, runs of
    spaces collapse, and a date the engine wrote (``on 3 March``) follows the variant.
    """
    text = re.sub(rf"«{_SPACES}*", "“", english)
    text = re.sub(rf"{_SPACES}*»", "”", text)
    text = re.sub(rf"‹{_SPACES}*", "‘", text)
    text = re.sub(rf"{_SPACES}*›", "’", text)
    text = re.sub(rf"{_SPACES}+(?=[:;?!])", "", text)
    text = re.sub("[\u00a0\u202f]", " ", text)
    text = re.sub(r" {2,}", " ", text)
    if variant is EnglishVariant.US:
        text = _ENGLISH_DATE.sub(_us_date, text)
    else:
        text = _ENGLISH_DATE.sub(_gb_date, text)
    return text


def _us_date(match: re.Match[str]) -> str:
    year = match.group("year")
    return f"{match.group('month')} {int(match.group('day'))}" + (f", {year}" if year else "")


def _gb_date(match: re.Match[str]) -> str:
    # "1st December" is how Apertium writes a French "1er décembre"; British style drops it.
    year = match.group("year")
    return f"{int(match.group('day'))} {match.group('month')}" + (f" {year}" if year else "")


_FRENCH_LEFT = (
    ("guillemets", re.compile(r"[«»]")),
    ("space before punctuation", re.compile(r"\S[ \u00a0\u202f]+[:;?!](?!\S)")),
    ("French date", re.compile(rf"\b\d{{1,2}} (?:{_MONTH})(?!\w)", re.IGNORECASE)),
    ("French time", re.compile(r"\b(?:[01]?\d|2[0-3]) ?h ?[0-5]\d\b")),
)


def french_typography(english: str) -> tuple[str, ...]:
    """What French typography is left in ``english``, named for QA (empty when none)."""
    return tuple(name for name, pattern in _FRENCH_LEFT if pattern.search(english))
