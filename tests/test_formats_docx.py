"""Reading Word articles, and writing their English as a Word document."""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from translate_pipeline.align import align_document
from translate_pipeline.document import AlignedDocument, BlockKind, Document, FlagCode, InlineKind
from translate_pipeline.errors import OutputError, SourceError
from translate_pipeline.formats import read_document
from translate_pipeline.formats.docx import write_english
from translate_pipeline.formats.docx.package import open_docx
from translate_pipeline.formats.docx.reader import docx_paragraphs
from translate_pipeline.pipeline import RunConfig, run
from translate_pipeline.segmenter import SentenceSplitter, segment_document

from .conftest import IdentityTranslator
from .docx_articles import (
    ALT_TEXT,
    FOOTNOTE_REFERENCE,
    FOOTNOTE_TEXT,
    INLINE_CODE,
    LINK_TARGET,
    LISTING,
    PANDOC_CODE,
    W_NS,
    add_footnotes,
    add_xml,
    build_odd_article,
    build_pandoc_article,
    build_rich_article,
    build_typed_code_article,
    build_word_like_article,
    png_bytes,
)

W = f"{{{W_NS}}}"
BUILDERS = {
    "rich": build_rich_article,
    "odd": build_odd_article,
    "word": build_word_like_article,
    "pandoc": build_pandoc_article,
    "typed-code": build_typed_code_article,
}


@pytest.fixture(scope="module")
def splitter() -> SentenceSplitter:
    return SentenceSplitter()


def translate(
    source: Path, out: Path, splitter: SentenceSplitter, engine: Callable[[str], str]
) -> AlignedDocument:
    """Read, segment, translate with ``engine``, align and write ``out``."""
    document = read_document(source)
    segments = segment_document(document, splitter)
    aligned = align_document(document, segments, {s.text: engine(s.text) for s in segments})
    write_english(aligned, out)
    return aligned


def paragraph_views(path: Path) -> list[tuple[Any, ...]]:
    """Every paragraph of every part as the reader sees it after merging runs.

    Its part, text, property stretches (raw run properties), hyperlinks and codes.
    """
    package = open_docx(path)
    return [
        (
            p.part.name,
            p.content.text,
            p.content.stretches,
            [attributes for attributes, _ in p.content.links],
            [(c.offset, c.kind, c.data, _code_xml(c.items)) for c in p.content.codes],
        )
        for p in docx_paragraphs(package, path)
    ]


def _code_xml(items: list[Any]) -> list[bytes]:
    """A code's XML, text boxes left out (their paragraphs are compared on their own)."""
    xml = []
    for item in items:
        element = copy.deepcopy(item[1] if isinstance(item, tuple) else item)
        for box in list(element.iter(f"{W}txbxContent")):
            box.getparent().remove(box)
        xml.append(etree.tostring(element, method="c14n"))
    return xml


def package_xml(path: Path, name: str) -> Any:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def package_bytes(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def package_content(path: Path) -> dict[str, bytes]:
    """Each part's content: canonical XML for XML parts, bytes for the others.

    python-docx writes the XML declaration its own way and leaves out a
    relationships part that holds no relationship (pandoc writes empty ones).
    """
    content = {}
    # As python-docx reads XML: the indentation between elements is not content.
    parser = etree.XMLParser(remove_blank_text=True)
    for name, data in package_bytes(path).items():
        if name.endswith((".xml", ".rels")):
            root = etree.fromstring(data, parser)
            if name.endswith(".rels") and len(root) == 0:
                continue
            if name.endswith(("].xml", ".rels")):
                # Content types and relationships are sets: their order means nothing.
                root[:] = sorted(root, key=lambda child: etree.tostring(child, method="c14n"))
            data = etree.tostring(root, method="c14n")
        content[name] = data
    return content


# --- reading ---------------------------------------------------------------------


def test_rich_article_blocks_in_reading_order(tmp_path: Path) -> None:
    document = read_document(build_rich_article(tmp_path / "article.docx"))
    assert [(b.kind, b.level, b.text, b.place.label()) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "Le marché de l'énergie", ""),
        (BlockKind.HEADING, 1, "Une année agitée", ""),
        (
            BlockKind.PARAGRAPH,
            0,
            "Le groupe Mistral a annoncé une nouvelle stratégie. Les analystes restent prudents.",
            "",
        ),
        (BlockKind.PARAGRAPH, 0, "Selon le rapport de l'agence, la demande augmente.", ""),
        (BlockKind.HEADING, 2, "Les chiffres clés", ""),
        (BlockKind.LIST_ITEM, 0, "Le prix du gaz baisse.", "list, level 1"),
        (BlockKind.LIST_ITEM, 0, "La production reste stable.", "list, level 1"),
        (BlockKind.LIST_ITEM, 0, "Réduire la consommation.", "numbered list, level 1"),
        (BlockKind.LIST_ITEM, 0, "Investir dans le solaire.", "numbered list, level 1"),
        (BlockKind.TABLE_CELL, 0, "Pays", "table 1, row 1, column 1"),
        (BlockKind.TABLE_CELL, 0, "Production", "table 1, row 1, column 2"),
        (BlockKind.TABLE_CELL, 0, "Tendance", "table 1, row 1, column 3"),
        (BlockKind.TABLE_CELL, 0, "France", "table 1, row 2, column 1"),
        (BlockKind.TABLE_CELL, 0, "Forte", "table 1, row 2, column 2"),
        (BlockKind.TABLE_CELL, 0, "Hausse", "table 1, row 2, column 3"),
        (BlockKind.CAPTION, 0, ALT_TEXT, "alt text"),
        (BlockKind.CAPTION, 0, "La centrale de Flamanville.", ""),
        (BlockKind.PARAGRAPH, 0, "Auteur : Marie Dupont", ""),
        (BlockKind.FOOTNOTE, 0, " " + FOOTNOTE_TEXT, "footnote 1"),
        (BlockKind.HEADER, 0, "Revue de l'énergie", "header"),
        (BlockKind.FOOTER, 0, "Document interne", "footer"),
    ]
    assert [b.index for b in document.blocks] == list(range(1, 22))
    numbered = [b.place.list_number for b in document.blocks if b.place.list_ordered]
    assert numbered == [1, 2]


def spans_of(document: Document, text: str) -> list[tuple[InlineKind, str, dict[str, str]]]:
    """The spans of the block holding ``text``: kind, covered text, data without raw XML."""
    block = next(b for b in document.blocks if text in b.text)
    return [
        (span.kind, block.text[span.start : span.end], {k: v for k, v in span.data if k != "xml"})
        for span in block.inlines
    ]


def test_rich_article_inline_spans(tmp_path: Path) -> None:
    document = read_document(build_rich_article(tmp_path / "article.docx"))
    assert spans_of(document, "Mistral") == [
        (InlineKind.BOLD, "Mistral", {}),
        (InlineKind.ITALIC, "nouvelle", {}),
    ]
    link = spans_of(document, "Selon")
    assert (InlineKind.LINK, "rapport de l'agence") in [(k, t) for k, t, _ in link]
    assert next(d for k, _, d in link if k is InlineKind.LINK)["href"] == LINK_TARGET
    # The link carries its own look (blue, underlined): one span, not three; the
    # footnote reference ends the sentence.
    assert [k for k, _, _ in link] == [InlineKind.LINK, InlineKind.FOOTNOTE_REF]
    look = {k: v for k, v in link[0][2].items() if k.startswith("look:")}
    assert sorted(look) == ["look:format", "look:underline"]
    assert 'w:val="0563C1"' in look["look:format"]
    reference = link[-1]
    assert reference[0] is InlineKind.FOOTNOTE_REF and reference[2]["label"] == "1"
    block = next(b for b in document.blocks if "Selon" in b.text)
    assert block.inlines[-1].start == len(block.text)
    assert spans_of(document, "Auteur") == [(InlineKind.TAB, "", {"code": "0", "what": "tab"})]


def test_odd_article_places_and_codes(tmp_path: Path) -> None:
    document = read_document(build_odd_article(tmp_path / "odd.docx"))
    kinds = {b.text.strip(): (b.kind, b.level, b.place.label()) for b in document.blocks}
    assert kinds["La suite"] == (BlockKind.HEADING, 1, "")
    assert kinds["Encadré : les prix montent."] == (BlockKind.PARAGRAPH, 0, "textbox")
    assert kinds["Avant la table"] == (BlockKind.TABLE_CELL, 0, "table 1, row 1, column 2")
    assert kinds["Intérieur droit"] == (BlockKind.TABLE_CELL, 0, "table 2, row 1, column 2")
    assert kinds["Page"] == (BlockKind.FOOTER, 0, "footer")
    assert kinds["Note de fin."] == (BlockKind.FOOTNOTE, 0, "endnote 1")
    assert spans_of(document, "Une note en fin")[0][2] == {
        "code": "0",
        "label": "1",
        "note": "endnote",
    }
    assert spans_of(document, "Voir")[1][2] == {"href": "#suite", "link": "0"}
    assert [k for k, _, _ in spans_of(document, "Ligne une")] == [InlineKind.LINE_BREAK]
    assert [k for k, _, _ in spans_of(document, "Page")] == [InlineKind.FIELD]
    assert [d["what"] for _, _, d in spans_of(document, "Le logo")] == ["picture"]
    # The empty and picture-only paragraphs are not blocks, and nothing else is missing.
    assert len(document.blocks) == 14


def test_word_markup_around_text_is_seen_through(tmp_path: Path) -> None:
    document = read_document(build_word_like_article(tmp_path / "word.docx"))
    assert [(b.text, b.place.container) for b in document.blocks] == [
        ("Conclusion", "body"),
        ("Le Conseil constitutionnel siège à Paris.", "body"),
        ("Le prix du baril grimpe.", "textbox"),
        ("Le texte a été largement revu.", "body"),
    ]
    # Four runs split by revision IDs, proofing marks, a smart tag and languages: no
    # span and no code in the middle of the sentence.
    assert document.blocks[1].inlines == ()
    # The table of contents' first entry is inside its field; the second is read,
    # with the field's end as a code after it.
    assert [(s.kind, s.start, s.end) for s in document.blocks[0].inlines] == [
        (InlineKind.LINK, 0, 10),
        (InlineKind.FIELD, 10, 10),
    ]
    assert document.unrepresented == (
        "word/document.xml paragraph 1: field 'Introduction' kept untranslated",
        "word/document.xml paragraph 6: tracked insertion accepted in the English",
    )


def test_text_box_fallback_copy_is_translated_too(
    tmp_path: Path, splitter: SentenceSplitter
) -> None:
    source = build_word_like_article(tmp_path / "word.docx")
    english = tmp_path / "word.en.docx"
    aligned = translate(source, english, splitter, str.upper)
    assert [row.flags for row in aligned.rows if row.flags] == []
    body = package_xml(english, "word/document.xml")
    # The translated sentence is one run tagged English (its French languages and
    # "do not check" differed from run to run: no flag for them).
    conseil = next(p for p in body.iter(f"{W}p") if "CONSEIL" in "".join(p.itertext()))
    assert [
        [(etree.QName(e).localname, e.get(f"{W}val")) for e in r.find(f"{W}rPr")]
        for r in conseil.iter(f"{W}r")
    ] == [[("lang", "en-GB")]]
    boxes = ["".join(box.itertext()) for box in body.iter(f"{W}txbxContent")]
    assert boxes == ["LE PRIX DU BARIL GRIMPE.", "LE PRIX DU BARIL GRIMPE."]
    # Both entries of the table of contents are still links to their headings.
    anchors = [link.get(f"{W}anchor") for link in body.iter(f"{W}hyperlink")]
    assert anchors == ["_Toc1", "_Toc2"]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("Title", (BlockKind.HEADING, 1, "")),
        ("Heading 2", (BlockKind.HEADING, 2, "")),
        ("Titre 3", (BlockKind.HEADING, 3, "")),
        ("Caption", (BlockKind.CAPTION, 0, "")),
        ("List Bullet", (BlockKind.LIST_ITEM, 0, "list, level 1")),
        ("List Bullet 2", (BlockKind.LIST_ITEM, 0, "list, level 2")),
        ("List Number", (BlockKind.LIST_ITEM, 0, "numbered list, level 1")),
        ("Normal", (BlockKind.PARAGRAPH, 0, "")),
    ],
)
def test_paragraph_styles(tmp_path: Path, style: str, expected: tuple[Any, ...]) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    source = docx.Document()
    if style not in [s.name for s in source.styles]:
        source.styles.add_style(style, WD_STYLE_TYPE.PARAGRAPH)
    source.add_paragraph("Un texte.", style=style)
    path = tmp_path / "styles.docx"
    source.save(str(path))
    (block,) = read_document(path).blocks
    assert (block.kind, block.level, block.place.label()) == expected


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        for name, data in files.items():
            package.writestr(name, data)
    return path


def _xlsx_renamed(path: Path) -> Path:
    types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
    )
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        b"</Relationships>"
    )
    workbook = (
        b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheets/></workbook>'
    )
    return _zip(
        path,
        {"[Content_Types].xml": types, "_rels/.rels": rels, "xl/workbook.xml": workbook},
    )


def _corrupt(part: str) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        good = build_rich_article(path.with_name("good.docx"))
        files = package_bytes(good)
        files[part] = files[part][: len(files[part]) // 2]
        return _zip(path, files)

    return make


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p.write_bytes(b"Ceci n'est pas un document Word.") and p, "not a readable DOCX"),
        (lambda p: p.write_bytes(b"") or p, "not a readable DOCX file (the file is empty)"),
        (
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)) and p,
            "an old Word .doc, or a document protected by a password",
        ),
        (lambda p: p.write_bytes(png_bytes()) and p, "not a readable DOCX"),
        (_xlsx_renamed, "not a Word document (it is an Excel workbook)"),
        (_corrupt("word/document.xml"), "not a readable DOCX file (broken XML: "),
        (_corrupt("word/footnotes.xml"), "not a readable DOCX file (broken XML: "),
    ],
    ids=["text", "empty", "ole", "png", "xlsx-renamed", "corrupt-body", "corrupt-footnotes"],
)
def test_bad_files_give_one_source_error(
    tmp_path: Path, make: Callable[[Path], Path], problem: str
) -> None:
    path = tmp_path / "article.docx"
    make(path)
    with pytest.raises(SourceError) as error:
        read_document(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert " as .docx" in message or "rename the file" in message
    assert "\n" not in message


# --- writing ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_identity_round_trip_keeps_every_paragraph_run_and_code(
    tmp_path: Path, splitter: SentenceSplitter, name: str
) -> None:
    source = BUILDERS[name](tmp_path / f"{name}.docx")
    english = tmp_path / f"{name}.en.docx"
    aligned = translate(source, english, splitter, lambda text: text)
    assert not [row for row in aligned.rows if row.flags]
    assert paragraph_views(english) == paragraph_views(source)
    before, after = package_content(source), package_content(english)
    assert sorted(after) == sorted(before)
    # Untouched parts are the same XML (byte-identical as python-docx writes them):
    # styles, numbering, settings, images, rels.
    for part in before:
        if not part.endswith(("document.xml", "notes.xml", "header1.xml", "footer1.xml")):
            assert after[part] == before[part], part
    body_before = package_xml(source, "word/document.xml")
    body_after = package_xml(english, "word/document.xml")
    for tag in ("tbl", "tc", "sectPr", "drawing", "pict", "footnoteReference", "bookmarkStart"):
        assert len(body_after.findall(f".//{W}{tag}")) == len(body_before.findall(f".//{W}{tag}"))
    sections = [etree.tostring(s, method="c14n") for s in body_before.iter(f"{W}sectPr")]
    assert [etree.tostring(s, method="c14n") for s in body_after.iter(f"{W}sectPr")] == sections


def test_identity_keeps_the_hyperlink_and_its_target(
    tmp_path: Path, splitter: SentenceSplitter
) -> None:
    source = build_rich_article(tmp_path / "rich.docx")
    english = tmp_path / "rich.en.docx"
    translate(source, english, splitter, lambda text: text)
    (link,) = package_xml(english, "word/document.xml").iter(f"{W}hyperlink")
    assert "".join(link.itertext()) == "rapport de l'agence"
    rid = link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    rels = package_xml(english, "word/_rels/document.xml.rels")
    (target,) = [r.get("Target") for r in rels if r.get("Id") == rid]
    assert target == LINK_TARGET


@dataclass(frozen=True)
class PhraseTable:
    """A fake engine that is honest about what it does: it replaces known phrases.

    Unknown words stay French, so names and the linked phrase pass through as they
    are and the reprojection can place their spans; "nouvelle" becomes "new", so
    its italic cannot be placed and must be flagged.
    """

    phrases: Sequence[tuple[str, str]] = (
        ("Le marché de l'énergie", "The energy market"),
        ("Une année agitée", "A turbulent year"),
        ("Le groupe", "The group"),
        ("a annoncé une nouvelle stratégie", "announced a new strategy"),
        ("Les analystes restent prudents", "Analysts remain cautious"),
        ("Selon le", "According to the"),
        ("la demande augmente", "demand is rising"),
        ("Pays", "Country"),
        ("Tendance", "Trend"),
        ("Forte", "Strong"),
        ("Hausse", "Rising"),
        ("Source :", "Source:"),
        ("Agence internationale de l'énergie", "International Energy Agency"),
        ("Revue de l'énergie", "Energy review"),
        ("Document interne", "Internal document"),
        ("La centrale de Flamanville", "The Flamanville plant"),
        (ALT_TEXT, "A power plant by the sea."),
    )

    def __call__(self, text: str) -> str:
        for french, english in self.phrases:
            text = text.replace(french, english)
        return text


def test_translated_docx_keeps_structure_and_formatting_on_the_right_words(
    tmp_path: Path, splitter: SentenceSplitter
) -> None:
    source = build_rich_article(tmp_path / "rich.docx")
    english = tmp_path / "rich.en.docx"
    aligned = translate(source, english, splitter, PhraseTable())
    document = read_document(english)
    texts = [b.text for b in document.blocks]
    assert texts[:4] == [
        "The energy market",
        "A turbulent year",
        "The group Mistral announced a new strategy. Analysts remain cautious.",
        "According to the rapport de l'agence, demand is rising.",
    ]
    assert texts[9:15] == ["Country", "Production", "Trend", "France", "Strong", "Rising"]
    assert texts[-3:] == [
        " Source: International Energy Agency.",
        "Energy review",
        "Internal document",
    ]
    # Bold stays on the name; the italic word changed, so it is dropped and flagged.
    assert spans_of(document, "Mistral") == [(InlineKind.BOLD, "Mistral", {})]
    flagged = [str(f) for row in aligned.rows for f in row.flags]
    assert flagged == ["formatting-lost: italic 'nouvelle'"]
    assert [row.flags[0].code for row in aligned.rows if row.flags] == [FlagCode.FORMATTING_LOST]
    link = spans_of(document, "According")
    assert [(k, t, d.get("href")) for k, t, d in link if k is InlineKind.LINK] == [
        (InlineKind.LINK, "rapport de l'agence", LINK_TARGET)
    ]
    assert link[-1][0] is InlineKind.FOOTNOTE_REF
    body = package_xml(english, "word/document.xml")
    # The link keeps its look: blue and underlined, inside the hyperlink.
    (hyperlink,) = body.iter(f"{W}hyperlink")
    assert [[etree.QName(e).localname for e in run.find(f"{W}rPr")] for run in hyperlink] == [
        ["color", "u", "lang"]
    ]
    assert len(body.findall(f".//{W}tbl")) == 1
    assert len(body.findall(f".//{W}drawing")) == 1
    images = {n: d for n, d in package_bytes(english).items() if n.startswith("word/media/")}
    assert list(images.values()) == [png_bytes()]
    # The tab between "Auteur :" and the name is still a tab.
    author = next(p for p in body.iter(f"{W}p") if "Dupont" in "".join(p.itertext()))
    assert [etree.QName(e).localname for e in author.iter(f"{W}t", f"{W}tab")] == [
        "t",
        "tab",
        "t",
    ]
    assert open_docx(english).core_properties.title == "The energy market"
    (picture,) = body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    )
    assert picture.get("descr") == "A power plant by the sea."


def test_code_the_projection_lost_is_kept_at_the_end(
    tmp_path: Path, splitter: SentenceSplitter
) -> None:
    source = build_odd_article(tmp_path / "odd.docx")
    english = tmp_path / "odd.en.docx"
    translate(
        source,
        english,
        splitter,
        # No French word is left in the English, so nothing tells where the picture goes.
        lambda t: t.replace("Le logo  figure ici.", "The emblem appears here."),
    )
    paragraph = next(b for b in read_document(english).blocks if "emblem" in b.text)
    assert paragraph.text == "The emblem appears here."
    assert [(s.kind, s.start) for s in paragraph.inlines] == [
        (InlineKind.OTHER_CODE, len(paragraph.text))
    ]


def test_pipeline_writes_an_english_docx(
    tmp_path: Path, identity_engine: IdentityTranslator
) -> None:
    source = build_rich_article(tmp_path / "rich.docx")
    out = tmp_path / "out"
    report = run(RunConfig(sources=(source,), out_dir=out), engine=identity_engine)
    assert not report.failed
    english = out / "rich.en.docx"
    assert english in report.documents[0].outputs
    assert [b.text for b in read_document(english).blocks] == [
        b.text for b in read_document(source).blocks
    ]
    assert paragraph_views(english) == paragraph_views(source)


def test_a_sentence_wide_span_keeps_its_punctuation(
    tmp_path: Path, splitter: SentenceSplitter
) -> None:
    source = build_odd_article(tmp_path / "odd.docx")
    english = tmp_path / "odd.en.docx"
    aligned = translate(source, english, splitter, str.upper)
    block = next(b for b in read_document(english).blocks if "PREMIÈRE" in b.text)
    assert block.text == "  PREMIÈRE PHRASE. SECONDE PHRASE, EN GRAS."
    # The bold first sentence stays bold with its full stop (and the space after it,
    # bold in the source); "Seconde" changed case, so its bold is lost and flagged.
    assert spans_of(read_document(english), "PREMIÈRE") == [
        (InlineKind.BOLD, "PREMIÈRE PHRASE. ", {})
    ]
    flags = [str(f) for r in aligned.rows if "SECONDE" in r.english for f in r.flags]
    assert flags == ["formatting-lost: bold 'Seconde'"]
    # The endnote is translated in its own part, its reference still in the body.
    assert "NOTE DE FIN." in "".join(package_xml(english, "word/endnotes.xml").itertext())
    body = package_xml(english, "word/document.xml")
    assert len(body.findall(f".//{W}endnoteReference")) == 1


def test_a_renamed_spreadsheet_fails_alone_in_a_run(
    tmp_path: Path, identity_engine: IdentityTranslator
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    build_rich_article(folder / "good.docx")
    _xlsx_renamed(folder / "tableur.docx")
    report = run(RunConfig(sources=(folder,), out_dir=tmp_path / "out"), engine=identity_engine)
    assert [d.doc_id for d in report.failed] == ["tableur"]
    assert "not a Word document" in (report.failed[0].error or "")
    assert (tmp_path / "out" / "good.en.docx").exists()


_PROPERTIES = {
    "": "",
    "b": "<w:b/>",
    "i": "<w:i/>",
    "u": '<w:u w:val="single"/>',
    "^": '<w:vertAlign w:val="superscript"/>',
    "c": '<w:color w:val="C00000"/>',
    "bi": "<w:b/><w:i/>",
}
_PIECE = st.one_of(
    st.tuples(
        st.just("text"),
        st.text(alphabet="abcé .,A", min_size=1, max_size=12),
        st.sampled_from(sorted(_PROPERTIES)),
    ),
    st.tuples(st.sampled_from(["tab", "br", "note", "link"]), st.just(""), st.just("")),
)


def _piece_xml(kind: str, text: str, flags: str) -> str:
    if kind == "text":
        return (
            f'<w:r><w:rPr>{_PROPERTIES[flags]}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'
        )
    if kind == "link":
        return '<w:hyperlink w:anchor="ici"><w:r><w:t>ce lien</w:t></w:r></w:hyperlink>'
    if kind == "note":
        return FOOTNOTE_REFERENCE.format(number=1)
    return f"<w:r><w:{kind}/></w:r>"


@settings(max_examples=15, deadline=None)
@given(paragraphs=st.lists(st.lists(_PIECE, min_size=1, max_size=8), min_size=1, max_size=4))
def test_identity_round_trip_of_any_runs(
    tmp_path_factory: pytest.TempPathFactory,
    splitter: SentenceSplitter,
    paragraphs: list[list[tuple[str, str, str]]],
) -> None:
    import docx

    folder = tmp_path_factory.mktemp("runs")
    document = docx.Document()
    for pieces in paragraphs:
        add_xml(document.add_paragraph(), "".join(_piece_xml(*piece) for piece in pieces))
    add_footnotes(document, {1: "Une note."})
    source = folder / "runs.docx"
    document.save(str(source))
    english = folder / "runs.en.docx"
    translate(source, english, splitter, lambda text: text)
    assert paragraph_views(english) == paragraph_views(source)


@settings(max_examples=15, deadline=None)
@given(paragraphs=st.lists(st.lists(_PIECE, min_size=1, max_size=8), min_size=1, max_size=4))
def test_translation_never_loses_a_code_or_a_word(
    tmp_path_factory: pytest.TempPathFactory,
    splitter: SentenceSplitter,
    paragraphs: list[list[tuple[str, str, str]]],
) -> None:
    import docx

    folder = tmp_path_factory.mktemp("runs")
    document = docx.Document()
    for pieces in paragraphs:
        add_xml(document.add_paragraph(), "".join(_piece_xml(*piece) for piece in pieces))
    add_footnotes(document, {1: "Une note."})
    source = folder / "runs.docx"
    document.save(str(source))
    english = folder / "runs.en.docx"
    translate(source, english, splitter, str.upper)
    before, after = paragraph_views(source), paragraph_views(english)
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert "".join(new[1].split()) == "".join(old[1].upper().split())
        assert sorted(str(code[1]) for code in new[4]) == sorted(str(code[1]) for code in old[4])


def test_an_engine_control_character_does_not_break_the_docx(
    tmp_path: Path, splitter: SentenceSplitter
) -> None:
    source = build_rich_article(tmp_path / "rich.docx")
    english = tmp_path / "rich.en.docx"
    translate(source, english, splitter, lambda text: text.replace("Pays", "Country\x0b"))
    cell = next(b for b in read_document(english).blocks if b.text.startswith("Country"))
    assert cell.text == "Country "


def test_comments_are_kept_and_named(tmp_path: Path, splitter: SentenceSplitter) -> None:
    import docx

    source = docx.Document()
    paragraph = source.add_paragraph("Un texte à relire.")
    source.add_comment(paragraph.runs, text="À vérifier", author="Rédaction")
    path = tmp_path / "commented.docx"
    source.save(str(path))
    assert read_document(path).unrepresented == (
        "word/comments.xml: reviewers' comments kept untranslated",
    )
    english = tmp_path / "commented.en.docx"
    translate(path, english, splitter, lambda text: "A text to proofread.")
    assert package_bytes(english)["word/comments.xml"] == package_bytes(path)["word/comments.xml"]
    body = package_xml(english, "word/document.xml")
    assert len(body.findall(f".//{W}commentReference")) == 1


# --- code is never translated ----------------------------------------------------


def _article_with(tmp_path: Path, make: Callable[[Any], None], body_font: str = "") -> Path:
    """A French article: one prose paragraph, then the paragraph ``make`` adds."""
    import docx

    document = docx.Document()
    if body_font:
        document.styles["Normal"].font.name = body_font
    document.add_paragraph("Le texte de l'article.")
    make(document)
    path = tmp_path / "code.docx"
    document.save(str(path))
    return path


def _styled(style: str, kind: str = "paragraph", font: str = "") -> Callable[[Any], None]:
    """Add a paragraph (or a run, for a character style) in ``style``, made if missing."""
    from docx.enum.style import WD_STYLE_TYPE

    def make(document: Any) -> None:
        styles = document.styles
        wanted = WD_STYLE_TYPE.PARAGRAPH if kind == "paragraph" else WD_STYLE_TYPE.CHARACTER
        if style not in [s.name for s in styles]:
            styles.add_style(style, wanted)
        if font:
            styles[style].font.name = font
        if kind == "paragraph":
            document.add_paragraph("print(total)", style=style)
        else:
            paragraph = document.add_paragraph("Le modèle ")
            paragraph.add_run(INLINE_CODE, style=style)
            paragraph.add_run(" est rapide.")

    return make


def _fonts(*pieces: tuple[str, str]) -> Callable[[Any], None]:
    """Add a paragraph of runs ``(text, font)`` ("" keeps the style's font)."""

    def make(document: Any) -> None:
        paragraph = document.add_paragraph()
        for text, font in pieces:
            paragraph.add_run(text).font.name = font or None

    return make


@pytest.mark.parametrize(
    ("make", "body_font", "code_block"),
    [
        (_styled("Source Code"), "", True),
        (_styled("SourceCode"), "", True),
        (_styled("HTML Preformatted"), "", True),
        (_styled("Code"), "", True),
        (_styled("Plain Text"), "", True),
        (_styled("Listing", font="Consolas"), "", True),
        (_fonts(("x = 1", "Courier New")), "", True),
        (_fonts(("ls -l", "Menlo"), (" ", ""), ("| wc", "Liberation Mono")), "", True),
        (_fonts(("cat fichier", "DejaVu Sans Mono")), "", True),
        (_fonts(("Un texte.", "Arial")), "", False),
        (_styled("Quote"), "", False),
        # Body text set in Courier New: its font tells nothing about code.
        (_fonts(("Un texte.", "")), "Courier New", False),
        (_fonts(("Un texte.", "Courier New")), "Courier New", False),
    ],
    ids=[
        "source-code",
        "sourcecode",
        "html-preformatted",
        "code",
        "plain-text",
        "style-in-consolas",
        "courier-new-run",
        "mono-runs-and-a-space",
        "dejavu-sans-mono",
        "arial",
        "quote",
        "courier-body",
        "courier-run-in-courier-body",
    ],
)
def test_code_paragraphs_are_verbatim_blocks(
    tmp_path: Path, make: Callable[[Any], None], body_font: str, code_block: bool
) -> None:
    document = read_document(_article_with(tmp_path, make, body_font))
    last = document.blocks[-1]
    if code_block:
        assert (last.kind, last.verbatim, last.index) == (BlockKind.VERBATIM, "code block", 0)
        assert [b.index for b in document.translatable_blocks] == [1]
    else:
        assert last.kind is BlockKind.PARAGRAPH and last.index == 2


@pytest.mark.parametrize(
    ("make", "is_code"),
    [
        (_styled("Verbatim Char", "character"), True),
        (_styled("HTML Code", "character"), True),
        (_styled("Code Char", "character"), True),
        (_styled("Source Code Char", "character"), True),
        (_styled("Nom de commande", "character", font="Consolas"), True),
        (_styled("Emphase", "character"), False),
        (_styled("Emphase forte", "character", font="Georgia"), False),
    ],
    ids=[
        "verbatim-char",
        "html-code",
        "code-char",
        "source-code-char",
        "own-in-consolas",
        "x",
        "y",
    ],
)
def test_inline_code_is_one_code_span(
    tmp_path: Path, make: Callable[[Any], None], is_code: bool
) -> None:
    document = read_document(_article_with(tmp_path, make))
    spans = spans_of(document, "Le modèle")
    if is_code:
        # One span, the style folded into it: one tag for the engine, not two.
        assert [(kind, text) for kind, text, _ in spans] == [(InlineKind.CODE, INLINE_CODE)]
        assert "rStyle" in spans[0][2]["look:format"]
    else:
        assert InlineKind.CODE not in [kind for kind, _, _ in spans]


def test_typed_code_is_read_as_code(tmp_path: Path) -> None:
    document = read_document(build_typed_code_article(tmp_path / "typed.docx"))
    assert [(b.kind, b.index, b.text) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "Installer le client"),
        (BlockKind.PARAGRAPH, 2, "La commande pip install mistral installe le client."),
        # One listing typed a line per paragraph is one code block, its empty line kept.
        (BlockKind.VERBATIM, 0, "\n".join(LISTING)),
        (BlockKind.PARAGRAPH, 3, "Le client est prêt."),
    ]
    assert [(k, t) for k, t, _ in spans_of(document, "La commande")] == [
        (InlineKind.CODE, "pip install mistral")
    ]


def test_pandoc_article_code_and_properties(tmp_path: Path) -> None:
    document = read_document(build_pandoc_article(tmp_path / "pandoc.docx"))
    assert [(b.kind, b.text) for b in document.blocks] == [
        (BlockKind.HEADING, "Le modèle ouvert"),
        (BlockKind.HEADING, "Le modèle ouvert"),
        (BlockKind.PARAGRAPH, f"Le modèle {INLINE_CODE} est rapide."),
        # Pandoc's line breaks and coloured token runs: the code as it was typed.
        (BlockKind.VERBATIM, PANDOC_CODE),
        (BlockKind.PARAGRAPH, "Fin du texte."),
    ]
    assert [(k, t) for k, t, _ in spans_of(document, "est rapide")] == [
        (InlineKind.CODE, INLINE_CODE)
    ]
    # The title is the Title paragraph's text, which the writer translates.
    assert document.unrepresented == (
        "document property 'subject' kept in French",
        "document property 'description' kept in French",
        "document property 'keywords' kept in French",
    )


PANDOC_ENGLISH = (
    ("Le modèle ouvert", "The open model"),
    ("Le modèle", "The model"),
    ("est rapide", "is fast"),
    ("Fin du texte", "End of the text"),
    ("Installer le client", "Installing the client"),
    ("La commande", "The command"),
    ("installe le client", "installs the client"),
    ("Le client est prêt", "The client is ready"),
)


def _verbatim_xml(path: Path) -> list[bytes]:
    """The XML of the paragraphs the reader keeps as code, in order."""
    package = open_docx(path)
    return [
        etree.tostring(p.element, method="c14n")
        for p in docx_paragraphs(package, path)
        if p.block is not None and not p.block.translatable
    ]


@pytest.mark.parametrize("name", ["pandoc", "typed-code"])
def test_code_is_kept_and_never_sent_to_the_engine(
    tmp_path: Path, splitter: SentenceSplitter, name: str
) -> None:
    source = BUILDERS[name](tmp_path / f"{name}.docx")
    english = tmp_path / f"{name}.en.docx"
    sent: list[str] = []

    def engine(text: str) -> str:
        sent.append(text)
        return PhraseTable(PANDOC_ENGLISH)(text)

    aligned = translate(source, english, splitter, engine)
    assert not [row.flags for row in aligned.rows if row.flags]
    assert not [text for text in sent if "bonjour" in text or "import" in text]
    # The code paragraphs are the source's own XML, every run and style.
    assert _verbatim_xml(english) == _verbatim_xml(source) != []
    # The inline code keeps its text and its look (style or font) in the English.
    document = read_document(english)
    code_span = next(s for b in document.blocks for s in b.inlines if s.kind is InlineKind.CODE)
    sentence = next(b for b in document.blocks if code_span in b.inlines)
    assert sentence.text.startswith(("The model mistral-large-2 is fast", "The command pip"))
    source_look = next(
        s.get("look:format")
        for b in read_document(source).blocks
        for s in b.inlines
        if s.kind is InlineKind.CODE
    )
    assert code_span.get("look:format") == source_look


def test_code_changed_by_the_engine_is_flagged(tmp_path: Path, splitter: SentenceSplitter) -> None:
    source = build_pandoc_article(tmp_path / "pandoc.docx")
    aligned = translate(source, tmp_path / "pandoc.en.docx", splitter, str.upper)
    flags = [str(flag) for row in aligned.rows for flag in row.flags]
    assert flags == [f"formatting-lost: code '{INLINE_CODE}'"]


# --- English language tags ---------------------------------------------------------


def _languages(path: Path, part: str = "word/document.xml") -> list[str | None]:
    """The language of each run with text, in order (None: the run names none)."""
    languages = []
    for element in package_xml(path, part).iter(f"{W}r"):
        if element.find(f"{W}t") is None:
            continue
        language = element.find(f"{W}rPr/{W}lang")
        languages.append(None if language is None else language.get(f"{W}val"))
    return languages


def _default_language(path: Path) -> dict[str, str]:
    styles = package_xml(path, "word/styles.xml")
    language = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    return {etree.QName(k).localname: v for k, v in language.attrib.items()}


@pytest.mark.parametrize("variant", ["en-GB", "en-US"])
def test_translated_runs_are_tagged_english(
    tmp_path: Path, splitter: SentenceSplitter, variant: str
) -> None:
    source = build_pandoc_article(tmp_path / "pandoc.docx")
    english = tmp_path / "pandoc.en.docx"
    document = read_document(source)
    segments = segment_document(document, splitter)
    engine = PhraseTable(PANDOC_ENGLISH)
    aligned = align_document(document, segments, {s.text: engine(s.text) for s in segments})
    write_english(aligned, english, english=variant)
    # Every translated run is English; the code block's runs are as they were (none).
    assert _languages(english) == [variant] * 5 + [None] * 6 + [variant]
    # Pandoc made the document French by default: it is English now, the rest kept.
    assert _default_language(source) == {"val": "fr-FR", "eastAsia": "en-US", "bidi": "ar-SA"}
    assert _default_language(english) == {"val": variant, "eastAsia": "en-US", "bidi": "ar-SA"}
    properties = open_docx(english).core_properties
    assert (properties.title, properties.language) == ("The open model", variant)
    assert properties.subject == "Intelligence artificielle"
    before = package_content(source)["word/styles.xml"]
    after = package_content(english)["word/styles.xml"]
    assert after.replace(f'w:val="{variant}"'.encode(), b'w:val="fr-FR"') == before


def test_a_default_language_that_is_not_french_is_left_alone(
    tmp_path: Path, splitter: SentenceSplitter
) -> None:
    source = build_rich_article(tmp_path / "rich.docx")
    english = tmp_path / "rich.en.docx"
    translate(source, english, splitter, PhraseTable())
    assert _default_language(source)["val"] == "en-US"
    assert package_bytes(english)["word/styles.xml"] == package_bytes(source)["word/styles.xml"]
    # The notes, headers and footers are translated runs too.
    assert set(_languages(english, "word/footnotes.xml")) == {None, "en-GB"}
    assert _languages(english, "word/header1.xml") == ["en-GB"]


def test_an_unknown_english_variant_is_refused(tmp_path: Path, splitter: SentenceSplitter) -> None:
    source = build_rich_article(tmp_path / "rich.docx")
    document = read_document(source)
    segments = segment_document(document, splitter)
    aligned = align_document(document, segments, {s.text: s.text for s in segments})
    with pytest.raises(OutputError) as error:
        write_english(aligned, tmp_path / "rich.en.docx", english="fr-FR")
    assert str(error.value).endswith(": unknown English variant 'fr-FR'. Use en-GB or en-US")


# --- document properties -------------------------------------------------------------


@pytest.mark.parametrize(
    ("properties", "named"),
    [
        ({"title": "Un texte"}, []),
        ({"title": "Le marché ouvert"}, ["title"]),
        ({"subject": "Énergie"}, ["subject"]),
        ({"comments": "Un article sur le climat"}, ["description"]),
        ({"keywords": "climat; IA"}, ["keywords"]),
        ({"comments": "generated by python-docx"}, []),
        ({"subject": "2024", "keywords": " "}, []),
        (
            {"title": "Bilan", "subject": "Économie", "keywords": "prix"},
            ["title", "subject", "keywords"],
        ),
    ],
    ids=[
        "title-of-a-paragraph",
        "other-title",
        "subject",
        "description",
        "keywords",
        "english",
        "no-words",
        "several",
    ],
)
def test_untranslated_document_properties_are_named(
    tmp_path: Path, properties: dict[str, str], named: list[str]
) -> None:
    import docx

    source = docx.Document()
    source.core_properties.comments = ""
    for name, value in properties.items():
        setattr(source.core_properties, name, value)
    source.add_paragraph("Un texte")
    path = tmp_path / "props.docx"
    source.save(str(path))
    assert read_document(path).unrepresented == tuple(
        f"document property {name!r} kept in French" for name in named
    )


def test_code_alone_in_a_cell_or_list_item_is_kept_and_named_so(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(style="List Number").add_run("pip install mistral").font.name = "Menlo"
    document.add_paragraph("Lancer le client.", style="List Number")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Modèle"
    table.cell(0, 1).paragraphs[0].add_run(INLINE_CODE).font.name = "Consolas"
    path = tmp_path / "cells.docx"
    document.save(str(path))
    blocks = read_document(path).blocks
    assert [(b.verbatim, b.text, b.place.label()) for b in blocks if not b.translatable] == [
        ("code in a list item", "pip install mistral", "numbered list, level 1"),
        ("code in a table cell", INLINE_CODE, "table 1, row 1, column 2"),
    ]
    # The item kept as code still counts in its list's numbering.
    assert [(b.text, b.place.list_number) for b in blocks if b.place.list_ordered] == [
        ("pip install mistral", 1),
        ("Lancer le client.", 2),
    ]


def test_notes_are_labelled_as_word_shows_them_not_by_their_ids(tmp_path: Path) -> None:
    # pandoc and other tools number footnotes 20, 21, ...: Word shows 1, 2 in the
    # order the text refers to them, and so must every output.
    import docx

    from .docx_articles import FOOTNOTE_REFERENCE, add_footnotes, add_xml

    document = docx.Document()
    first = document.add_paragraph("Premier appel.")
    add_xml(first, FOOTNOTE_REFERENCE.format(number=21))
    second = document.add_paragraph("Second appel.")
    add_xml(second, FOOTNOTE_REFERENCE.format(number=20))
    add_footnotes(document, {20: "Note vingt.", 21: "Note vingt et un."})
    path = tmp_path / "notes.docx"
    document.save(str(path))
    blocks = read_document(path).blocks
    labels = [
        s.get("label") for b in blocks for s in b.inlines if s.kind is InlineKind.FOOTNOTE_REF
    ]
    assert labels == ["1", "2"]
    notes = {b.text.strip(): b.place.label() for b in blocks if b.kind is BlockKind.FOOTNOTE}
    assert notes == {"Note vingt et un.": "footnote 1", "Note vingt.": "footnote 2"}
