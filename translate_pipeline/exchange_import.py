"""Reading other CAT tools' files into the memory: TMX 1.4, XLIFF 1.2 and XLIFF 2.

The twin of ``render_exchange``, which writes them. Units with a French source and
an English target become memory entries; the rest are counted and skipped. What
the memory has no room for is counted too, never dropped silently: inline codes
(``<bpt>``, ``<ph>``, ``<x/>`` ...) are removed and their units counted, and notes
are counted as not kept (the memory holds no notes).

Which units count as reviewed:

- TMX: a unit written by this tool keeps the origin it was exported with
  (``<prop type="x-origin">``); any other unit is reviewed, since a TMX is a memory
  of confirmed translations.
- XLIFF 1.2: ``approved="yes"``, or a target ``state`` of ``final`` or
  ``signed-off``; XLIFF 2: a segment ``state`` of ``reviewed`` or ``final``. The
  other units with an English target are kept as machine entries.

``origin="reviewed"`` or ``"machine"`` overrides this for every unit of a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate_pipeline.errors import ReviewImportError
from translate_pipeline.memory import MACHINE, REVIEWED, MemoryEntry

EXCHANGE_SUFFIXES = (".tmx", ".xlf", ".xliff")
ORIGIN_CHOICES = ("auto", REVIEWED, MACHINE)
SOURCE_LANGUAGE = "fr"
TARGET_LANGUAGE = "en"

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Elements whose text is part of the sentence; every other inline element holds a
# native code (an opening tag, a placeholder) that a plain-text memory cannot keep.
_TEXT_ELEMENTS = frozenset({"g", "mrk", "hi", "pc"})
_XLIFF1_REVIEWED_STATES = frozenset({"final", "signed-off"})
_XLIFF2_REVIEWED_STATES = frozenset({"reviewed", "final"})
_TMX_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
_OWN_TOOL = "translate_pipeline"
_OWN_MACHINE_NOTE = "machine translation: "


@dataclass(frozen=True)
class ExchangeFile:
    """The French-to-English units read from one TMX or XLIFF file.

    Attributes:
        path: The file.
        file_format: "tmx" or "xliff".
        entries: One entry per unit kept, in file order (``updated_at`` is the
            unit's date, or "" when it has none).
        other_languages: Units skipped for not being French to English.
        untranslated: Units skipped for having no English.
        inline_codes: Units kept whose inline codes were removed.
        notes_dropped: Notes the memory could not keep.
    """

    path: Path
    file_format: str
    entries: tuple[MemoryEntry, ...]
    other_languages: int
    untranslated: int
    inline_codes: int
    notes_dropped: int


@dataclass
class _Tally:
    other_languages: int = 0
    untranslated: int = 0
    inline_codes: int = 0
    notes_dropped: int = 0


def is_exchange_file(path: Path) -> bool:
    """Whether ``path`` is named as a TMX or XLIFF file."""
    return path.suffix.lower() in EXCHANGE_SUFFIXES


def read_exchange_file(path: Path, origin: str = "auto") -> ExchangeFile:
    """Read the French-to-English units of a TMX or XLIFF file.

    Args:
        path: The file; its root element decides the format, not its name.
        origin: "auto" (see the module), or "reviewed"/"machine" for every unit.

    Raises:
        ReviewImportError: The file is missing, not well-formed XML, not TMX or
            XLIFF, has a broken unit (named by line), or holds no French-to-English
            unit; nothing is read from it.
    """
    from lxml import etree

    if not path.is_file():
        raise ReviewImportError(f"{path}: no such file. Give a .tmx, .xlf or .xliff file")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise ReviewImportError(
            f"{path}:{line}: not well-formed XML ({exc.msg}). "
            "Fix the file or export it again from its tool"
        ) from None
    except OSError as exc:
        raise ReviewImportError(f"{path}: cannot read ({exc})") from None
    tally = _Tally()
    name = _local(root)
    if name == "tmx":
        file_format = "tmx"
        entries = _tmx_entries(path, root, origin, tally)
    elif name == "xliff":
        file_format = "xliff"
        if root.get("version", "").startswith("2"):
            entries = _xliff2_entries(path, root, origin, tally)
        else:
            entries = _xliff1_entries(path, root, origin, tally)
    else:
        raise ReviewImportError(
            f"{path}: not a TMX or XLIFF file (its root element is <{name}>). "
            "Give a .tmx, .xlf or .xliff file exported by a CAT tool"
        )
    if not entries:
        why = (
            f"{tally.other_languages} in other languages, {tally.untranslated} without English"
            if tally.other_languages or tally.untranslated
            else "no translation unit at all"
        )
        raise ReviewImportError(
            f"{path}: no French-to-English unit with an English translation ({why}). "
            "Nothing was imported"
        )
    return ExchangeFile(
        path=path,
        file_format=file_format,
        entries=tuple(entries),
        other_languages=tally.other_languages,
        untranslated=tally.untranslated,
        inline_codes=tally.inline_codes,
        notes_dropped=tally.notes_dropped,
    )


def _tmx_entries(path: Path, root: Any, origin: str, tally: _Tally) -> list[MemoryEntry]:
    header = _child(root, "header")
    tool = header.get("creationtool", "") if header is not None else ""
    tool_version = header.get("creationtoolversion", "") if header is not None else ""
    body = _child(root, "body")
    if body is None:
        raise ReviewImportError(f"{path}:{root.sourceline}: a TMX file without <body>")
    entries = []
    for unit in _descendants(body, "tu"):
        french: str | None = None
        english: str | None = None
        for variant in _children(unit, "tuv"):
            lang = variant.get(_XML_LANG) or variant.get("lang") or ""
            segment = _child(variant, "seg")
            if segment is None:
                raise ReviewImportError(
                    f"{path}:{variant.sourceline}: a <tuv> without <seg>. "
                    "Fix the file or export it again from its tool"
                )
            if _language(lang) == SOURCE_LANGUAGE and french is None:
                french = _segment_text(segment, tally)
            elif _language(lang) == TARGET_LANGUAGE and english is None:
                english = _segment_text(segment, tally)
        if french is None or not french.strip():
            tally.other_languages += 1
            continue
        if english is None or not english.strip():
            tally.untranslated += 1
            continue
        props = {prop.get("type", ""): prop.text or "" for prop in _children(unit, "prop")}
        tally.notes_dropped += len(_children(unit, "note"))
        unit_origin = props.get("x-origin") if tool == _OWN_TOOL else None
        if origin != "auto":
            unit_origin = origin
        unit_origin = unit_origin if unit_origin in (REVIEWED, MACHINE) else REVIEWED
        engine, version = tool or "tmx", tool_version
        if "x-engine" in props:
            engine, _, version = props["x-engine"].partition(" ")
        entries.append(
            MemoryEntry(
                source=french,
                target=english,
                origin=unit_origin,
                engine="" if unit_origin == REVIEWED else engine,
                engine_version="" if unit_origin == REVIEWED else version,
                updated_at=_tmx_date(unit.get("changedate") or unit.get("creationdate") or ""),
            )
        )
    return entries


def _xliff1_entries(path: Path, root: Any, origin: str, tally: _Tally) -> list[MemoryEntry]:
    entries = []
    for file in _descendants(root, "file"):
        source_lang = _language(file.get("source-language", ""))
        target_lang = _language(file.get("target-language", ""))
        tool = file.get("tool-id", "") or file.get("tool", "")
        for unit in _descendants(file, "trans-unit"):
            source = _child(unit, "source")
            target = _child(unit, "target")
            if source is None:
                raise ReviewImportError(
                    f"{path}:{unit.sourceline}: trans-unit {unit.get('id', '?')!r} has no "
                    "<source>. Fix the file or export it again from its tool"
                )
            unit_target_lang = _language(
                (target.get(_XML_LANG) if target is not None else None) or target_lang
            )
            if source_lang != SOURCE_LANGUAGE or unit_target_lang not in (TARGET_LANGUAGE, ""):
                tally.other_languages += 1
                continue
            if target is None or not "".join(target.itertext()).strip():
                tally.untranslated += 1
                continue
            engine, version = tool or "xliff", ""
            for note in _children(unit, "note"):
                text = note.text or ""
                if note.get("from") == _OWN_TOOL and text.startswith(_OWN_MACHINE_NOTE):
                    engine, _, version = text[len(_OWN_MACHINE_NOTE) :].partition(" ")
                else:
                    tally.notes_dropped += 1
            reviewed = (
                unit.get("approved") == "yes" or target.get("state", "") in _XLIFF1_REVIEWED_STATES
            )
            unit_origin = origin if origin != "auto" else REVIEWED if reviewed else MACHINE
            entries.append(
                MemoryEntry(
                    source=_segment_text(source, tally),
                    target=_segment_text(target, tally),
                    origin=unit_origin,
                    engine="" if unit_origin == REVIEWED else engine,
                    engine_version="" if unit_origin == REVIEWED else version,
                    updated_at="",
                )
            )
    return entries


def _xliff2_entries(path: Path, root: Any, origin: str, tally: _Tally) -> list[MemoryEntry]:
    source_lang = _language(root.get("srcLang", ""))
    target_lang = _language(root.get("trgLang", ""))
    entries = []
    for unit in _descendants(root, "unit"):
        notes = _child(unit, "notes")
        tally.notes_dropped += len(_children(notes, "note")) if notes is not None else 0
        for segment in _children(unit, "segment"):
            source = _child(segment, "source")
            target = _child(segment, "target")
            if source is None:
                raise ReviewImportError(
                    f"{path}:{segment.sourceline}: a segment of unit {unit.get('id', '?')!r} "
                    "has no <source>. Fix the file or export it again from its tool"
                )
            if source_lang != SOURCE_LANGUAGE or target_lang != TARGET_LANGUAGE:
                tally.other_languages += 1
                continue
            if target is None or not "".join(target.itertext()).strip():
                tally.untranslated += 1
                continue
            reviewed = segment.get("state", "") in _XLIFF2_REVIEWED_STATES
            unit_origin = origin if origin != "auto" else REVIEWED if reviewed else MACHINE
            entries.append(
                MemoryEntry(
                    source=_segment_text(source, tally),
                    target=_segment_text(target, tally),
                    origin=unit_origin,
                    engine="" if unit_origin == REVIEWED else "xliff",
                    engine_version="",
                    updated_at="",
                )
            )
    return entries


def _segment_text(element: Any, tally: _Tally) -> str:
    """The plain text of a ``<seg>``/``<source>``/``<target>``, inline codes removed."""
    removed = [False]

    def text_of(node: Any) -> str:
        parts = [node.text or ""]
        for child in node:
            if _local(child) in _TEXT_ELEMENTS:
                parts.append(text_of(child))
            else:
                removed[0] = True
            parts.append(child.tail or "")
        return "".join(parts)

    text = text_of(element)
    if removed[0]:
        tally.inline_codes += 1
    return text


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Any, name: str) -> Any:
    for child in element:
        if _local(child) == name:
            return child
    return None


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child) == name]


def _descendants(element: Any, name: str) -> list[Any]:
    return [node for node in element.iter() if _local(node) == name]


def _language(code: str) -> str:
    """The primary language of a tag: ``fr-FR``, ``FR``, ``fr_CA`` -> ``fr``."""
    return re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()


def _tmx_date(value: str) -> str:
    # 20261125T052414Z -> 2026-11-25T05:24:14Z, the memory's form; others are ignored.
    match = _TMX_DATE.match(value.strip())
    if not match:
        return ""
    year, month, day, hour, minute, second = match.groups()
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}Z"
