"""Words an engine could not translate: Apertium's marks read and stripped.

Run without ``-u``, Apertium prefixes a word it does not know with ``*``, one its
transfer rules could not handle with ``@`` and one it could not inflect with
``#``. The engine runs the Spanish -> English step so (``*testeurs``: a French
word neither step knows; ``*aprovechamiento``: a Spanish word the second step
does not know). The marks
are taken off the English and the words they sat on returned, so that QA can
name them instead of the reader meeting them unannounced.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from translate_pipeline.english_lexicon import EnglishLexicon

# A run of marks right before a word, not glued to a letter before it (so the
# "@" of an e-mail address is never taken for one; "4*x4" is a mark).
_MARKED = re.compile(r"(?<![^\W\d_])(?<![*@#])([*@#]+)(\w+)")
# protect.py's placeholders (ZQX0QZ) and typography.py's date tokens (ZQXT0QZ).
_PLACEHOLDER = re.compile(r"ZQXT?\d+QZ")


class Mark(StrEnum):
    """What Apertium said about a word."""

    UNKNOWN = "*"
    NOT_TRANSFERRED = "@"
    NOT_GENERATED = "#"


@dataclass(frozen=True)
class MarkedWord:
    """One word the engine marked.

    Attributes:
        word: The word as it stands in the English, marks removed.
        mark: The mark nearest the word (the last step's verdict).
    """

    word: str
    mark: Mark

    def describe(self) -> str:
        """How QA names it: the word, and what went wrong when it is not plain unknown."""
        if self.mark is Mark.NOT_GENERATED:
            return f"{self.word} (not inflected)"
        return self.word


@dataclass(frozen=True)
class Unmarked:
    """English with the engine's marks taken off, and the words they marked."""

    text: str
    words: tuple[MarkedWord, ...]


def unmark_placeholders(english: str) -> str:
    """Take the engine's marks off the pipeline's placeholders, before they are restored."""
    return re.sub(r"(?<![\w*@#])[*@#]+(?=ZQXT?\d+QZ)", "", english)


def strip_marks(english: str, french: str) -> Unmarked:
    """Take Apertium's ``*``, ``@`` and ``#`` marks off ``english``.

    A ``#`` or ``@`` that the French itself put before the word (``#MeToo``,
    ``@elonmusk``) is kept; marks on the pipeline's own placeholders, and inside
    a token such as ``4*x4``, are dropped without naming them. The engine chose
    "a" or "an" before a marked word seeing the mark; the article is chosen again.

    Args:
        english: The engine's output.
        french: The text the engine was given.
    """
    words: list[MarkedWord] = []

    def unmark(match: re.Match[str]) -> str:
        marks, word = match.group(1), match.group(2)
        kept = _source_prefix(word, french, marks)
        added = marks[len(kept) :]
        if not added:
            return match.group(0)
        inside_token = match.start() > 0 and english[match.start() - 1].isdigit()
        if not _PLACEHOLDER.fullmatch(word) and not inside_token:
            words.append(MarkedWord(word, Mark(added[-1])))
        return kept + word

    text = _MARKED.sub(unmark, english)
    for word in {item.word for item in words}:
        text = _article_before(word).sub(_agree, text)
    return Unmarked(text, tuple(words))


def _article_before(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)([Aa]n?) (?={re.escape(word)}(?!\w))")


def _agree(match: re.Match[str]) -> str:
    """The engine chose "a" or "an" seeing the mark, not the word: choose again."""
    article = match.group(1)
    following = match.string[match.end() : match.end() + 1]
    wanted = "an" if following.lower() in "aeiouàâéèêëîïôöûùüœ" and following else "a"
    return (wanted.capitalize() if article[0].isupper() else wanted) + " "


def _source_prefix(word: str, french: str, marks: str) -> str:
    """The leading part of ``marks`` that the French wrote before ``word`` itself."""
    found = re.search(rf"(?<![\w*@#])([*@#]+){re.escape(word)}(?!\w)", french)
    if found and marks.startswith(found.group(1)):
        return found.group(1)
    return ""


def copied_words(
    french: str, english: str, protected: Collection[str], lexicon: EnglishLexicon | None
) -> tuple[MarkedWord, ...]:
    """French words copied as they are into the English, which English does not know.

    What a neural model does with a word it cannot translate (it has no marks).
    Names (capitalised), numbers, URLs and protected text (glossary terms) are
    left out, and so are words English shares ("restaurant"): the English
    analyser decides; without it, only words with a French accent are named.

    Args:
        french: The French segment.
        english: Its English.
        protected: The French and English of its protected spans.
        lexicon: The English analyser, or ``None``.
    """
    shielded = " ".join(protected)
    found = re.findall(r"[^\W\d_]{4,}", _without_links(french))
    candidates = [
        word
        for word in dict.fromkeys(found)
        if word.islower()
        and word not in shielded
        and re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", _without_links(english))
    ]
    if lexicon is not None:
        unknown = lexicon.unknown(candidates)
        chosen = [word for word in candidates if word in unknown]
    else:
        chosen = [word for word in candidates if not word.isascii()]
    return tuple(MarkedWord(word, Mark.UNKNOWN) for word in chosen)


def _without_links(text: str) -> str:
    return re.sub(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", " ", text)


def flagged_words(
    words: Sequence[MarkedWord], english: str, lexicon: EnglishLexicon | None = None
) -> tuple[MarkedWord, ...]:
    """The marked words QA should name: not names, still in the final English, once each.

    An unknown capitalised word is almost always a name the engine rightly
    copies (Whitehall, Gripen); a word a later step rewrote (the ``h`` of
    ``14 h 30``) is no longer there to fix; a word English knows ("feedback",
    "bugs" left as they were in the French) or a unit ("h", "mm") needs no fixing.
    """
    chosen: dict[str, MarkedWord] = {}
    for item in words:
        if item.mark is not Mark.NOT_GENERATED and any(c.isupper() for c in item.word):
            continue
        if len(item.word) <= 2:  # units and symbols English writes the same: h, mm, km
            continue
        if not re.search(rf"(?<!\w){re.escape(item.word)}(?!\w)", english):
            continue
        chosen.setdefault(item.word, item)
    if lexicon is not None:
        unknown = lexicon.unknown(w for w, i in chosen.items() if i.mark is not Mark.NOT_GENERATED)
        chosen = {w: i for w, i in chosen.items() if i.mark is Mark.NOT_GENERATED or w in unknown}
    return tuple(chosen.values())
