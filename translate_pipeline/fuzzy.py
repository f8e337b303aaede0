"""Near matches: a new sentence close to one an editor reviewed, as CAT tools offer them.

The measure is rapidfuzz's ``fuzz.ratio`` (the normalised Indel similarity,
``100 * (1 - edits / (len(a) + len(b)))`` where an edit inserts or deletes one
character) on the two French sentences normalised by :func:`matching_key` (NFC,
case folded, every run of whitespace, no-break spaces included, made one space).
It is character-level on purpose: the near matches that matter in a newsroom are
one figure or one word corrected in a long sentence ("85 %" -> "86 %" scores 99
in a 100-character sentence), which a word-level measure would punish as a whole
token, and it is symmetric and order-sensitive, so a sentence with its clauses
swapped or one merely containing the other (which ``token_sort_ratio`` and
``partial_ratio`` would score high) is not offered as the same sentence.

The threshold, :data:`THRESHOLD` = 85, is where common CAT tools start to call a
match "high fuzzy" (Trados and memoQ show 75-84 as low fuzzy): about one changed
character in seven, so that a 40-character sentence may differ by a number or a
short word, not by its meaning. Below it the reviewed English is more work to
check than the machine English.

What a near match does to a row (see :func:`patch_numbers`): when the French
differs from the reviewed French only in numbers, and each such number appears
exactly once in the reviewed English (as written in the French or in its English
form), the numbers are patched and the row shows that English as a suggestion
(origin ``fuzzy:<score>``, flagged ``fuzzy-match``, never ``reviewed``). Otherwise
the row keeps the machine English (a reviewed English with a word the French no
longer says must not reach the English article) and the flag carries the
reviewed English beside it. Either way the flag names the score and the French
differences, and the machine translation is made and kept in the memory.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from translate_pipeline.document import FlagCode, QaFlag
from translate_pipeline.numbers import NumberItem, french_numbers

#: The lowest ``fuzz.ratio`` (0-100) of the normalised French that counts as a near match.
THRESHOLD = 85.0
#: What the origin of a row showing a patched near match starts with.
FUZZY_ORIGIN = "fuzzy"

_WORDS = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class NearMatch:
    """A reviewed sentence close to a new one, and what can be made of its English.

    Attributes:
        french: The new French sentence.
        reviewed_french: The reviewed French sentence it is close to.
        reviewed_english: That sentence's reviewed English.
        score: ``fuzz.ratio`` of the normalised French, rounded down (never 100
            for a sentence that differs, so that "100%" only ever means equal).
        differences: The French fragments that changed, ``(reviewed, new)``; an
            empty side is a deletion or an insertion.
        suggestion: The reviewed English with the changed numbers patched, when
            that was safe; ``None`` when it was not.
    """

    french: str
    reviewed_french: str
    reviewed_english: str
    score: int
    differences: tuple[tuple[str, str], ...]
    suggestion: str | None

    @property
    def origin(self) -> str:
        """The origin of a row showing the suggestion: ``fuzzy:<score>``."""
        return f"{FUZZY_ORIGIN}:{self.score}"

    def flag(self) -> QaFlag:
        """The ``fuzzy-match`` flag of the row: score, differences, and what was done."""
        detail = f"{self.score}% of a reviewed sentence; differences: {describe(self.differences)}"
        if self.suggestion is not None:
            return QaFlag(FlagCode.FUZZY_MATCH, detail + " (patched in its English; check it)")
        return QaFlag(
            FlagCode.FUZZY_MATCH,
            f"{detail}; its English, not used: {self.reviewed_english}",
        )


def fuzzy_score(origin: str) -> int | None:
    """The score of a row whose English is a near match's suggestion, else ``None``.

    Renderers mark such a row "≈ <score>% match" and shade it apart from reviewed
    and flagged rows.
    """
    kind, _, score = origin.partition(":")
    return int(score) if kind == FUZZY_ORIGIN and score.isdigit() else None


def matching_key(text: str) -> str:
    """The form two sentences are compared in: NFC, case folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def describe(differences: Sequence[tuple[str, str]]) -> str:
    """``85 % -> 86 %, Paris -> Lyon, ∅ -> encore``: the changes, for a flag."""
    return ", ".join(f"{old or '∅'} -> {new or '∅'}" for old, new in differences) or "case only"


def find_near_matches(
    texts: Iterable[str],
    reviewed: Sequence[tuple[str, str]],
    threshold: float = THRESHOLD,
) -> dict[str, NearMatch]:
    """The best reviewed near match of each text, where one reaches ``threshold``.

    Candidates are prefiltered by length: ``fuzz.ratio`` cannot exceed
    ``200 * min(a, b) / (a + b)``, so only reviewed sentences whose normalised
    length lies within ``[n * t / (200 - t), n * (200 - t) / t]`` are scored, and
    ``extractOne`` stops scoring a candidate as soon as it cannot reach the cutoff.

    Args:
        texts: New French sentences (those without a reviewed translation).
        reviewed: ``(French, English)`` of every reviewed entry.
        threshold: The lowest score kept.

    Returns:
        Near matches keyed by the text as given; texts without one are absent.
    """
    from rapidfuzz import fuzz, process

    pool = sorted(
        ((matching_key(french), french, english) for french, english in reviewed),
        key=lambda item: len(item[0]),
    )
    keys = [item[0] for item in pool]
    lengths = [len(key) for key in keys]
    found: dict[str, NearMatch] = {}
    for text in dict.fromkeys(texts):
        key = matching_key(text)
        size = len(key)
        if not size:
            continue
        low = math.floor(size * threshold / (200 - threshold))
        high = math.ceil(size * (200 - threshold) / threshold)
        first, last = bisect.bisect_left(lengths, low), bisect.bisect_right(lengths, high)
        if first >= last:
            continue
        best = process.extractOne(
            key, keys[first:last], scorer=fuzz.ratio, processor=None, score_cutoff=threshold
        )
        if best is None:
            continue
        _, score, index = best
        _, french, english = pool[first + index]
        if french == text:
            continue
        found[text] = near_match(text, french, english, score)
    return found


def near_match(french: str, reviewed_french: str, reviewed_english: str, score: float) -> NearMatch:
    """Describe the near match of ``french`` to a reviewed pair scored ``score``."""
    shown = math.floor(score)
    if shown >= 100 and french != reviewed_french:
        shown = 99
    differences, suggestion = patch_numbers(reviewed_french, french, reviewed_english)
    return NearMatch(french, reviewed_french, reviewed_english, shown, differences, suggestion)


def patch_numbers(
    reviewed_french: str, french: str, reviewed_english: str
) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The French differences, and the reviewed English patched where that is safe.

    Safe means: with every number masked, the two French sentences are the same
    (normalised), they have as many numbers, and every number that changed
    appears exactly once in the reviewed English, either as the French wrote it
    or in its English form ("85 %" or "85%"); it is replaced by the new number in
    the same form ("86 %" or "86%").

    Returns:
        ``(differences, patched English)``; the English is ``None`` when it could
        not be patched safely (a word changed, a number is missing from the
        English or appears in it twice). With no number changed it is ``None``
        too: nothing was patched, so nothing makes it right.
    """
    old_numbers, new_numbers = french_numbers(reviewed_french), french_numbers(french)
    same_frame = len(old_numbers) == len(new_numbers) and matching_key(
        _masked(reviewed_french, old_numbers)
    ) == matching_key(_masked(french, new_numbers))
    if not same_frame:
        return word_differences(reviewed_french, french), None
    changed = [
        (old, new)
        for old, new in zip(old_numbers, new_numbers, strict=True)
        if old.source != new.source
    ]
    differences = tuple((old.source, new.source) for old, new in changed)
    if not changed:
        return word_differences(reviewed_french, french), None
    replacements: list[tuple[int, int, str]] = []
    for old, new in changed:
        places = _places(reviewed_english, old)
        if len(places) != 1:
            return differences, None
        start, end, form = places[0]
        replacements.append((start, end, new.source if form == old.source else new.english))
    replacements.sort()
    if any(a[1] > b[0] for a, b in itertools.pairwise(replacements)):
        return differences, None
    patched = reviewed_english
    for start, end, text in reversed(replacements):
        patched = patched[:start] + text + patched[end:]
    return differences, patched


def word_differences(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The changed runs of words and signs between two French sentences, in order."""
    from difflib import SequenceMatcher

    old_tokens = list(_WORDS.finditer(old))
    new_tokens = list(_WORDS.finditer(new))
    matcher = SequenceMatcher(
        a=[t.group(0) for t in old_tokens], b=[t.group(0) for t in new_tokens], autojunk=False
    )
    differences = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = old[old_tokens[i1].start() : old_tokens[i2 - 1].end()] if i2 > i1 else ""
        after = new[new_tokens[j1].start() : new_tokens[j2 - 1].end()] if j2 > j1 else ""
        differences.append((before, after))
    return tuple(differences)


def _masked(text: str, numbers: Sequence[NumberItem]) -> str:
    """``text`` with each number replaced by one placeholder character."""
    parts, at = [], 0
    for item in numbers:
        parts += [text[at : item.start], "\ufffc"]
        at = item.end
    parts.append(text[at:])
    return "".join(parts)


def _places(english: str, number: NumberItem) -> list[tuple[int, int, str]]:
    """Where ``number`` appears in ``english``, in either form, as a whole number."""
    found: dict[tuple[int, int], str] = {}
    for form in dict.fromkeys((number.source, number.english)):
        pattern = re.compile(rf"(?<![\w])(?<!\d[.,]){re.escape(form)}(?!\w)(?![.,]\d)")
        for match in pattern.finditer(english):
            found.setdefault((match.start(), match.end()), form)
    spans = sorted(found)
    # One form inside the other at the same place ("85" in "85 %") is one place.
    kept = [
        span
        for span in spans
        if not any(o != span and o[0] <= span[0] and span[1] <= o[1] for o in spans)
    ]
    return [(start, end, found[(start, end)]) for start, end in kept]
