"""Capitals the engine invented, taken back where the French had none.

Apertium capitalises the first word it knows in a sentence, so when a sentence
starts with a name it does not know, a number or a placeholder, the next word
gets a capital ("Encelade Is the object", "34% Of the people", "At 8:46
Exactly"); a multiword unit at the start comes out in capitals ("BECAUSE OF",
"AN"); and a function word after a name is often capitalised ("Kahne And
Truex"). Each rule lower-cases a word only when the French gives no reason for
its capital: the word is not in the French with that capital, and the French
sentence itself does not start with an ordinary capitalised word.
"""

from __future__ import annotations

import re
from collections.abc import Collection

# Closed-class English words: never a name on their own, so a capital in the
# middle of a sentence is the engine's. ("May", "Will", "No", "US" are left out:
# a month, a name, "No. 12", a country.)
FUNCTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        """a an the and or but nor of to in on at by for from with without into onto upon
        than that this these those is are was were be been being am has have had do does
        did would can could shall should might must it its his her hers their theirs our
        ours your yours my mine he she they we you him them me who whom whose which what
        there here so if also very more most less all some any both each every because
        as after before since while about through during against between among under
        over thanks according due""",
    )
)
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"^[“\"‘'(\[]*([^\W\d_]+(?:['’-][^\W\d_]+)*)")
_NUMBER = re.compile(r"^[“\"‘'(\[]*[-+]?\d[\d.,:%/]*")
_SENTENCE_END = re.compile(r"[.!?…][”\"’')\]]*$")
_OPENING = ("“", '"', "‘", "(", "[", "«")


def repair_capitals(french: str, english: str, names: Collection[str] = ()) -> str:
    """``english`` with the capitals the engine added, and the French lacks, lowered.

    Args:
        french: The source sentence as the engine got it (protected spans, dates
            and times as placeholders, which count as names).
        english: The engine's English, typography already made English.
        names: English the pipeline put in itself (glossary terms, numbers, dates
            and times): like a name, it is skipped at a sentence start.
    """
    french_words = set(re.findall(r"[^\W\d_]+", french))
    english_words = set(re.findall(r"[^\W\d_]+", english))
    french_caps = any(
        word.isupper() and len(word) >= 3 and word not in english_words for word in french_words
    )
    # A capitalised French word that the English lacks was translated (the name "Ma"
    # becomes "My", "Même" "Even"): a capital in the English may then be its.
    translated_names = any(
        word[:1].isupper() and word not in english_words for word in _mid_sentence_words(french)
    )
    tokens = [(m.start(), m.group(0)) for m in _TOKEN.finditer(english)]
    lowered: dict[int, str] = {}
    starts = _sentence_starts(tokens)
    for index, (_, token) in enumerate(tokens):
        word = _word(token)
        if word is None or not _is_whole(token, word):
            continue
        at_start = index in starts
        if word.isupper() and len(word) >= 2:
            if not french_caps and word not in french_words and word.lower() in FUNCTION_WORDS:
                lowered[index] = word.capitalize() if at_start else word.lower()
            continue
        if at_start or not _is_title(word) or word in french_words:
            continue
        after_opening = token.startswith(_OPENING) or tokens[index - 1][1].endswith(":")
        function_word = word.lower() in FUNCTION_WORDS and not after_opening
        if (function_word and not translated_names) or _after_leading_names(
            tokens, index, french, names
        ):
            lowered[index] = word.lower()
    if not lowered:
        return english
    pieces, cursor = [], 0
    for index, (start, token) in enumerate(tokens):
        if index in lowered:
            word = _word(token) or ""
            at = start + token.index(word)
            pieces += [english[cursor:at], lowered[index]]
            cursor = at + len(word)
    pieces.append(english[cursor:])
    return "".join(pieces)


def _word(token: str) -> str | None:
    match = _WORD.match(token)
    return match.group(1) if match else None


def _is_title(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def _sentence_starts(tokens: list[tuple[int, str]]) -> set[int]:
    starts = {0}
    for index, (_, token) in enumerate(tokens[:-1]):
        if _SENTENCE_END.search(token):
            starts.add(index + 1)
    return starts


def _is_whole(token: str, word: str) -> bool:
    """Whether ``word`` is all of ``token`` but punctuation ("He-76" is a name, not "He")."""
    rest = token[token.index(word) + len(word) :]
    return not re.search(r"[\w-]", rest)


def _mid_sentence_words(french: str) -> list[str]:
    words = []
    previous = "."
    for token in french.split():
        word = _word(token)
        if word and not _SENTENCE_END.search(previous) and not previous.endswith(("«", ":")):
            words.append(word)
        previous = token
    return words


def _after_leading_names(
    tokens: list[tuple[int, str]], index: int, french: str, names: Collection[str]
) -> bool:
    """Whether the segment starts with names only up to ``index``, and the French goes
    on in lower case at the same place.

    A name is a capitalised word the French starts with too ("Encelade"), a
    number, or English the pipeline put in itself (a term, a date: "At 8:46").
    The French, its placeholders and numbers skipped, must start with the same
    names, and the word after them must be lower-case
    ("Encelade est" -> "Encelade Is" is the engine's capital; "Cinque Terre"
    -> "Cinque Tierra" is a name).
    """
    if index == 0 or any(_SENTENCE_END.search(token) for _, token in tokens[:index]):
        return False
    before = " ".join(token for _, token in tokens[:index])
    for name in sorted(names, key=len, reverse=True):
        if name and before.lower().startswith(name.lower()):
            before = before[len(name) :].strip()
    leading = []
    for token in before.split():
        if _NUMBER.match(token):
            continue
        word = _word(token)
        if word is None:
            continue
        if not word[:1].isupper():
            return False
        leading.append(word)
    french_words = [
        _word(token) or ""
        for token in french.split()
        if _word(token) and not _NUMBER.match(token) and not _PLACEHOLDER.match(token)
    ]
    if french_words[: len(leading)] != leading or len(french_words) <= len(leading):
        return False
    return french_words[len(leading)][:1].islower()


_PLACEHOLDER = re.compile(r"^\W*ZQXT?\d+QZ")
