"""Finding the source articles (.txt, .md, .docx) to translate.

Reading them is each format's job (``translate_pipeline.formats``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from translate_pipeline.errors import SourceError
from translate_pipeline.formats import SUPPORTED_SUFFIXES, format_of


@dataclass(frozen=True)
class SourceScan:
    """The articles found under the given paths.

    Attributes:
        files: Supported files, in a stable order.
        skipped: Files in scanned folders that are not articles (unsupported extension).
    """

    files: tuple[Path, ...]
    skipped: tuple[Path, ...]


def find_sources(paths: Iterable[Path]) -> SourceScan:
    """List the article files named by ``paths`` (files or folders, not recursive).

    A file named directly must exist and have a supported extension; in a folder,
    hidden files are ignored and other unsupported files are reported as skipped.

    Raises:
        SourceError: A path does not exist, a named file has an unknown extension,
            or a folder holds no article.
    """
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if not path.exists():
            raise SourceError(path, "no such file or folder", "Check the path and try again")
        if path.is_dir():
            found = False
            for child in sorted(path.iterdir()):
                if child.name.startswith(".") or not child.is_file():
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(child)
                    found = True
                else:
                    skipped.append(child)
            if not found:
                raise SourceError(
                    path,
                    "holds no .txt, .md or .docx article",
                    "Put the French articles there, or name the files directly",
                )
        else:
            format_of(path)
            files.append(path)
    unique = tuple(dict.fromkeys(files))
    return SourceScan(files=unique, skipped=tuple(skipped))
