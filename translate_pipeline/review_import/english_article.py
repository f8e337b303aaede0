"""Importing an edited English article (``<stem>.en.md``, ``<stem>.en.docx``).

The English article has no IDs: its blocks are aligned back to the article's
segments as the last run wrote them (the memory's ``segments``), by position
and kind. Blocks left as written anchor the alignment (``difflib`` over the
blocks' kind and text); between anchors, blocks pair one to one only when the
counts and kinds agree. Inside a changed block, each sentence the editor left
as written anchors it again, and the text between two anchors is the English of
the one sentence between them (when it splits into as many sentences as the
English written for it did); where several sentences lie between anchors, the
text is split with the sentence splitter and paired only when the counts agree.

Whatever cannot be placed with certainty is named (its line) and kept aside in
the memory, never guessed.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from translate_pipeline.document import Block, Document
from translate_pipeline.errors import PipelineError, ReviewImportError
from translate_pipeline.memory import SegmentRecord, SetAsideEdit, TranslationMemory

if TYPE_CHECKING:
    from translate_pipeline.segmenter import SpanFinder

UNALIGNED = "unaligned"
ENGLISH_SUFFIXES = (".en.md", ".en.docx")


def is_english_article(path: Path) -> bool:
    """Whether ``path`` is named as an English article this tool writes."""
    return path.name.lower().endswith(ENGLISH_SUFFIXES)


@dataclass(frozen=True)
class WrittenBlock:
    """One translatable block as the last run wrote it."""

    index: int
    kind: str
    records: tuple[SegmentRecord, ...]

    @property
    def english(self) -> str:
        """The block's English as written: its sentences joined by spaces."""
        return _collapse(" ".join(record.target for record in self.records if record.target))


@dataclass(frozen=True)
class EnglishImport:
    """What aligning an edited English article found.

    Attributes:
        changed: ``(record, english)`` of each sentence the editor changed.
        unchanged: Sentences left as written.
        set_aside: Text that could not be placed with certainty, kept aside.
        missing: Blocks of the article not found in the English (named by line).
    """

    changed: tuple[tuple[SegmentRecord, str], ...]
    unchanged: int
    set_aside: tuple[SetAsideEdit, ...]
    missing: tuple[str, ...]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def doc_id_of(path: Path) -> str:
    """The article's doc ID: the English file's name without ``.en.md``/``.en.docx``."""
    name = path.name
    for suffix in ENGLISH_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def read_english_article(path: Path) -> Document:
    """Read the edited English article with the reader of its format.

    Raises:
        ReviewImportError: The file is missing or unreadable.
    """
    if not path.is_file():
        raise ReviewImportError(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".docx":
            from translate_pipeline.formats.docx import read_docx_document

            return read_docx_document(path)
        from translate_pipeline.formats.markdown.reader import read_markdown_document

        return read_markdown_document(path)
    except PipelineError as exc:
        raise ReviewImportError(f"{path}: cannot be read as an English article: {exc}") from None


def written_blocks(records: Sequence[SegmentRecord]) -> list[WrittenBlock]:
    """The article's translatable blocks as last written, in order, from segment records."""
    by_block: dict[int, list[tuple[int, SegmentRecord]]] = {}
    for record in records:
        _, _, local = record.segment_id.partition(":")
        block, _, sentence = local.partition(":")
        try:
            by_block.setdefault(int(block[1:]), []).append((int(sentence[1:]), record))
        except ValueError:
            continue
    return [
        WrittenBlock(index, parts[0][1].kind, tuple(record for _, record in sorted(parts)))
        for index, parts in sorted(by_block.items())
    ]


def align_english(
    path: Path, written: Sequence[WrittenBlock], edited: Sequence[Block]
) -> EnglishImport:
    """Pair the edited English blocks with the written ones, then their sentences."""
    from translate_pipeline.segmenter import SentenceSplitter, SplitRules

    # pysbd's English rules; ours (abbreviations that never end a sentence) are French.
    splitter = SentenceSplitter(SplitRules.load("fr"), language="en")
    expected = [(block.kind, block.english) for block in written]
    found = [(block.kind.value, _collapse(block.text)) for block in edited]
    changed: list[tuple[SegmentRecord, str]] = []
    aside: list[SetAsideEdit] = []
    missing: list[str] = []
    unchanged = 0
    matcher = difflib.SequenceMatcher(a=expected, b=found, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            unchanged += sum(len(block.records) for block in written[a1:a2])
            continue
        pairs_agree = a2 - a1 == b2 - b1 and all(
            written[a1 + k].kind == edited[b1 + k].kind.value for k in range(a2 - a1)
        )
        if tag == "replace" and pairs_agree:
            for k in range(a2 - a1):
                result = _align_block(path, written[a1 + k], edited[b1 + k], splitter)
                changed += result.changed
                unchanged += result.unchanged
                aside += result.set_aside
            continue
        for block in written[a1:a2]:
            missing.append(
                f"paragraph {block.index} ({block.records[0].segment_id.partition(':')[0]}:"
                f"p{block.index}) {block.english[:40]!r}"
            )
        for block in edited[b1:b2]:
            aside.append(_aside(path, block, "", _collapse(block.text)))
    return EnglishImport(tuple(changed), unchanged, tuple(aside), tuple(missing))


def _aside(path: Path, block: Block, segment_id: str, english: str, why: str = "") -> SetAsideEdit:
    where = f"line {block.line}" if block.line else "a block"
    return SetAsideEdit(
        str(path),
        where + (f" ({why})" if why else " (no paragraph of the article matches it here)"),
        segment_id,
        "",
        english,
        UNALIGNED,
    )


def _align_block(
    path: Path, block: WrittenBlock, edited: Block, splitter: SpanFinder
) -> EnglishImport:
    """Find each sentence's English in an edited block (see the module's docstring)."""
    text = _collapse(edited.text)
    records = block.records
    anchors: list[tuple[int, int] | None] = []
    position = 0
    for record in records:
        target = _collapse(record.target)
        at = _find_whole(text, target, position) if target else -1
        if at < 0:
            anchors.append(None)
        else:
            anchors.append((at, at + len(target)))
            position = at + len(target)
    changed: list[tuple[SegmentRecord, str]] = []
    aside: list[SetAsideEdit] = []
    unchanged = sum(1 for anchor in anchors if anchor is not None)
    index = 0
    previous_end = 0
    block_id = f"{records[0].segment_id.rpartition(':')[0]}"
    while index <= len(records):
        # The run of sentences not found, up to the next anchor (or the block's end).
        run_start = index
        while index < len(records) and anchors[index] is None:
            index += 1
        next_start = anchors[index][0] if index < len(records) else len(text)  # type: ignore[index]
        gap = text[previous_end:next_start].strip()
        run = records[run_start:index]
        if run:
            pieces = _sentences(gap, splitter)
            if len(run) == 1 and len(pieces) == len(_sentences(run[0].target, splitter)):
                # One sentence between two anchors, split as its English was: all its.
                pieces = [gap]
            if len(pieces) == len(run):
                changed += [
                    (record, piece)
                    for record, piece in zip(run, pieces, strict=True)
                    if piece and piece != _collapse(record.target)
                ]
            elif gap:
                aside.append(
                    _aside(
                        path,
                        edited,
                        block_id,
                        gap,
                        f"{len(pieces)} English sentences where {len(run)} were written",
                    )
                )
        elif gap:
            aside.append(_aside(path, edited, block_id, gap, "a sentence added in the English"))
        if index < len(records):
            previous_end = anchors[index][1]  # type: ignore[index]
        index += 1
    return EnglishImport(tuple(changed), unchanged, tuple(aside), ())


def _find_whole(text: str, target: str, start: int) -> int:
    """Where ``target`` occurs in ``text`` from ``start`` as whole words, or -1."""
    at = text.find(target, start)
    while at >= 0:
        end = at + len(target)
        if (at == 0 or text[at - 1] == " ") and (end == len(text) or text[end] == " "):
            return at
        at = text.find(target, at + 1)
    return -1


def _sentences(text: str, splitter: SpanFinder) -> list[str]:
    if not text:
        return []
    return [text[start:end] for start, end in splitter.spans(text)]


def import_english_article(path: Path, memory: TranslationMemory) -> EnglishImport:
    """Align an edited English article with its segments and store what changed.

    Changed sentences become reviewed translations; text that cannot be placed
    with certainty is kept aside (:attr:`TranslationMemory.set_aside`).

    Raises:
        ReviewImportError: The file cannot be read, or its article was never written
            with this memory.
    """
    doc_id = doc_id_of(path)
    records = memory.document_segments([doc_id])
    if not records:
        raise ReviewImportError(
            f"{path}: no article {doc_id!r} was translated with this translation memory "
            f"({memory.path}); nothing was imported. Give the memory it was written with "
            "(--memory), and keep the file's name as translate wrote it"
        )
    edited = read_english_article(path)
    result = align_english(path, written_blocks(records), edited.translatable_blocks)
    memory.store_reviewed([(record.source, english) for record, english in result.changed])
    memory.record_segments(
        SegmentRecord(record.segment_id, record.source, english, record.kind)
        for record, english in result.changed
    )
    memory.set_aside.store(result.set_aside)
    # Everything in it is stored or kept aside: the next run may write it again.
    memory.record_output(path, digest="imported")
    return result
