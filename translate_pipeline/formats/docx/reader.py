"""Reading a Word article into blocks whose spans keep its runs, links and codes.

Every paragraph of the body (tables, nested tables and text boxes included), of the
footnotes and endnotes, and of every section's headers and footers (each part once)
is read in document order. A paragraph with text becomes a block; an empty or
picture-only paragraph is not translated, and the writer leaves it as it is. Code
is never translated: a paragraph in a code style ("Source Code", "HTML
Preformatted", "Plain Text", ... or a style set in a monospace font) or whose text
is all code is a verbatim "code block" (a listing typed a line per paragraph is
one), and a run in a code character style ("Verbatim Char", "HTML Code", ...) or
a monospace font is a ``CODE`` span (a monospace body font marks nothing). A
picture's alternative text (its description) is a caption block of its own, placed
in the "alt text" container, right after the paragraph that holds the picture.

Inside a paragraph, runs whose properties are equal are merged (as Okapi and OmegaT
do), and their properties become paired spans: bold, italic, underline, strike,
superscript, subscript, and ``FORMAT`` for every other run property (raw XML in
``data["xml"]``). Hyperlinks become ``LINK`` spans (``href`` from the relationship,
or ``#bookmark`` for an internal one), which carry their own look (underline and
other properties covering exactly the link). Pictures, fields, note references, tabs,
breaks, bookmarks and anything else that is not text become standalone codes; a tab
or a break also puts one space in the text so that words on either side stay apart.
The core subject, description and keywords (and a title that is no block's text)
that may be French are named in ``Document.unrepresented``: they stay as they are.

The same walk serves the writer (:mod:`.writer`): :func:`docx_paragraphs` yields each
paragraph's element beside its block and parsed content, so that the writer finds
every run and code of the source again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree

from translate_pipeline.document import Block, BlockKind, Document, Inline, InlineKind, Place
from translate_pipeline.errors import SourceError
from translate_pipeline.formats.docx.package import (
    FIX,
    MC_NS,
    WP_NS,
    PartRoot,
    open_docx,
    part_roots,
    unread_parts,
    w,
)
from translate_pipeline.formats.docx.runs import CODE, ParagraphContent, parse_paragraph
from translate_pipeline.formats.docx.styles import (
    CODE_PARAGRAPH_STYLES,
    PackageContext,
    is_code_style,
    kind_and_place,
    package_context,
    paragraph_chain,
)

CODE_BLOCK = "code block"


@dataclass
class DocxParagraph:
    """A source paragraph beside the block it gave (``None``: nothing to translate).

    A picture's alternative text is read like a paragraph of its own: then
    ``element`` is the picture's ``wp:docPr`` and ``attribute`` the attribute
    that holds the text (``descr``).
    """

    part: PartRoot
    element: Any
    content: ParagraphContent
    block: Block | None
    number: int = 0
    attribute: str = ""


def read_docx_document(path: Path) -> Document:
    """Read a Word article into blocks.

    Raises:
        SourceError: The file is not a readable Word document (not a zip package,
            another Office file renamed ``.docx``, corrupt XML, unreadable).
    """
    package = open_docx(path)
    paragraphs = list(docx_paragraphs(package, path))
    blocks = _number_notes(_join_code_paragraphs(paragraphs))
    unrepresented = (
        tuple(
            f"{p.part.name.lstrip('/')} paragraph {p.number}: {note}"
            for p in paragraphs
            for note in p.content.notes
        )
        + unread_parts(package)
        + _untranslated_properties(package, blocks)
    )
    return Document(doc_id=path.stem, path=path, blocks=blocks, unrepresented=unrepresented)


def _number_notes(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Footnotes and endnotes labelled as Word shows them, not by their XML IDs.

    Word numbers notes in the order the text refers to them, whatever their IDs
    (often 20, 21, ... in a file made by another tool): a reviewer reads "1".
    """
    numbers: dict[tuple[str, str], str] = {}
    for block in blocks:
        for span in block.inlines:
            if span.kind is InlineKind.FOOTNOTE_REF:
                key = (span.get("note"), span.get("label"))
                if key not in numbers:
                    numbers[key] = str(1 + sum(1 for kind, _ in numbers if kind == key[0]))
    if not numbers:
        return blocks

    def relabel(span: Inline) -> Inline:
        if span.kind is not InlineKind.FOOTNOTE_REF:
            return span
        shown = numbers.get((span.get("note"), span.get("label")), span.get("label"))
        data = tuple((k, shown if k == "label" else v) for k, v in span.data)
        return replace(span, data=data)

    return tuple(
        replace(
            block,
            inlines=tuple(relabel(span) for span in block.inlines),
            place=replace(
                block.place,
                note=numbers.get((block.place.container, block.place.note), block.place.note),
            ),
        )
        for block in blocks
    )


def _join_code_paragraphs(paragraphs: list[DocxParagraph]) -> tuple[Block, ...]:
    """The blocks, each run of code paragraphs joined into one code block.

    A listing typed in Word is one paragraph per line: its paragraphs that follow
    one another in the same container (blank lines between them included) are one
    code block, one line each, so that summaries count code blocks, not lines.
    """
    blocks: list[Block] = []
    last: DocxParagraph | None = None
    blank_lines = 0
    for paragraph in paragraphs:
        block = paragraph.block
        if block is None:
            if paragraph.content.text.strip() or paragraph.content.codes:
                last = None  # a picture ends a listing
            blank_lines += 1
            continue
        if block.translatable:
            blocks.append(block)
            last = None
            continue
        if (
            last is not None
            and block.verbatim == CODE_BLOCK == blocks[-1].verbatim
            and last.part is paragraph.part
            and last.element.getparent() is paragraph.element.getparent()
            and paragraph.number == last.number + blank_lines + 1
        ):
            blocks[-1] = replace(
                blocks[-1], text=blocks[-1].text + "\n" * (blank_lines + 1) + block.text
            )
        else:
            blocks.append(block)
        last, blank_lines = paragraph, 0
    return tuple(blocks)


# The core properties read for the summary (python-docx's name, the name shown).
_PROPERTIES = (
    ("title", "title"),
    ("subject", "subject"),
    ("comments", "description"),
    ("keywords", "keywords"),
)
# English words that tell a property is not French ("generated by python-docx").
_ENGLISH_WORDS = frozenset({"the", "of", "and", "by", "with", "for", "to", "is", "on", "from"})
_FRENCH_LETTERS = frozenset("àâäçéèêëîïôöùûüÿœæ")


def _untranslated_properties(package: Any, blocks: tuple[Block, ...]) -> tuple[str, ...]:
    """Name the core properties (title, subject, description, keywords) left in French.

    The writer translates the title when it is the text of a translated block; the
    others are kept as they are. A property with no letter, or that reads as
    English, is not named.
    """
    properties = package.core_properties
    translated = {block.text.strip() for block in blocks if block.translatable}
    lines = []
    for attribute, name in _PROPERTIES:
        value = (getattr(properties, attribute, "") or "").strip()
        if attribute == "title" and value in translated:
            continue
        if _may_be_french(value):
            lines.append(f"document property {name!r} kept in French")
    return tuple(lines)


def _may_be_french(text: str) -> bool:
    """Whether ``text`` has words and may be French (it does not read as English)."""
    if not any(char.isalpha() for char in text):
        return False
    if any(char in _FRENCH_LETTERS for char in text.lower()):
        return True
    return not _ENGLISH_WORDS.intersection(re.findall(r"[a-z]+", text.lower()))


# Parts with text that the reader does not translate, named so nothing is lost silently.


def docx_paragraphs(
    package: Any, path: Path, parts: list[PartRoot] | None = None
) -> Iterator[DocxParagraph]:
    """Every paragraph of the package in reading order, with its content and block.

    Raises:
        SourceError: A part holds XML that cannot be read.
    """
    try:
        context = package_context(package)
        parts = parts if parts is not None else part_roots(package)
    except etree.XMLSyntaxError as exc:
        raise SourceError(path, f"not a readable DOCX file (broken XML: {exc})", FIX) from None
    except (KeyError, ValueError) as exc:
        raise SourceError(path, f"not a readable DOCX file (a broken part: {exc})", FIX) from None
    index = 0
    for part in parts:
        # Tables are numbered in document order, outer before nested (lxml keeps one
        # proxy per element while it is referenced, so elements can be keys).
        for table in part.root.iter(w("tbl")):
            context.tables[table] = len(context.tables) + 1
        for number, element in enumerate(_paragraph_elements(part.root), start=1):
            content = parse_paragraph(element, part.rels, context.code)
            block = None
            if content.text.strip():
                kind, level, place = kind_and_place(element, part, context)
                code = _code_name(element, content, kind, context)
                if code:
                    # Never translated; index 0 so that it renumbers no other block.
                    block = Block(
                        index=0,
                        kind=BlockKind.VERBATIM,
                        text=_code_text(content),
                        line=number,
                        place=place,
                        verbatim=code,
                        anchor=f"{part.name}#p{number}",
                    )
                else:
                    index += 1
                    block = Block(
                        index=index,
                        kind=kind,
                        text=content.text,
                        level=level,
                        line=number,
                        inlines=content.inlines(),
                        place=place,
                        anchor=f"{part.name}#p{number}",
                    )
            yield DocxParagraph(part, element, content, block, number)
            for picture, description in enumerate(_alt_texts(element), start=1):
                index += 1
                block = Block(
                    index=index,
                    kind=BlockKind.CAPTION,
                    text=description.get("descr", ""),
                    line=number,
                    place=Place(container="alt text"),
                    anchor=f"{part.name}#p{number}#alt{picture}",
                )
                alt = ParagraphContent(text=block.text)
                yield DocxParagraph(part, description, alt, block, number, "descr")


def _code_name(
    element: Any, content: ParagraphContent, kind: BlockKind, context: PackageContext
) -> str:
    """What a paragraph that is code is called in summaries; "" when it is not code.

    A paragraph is code by its style (name or font) or when all its text is code. It
    is a "code block", unless only its runs say so in a table cell, a list item, a
    heading, ...: then it is inline code alone there ("code in a table cell").
    """
    chain = paragraph_chain(element, context)
    if is_code_style(chain, CODE_PARAGRAPH_STYLES, context.code.fonts_mark_code):
        return CODE_BLOCK
    if not all(
        CODE in properties
        for start, end, properties in content.stretches
        if content.text[start:end].strip()
    ):
        return ""
    if kind is BlockKind.PARAGRAPH:
        return CODE_BLOCK
    return f"code in a {kind.value.replace('_', ' ')}"


def _code_text(content: ParagraphContent) -> str:
    """A code paragraph's text with its line breaks and tabs as the characters they are."""
    text = list(content.text)
    for code in content.codes:
        if code.takes_space and code.offset < len(text):
            text[code.offset] = "\t" if code.kind is InlineKind.TAB else "\n"
    return "".join(text)


def _alt_texts(paragraph: Any) -> Iterator[Any]:
    """The ``wp:docPr`` of this paragraph's own pictures that have a description.

    Pictures inside a text box belong to the text box's paragraphs.
    """
    for description in paragraph.iter(f"{{{WP_NS}}}docPr"):
        if not any(char.isalpha() for char in description.get("descr", "")):
            continue
        owner = next(description.iterancestors(w("p")), None)
        if owner is paragraph:
            yield description


def _paragraph_elements(root: Any) -> Iterator[Any]:
    """The part's paragraphs in document order, without Word's fallback copies.

    ``mc:Fallback`` repeats a text box's text for older readers; its paragraphs are
    not read (the writer copies the translation into them).
    """
    for element in root.iter(w("p")):
        if not any(a.tag == f"{{{MC_NS}}}Fallback" for a in element.iterancestors()):
            yield element
