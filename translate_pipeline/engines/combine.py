"""Choosing one English among several engines' candidates, without a reference.

Apertium reaches English from French through more than one pivot language
(Spanish, Catalan, Esperanto); each pivot makes its own mistakes. Per segment,
the candidate that agrees most with the others is kept (consensus, or minimum
Bayes risk, system combination): its mean character n-gram F-score (chrF)
against the other candidates, less a penalty for each word its engine marked as
unknown and for each word English does not know. A candidate that lost or
duplicated one of the pipeline's placeholders (glossary terms, numbers, code) is
never chosen while another kept them all.

Measured on FLORES dev (997 sentences, see README): the best single pivot
(French -> Catalan -> Spanish -> English) scores chrF 50.29, the consensus of
four pivots 50.59 (50.68 with the unknown English words), against 49.34 for
French -> Spanish -> English alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from translate_pipeline.english_lexicon import EnglishLexicon

# chrF's settings (Popović 2015, sacrebleu's defaults): character n-grams up to
# 6, recall weighted twice as much as precision, spaces ignored.
CHRF_ORDER = 6
CHRF_BETA = 2.0
# Points of mean chrF (0-100) a candidate loses for each word its engine marked.
# Measured on FLORES dev, four pivots: 0 -> chrF 50.50, 1 -> 50.56, 2 -> 50.59,
# 3 -> 50.58; 2 raised both halves of the set.
MARK_PENALTY = 2.0
# Points lost for each distinct lower-case word English does not know (a Spanish,
# Catalan or Esperanto word left unmarked, or a marked one): measured on top of
# MARK_PENALTY, 0 -> chrF 50.59, 3 -> 50.66, 5 -> 50.68 (both halves up).
UNKNOWN_PENALTY = 5.0
# Apertium's marks before a word: * unknown, @ not transferred, # not generated
# (not glued to a letter before them, so an e-mail address is no mark).
_MARK = re.compile(r"(?<![^\W\d_])[*@#]+(?=\w)")
# The pipeline's placeholders: protect.py's ZQX0QZ (ZQXX0QZ when the French
# holds that shape), typography.py's ZQXT0QZ and acronyms.py's ZQXA0QZ.
_PLACEHOLDER = re.compile(r"ZQX+[TA]?\d+QZ")


@dataclass(frozen=True)
class Choice:
    """Which candidate was chosen for a segment, and why.

    Attributes:
        index: The chosen candidate's position.
        scores: Each candidate's consensus score (``None``: not eligible).
    """

    index: int
    scores: tuple[float | None, ...]


def without_marks(english: str) -> str:
    """``english`` with Apertium's ``*``, ``@`` and ``#`` word marks taken off."""
    return _MARK.sub("", english)


def marks_in(english: str) -> int:
    """How many words of ``english`` Apertium marked."""
    return len(_MARK.findall(english))


def placeholders_in(text: str) -> Counter[str]:
    """The pipeline's placeholders in ``text``, with how often each occurs."""
    return Counter(_PLACEHOLDER.findall(without_marks(text)))


def unknown_english_words(english: str, lexicon: EnglishLexicon | None) -> int:
    """How many distinct lower-case words of ``english`` English does not know (0 without it)."""
    if lexicon is None:
        return 0
    words = [w for w in re.findall(r"[^\W\d_]+", without_marks(english)) if w.islower()]
    return len(lexicon.unknown(w for w in words if len(w) > 2))


def choose(
    source: str,
    candidates: Sequence[str],
    penalty: float = MARK_PENALTY,
    unknown: Sequence[int] = (),
    unknown_penalty: float = UNKNOWN_PENALTY,
) -> Choice:
    """The candidate English of ``source`` that agrees most with the others.

    Args:
        source: The text the engines were given (placeholders in).
        candidates: One English per engine, marks still on, in order of
            preference: ties go to the earlier one, and so does a segment where
            no candidate is eligible.
        penalty: Points taken off per marked word.
        unknown: For each candidate, how many words English does not know
            (:func:`unknown_english_words`); none counted when empty.
        unknown_penalty: Points taken off per such word.

    Returns:
        The choice; with one candidate, that one.
    """
    if len(candidates) == 1:
        return Choice(0, (0.0,))
    wanted = placeholders_in(source)
    eligible = [
        bool(english.strip() or not source.strip()) and placeholders_in(english) == wanted
        for english in candidates
    ]
    profiles = [_ngrams(without_marks(english)) for english in candidates]
    agreement = _pairwise_chrf(profiles)
    scores: list[float | None] = []
    for index, english in enumerate(candidates):
        if not eligible[index]:
            scores.append(None)
            continue
        others = [agreement[index][other] for other in range(len(candidates)) if other != index]
        unknown_words = unknown[index] if unknown else 0
        scores.append(
            sum(others) / len(others)
            - penalty * marks_in(english)
            - unknown_penalty * unknown_words
        )
    ranked = [(score, -index) for index, score in enumerate(scores) if score is not None]
    best = -max(ranked)[1] if ranked else 0
    return Choice(best, tuple(scores))


# Character n-gram counts of a text, one Counter per order 1..6.
Profile = tuple[Counter[str], ...]


def _ngrams(text: str) -> Profile:
    """Character n-gram counts of ``text`` without its spaces, for each order 1..6."""
    joined = "".join(text.split())
    length = len(joined)
    # Slices made and counted in C: this is most of the time a choice takes.
    return tuple(
        Counter(map(joined.__getitem__, map(slice, range(length - n + 1), range(n, length + 1))))
        for n in range(1, CHRF_ORDER + 1)
    )


def chrf(hypothesis: str, reference: str, beta: float = CHRF_BETA) -> float:
    """Sentence chrF (0-100) of ``hypothesis`` against ``reference``.

    For each order both texts are long enough for, the share of n-grams they
    have in common is taken over the hypothesis (precision) and over the
    reference (recall); both are averaged over the orders, then combined into an
    F-score that weights recall ``beta`` times.
    """
    return _pairwise_chrf([_ngrams(hypothesis), _ngrams(reference)], beta)[0][1]


def _pairwise_chrf(profiles: Sequence[Profile], beta: float = CHRF_BETA) -> list[list[float]]:
    """``result[a][b]``: chrF of text ``a`` against text ``b`` (the diagonal is 100).

    The n-grams two texts share are counted once for both directions.
    """
    totals = [[sum(order.values()) for order in profile] for profile in profiles]
    result = [[100.0] * len(profiles) for _ in profiles]
    for a in range(len(profiles)):
        for b in range(a + 1, len(profiles)):
            forward: list[tuple[float, float]] = []
            for order, (mine, theirs) in enumerate(zip(profiles[a], profiles[b], strict=True)):
                mine_total, their_total = totals[a][order], totals[b][order]
                if not mine_total or not their_total:
                    continue
                shared = sum(min(mine[gram], theirs[gram]) for gram in mine.keys() & theirs.keys())
                forward.append((shared / mine_total, shared / their_total))
            result[a][b] = _f_score(forward, beta)
            result[b][a] = _f_score([(r, p) for p, r in forward], beta)
    return result


def _f_score(orders: Sequence[tuple[float, float]], beta: float) -> float:
    """chrF from each order's (precision, recall)."""
    if not orders:
        return 0.0
    precision = sum(p for p, _ in orders) / len(orders)
    recall = sum(r for _, r in orders) / len(orders)
    if not precision and not recall:
        return 0.0
    factor = beta * beta
    return 100 * (1 + factor) * precision * recall / (factor * precision + recall)
