"""Where outputs go, and writing them safely: temporary file, then rename."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from translate_pipeline.errors import OutputError


@dataclass(frozen=True)
class OutputPaths:
    """The three files written for one article.

    Attributes:
        english: The English article, ``<stem><english_suffix>`` as its source's
            format decides (``.en.md`` for Markdown and plain text).
    """

    bilingual_docx: Path
    bilingual_md: Path
    english: Path

    @classmethod
    def for_document(
        cls, out_dir: Path, doc_id: str, english_suffix: str = ".en.md"
    ) -> OutputPaths:
        """The output paths of article ``doc_id`` in ``out_dir``."""
        return cls(
            bilingual_docx=out_dir / f"{doc_id}.bilingual.docx",
            bilingual_md=out_dir / f"{doc_id}.bilingual.md",
            english=out_dir / f"{doc_id}{english_suffix}",
        )

    def all(self) -> tuple[Path, ...]:
        """Every path, in the order they are written."""
        return (self.bilingual_docx, self.bilingual_md, self.english)


def office_lock_file(path: Path) -> Path | None:
    """The lock file an office suite keeps beside ``path`` while it has it open, if any.

    LibreOffice writes ``.~lock.NAME#``; Word writes an owner file ``~$`` followed by
    the name, with its first two characters dropped when the name is long enough
    (``~$ticle.docx`` for ``article.docx``), so both spellings are looked for.
    """
    candidates = [path.with_name(f".~lock.{path.name}#")]
    candidates += [path.with_name("~$" + path.name[cut:]) for cut in (0, 1, 2)]
    return next((lock for lock in candidates if lock.exists()), None)


def prepare_output_folder(out_dir: Path) -> None:
    """Create ``out_dir`` if needed and prove it is writable, before any work is done.

    Raises:
        OutputError: The folder cannot be created or written to.
    """
    fix = "Choose another folder with --out, or fix its permissions"
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(out_dir, "exists and is not a folder", fix)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as exc:
        raise OutputError(out_dir, f"cannot write here ({exc.strerror or exc})", fix) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place.

    A reader never sees a half-written file, and an interrupted write leaves the
    previous version intact.

    Raises:
        OutputError: The file cannot be written.
    """
    tmp_name = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        # NamedTemporaryFile creates 0600; give the file the mode open() would.
        os.chmod(tmp_name, 0o666 & ~_current_umask())
        os.replace(tmp_name, path)
    except OSError as exc:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)
        raise OutputError(
            path, f"cannot write ({exc.strerror or exc})", _write_advice(exc)
        ) from None


@contextmanager
def atomic_text_file(path: Path) -> Iterator[IO[str]]:
    """A UTF-8 text file (line ends written as given) that becomes ``path`` when the
    ``with`` block ends without error, as :func:`write_atomic` does with bytes.

    For outputs too large to be built as one string first. On an error in the
    block the temporary file is removed and ``path`` left as it was.

    Raises:
        OutputError: The file cannot be written.
    """
    tmp_name = None
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            newline="",
            dir=path.parent,
            prefix=f".{path.name}.",
            suffix=".tmp",
            delete=False,
        ) as tmp:
            tmp_name = tmp.name
            yield tmp
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o666 & ~_current_umask())
        os.replace(tmp_name, path)
    except OSError as exc:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)
        raise OutputError(
            path, f"cannot write ({exc.strerror or exc})", _write_advice(exc)
        ) from None
    except BaseException:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)
        raise


def _write_advice(exc: OSError) -> str:
    """What to do about a failed write, by its cause."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some space and run again"
    if exc.errno in (errno.EISDIR, errno.ENOTDIR):
        return "A folder stands where the file should be; move it away and run again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "Fix the permissions of the file and its folder, or choose another --out"
    return "Check the disk and the folder, then run again"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
