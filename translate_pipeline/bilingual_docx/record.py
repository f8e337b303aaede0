"""The record of what the tool wrote into a bilingual DOCX, and telling an edit by it.

Every row read back (:mod:`.table`) is hashed into a custom document property, so
that a later difference is known as an editor's edit even when the translation
memory is gone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from translate_pipeline.bilingual_docx.table import (
    TableRow,
    docx_comments,
    external_links,
    table_rows,
)
from translate_pipeline.document import Inline
from translate_pipeline.row_record import RowRecord

RECORD_PROPERTY = "translate_pipeline.bilingual"
RECORD_VERSION = 1
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def _cell_state(cell: tuple[str, tuple[Inline, ...]]) -> list[Any]:
    text, inlines = cell
    return [text, [[s.kind.value, s.start, s.end, list(s.data)] for s in inlines]]


def row_fingerprint(row: TableRow) -> str:
    """A short hash of a row's English cell (text and formatting) as read back."""
    payload = json.dumps(_cell_state(row.english), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def shown_text_hash(text: str) -> str:
    """A short hash of a cell's plain text, whitespace collapsed (what a row showed)."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:12]


def record_of(rows: Sequence[TableRow]) -> dict[str, Any]:
    """What the tool wrote: a digest of every row, and each segment row's English hash.

    ``shown`` keeps, per segment row, the hashes of the French and English texts
    shown, so that an import can tell an editor's change of the French from a
    change of the article, and a newer review from this file's edit.
    """
    with RecordBuilder() as record:
        for row in rows:
            record.add(row)
        result: dict[str, Any] = json.loads(record.as_json())
        return result


class RecordBuilder:
    """:func:`record_of`, one row at a time, so that no row need be kept.

    The digest is the SHA-256 of the JSON list of every row's state, fed to the
    hash piece by piece exactly as ``json.dumps`` would write the list; what the
    record keeps of each segment row waits in a temporary file (``RowRecord``).
    Use as a context manager, so that the file is removed.
    """

    def __init__(self) -> None:
        self.digest = hashlib.sha256(b"[")
        self.rows = 0
        self._kept = RowRecord()

    def __enter__(self) -> RecordBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self._kept.close()

    def add(self, row: TableRow) -> None:
        state = [
            row.cells,
            row.id_text,
            list(row.notes),
            _cell_state(row.french),
            _cell_state(row.english),
        ]
        # A comment added by a reviewer is an edit too (none when the tool writes).
        if row.comments:
            state.append(list(row.comments))
        if self.rows:
            self.digest.update(b", ")
        self.digest.update(json.dumps(state, ensure_ascii=False).encode())
        self.rows += 1
        if not row.kept_as_is:
            self._kept.add(
                row.id_text,
                row_fingerprint(row),
                [shown_text_hash(row.french[0]), shown_text_hash(row.english[0])],
            )

    def json_pieces(self) -> Iterator[str]:
        """The record, ``{"version", "digest", "rows", "shown"}``, as compact JSON
        text, in pieces (a large article's never held whole)."""
        digest = self.digest.copy()
        digest.update(b"]")
        return self._kept.json_pieces({"version": RECORD_VERSION, "digest": digest.hexdigest()})

    def as_json(self) -> str:
        """:meth:`json_pieces` joined."""
        return "".join(self.json_pieces())


# Where the record's JSON goes in docProps/custom.xml as :func:`add_record` makes it:
# the writer puts the JSON there, escaped, as it compresses the part.
RECORD_PLACEHOLDER = "@translate_pipeline.record@"
CUSTOM_PROPERTIES_PART = "docProps/custom.xml"


def add_record(doc: Any, record: str = RECORD_PLACEHOLDER) -> None:
    """Store ``record`` (its JSON) as a custom document property (docProps/custom.xml).

    By default the part holds :data:`RECORD_PLACEHOLDER`, for the writer to replace
    with the record as it writes the package (see :func:`custom_properties`).
    """
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    properties = etree.Element(
        f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS}
    )
    prop = etree.SubElement(properties, f"{{{_CUSTOM_NS}}}property")
    prop.set("fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}")
    prop.set("pid", "2")
    prop.set("name", RECORD_PROPERTY)
    etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = record
    blob = etree.tostring(properties, xml_declaration=True, encoding="UTF-8", standalone=True)
    package = doc.part.package
    part = Part(PackURI("/docProps/custom.xml"), CONTENT_TYPE.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)


def read_record(doc: Any) -> dict[str, Any] | None:
    """The record a bilingual DOCX (opened with python-docx) holds, if any."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from lxml import etree

    for rel in doc.part.package.rels.values():
        if rel.reltype != RELATIONSHIP_TYPE.CUSTOM_PROPERTIES or rel.is_external:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except etree.XMLSyntaxError:
            return None
        for prop in root.iter(f"{{{_CUSTOM_NS}}}property"):
            if prop.get("name") != RECORD_PROPERTY:
                continue
            value = "".join(prop.itertext())
            try:
                record = json.loads(value)
            except json.JSONDecodeError:
                return None
            if isinstance(record, dict) and record.get("version") == RECORD_VERSION:
                return record
    return None


def docx_was_edited(path: Path) -> bool | None:
    """Whether a bilingual DOCX differs from what the tool wrote into it.

    Returns:
        ``None`` when the file cannot be read or holds no record of ours (not our
        file, or written by an older version); else whether any row changed.
    """
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        doc = docx.Document(str(path))
    except (
        OSError,
        PackageNotFoundError,
        zipfile.BadZipFile,
        XMLSyntaxError,
        KeyError,
        ValueError,
    ):
        return None
    record = read_record(doc)
    if record is None:
        return None
    if not doc.tables:
        return True
    rows = table_rows(doc.tables[0]._tbl, external_links(doc.part), docx_comments(doc.part))
    return record_of(rows)["digest"] != record.get("digest")


def custom_properties(blob: bytes, record: Iterable[str]) -> Iterator[bytes]:
    """The custom properties part ``blob`` (made by :func:`add_record` with the
    placeholder) with the JSON pieces of ``record`` in place of the placeholder,
    escaped as lxml escapes a text node, in pieces."""
    head, tail = blob.split(RECORD_PLACEHOLDER.encode(), 1)
    yield head
    for piece in record:
        yield escape(piece).encode()
    yield tail
