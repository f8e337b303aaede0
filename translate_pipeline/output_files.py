"""Where outputs go, and writing them safely: temporary file, then rename."""

from __future__ import annotations

import errno
import filecmp
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

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
    with AtomicFile(path, text=False) as out:
        out.write(data)


class AtomicFile:
    """A temporary file beside ``path``, renamed onto it when the ``with`` block ends.

    For outputs too large to be built in memory first (see :func:`write_atomic`
    for bytes at hand). Entering gives the open file (text, UTF-8, line ends as written, or binary).
    On leaving without error it is synced and renamed into place, with the mode
    ``open()`` would give it; with ``unless_same``, a ``path`` that already holds
    exactly those bytes is left as it is (``written`` says which). On an error
    the temporary file is removed and ``path`` left as it was.

    Raises:
        OutputError: The file cannot be written (an ``OSError`` in the block too).
    """

    def __init__(self, path: Path, *, text: bool = True, unless_same: bool = False) -> None:
        self.path = path
        self.text = text
        self.unless_same = unless_same
        self.written = False
        self._file: IO[Any] | None = None

    def __enter__(self) -> IO[Any]:
        try:
            self._file = tempfile.NamedTemporaryFile(
                "w" if self.text else "wb",
                encoding="utf-8" if self.text else None,
                newline="" if self.text else None,
                dir=self.path.parent,
                prefix=f".{self.path.name}.",
                suffix=".tmp",
                delete=False,
            )
        except OSError as exc:
            raise self._error(exc) from None
        return self._file

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: object
    ) -> None:
        assert self._file is not None
        tmp = Path(self._file.name)
        try:
            if kind is None:
                self._file.flush()
                os.fsync(self._file.fileno())
            self._file.close()
            if kind is None:
                if self.unless_same and _same_bytes(self.path, tmp):
                    tmp.unlink()
                    return
                os.chmod(tmp, 0o666 & ~_current_umask())
                os.replace(tmp, self.path)
                self.written = True
                return
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise self._error(exc) from None
        tmp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise self._error(error) from None

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(self.path, f"cannot write ({exc.strerror or exc})", _write_advice(exc))


def _same_bytes(path: Path, other: Path) -> bool:
    """Whether ``path`` is a file holding exactly what ``other`` holds."""
    try:
        return path.is_file() and filecmp.cmp(path, other, shallow=False)
    except OSError:
        # Unreadable: written again, and the write says what is wrong.
        return False


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
