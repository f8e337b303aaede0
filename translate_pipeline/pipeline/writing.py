"""Writing one article's three files, and what they show (their digest)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from translate_pipeline.bilingual_docx import write_bilingual_docx
from translate_pipeline.document import AlignedDocument
from translate_pipeline.errors import (
    MemoryFileError,
    PipelineError,
    describe_os_error,
    display_path,
)
from translate_pipeline.formats import format_of
from translate_pipeline.memory import (
    REVIEWED,
    OutputState,
    SegmentRecord,
    TranslationMemory,
)
from translate_pipeline.output_files import OutputPaths, office_lock_file
from translate_pipeline.pipeline.reports import DocumentReport
from translate_pipeline.render_markdown import write_bilingual_markdown

# Bumped whenever a renderer changes what it writes, so outputs are rewritten.
OUTPUT_FORMAT = "4"


def document_digest(aligned: AlignedDocument, label: str) -> str:
    """What an article's three output files show, and nothing else.

    (Renderers tell reviewed rows from the others, but not memory from machine.)

    The SHA-256 of the JSON list ``[OUTPUT_FORMAT, label, source name, rows,
    skeleton]``, fed to the hash row by row as ``json.dumps`` would write it, so
    that the whole article's JSON (several times its size) is never held at once.
    """
    digest = hashlib.sha256()

    def put(value: object) -> None:
        digest.update(json.dumps(value, ensure_ascii=False).encode())

    digest.update(b"[")
    for value in (OUTPUT_FORMAT, label, aligned.source_path.name):
        put(value)
        digest.update(b", ")
    digest.update(b"[")
    for number, row in enumerate(aligned.rows):
        if number:
            digest.update(b", ")
        put(
            (
                row.segment.segment_id,
                row.segment.kind.value,
                row.segment.level,
                row.segment.text,
                row.english,
                row.origin == REVIEWED,
                [str(flag) for flag in row.flags],
                repr(row.segment.inlines),
                repr(row.english_inlines),
                # (Only when there is one, so that outputs without notes keep their digest.)
                *([row.note] if row.note else []),
            )
        )
    # The source's skeleton too (the repr of its blocks, as one JSON string): a
    # changed code block or table layout changes the English article even when no
    # sentence changed. JSON escapes character by character, so the string can be
    # written piece by piece.
    digest.update(b'], "')
    for piece in _repr_pieces(aligned.source.blocks if aligned.source else None):
        digest.update(json.dumps(piece, ensure_ascii=False)[1:-1].encode())
    digest.update(b'"]')
    return digest.hexdigest()


def _repr_pieces(blocks: Sequence[object] | None) -> Iterator[str]:
    """``repr(blocks)`` in pieces, one per block ("" for ``None``)."""
    if blocks is None:
        return
    if not isinstance(blocks, tuple) or len(blocks) < 2:
        yield repr(blocks)
        return
    yield "("
    for number, block in enumerate(blocks):
        yield (", " if number else "") + repr(block)
    yield ")"


def write_document(
    aligned: AlignedDocument,
    out_dir: Path,
    label: str,
    memory: TranslationMemory,
    english: str = "en-GB",
) -> DocumentReport:
    """Write one article's three files and remember what they show.

    ``english`` ("en-GB" or "en-US") is the language the English is tagged with.

    A file already holding exactly this content is left as it is. A file changed
    since this tool wrote it (an editor's corrections not yet imported) is never
    overwritten: the article is reported instead.
    """
    source_format = format_of(aligned.source_path)
    paths = OutputPaths.for_document(out_dir, aligned.doc_id, source_format.english_suffix)
    try:
        # An article of a sub-folder has its outputs in the same sub-folder of --out.
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=f"{display_path(out_dir)}: cannot create the folder "
            f"({describe_os_error(exc)}). Fix its permissions, or move away what stands there",
        )
    # The English variant tags the English in the DOCX files: part of what they hold.
    digest = document_digest(aligned, f"{label} {english}")
    states = {path: memory.output_state(path) for path in paths.all()}
    locks = {path: office_lock_file(path) for path in paths.all() if path.exists()}
    held = [(path, lock) for path, lock in locks.items() if lock is not None]
    if held:
        path, lock = held[0]
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=f"{path}: open in an office suite (lock file {lock.name}), so none of this "
            "article's outputs was written; close it there (import your corrections first) "
            "and run again, or delete the lock file if nothing has it open",
        )
    edited = [path for path, state in states.items() if _edited_since_written(path, state)]
    if edited:
        # An English article in Markdown or DOCX can be imported too (issue 11 item 7).
        importable = edited[0] != paths.english or edited[0].name.lower().endswith(
            (".en.md", ".en.docx")
        )
        advice = (
            f"import the corrections first (translate import {edited[0]}), or move the file "
            "away to have it written again"
            if importable
            else "move it away to have it written again"
        )
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=f"{edited[0]}: changed since translate wrote it, so it was not overwritten; "
            + advice,
        )
    writers = (
        (
            paths.bilingual_docx,
            lambda: write_bilingual_docx(
                aligned, label, paths.bilingual_docx, english_language=english
            ),
        ),
        (paths.bilingual_md, lambda: write_bilingual_markdown(aligned, label, paths.bilingual_md)),
        (paths.english, lambda: source_format.write_english(aligned, paths.english, english)),
    )
    written = []
    try:
        for path, write in writers:
            state = states[path]
            if path.exists() and state is not None and state.digest == digest:
                continue
            write()
            memory.record_output(path, digest)
            written.append(path)
    except MemoryFileError:
        raise  # the memory concerns the whole run
    except PipelineError as exc:
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=str(exc),
        )
    except (OSError, ValueError) as exc:
        # A renderer met something it cannot write (a name or character its
        # format refuses): this article's error, not the run's.
        return DocumentReport(
            source=aligned.source_path,
            doc_id=aligned.doc_id,
            segments=len(aligned.rows),
            error=f"{display_path(path)}: cannot be written ({type(exc).__name__}: {exc}). "
            "Report this with the source file",
        )
    memory.record_segments(
        (
            SegmentRecord(
                row.segment.segment_id, row.segment.text, row.english, row.segment.kind.value
            )
            for row in aligned.rows
        ),
        document=aligned.doc_id,
    )
    return DocumentReport(
        source=aligned.source_path,
        doc_id=aligned.doc_id,
        segments=len(aligned.rows),
        outputs=paths.all(),
        written=tuple(written),
    )


def _edited_since_written(path: Path, state: OutputState | None) -> bool:
    """Whether an editor changed ``path`` since this tool wrote it.

    The memory's record (size and time) answers when it has one; without it (the
    memory deleted, moved, or another one), the file's own record of what it held
    does, so an editor's corrections are never overwritten for want of a memory.
    """
    if not path.exists():
        return False
    if state is None:
        from translate_pipeline.review_import import output_was_edited

        return output_was_edited(path) is True
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns) != (state.size, state.mtime_ns)
