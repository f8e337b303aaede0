"""A Word package opened, and the XML parts whose paragraphs are read.

Opening gives one clear error for anything that is not a readable ``.docx``
(another Office file renamed, an old ``.doc``, a password, broken XML). The parts
are the body, the footnotes and endnotes, and each section's headers and footers.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from translate_pipeline.errors import SourceError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{tag}"


FIX = "Save it again as .docx from Word or LibreOffice"


@dataclass(frozen=True)
class PartRoot:
    """One XML part of the package whose paragraphs are read."""

    name: str
    kind: str
    root: Any
    rels: dict[str, tuple[str, bool]]
    part: Any = None


_UNREAD = {
    "comments": "reviewers' comments",
    "chart": "chart text",
    "diagramData": "diagram (SmartArt) text",
}


def unread_parts(package: Any) -> tuple[str, ...]:
    """One line per part with text that is kept as it is (comments, charts, diagrams)."""
    lines = []
    for part in package.part.package.iter_parts():
        name = str(part.partname).lstrip("/")
        for key, what in _UNREAD.items():
            if f"/{key}" not in f"/{name}":
                continue
            try:
                text = "".join(part_element(part).itertext()).strip()
            except etree.XMLSyntaxError:
                text = "?"
            if text:
                lines.append(f"{name}: {what} kept untranslated")
    return tuple(lines)


def open_docx(path: Path) -> Any:
    """Open ``path`` with python-docx.

    Raises:
        SourceError: One message naming the file and what to do.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(str(path))
    except ValueError as exc:
        # python-docx: "file '...' is not a Word file, content type is '...'".
        kind = str(exc).rsplit("content type is", 1)[-1].strip(" '")
        named = next((name for key, name in _OFFICE_KINDS.items() if key in kind), kind)
        raise SourceError(
            path,
            f"not a Word document (it is {named or 'another kind of file'})",
            "Give a .docx saved by Word or LibreOffice, or rename the file to its real type",
        ) from None
    except (PackageNotFoundError, zipfile.BadZipFile):
        raise _not_a_package(path) from None
    except etree.XMLSyntaxError as exc:
        raise SourceError(path, f"not a readable DOCX file (broken XML: {exc})", FIX) from None
    except KeyError as exc:
        raise SourceError(
            path, f"not a readable DOCX file (a part is missing: {exc})", FIX
        ) from None
    except OSError as exc:
        raise SourceError(
            path, f"cannot be read ({exc.strerror or exc})", "Check the file's permissions"
        ) from None


_OFFICE_KINDS = {
    "spreadsheetml": "an Excel workbook",
    "presentationml": "a PowerPoint presentation",
    "macroEnabled": "a document with macros",
    "template": "a Word template",
}
# Old Word .doc files and password-protected .docx files are OLE compound files.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _not_a_package(path: Path) -> SourceError:
    """Say what a file that is not a zip package looks like, and what to do."""
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as error:
        return SourceError(path, f"cannot be read ({error.strerror or error})", FIX)
    if not head:
        return SourceError(path, "not a readable DOCX file (the file is empty)", FIX)
    if head == _OLE_SIGNATURE:
        return SourceError(
            path,
            "not a readable DOCX file (an old Word .doc, or a document protected by a password)",
            "Open it in Word or LibreOffice and save it as .docx, without a password",
        )
    return SourceError(path, "not a readable DOCX file (not a zip package)", FIX)


def part_roots(package: Any) -> list[PartRoot]:
    """The parts whose paragraphs are read, in reading order.

    The body, then footnotes and endnotes, then every section's headers and then
    footers, each part once.
    """
    main = package.part
    roots = [PartRoot(str(main.partname), "body", main.element, rels_of(main), main)]
    for reltype, kind in ((RT_FOOTNOTES, "footnote"), (RT_ENDNOTES, "endnote")):
        for rel in main.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                part = rel.target_part
                roots.append(
                    PartRoot(str(part.partname), kind, part_element(part), rels_of(part), part)
                )
    seen: set[str] = set()
    for tag, kind in (("headerReference", "header"), ("footerReference", "footer")):
        for reference in main.element.iter(w(tag)):
            part = main.related_parts.get(reference.get(f"{{{R_NS}}}id"))
            if part is None or str(part.partname) in seen:
                continue
            seen.add(str(part.partname))
            roots.append(PartRoot(str(part.partname), kind, part.element, rels_of(part), part))
    return roots


def part_element(part: Any) -> Any:
    """The root element of a part, parsed from its bytes when python-docx keeps only those."""
    element = getattr(part, "element", None)
    if element is not None:
        return element
    return etree.fromstring(part.blob)


def rels_of(part: Any) -> dict[str, tuple[str, bool]]:
    return {rid: (rel.target_ref, rel.is_external) for rid, rel in part.rels.items()}


def related_root(package: Any, name: str) -> Any:
    """The root element of the main part's ``styles`` or ``numbering`` part, if any."""
    reltype = f"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{name}"
    for rel in package.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return part_element(rel.target_part)
    return None
