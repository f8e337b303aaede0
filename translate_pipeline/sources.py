"""Finding the source articles (.txt, .md, .docx) to translate.

Reading them is each format's job (``translate_pipeline.formats``). Files this
tool writes (``*.bilingual.*``, ``*.en.*``, the QA reports) and office lock
files are never taken for articles, so ``--out`` may be the source folder.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from translate_pipeline.errors import SourceError, describe_os_error, display_path
from translate_pipeline.formats import SUPPORTED_SUFFIXES, format_of

# What a run writes beside the articles (see output_files.OutputPaths and render_qa).
OUTPUT_MARKERS = (".bilingual.", ".en.")
QA_REPORT_NAMES = ("qa-report.md", "qa-report.json")


@dataclass(frozen=True)
class SourceScan:
    """The articles found under the given paths.

    Attributes:
        files: Supported files, in a stable order.
        skipped: Files in scanned folders that are not articles (unsupported extension).
        unreadable: Entries of scanned folders named like articles that cannot be
            read as files (a dangling symbolic link, a link loop, a pipe), each
            with the reason.
        own_outputs: Files of scanned folders named like this tool's outputs or
            office lock files, which are not read.
        subfolders: Each article found below a folder given, with its folder
            relative to that folder (``politique`` for ``src/politique/a.md``
            under ``src``); articles named directly, or at the top of a folder
            given, are not listed.
    """

    files: tuple[Path, ...]
    skipped: tuple[Path, ...]
    unreadable: tuple[tuple[Path, str], ...] = ()
    own_outputs: tuple[Path, ...] = ()
    subfolders: tuple[tuple[Path, Path], ...] = ()

    def subfolder(self, path: Path) -> Path:
        """The folder ``path``'s outputs go to, relative to ``--out`` (``.`` for the top)."""
        return dict(self.subfolders).get(path, Path("."))


def is_own_output(path: Path) -> bool:
    """Whether ``path`` is named like a file this tool writes, or an office lock file."""
    name = path.name.lower()
    if name in QA_REPORT_NAMES or name.startswith(("~$", ".~lock.")):
        return True
    stem = name[: -len(path.suffix)] if path.suffix else name
    return any(marker in stem + "." for marker in OUTPUT_MARKERS)


def find_sources(paths: Iterable[Path], skip: Iterable[Path] = ()) -> SourceScan:
    """List the article files named by ``paths`` (files, or folders read recursively).

    A file named directly must exist and have a supported extension; in a folder,
    hidden files and folders and this tool's own outputs are ignored, other
    unsupported files are reported as skipped, and links or special files that
    cannot be read as articles are reported as unreadable.

    Args:
        paths: Files and folders to read.
        skip: Folders not to enter below a folder given (the output folder, so
            its outputs are never read back); a folder given itself is read.

    Raises:
        SourceError: A path does not exist, a named file has an unknown extension
            or is one of this tool's outputs, or a folder holds no article or
            cannot be listed.
    """
    files: list[Path] = []
    subfolders: dict[Path, Path] = {}
    skipped: list[Path] = []
    unreadable: list[tuple[Path, str]] = []
    own_outputs: list[Path] = []
    not_entered = {_identity(folder) for folder in skip}
    for path in paths:
        if not path.exists():
            problem = _link_problem(path) if path.is_symlink() else None
            raise SourceError(
                path, problem or "no such file or folder", "Check the path and try again"
            )
        if path.is_dir():
            walk = _Walk(path, not_entered)
            walk.folder(path, frozenset())
            if not walk.files:
                broken = "".join(
                    f" ({display_path(child.name)}: {problem})"
                    for child, problem in walk.unreadable
                    if child.parent == path
                )
                raise SourceError(
                    path,
                    "holds no .txt, .md or .docx article" + broken,
                    "Put the French articles there, or name the files directly",
                )
            files.extend(walk.files)
            for found in walk.files:
                if found.parent != path:
                    subfolders.setdefault(found, found.parent.relative_to(path))
            skipped.extend(walk.skipped)
            unreadable.extend(walk.unreadable)
            own_outputs.extend(walk.own_outputs)
        else:
            format_of(path)
            if is_own_output(path):
                raise SourceError(
                    path,
                    "is a file translate writes (a bilingual, English or QA file), not a "
                    "French article",
                    "Name the French source instead",
                )
            problem = _not_a_file(path)
            if problem:
                raise SourceError(path, problem, "Name a regular file")
            files.append(path)
    # The same article named twice (a folder and a file in it, a relative and an
    # absolute path, a link) is read once.
    first: dict[Path, Path] = {}
    for path in files:
        first.setdefault(_identity(path), path)
    unique = tuple(first.values())
    return SourceScan(
        files=unique,
        skipped=tuple(skipped),
        unreadable=tuple(unreadable),
        own_outputs=tuple(own_outputs),
        subfolders=tuple((path, subfolders[path]) for path in unique if path in subfolders),
    )


class _Walk:
    """What one folder given holds, found by reading it and its sub-folders."""

    def __init__(self, top: Path, not_entered: set[Path]) -> None:
        self.top = top
        self.not_entered = not_entered
        self.files: list[Path] = []
        self.skipped: list[Path] = []
        self.unreadable: list[tuple[Path, str]] = []
        self.own_outputs: list[Path] = []

    def folder(self, path: Path, above: frozenset[Path]) -> None:
        """Read ``path``; ``above`` holds the real folders it lies in, so a link
        back up to one of them (a loop) is not followed again."""
        here = above | {_identity(path)}
        for child in _list_folder(path):
            if child.name.startswith("."):
                continue
            if child.is_dir():
                identity = _identity(child)
                if identity in self.not_entered:
                    continue
                if identity in here:
                    self.unreadable.append((child, "a symbolic link to a folder it lies in"))
                    continue
                self.folder(child, here)
                continue
            if is_own_output(child):
                self.own_outputs.append(child)
                continue
            if child.suffix.lower() not in SUPPORTED_SUFFIXES:
                if child.is_file():
                    self.skipped.append(child)
                continue
            problem = _not_a_file(child)
            if problem:
                self.unreadable.append((child, problem))
                continue
            self.files.append(child)


def _list_folder(path: Path) -> list[Path]:
    try:
        return sorted(path.iterdir())
    except OSError as exc:
        raise SourceError(
            path, f"cannot list the folder ({describe_os_error(exc)})", "Fix its permissions"
        ) from None


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as an article file, or ``None`` when it can."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return _link_problem(path) or f"cannot be examined ({describe_os_error(exc)})"
    if not stat.S_ISREG(mode):
        # Reading a named pipe or a device would wait forever or never end.
        return "not a regular file (a pipe, socket or device)"
    return None


def _link_problem(path: Path) -> str | None:
    """What is wrong with a symbolic link that leads nowhere, or ``None``."""
    if not path.is_symlink():
        return None
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        try:
            target = display_path(os.readlink(path))
        except OSError:
            target = "?"
        return f"a symbolic link to {target}, which does not exist"
    return None


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path
