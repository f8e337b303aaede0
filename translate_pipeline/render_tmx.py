"""Rendering the translation memory as TMX 1.4b, readable by other CAT tools."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from translate_pipeline import __version__
from translate_pipeline.memory import MemoryEntry
from translate_pipeline.output_files import write_atomic

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tmx_bytes(
    entries: Iterable[MemoryEntry], source_lang: str = "fr", target_lang: str = "en"
) -> bytes:
    """A TMX 1.4b document with one translation unit per entry.

    Each unit records where its English came from in ``x-origin`` (machine or
    reviewed) and, for machine ones, ``x-engine``.
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
        ET.SubElement(unit, "prop", type="x-origin").text = entry.origin
        if entry.engine:
            ET.SubElement(
                unit, "prop", type="x-engine"
            ).text = f"{entry.engine} {entry.engine_version}".strip()
        for lang, text in ((source_lang, entry.source), (target_lang, entry.target)):
            variant = ET.SubElement(unit, "tuv", {XML_LANG: lang})
            ET.SubElement(variant, "seg").text = text
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _tmx_date(iso: str) -> str:
    # 2026-11-25T05:24:14Z -> 20261125T052414Z, the form TMX requires.
    return iso.replace("-", "").replace(":", "")


def write_tmx(entries: Iterable[MemoryEntry], path: Path) -> None:
    """Write the TMX file atomically."""
    write_atomic(path, tmx_bytes(entries))
