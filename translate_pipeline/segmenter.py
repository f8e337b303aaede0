"""Splitting blocks into sentence segments with pysbd and French rules kept as data."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from itertools import pairwise
from typing import Any, Protocol, overload

from translate_pipeline.document import (
    Block,
    BlockKind,
    Document,
    Segment,
    segment_id,
    split_inlines,
)


@dataclass(frozen=True)
class SplitRules:
    """Corrections applied to pysbd's sentences, loaded from ``rules/<lang>.toml``.

    Attributes:
        no_split_after: Abbreviations after which a sentence never ends.
        never_starts_with: Characters that never open a sentence.
        glue_lowercase_start: Glue a span that starts with a lower-case letter, when
            the previous span cannot have ended a sentence (see the next two).
        glue_lowercase_after: Endings of a previous span that let a lower-case start
            be glued ("?", ",", ...).
        glue_lowercase_after_word_of_at_most: A previous span ending in a word of at
            most this many letters and a full stop (an abbreviation) lets it be glued too.
        glue_punctuation_only: Glue a span that holds no letter or digit.
        split_after_ellipsis_before_capital: Split after "…" followed by a capital.
        split_before_capital_after: Marks after which a sentence ends when a capital
            follows (". »", "etc.)").
    """

    no_split_after: tuple[str, ...]
    never_starts_with: tuple[str, ...]
    glue_lowercase_start: bool
    split_after_ellipsis_before_capital: bool
    glue_lowercase_after: tuple[str, ...] = ()
    glue_lowercase_after_word_of_at_most: int = 0
    glue_punctuation_only: bool = False
    split_before_capital_after: tuple[str, ...] = ()

    @classmethod
    def load(cls, language: str = "fr") -> SplitRules:
        """Load the packaged rules for ``language``."""
        raw = (
            resources.files("translate_pipeline")
            .joinpath(f"rules/{language}.toml")
            .read_text(encoding="utf-8")
        )
        data: dict[str, Any] = tomllib.loads(raw)
        return cls(
            no_split_after=tuple(data.get("no_split_after", ())),
            never_starts_with=tuple(data.get("never_starts_with", ())),
            glue_lowercase_start=bool(data.get("glue_lowercase_start", False)),
            split_after_ellipsis_before_capital=bool(
                data.get("split_after_ellipsis_before_capital", False)
            ),
            glue_lowercase_after=tuple(data.get("glue_lowercase_after", ())),
            glue_lowercase_after_word_of_at_most=int(
                data.get("glue_lowercase_after_word_of_at_most", 0)
            ),
            glue_punctuation_only=bool(data.get("glue_punctuation_only", False)),
            split_before_capital_after=tuple(data.get("split_before_capital_after", ())),
        )


_ELLIPSIS_THEN_CAPITAL = re.compile(r"(?:…|\.\.\.)\s+(?=[«\"“]?\s*[A-ZÀ-ÖØ-Þ])")
_CAPITAL_AHEAD = r"(?=[«\"“]?\s*[A-ZÀ-ÖØ-Þ0-9])"
_SPACES = "[ \u00a0\u202f]*"
# A word with a capital after its first letter is a name ("iPhone", "eBay").
_NAME_WITH_INNER_CAPITAL = re.compile(r"[a-zà-ÿ]+[A-ZÀ-ÖØ-Þ]")
_LAST_WORD_BEFORE_STOP = re.compile(r"(?:^|[^\w])(\w+)\.$")


def _marks_pattern(marks: tuple[str, ...]) -> re.Pattern[str] | None:
    """A regex for any of ``marks``, spaces allowed between two punctuation marks."""
    if not marks:
        return None
    bodies = []
    for mark in sorted(marks, key=len, reverse=True):
        body = re.escape(mark[0])
        for before, char in pairwise(mark):
            gap = _SPACES if not (before.isalnum() or char.isalnum()) else ""
            body += gap + re.escape(char)
        bodies.append(body)
    return re.compile("(?:" + "|".join(bodies) + r")\s+" + _CAPITAL_AHEAD)


class SentenceSplitter:
    """Splits text into sentence spans; holds one pysbd segmenter for a whole run."""

    def __init__(self, rules: SplitRules | None = None, language: str = "fr") -> None:
        import pysbd

        self._rules = rules or SplitRules.load(language)
        self._pysbd = pysbd.Segmenter(language=language, clean=False)
        words = sorted(self._rules.no_split_after, key=len, reverse=True)
        self._ends_with_abbreviation = re.compile(
            r"(?:^|[\s(«\"'’])(?:" + "|".join(re.escape(w) for w in words) + r")$"
        )
        self._split_marks = _marks_pattern(self._rules.split_before_capital_after)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return ``(start, end)`` character offsets of each sentence of ``text``.

        Offsets index into ``text`` itself; surrounding spaces are not included, and
        ``text[start:end]`` is exactly the sentence.
        """
        pieces = self._locate(text, self._pysbd.segment(text))
        pieces = self._glue(text, pieces)
        if self._split_marks is not None:
            pieces = _split_at(self._split_marks, text, pieces)
        if self._rules.split_after_ellipsis_before_capital:
            pieces = _split_at(_ELLIPSIS_THEN_CAPITAL, text, pieces)
        if self._rules.glue_punctuation_only:
            pieces = _glue_punctuation_only(text, pieces)
        return pieces

    def _locate(self, text: str, sentences: list[str]) -> list[tuple[int, int]]:
        # pysbd's own char_span uses str.find from the start and goes wrong on
        # repeated sentences; walking a cursor keeps offsets exact. pysbd also
        # drops text now and then (":.??" comes back as [":."]): whatever it
        # skipped is put back, so no source text is ever lost.
        spans: list[tuple[int, int]] = []
        cursor = 0
        for sentence in sentences:
            stripped = sentence.strip()
            if not stripped:
                continue
            start = text.find(stripped, cursor)
            if start < 0:
                break
            _put_back(text, cursor, start, spans)
            spans.append((start, start + len(stripped)))
            cursor = start + len(stripped)
        _put_back(text, cursor, len(text), spans)
        return spans

    def _glue(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        glued: list[tuple[int, int]] = []
        for start, end in spans:
            if glued and self._must_glue(text[glued[-1][0] : glued[-1][1]], text[start:end]):
                glued[-1] = (glued[-1][0], end)
            else:
                glued.append((start, end))
        return glued

    def _must_glue(self, previous: str, current: str) -> bool:
        if self._ends_with_abbreviation.search(previous):
            return True
        first = current[0]
        if first in self._rules.never_starts_with:
            return True
        if not (self._rules.glue_lowercase_start and first.islower()):
            return False
        if _NAME_WITH_INNER_CAPITAL.match(current):
            return False
        return self._may_continue(previous)

    def _may_continue(self, previous: str) -> bool:
        """Whether ``previous`` can be followed by more of the same sentence."""
        if previous.endswith(self._rules.glue_lowercase_after):
            return True
        last = _LAST_WORD_BEFORE_STOP.search(previous)
        return last is not None and len(last.group(1)) <= (
            self._rules.glue_lowercase_after_word_of_at_most
        )


def _glue_punctuation_only(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join every span that holds no letter or digit to the previous one (the next if first)."""
    glued: list[tuple[int, int]] = []
    pending_start: int | None = None
    for start, end in spans:
        if not any(char.isalnum() for char in text[start:end]):
            if glued:
                glued[-1] = (glued[-1][0], end)
            elif pending_start is None:
                pending_start = start
            continue
        glued.append((start if pending_start is None else pending_start, end))
        pending_start = None
    if pending_start is not None:
        glued.append((pending_start, spans[-1][1]))
    return glued


def _split_at(
    pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Cut each span after every match of ``pattern`` (whose match ends in spaces)."""
    result: list[tuple[int, int]] = []
    for start, end in spans:
        cursor = start
        for match in pattern.finditer(text, start, end):
            cut = match.start() + len(match.group(0).rstrip())
            result.append((cursor, cut))
            cursor = match.end()
        result.append((cursor, end))
    return result


def _put_back(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Add ``text[start:end]`` to ``spans`` if it holds anything but spaces.

    Punctuation alone is glued onto the previous span; words make a span of their own.
    """
    gap = text[start:end]
    if not gap.strip():
        return
    lead = len(gap) - len(gap.lstrip())
    gap_start, gap_end = start + lead, start + len(gap.rstrip())
    if spans and not any(char.isalnum() for char in gap):
        spans[-1] = (spans[-1][0], gap_end)
    else:
        spans.append((gap_start, gap_end))


class SpanFinder(Protocol):
    """Anything that finds sentence spans: the splitter itself, or spans known already."""

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` offsets of each sentence of ``text``."""
        ...


@dataclass(frozen=True)
class KnownSpans:
    """Sentence spans computed earlier (by this run or a cached one), by block text."""

    by_text: Mapping[str, list[tuple[int, int]]]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The spans of ``text``."""
        return self.by_text[text]


def keep_whole(
    spans: list[tuple[int, int]], protected: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Join sentence spans wherever a cut falls inside a protected span.

    Glossary terms, URLs, e-mail addresses and numbers are never cut: pysbd
    reads the stop of ".NET" as the end of a sentence ("Le framework ." +
    "NET est utile."). Cuts elsewhere are left as they are, so text without
    such a span segments exactly as before.

    Args:
        spans: ``(start, end)`` sentence spans, in order.
        protected: ``(start, end)`` spans that must stay inside one sentence.
    """
    kept = sorted(protected)
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and any(p_start < joined[-1][1] and p_end > start for p_start, p_end in kept):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


@dataclass(frozen=True)
class KeepingWhole:
    """Sentence spans from ``finder``, never cutting what ``protected`` names in a text.

    Attributes:
        finder: Where the sentence spans come from (the splitter, or known spans).
        protected: The spans of a text that must not be cut (see :func:`keep_whole`).
    """

    finder: SpanFinder
    protected: Callable[[str], Iterable[tuple[int, int]]]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The spans of ``text``, joined where a cut fell inside a protected span."""
        return keep_whole(self.finder.spans(text), self.protected(text))


def rules_fingerprint(language: str = "fr") -> str:
    """What sentence spans depend on besides the text: our rules and pysbd's version.

    Read without importing pysbd, so that a run whose spans are all cached never does.
    """
    rules = resources.files("translate_pipeline").joinpath(f"rules/{language}.toml").read_bytes()
    return hashlib.sha256(rules + metadata.version("pysbd").encode()).hexdigest()[:16]


def block_key(text: str, fingerprint: str) -> str:
    """The cache key of one block's sentence spans."""
    return hashlib.sha256(f"{fingerprint}\0{text}".encode()).hexdigest()


def splittable_texts(documents: Iterable[Document]) -> list[str]:
    """The distinct block texts that go through sentence splitting (not headings)."""
    return list(
        dict.fromkeys(
            block.text
            for document in documents
            for block in document.translatable_blocks
            if block.kind is not BlockKind.HEADING
        )
    )


def segment_document(document: Document, splitter: SpanFinder) -> tuple[Segment, ...]:
    """Split every block of ``document`` into segments with stable IDs.

    Headings are one segment each; other translatable blocks are split into
    sentences, each with its share of the block's inline spans. Verbatim blocks
    give no segment (their ``index`` is 0; the translatable blocks' indexes are the
    ``p`` of the IDs).
    """
    return tuple(iter_segments(document, splitter))


def iter_segments(document: Document, splitter: SpanFinder) -> Iterator[Segment]:
    """:func:`segment_document`'s segments, made one block at a time."""
    for block in document.translatable_blocks:
        yield from _segment_block(document.doc_id, block, splitter)


class DocumentSegments(Sequence[Segment]):
    """The segments of an article too large to hold them all, made again, one block
    at a time, each time they are gone through (their count is known from the start).

    The document and its sentence spans are held; the segments are not.
    """

    def __init__(self, document: Document, splitter: SpanFinder) -> None:
        self.document, self.splitter = document, splitter
        self._count = sum(1 for _ in iter_segments(document, splitter))

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Segment]:
        return iter_segments(self.document, self.splitter)

    @overload
    def __getitem__(self, index: int) -> Segment: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Segment]: ...

    def __getitem__(self, index: int | slice) -> Segment | Sequence[Segment]:
        return tuple(self)[index]


def _segment_block(doc_id: str, block: Block, splitter: SpanFinder) -> list[Segment]:
    if block.kind is BlockKind.HEADING:
        lead = len(block.text) - len(block.text.lstrip())
        spans = [(lead, len(block.text.rstrip()))]
    else:
        spans = splitter.spans(block.text)
    shares = split_inlines(block.inlines, spans)
    return [
        Segment(
            segment_id=segment_id(doc_id, block.index, number),
            doc_id=doc_id,
            block_index=block.index,
            sentence_index=number,
            text=block.text[start:end],
            start=start,
            end=end,
            kind=block.kind,
            level=block.level,
            inlines=share,
            place=block.place,
        )
        for number, ((start, end), share) in enumerate(zip(spans, shares, strict=True), start=1)
    ]
