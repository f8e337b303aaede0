"""Reading and segmenting a run's articles, one at a time."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path

from translate_pipeline.document import Document, Inline, InlineKind, Segment
from translate_pipeline.errors import (
    SourceError,
    describe_os_error,
    display_path,
)
from translate_pipeline.formats import format_of, read_document
from translate_pipeline.memory import TranslationMemory
from translate_pipeline.pipeline.reports import DocumentReport
from translate_pipeline.protect import TermMatcher, find_spans, merge_ranges
from translate_pipeline.segmenter import (
    DocumentSegments,
    KeepingWhole,
    KnownSpans,
    SentenceSplitter,
    block_key,
    iter_segments,
    rules_fingerprint,
    segment_document,
    splittable_texts,
)


class ArticleReader:
    """Reads and segments a run's articles one at a time.

    Sentence spans come from the memory when a paragraph was split before with the
    same rules; pysbd (slow to load and to run) splits only the new ones, and is
    loaded once per run. The new spans are kept for the next run at each chunk's
    end (:meth:`save_spans`). No sentence is cut inside a protected span (a
    glossary term such as ".NET", a URL, a number, inline code), whether its spans
    were cached or not.
    """

    def __init__(
        self,
        files: Sequence[Path],
        memory: TranslationMemory,
        matcher: TermMatcher,
        held_at_most: int | None = None,
    ) -> None:
        self.names = output_names(files)
        # Above this many segments, an article's segments are made again each time
        # they are gone through (DocumentSegments) rather than held; None: always held.
        self.held_at_most = held_at_most
        self.memory, self.matcher = memory, matcher
        self.fingerprint = rules_fingerprint()
        self._splitter: SentenceSplitter | None = None
        self._fresh: dict[str, list[tuple[int, int]]] = {}

    def read(self, path: Path) -> tuple[Document, Sequence[Segment]] | DocumentReport:
        """The article at ``path`` and its segments, or the report of why it cannot
        be read.

        The segments are a tuple, or for an article of more than ``held_at_most``
        segments a :class:`DocumentSegments`, which makes them again, block by
        block, each time it is gone through.
        """
        name = self.names[path]
        read = read_problem(path) or parse_article(path)
        if isinstance(read, str):
            return DocumentReport(source=path, doc_id=name, error=read)
        document = dataclasses.replace(read, doc_id=name)
        finder = self._span_finder(document)
        if self.held_at_most is None:
            return document, segment_document(document, finder)
        held: list[Segment] = []
        for segment in iter_segments(document, finder):
            held.append(segment)
            if len(held) > self.held_at_most:
                del held
                return document, DocumentSegments(document, finder)
        return document, tuple(held)

    def _span_finder(self, document: Document) -> KeepingWhole:
        """Where each paragraph of ``document`` splits into sentences."""
        texts = splittable_texts([document])
        keys = {text: block_key(text, self.fingerprint) for text in texts}
        cached = self.memory.cached_spans(list(keys.values()))
        spans = {text: cached[key] for text, key in keys.items() if key in cached}
        missing = [text for text in texts if text not in spans]
        if missing:
            if self._splitter is None:
                self._splitter = SentenceSplitter()
            for text in missing:
                spans[text] = self._fresh[keys[text]] = self._splitter.spans(text)
        return keeping_protected_whole(document, spans, self.matcher)

    def keep_spans(self, found: dict[str, list[tuple[int, int]]]) -> None:
        """Keep sentence spans found elsewhere (by a cluster's reading tasks), by
        block key, to be saved with this reader's own at :meth:`save_spans`."""
        self._fresh.update(found)

    def save_spans(self) -> None:
        """Keep the sentence spans found since the last call, for the next run."""
        if self._fresh:
            self.memory.store_spans(self._fresh)
            self._fresh = {}


def parse_article(path: Path) -> Document | str:
    """The article at ``path`` read by its format's reader, or why it cannot be."""
    try:
        return read_document(path)
    except SourceError as exc:
        return str(exc)
    except Exception as exc:
        # Readers parse hostile bytes with zip, XML and Markdown libraries,
        # which fail in more ways than any list foresees (python-docx raises
        # ValueError for an .xlsx renamed .docx); whatever it is, it is this
        # article's error and the others are still written.
        return (
            f"{display_path(path)}: cannot be read as {format_of(path).name} "
            f"({str(exc) or type(exc).__name__}). Check that it is a {path.suffix} file; "
            "save it again from its editor if it is"
        )


def keeping_protected_whole(
    document: Document, spans: dict[str, list[tuple[int, int]]], matcher: TermMatcher
) -> KeepingWhole:
    """The sentence ``spans`` of each paragraph of ``document``, never cutting a
    protected span (a glossary term, a URL, a number, inline code)."""
    # Inline code is never cut either ("`fig.show(). Puis`" is one piece of code).
    block_code = code_ranges((block.text, block.inlines) for block in document.translatable_blocks)
    return KeepingWhole(
        KnownSpans(spans),
        lambda text: [
            (p.start, p.end) for p in find_spans(text, matcher, block_code.get(text, ()))
        ],
    )


def read_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read, found before its reader is called; ``None`` if none."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        # Its outputs, segment IDs and memory rows would all carry the stray bytes.
        return (
            f"{display_path(path)}: the file name is not valid UTF-8. Rename it, for "
            "example with: convmv -f latin1 -t utf-8 --notest FILE"
        )
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        return cannot_open(path, exc)
    return None


def cannot_open(path: Path, exc: OSError) -> str:
    """Why ``path`` could not be opened, and what to do about it."""
    fix = (
        "Give yourself read permission (chmod u+r) or run as its owner"
        if isinstance(exc, PermissionError)
        else "Check the file"
    )
    return f"{display_path(path)}: cannot be read ({describe_os_error(exc)}). {fix}"


def output_names(files: Sequence[Path]) -> dict[Path, str]:
    """The document ID of each article: its stem, made unique within the run.

    The ID names the article's outputs and starts its segment IDs, so two
    articles with the same stem would overwrite each other's files. Articles
    that share a stem but not an extension (``a.txt`` and ``a.md``) get their
    extension added (``a-txt``, ``a-md``); those that share the whole name
    (``x/a.txt`` and ``y/a.txt``) get their folder's name in front (``x-a``,
    ``y-a``); anything still equal gets ``-2``, ``-3``. Names compare without
    case, as on a case-insensitive disk.
    """
    ids = {path: path.stem for path in files}

    def clashing() -> dict[str, list[Path]]:
        groups: dict[str, list[Path]] = {}
        for path, value in ids.items():
            groups.setdefault(value.casefold(), []).append(path)
        return {key: paths for key, paths in groups.items() if len(paths) > 1}

    for paths in clashing().values():
        suffixes = {path.suffix.lower() for path in paths}
        for path in paths:
            if len(suffixes) > 1:
                ids[path] = f"{ids[path]}-{path.suffix.lstrip('.').lower()}"
    for paths in clashing().values():
        for path in paths:
            ids[path] = f"{path.parent.name or 'root'}-{ids[path]}"
    for paths in clashing().values():
        for number, path in enumerate(paths[1:], start=2):
            ids[path] = f"{ids[path]}-{number}"
    return ids


# Inline spans whose text is code: kept byte-identical, never translated.
_CODE_KINDS = frozenset({InlineKind.CODE, InlineKind.OTHER_CODE})


def code_ranges(
    pieces: Iterable[tuple[str, Iterable[Inline]]],
) -> dict[str, tuple[tuple[int, int], ...]]:
    """Where inline code is in each distinct French text.

    Protection works per distinct text, so the ranges of every piece (segment
    or block) with the same text are pooled (one article's cell may mark as code
    what another's sentence does not: both keep it). Standalone codes hold no text.

    Args:
        pieces: ``(text, inlines)`` of each segment or block.
    """
    found: dict[str, list[tuple[int, int]]] = {}
    for text, inlines in pieces:
        for span in inlines:
            if span.kind in _CODE_KINDS and not span.standalone:
                found.setdefault(text, []).append((span.start, span.end))
    return {text: tuple(merge_ranges(ranges, len(text))) for text, ranges in found.items()}
