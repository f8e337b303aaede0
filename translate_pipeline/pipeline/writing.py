"""Writing one article's three files, and what they show (their digest)."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
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
from translate_pipeline.output_files import OutputPaths, office_lock_file, write_atomic
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


@dataclass(frozen=True)
class OutputPlan:
    """Which of an article's files need writing, decided by :func:`plan_outputs`.

    Attributes:
        aligned: The article.
        label: The engine named in the outputs.
        english: The language the English is tagged with ("en-GB" or "en-US").
        paths: The article's three files.
        digest: What they show (:func:`document_digest`).
        stale: The files to write, in writing order: those not already holding
            exactly this content.
        seen: Each stale file's size and modification time when decided (``None``:
            absent), so that one an editor saves before it is written is kept.
    """

    aligned: AlignedDocument
    label: str
    english: str
    paths: OutputPaths
    digest: str
    stale: tuple[Path, ...]
    seen: tuple[tuple[int, int] | None, ...]


@dataclass(frozen=True)
class RenderedFiles:
    """An article's stale files rendered away from their place (:func:`render_elsewhere`).

    Attributes:
        contents: The bytes of the first files of the plan's ``stale``, in order.
        failure: Why the file after them could not be rendered; ``None`` when all were.
    """

    contents: tuple[bytes, ...]
    failure: str | None = None


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
    overwritten: the article is reported instead. (:func:`plan_outputs`, then
    :func:`write_planned`; a cluster run renders elsewhere in between, see
    :func:`render_elsewhere` and :func:`commit_rendered`.)
    """
    decided = plan_outputs(aligned, out_dir, label, memory, english)
    if isinstance(decided, DocumentReport):
        return decided
    return write_planned(decided, memory)


def plan_outputs(
    aligned: AlignedDocument,
    out_dir: Path,
    label: str,
    memory: TranslationMemory,
    english: str = "en-GB",
) -> OutputPlan | DocumentReport:
    """Which of one article's files need writing, or why none may be written.

    Creates ``out_dir``. The article is reported instead when a file is open in an
    office suite or was changed since this tool wrote it.
    """
    source_format = format_of(aligned.source_path)
    paths = OutputPaths.for_document(out_dir, aligned.doc_id, source_format.english_suffix)
    try:
        # An article of a sub-folder has its outputs in the same sub-folder of --out.
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _failed(
            aligned,
            f"{display_path(out_dir)}: cannot create the folder "
            f"({describe_os_error(exc)}). Fix its permissions, or move away what stands there",
        )
    # The English variant tags the English in the DOCX files: part of what they hold.
    digest = document_digest(aligned, f"{label} {english}")
    states = {path: memory.output_state(path) for path in paths.all()}
    held = _held_open(paths.all())
    if held is not None:
        return _failed(aligned, held)
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
        return _failed(
            aligned,
            f"{edited[0]}: changed since translate wrote it, so it was not overwritten; " + advice,
        )
    stale = tuple(
        path
        for path, state in states.items()
        if not (path.exists() and state is not None and state.digest == digest)
    )
    return OutputPlan(
        aligned, label, english, paths, digest, stale, tuple(_stamp(path) for path in stale)
    )


def render_file(plan: OutputPlan, path: Path, target: Path) -> None:
    """Write the content of ``path`` (one of ``plan.paths``) to ``target``, atomically.

    Raises:
        PipelineError: The renderer's own errors (a source changed since it was read).
        OSError, ValueError: Something the format cannot write.
    """
    aligned, label, english = plan.aligned, plan.label, plan.english
    if path == plan.paths.bilingual_docx:
        write_bilingual_docx(aligned, label, target, english_language=english)
    elif path == plan.paths.bilingual_md:
        write_bilingual_markdown(aligned, label, target)
    else:
        format_of(aligned.source_path).write_english(aligned, target, english)


def write_planned(plan: OutputPlan, memory: TranslationMemory) -> DocumentReport:
    """Render ``plan``'s stale files in place, one after the other, each recorded in
    the memory as it is written; then the article's segments.

    The first file that cannot be rendered stops the article (the files before it
    stay written) and is reported.
    """
    written: list[Path] = []
    for path in plan.stale:
        try:
            render_file(plan, path, path)
            memory.record_output(path, plan.digest)
        except MemoryFileError:
            raise  # the memory concerns the whole run
        except (PipelineError, OSError, ValueError) as exc:
            return _failed(plan.aligned, render_failure(path, exc))
        written.append(path)
    return _recorded(plan, memory, written)


def render_elsewhere(plan: OutputPlan, source: bytes | None) -> RenderedFiles:
    """``plan``'s stale files rendered in a temporary folder and read back as bytes.

    For a machine that cannot write (or read) the driver's files: a Ray actor. Each
    file is rendered under its own name by the same renderer a local run uses.

    Args:
        plan: What the driver decided.
        source: The source file's bytes, for a format whose writer reads its
            source again (the Word writer rebuilds the English in a copy of it);
            ``None`` where the source is not read.

    Messages name the plan's paths, never the temporary ones.
    """
    with tempfile.TemporaryDirectory(prefix="translate-render-") as folder:
        here = Path(folder)
        aligned = plan.aligned
        renamed: dict[Path, Path] = {}
        if source is not None:
            copy = here / "source" / aligned.source_path.name
            copy.parent.mkdir()
            copy.write_bytes(source)
            renamed[copy] = aligned.source_path
            aligned = replace(aligned, source_path=copy)
        there = replace(plan, aligned=aligned)
        contents = []
        for path in plan.stale:
            target = here / path.name
            renamed[target] = path
            try:
                render_file(there, path, target)
                contents.append(target.read_bytes())
            except (PipelineError, OSError, ValueError) as exc:
                message = render_failure(path, exc)
                for temporary, real in renamed.items():
                    message = message.replace(str(temporary), display_path(real))
                return RenderedFiles(tuple(contents), message)
    return RenderedFiles(tuple(contents))


def commit_rendered(
    plan: OutputPlan, rendered: RenderedFiles, memory: TranslationMemory
) -> DocumentReport:
    """Write the files of :func:`render_elsewhere` into place, as :func:`write_planned`
    would have: each atomically, recorded in the memory as it is written, in order;
    then the article's segments.

    A file opened in an office suite or changed since the plan was made (an
    editor saved it while it was rendered) is not overwritten: the article is
    reported, the files before it written.
    """
    written: list[Path] = []
    for path, seen, data in zip(plan.stale, plan.seen, rendered.contents, strict=False):
        held = _held_open((path,))
        if held is not None:
            return _failed(plan.aligned, held)
        if _stamp(path) != seen:
            return _failed(
                plan.aligned,
                f"{path}: changed while translate rendered it, so it was not overwritten; "
                "import the corrections first if it has any, or move the file away, and run "
                "again",
            )
        try:
            write_atomic(path, data)
            memory.record_output(path, plan.digest)
        except MemoryFileError:
            raise
        except (PipelineError, OSError, ValueError) as exc:
            return _failed(plan.aligned, render_failure(path, exc))
        written.append(path)
    if rendered.failure is not None:
        return _failed(plan.aligned, rendered.failure)
    return _recorded(plan, memory, written)


def render_failure(path: Path, exc: Exception) -> str:
    """The article's error when its file ``path`` cannot be rendered or written."""
    if isinstance(exc, PipelineError):
        return str(exc)
    # A renderer met something it cannot write (a name or character its format
    # refuses): this article's error, not the run's.
    return (
        f"{display_path(path)}: cannot be written ({type(exc).__name__}: {exc}). "
        "Report this with the source file"
    )


def _recorded(plan: OutputPlan, memory: TranslationMemory, written: list[Path]) -> DocumentReport:
    """Record the article's segments in the memory; its report."""
    aligned = plan.aligned
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
        outputs=plan.paths.all(),
        written=tuple(written),
    )


def _failed(aligned: AlignedDocument, error: str) -> DocumentReport:
    return DocumentReport(
        source=aligned.source_path, doc_id=aligned.doc_id, segments=len(aligned.rows), error=error
    )


def _held_open(paths: Sequence[Path]) -> str | None:
    """Why none of an article's files may be written while one is open in an office
    suite, or ``None``."""
    for path in paths:
        lock = office_lock_file(path) if path.exists() else None
        if lock is not None:
            return (
                f"{path}: open in an office suite (lock file {lock.name}), so none of this "
                "article's outputs was written; close it there (import your corrections "
                "first) and run again, or delete the lock file if nothing has it open"
            )
    return None


def _stamp(path: Path) -> tuple[int, int] | None:
    """``path``'s size and modification time, or ``None`` when it does not exist."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


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
