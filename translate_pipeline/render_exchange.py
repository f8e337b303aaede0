"""Rendering the translation memory for other CAT tools: TMX 1.4b, or XLIFF 1.2."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from translate_pipeline import __version__
from translate_pipeline.memory import MemoryEntry
from translate_pipeline.output_files import write_atomic
from translate_pipeline.unknown_words import strip_marks

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tmx_bytes(
    entries: Iterable[MemoryEntry], source_lang: str = "fr", target_lang: str = "en"
) -> bytes:
    """A TMX 1.4b document with one translation unit per entry.

    Each unit records where its English came from in ``x-origin`` (machine or
    reviewed) and, for machine ones, ``x-engine``; a reviewer's note on the
    sentence is the unit's ``<note>``.
    """
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        creationtool="translate_pipeline",
        creationtoolversion=__version__,
        segtype="sentence",
        adminlang="en",
        srclang=source_lang,
        datatype="plaintext",
        **{"o-tmf": "translate_pipeline"},
    )
    body = ET.SubElement(root, "body")
    for entry in entries:
        unit = ET.SubElement(body, "tu", creationdate=_tmx_date(entry.updated_at))
        if entry.note:
            ET.SubElement(unit, "note").text = entry.note
        ET.SubElement(unit, "prop", type="x-origin").text = entry.origin
        if entry.engine:
            ET.SubElement(
                unit, "prop", type="x-engine"
            ).text = f"{entry.engine} {entry.engine_version}".strip()
        for lang, text in ((source_lang, entry.source), (target_lang, _target(entry))):
            variant = ET.SubElement(unit, "tuv", {XML_LANG: lang})
            ET.SubElement(variant, "seg").text = text
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _tmx_date(iso: str) -> str:
    # 2026-11-25T05:24:14Z -> 20261125T052414Z, the form TMX requires.
    return iso.replace("-", "").replace(":", "")


XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"


def xliff_bytes(
    entries: Iterable[MemoryEntry], source_lang: str = "fr", target_lang: str = "en"
) -> bytes:
    """An XLIFF 1.2 document: one trans-unit per entry; reviewed ones approved and ``final``.

    A reviewer's note on the sentence is a ``<note from="reviewer">``.
    """
    ET.register_namespace("", XLIFF_NS)
    root = ET.Element(f"{{{XLIFF_NS}}}xliff", version="1.2")
    file = ET.SubElement(
        root,
        f"{{{XLIFF_NS}}}file",
        {
            "original": "translate_pipeline-memory",
            "source-language": source_lang,
            "target-language": target_lang,
            "datatype": "plaintext",
            "tool-id": "translate_pipeline",
        },
    )
    body = ET.SubElement(file, f"{{{XLIFF_NS}}}body")
    for number, entry in enumerate(entries, start=1):
        unit = ET.SubElement(body, f"{{{XLIFF_NS}}}trans-unit", id=str(number))
        if entry.origin == "reviewed":
            unit.set("approved", "yes")
        ET.SubElement(unit, f"{{{XLIFF_NS}}}source").text = entry.source
        state = "final" if entry.origin == "reviewed" else "needs-review-translation"
        target = ET.SubElement(unit, f"{{{XLIFF_NS}}}target", state=state)
        target.text = _target(entry)
        if entry.engine:
            note = ET.SubElement(unit, f"{{{XLIFF_NS}}}note", {"from": "translate_pipeline"})
            note.text = f"machine translation: {entry.engine} {entry.engine_version}".strip()
        if entry.note:
            reviewer = ET.SubElement(unit, f"{{{XLIFF_NS}}}note", {"from": "reviewer"})
            reviewer.text = entry.note
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


FORMATS = {"tmx": tmx_bytes, "xliff": xliff_bytes}


def write_exchange_file(entries: Iterable[MemoryEntry], path: Path, file_format: str) -> None:
    """Write the memory as ``file_format`` ("tmx" or "xliff") to ``path`` atomically."""
    write_atomic(path, FORMATS[file_format](entries))


def _target(entry: MemoryEntry) -> str:
    """The entry's English as the outputs show it: a machine one without Apertium's marks."""
    return (
        entry.target if entry.origin == "reviewed" else strip_marks(entry.target, entry.source).text
    )
