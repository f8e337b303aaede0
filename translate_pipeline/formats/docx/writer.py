"""Writing ``<stem>.en.docx``: the source Word document with its paragraphs in English.

The writer opens the source document again, finds each translated paragraph by
its block's anchor, and replaces that paragraph's runs with English runs rebuilt
from the rows' English and re-projected spans:

- a sentence's characters take the run properties of the spans that cover them
  (the source's own XML for bold, italic, inline code's style or font, ..., and
  every other property) and the proofing settings ("do not check") of most of the
  French sentence, with the English language (``en-GB`` or ``en-US``) so that Word
  checks its spelling as English; a sentence left as it was keeps its source runs
  exactly; the whitespace between sentences keeps the source's own properties;
- hyperlinks are rebuilt as ``w:hyperlink`` with the source's attributes (the same
  relationship, the same internal anchor);
- standalone codes (pictures, note references, fields, tabs, breaks, bookmarks)
  are the source's own elements, moved to their projected places. A code the
  projection could not place is appended at the end of its paragraph, never
  dropped (the row is already flagged ``formatting-lost``). A link whose span was
  lost leaves its English text unlinked: the row's flag names it.

Everything else is left as it was: paragraph properties, styles, numbering,
tables, pictures, section settings, and the paragraphs that were not translated
(empty, picture-only, code). Notes are translated in their own parts, headers and
footers in theirs, a picture's description in its ``descr`` attribute. The
core ``title`` is translated when it equals the French of a translated
paragraph. When something was translated, the document's default language
(``w:docDefaults``) and its core ``language`` property become the English one if
they were French; no other style setting changes. What a rebuilt paragraph loses
is only what Word regenerates (proofing marks, rendered page-break caches, soft
hyphens, revision IDs on runs, Word's ``_GoBack`` bookmark) and the
``smartTag``/``customXml``/``w:ins`` wrappers around runs (a tracked insertion is
accepted; the reader's summary names it).
"""

from __future__ import annotations

import copy
import io
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from translate_pipeline.document import AlignedDocument, AlignedRow, Inline, InlineKind
from translate_pipeline.errors import OutputError, SourceError
from translate_pipeline.formats.docx.package import W_NS, open_docx, part_roots, related_root, w
from translate_pipeline.formats.docx.reader import DocxParagraph, docx_paragraphs
from translate_pipeline.formats.docx.runs import CODE, LOOK, PROOFING
from translate_pipeline.output_files import write_atomic

# The order of w:rPr's children in the schema (CT_RPr); Word rejects another order.
_RPR_ORDER = {
    name: rank
    for rank, name in enumerate(
        [
            "rStyle",
            "rFonts",
            "b",
            "bCs",
            "i",
            "iCs",
            "caps",
            "smallCaps",
            "strike",
            "dstrike",
            "outline",
            "shadow",
            "emboss",
            "imprint",
            "noProof",
            "snapToGrid",
            "vanish",
            "webHidden",
            "color",
            "spacing",
            "w",
            "kern",
            "position",
            "sz",
            "szCs",
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
            "rPrChange",
        ]
    )
}
# The XML of a span that came from elsewhere (a reviewed translation) without raw XML.
_DEFAULT_XML = {
    InlineKind.BOLD: "<w:b/>",
    InlineKind.ITALIC: "<w:i/>",
    InlineKind.UNDERLINE: '<w:u w:val="single"/>',
    InlineKind.STRIKE: "<w:strike/>",
    InlineKind.SUPERSCRIPT: '<w:vertAlign w:val="superscript"/>',
    InlineKind.SUBSCRIPT: '<w:vertAlign w:val="subscript"/>',
}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The English variants a translated run can be tagged with (``--english``).
ENGLISH_VARIANTS = ("en-GB", "en-US")


def write_english(document: AlignedDocument, path: Path, english: str = "en-GB") -> None:
    """Write the English Word article of ``document`` to ``path``, atomically.

    Args:
        document: The aligned article, whose source is the Word document.
        path: Where to write ``<stem>.en.docx``.
        english: The language translated runs are tagged with ("en-GB" or
            "en-US"), so that Word checks their spelling as English; the
            document's default language becomes it too when it was French.

    Raises:
        SourceError: The source document cannot be read again, or no longer holds
            the paragraphs it was translated from.
        OutputError: ``english`` is not a known variant, or the file cannot be written.
    """
    if english not in ENGLISH_VARIANTS:
        raise OutputError(
            path, f"unknown English variant {english!r}", "Use " + " or ".join(ENGLISH_VARIANTS)
        )
    source = document.source_path
    package = open_docx(source)
    parts = part_roots(package)
    paragraphs = {
        p.block.index: p
        for p in docx_paragraphs(package, source, parts)
        if p.block is not None and p.block.translatable
    }
    if document.source is not None:
        expected = [block.text for block in document.source.translatable_blocks]
        if expected != [p.block.text for p in paragraphs.values() if p.block is not None]:
            raise SourceError(
                source, "changed since it was read", "Run the translation again on the saved file"
            )
    rows_by_block: dict[int, list[AlignedRow]] = defaultdict(list)
    for row in document.rows:
        rows_by_block[row.segment.block_index].append(row)
    english_of: dict[str, str] = {}
    for index, rows in rows_by_block.items():
        paragraph = paragraphs.get(index)
        if paragraph is None or paragraph.block is None:
            raise SourceError(
                source,
                f"has no paragraph {index} to put segment {rows[0].segment.segment_id} in",
                "Run the translation again on the saved file",
            )
        ordered = sorted(rows, key=lambda row: row.segment.sentence_index)
        if paragraph.attribute:
            english_text = _english_text(paragraph.block.text, ordered)
            paragraph.element.set(paragraph.attribute, english_text)
        else:
            english_text = rebuild_paragraph(paragraph, ordered, english)
        english_of.setdefault(paragraph.block.text.strip(), english_text.strip())
    _translate_fallback_copies(parts)
    if any(row.english != row.segment.text for row in document.rows):
        _default_language_to_english(package, english)
        if _is_french(package.core_properties.language or ""):
            package.core_properties.language = english
    title = package.core_properties.title
    if title and title.strip() in english_of:
        package.core_properties.title = english_of[title.strip()]
    for part in parts:
        if getattr(part.part, "element", None) is None:
            # python-docx keeps notes parts as bytes only; put the edited XML back.
            part.part._blob = etree.tostring(
                part.root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
    buffer = io.BytesIO()
    package.save(buffer)
    write_atomic(path, buffer.getvalue())


def _english_text(source_text: str, rows: list[AlignedRow]) -> str:
    """The block's English: its sentences in the source's own spaces."""
    parts, cursor = [], 0
    for row in rows:
        parts += [source_text[cursor : row.segment.start], row.english]
        cursor = row.segment.end
    return "".join([*parts, source_text[cursor:]])


def _default_language_to_english(package: Any, english: str) -> None:
    """Make the document's default language ``english`` where it was French.

    Only ``w:docDefaults``' language of Latin text changes (its East Asian and
    complex-script languages, and every other style setting, stay as they were).
    """
    styles = related_root(package, "styles")
    path = f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}"
    language = styles.find(path) if styles is not None else None
    if language is not None and _is_french(language.get(w("val"), "")):
        language.set(w("val"), english)


def _is_french(language: str) -> bool:
    return language.lower() == "fr" or language.lower().startswith("fr-")


def _english_proofing(proofing: str, english: str) -> str:
    """The French sentence's proofing settings with the language made ``english``.

    "Do not check spelling" and the East Asian and complex-script languages are
    kept; a sentence that had no language of its own gets one.
    """
    holder = etree.fromstring(proofing) if proofing else etree.Element(w("rPr"), nsmap={"w": W_NS})
    language = holder.find(w("lang"))
    if language is None:
        language = etree.SubElement(holder, w("lang"))
    language.set(w("val"), english)
    return etree.tostring(holder, encoding="unicode")


def rebuild_paragraph(
    paragraph: DocxParagraph, rows: list[AlignedRow], english: str = "en-GB"
) -> str:
    """Replace the runs of ``paragraph`` by the English of ``rows``; return its text.

    The runs of a translated sentence are tagged with the ``english`` language.
    """
    content = paragraph.content
    source_text = content.text
    chars: list[str] = []
    properties: list[dict[str, str]] = []
    codes: list[tuple[int, int]] = []

    def copy_source(start: int, end: int) -> None:
        for at in range(start, end):
            chars.append(source_text[at])
            properties.append(_source_properties(content.stretches, at))

    cursor = 0
    for row in rows:
        segment = row.segment
        gap_start = len(chars)
        copy_source(cursor, segment.start)
        base = len(chars)
        own: list[dict[str, str]] = [{} for _ in row.english]
        # A span over the whole French sentence covers the whole English one, its
        # punctuation included (reprojection wraps only the words).
        for span in segment.inlines:
            if not span.standalone and span.start <= 0 and span.end >= len(segment.text):
                given = _span_properties(span, len(content.links))
                for values in own:
                    values.update(given)
        for span in row.english_inlines:
            if span.standalone:
                number = span.get("code")
                if number.isdigit() and int(number) < len(content.codes):
                    at = base + min(span.start, len(row.english))
                    # A code in the spaces around a sentence goes back among them.
                    source_at = content.codes[int(number)].offset
                    if span.start == 0 and cursor <= source_at < segment.start:
                        at = gap_start + source_at - cursor
                    elif span.start >= len(row.english) and source_at > segment.end:
                        at = base + len(row.english) + source_at - segment.end
                    codes.append((at, int(number)))
                continue
            given = _span_properties(span, len(content.links))
            for at in range(max(span.start, 0), min(span.end, len(row.english))):
                own[at].update(given)
        if row.english == segment.text and row.english_inlines == segment.inlines:
            # Untranslated (identity, or a name kept as is): the source's own runs.
            own = [
                _source_properties(content.stretches, at)
                for at in range(segment.start, segment.end)
            ]
        else:
            proofing = _main_proofing(content.stretches, segment.start, segment.end)
            proofing = _english_proofing(proofing, english)
            for values in own:
                values[PROOFING] = proofing
        chars.extend(row.english)
        properties.extend(own)
        cursor = segment.end
    copy_source(cursor, len(source_text))
    placed = {number for _, number in codes}
    codes.sort(key=lambda code: code[0])
    codes += [(len(chars), n) for n in range(len(content.codes)) if n not in placed]
    skipped = _spaces_taken_by_codes(chars, codes, content)
    _replace_runs(paragraph, chars, properties, codes, skipped)
    return "".join(char for at, char in enumerate(chars) if at not in skipped)


def _source_properties(stretches: list[tuple[int, int, dict[str, str]]], at: int) -> dict[str, str]:
    for start, end, values in stretches:
        if start <= at < end:
            return dict(values)
    return {}


def _main_proofing(stretches: list[tuple[int, int, dict[str, str]]], start: int, end: int) -> str:
    """The proofing properties (language, ...) of most of the sentence's source text."""
    lengths: dict[str, int] = defaultdict(int)
    for first, last, values in stretches:
        overlap = min(last, end) - max(first, start)
        if overlap > 0:
            lengths[values.get(PROOFING, "")] += overlap
    return max(lengths, key=lambda value: lengths[value]) if lengths else ""


def _span_properties(span: Inline, links: int) -> dict[str, str]:
    """The run properties a span gives its characters: kind -> raw XML, "link" -> number.

    A link or inline code also gives the look the reader folded into it. ``links`` is how many
    hyperlinks the source paragraph has: a link span that names none of them (one
    from elsewhere) gives nothing.
    """
    if span.kind in (InlineKind.LINK, InlineKind.CODE):
        if span.kind is InlineKind.CODE:
            given = {CODE: "1"}
        else:
            number = span.get("link")
            if not (number.isdigit() and int(number) < links):
                return {}
            given = {"link": number}
        for key, value in span.data:
            if key.startswith(LOOK):
                given[key.removeprefix(LOOK)] = value
        return given
    if span.kind in _DEFAULT_XML or span.kind is InlineKind.FORMAT:
        raw = span.get("xml")
        if not raw and span.kind in _DEFAULT_XML:
            raw = f'<w:rPr xmlns:w="{W_NS}">{_DEFAULT_XML[span.kind]}</w:rPr>'
        return {str(span.kind): raw} if raw else {}
    return {}


def _spaces_taken_by_codes(
    chars: list[str], codes: list[tuple[int, int]], content: Any
) -> set[int]:
    """The offsets of the spaces that stand for a tab or break in the text.

    The reader put one space in the text for each tab or break; the code sits at
    that space (or, after a sentence's spaces were trimmed, right after it).
    """
    skipped: set[int] = set()
    for offset, number in codes:
        if not content.codes[number].takes_space:
            continue
        for at in (offset, offset - 1):
            if 0 <= at < len(chars) and chars[at].isspace() and at not in skipped:
                skipped.add(at)
                break
    return skipped


def _replace_runs(
    paragraph: DocxParagraph,
    chars: list[str],
    properties: list[dict[str, str]],
    codes: list[tuple[int, int]],
    skipped: set[int],
) -> None:
    element = paragraph.element
    content = paragraph.content
    for child in list(element):
        if child.tag != w("pPr"):
            element.remove(child)
    links: dict[int, Any] = {}
    last_link = -1
    next_code = 0

    def container(link: int) -> Any:
        nonlocal last_link
        if link < 0:
            last_link = -1
            return element
        if last_link != link or link not in links:
            links[link] = etree.SubElement(element, w("hyperlink"), attrib=content.links[link][0])
            last_link = link
        return links[link]

    text = ""
    text_properties: dict[str, str] = {}

    def flush() -> None:
        nonlocal text
        if text:
            link = int(text_properties.get("link", "-1"))
            _add_text_run(container(link), text, text_properties)
            text = ""

    for at in range(len(chars) + 1):
        while next_code < len(codes) and codes[next_code][0] <= at:
            flush()
            before = properties[at - 1].get("link") if 0 < at <= len(chars) else None
            after = properties[at].get("link") if at < len(chars) else None
            link = int(before) if before is not None and before == after else -1
            _add_code(container(link), content.codes[codes[next_code][1]].items)
            next_code += 1
        if at == len(chars):
            break
        if at in skipped:
            continue
        if properties[at] != text_properties:
            flush()
            text_properties = properties[at]
        text += chars[at]
    flush()


def _add_text_run(parent: Any, text: str, values: dict[str, str]) -> None:
    run = etree.SubElement(parent, w("r"))
    _add_run_properties(run, values)
    t = etree.SubElement(run, w("t"))
    # XML cannot hold control characters; an engine may still return one.
    t.text = _NOT_XML.sub(" ", text)
    if text != text.strip():
        t.set(_XML_SPACE, "preserve")


def _add_run_properties(run: Any, values: dict[str, str]) -> None:
    # One element per property: a named kind's (bold) wins over FORMAT's ("b off")
    # where spans of different source runs overlap on the English.
    by_tag: dict[str, Any] = {}
    for key in sorted(values, key=lambda key: key != str(InlineKind.FORMAT)):
        if key not in ("link", CODE):
            for child in _parsed(values[key]):
                by_tag[child.tag] = child
    children = [copy.deepcopy(child) for child in by_tag.values()]
    if not children:
        return
    children.sort(key=lambda child: _RPR_ORDER.get(etree.QName(child).localname, 99))
    holder = etree.SubElement(run, w("rPr"))
    holder.extend(children)


@lru_cache(maxsize=512)
def _parsed(raw: str) -> tuple[Any, ...]:
    return tuple(etree.fromstring(raw))


def _add_code(parent: Any, items: list[Any]) -> None:
    """Put a code's source elements back: run children in runs of their own properties."""
    run = None
    run_properties = None
    for item in items:
        if not isinstance(item, tuple):
            parent.append(item)
            run = None
            continue
        properties, child = item
        if run is None or properties is not run_properties:
            run = etree.SubElement(parent, w("r"))
            run_properties = properties
            if properties is not None:
                run.append(copy.deepcopy(properties))
        run.append(child)


def _translate_fallback_copies(parts: list[Any]) -> None:
    """Give Word's fallback copy of each text box the text of the translated choice.

    ``mc:AlternateContent`` holds a text box twice (``mc:Choice`` for current Word,
    ``mc:Fallback`` for older readers); the reader reads the choice only. When both
    hold the same number of paragraphs, each fallback paragraph's runs are replaced
    by copies of the translated choice paragraph's runs (unless their text is the same).
    """
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    for part in parts:
        for alternate in part.root.iter(f"{{{mc}}}AlternateContent"):
            choice = alternate.find(f"{{{mc}}}Choice")
            fallback = alternate.find(f"{{{mc}}}Fallback")
            if choice is None or fallback is None:
                continue
            chosen = list(choice.iter(w("p")))
            copies = list(fallback.iter(w("p")))
            if len(chosen) != len(copies):
                continue
            for original, duplicate in zip(chosen, copies, strict=True):
                if "".join(original.itertext()) == "".join(duplicate.itertext()):
                    continue
                for child in list(duplicate):
                    if child.tag != w("pPr"):
                        duplicate.remove(child)
                for child in original:
                    if child.tag != w("pPr"):
                        duplicate.append(copy.deepcopy(child))
