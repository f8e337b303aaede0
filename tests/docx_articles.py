"""Word articles built in code for the DOCX reader and writer tests.

python-docx writes what it has an API for (styles, lists, tables, pictures,
headers and footers); the rest (footnotes part, hyperlinks, text boxes, fields,
bold and italic inside sentences with exact run boundaries) is raw WordprocessingML.
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
LINK_TARGET = "https://example.org/rapport-energie"
FOOTNOTE_TEXT = "Source : Agence internationale de l'énergie."
ALT_TEXT = "Une centrale au bord de la mer."


def png_bytes(width: int = 24, height: int = 16) -> bytes:
    """A small valid PNG (an orange and blue block), made without any image library."""
    rows = b"".join(
        b"\x00"
        + b"".join((b"\xe0\x70\x20" if x < width // 2 else b"\x20\x60\xc0") for x in range(width))
        for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def add_runs(paragraph: Any, pieces: list[tuple[str, str]]) -> None:
    """Append runs to a python-docx paragraph: ``(text, flags)`` with flags among "biu^"."""
    for text, flags in pieces:
        run = paragraph.add_run(text)
        run.bold = "b" in flags or None
        run.italic = "i" in flags or None
        run.underline = "u" in flags or None
        if "^" in flags:
            run.font.superscript = True


def add_xml(paragraph: Any, xml: str) -> None:
    """Append raw WordprocessingML (runs, a hyperlink, ...) to a python-docx paragraph."""
    from docx.oxml import parse_xml

    holder = parse_xml(f"<w:p {NSDECL}>{xml}</w:p>")
    for child in list(holder):
        paragraph._p.append(child)


def add_hyperlink(paragraph: Any, text: str, url: str) -> str:
    """Append an external hyperlink (blue, underlined); return its relationship ID."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    add_xml(
        paragraph,
        f'<w:hyperlink r:id="{rid}" w:history="1"><w:r><w:rPr><w:color w:val="0563C1"/>'
        f'<w:u w:val="single"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'
        "</w:hyperlink>",
    )
    return rid


def add_footnotes(document: Any, notes: dict[int, str], kind: str = "footnote") -> None:
    """Give the document a footnotes (or endnotes) part holding ``notes`` (id -> text)."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    body = "".join(
        f'<w:{kind} w:id="{number}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
        f'</w:rPr><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> '
        f"{text}</w:t></w:r></w:p></w:{kind}>"
        for number, text in notes.items()
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s {NSDECL}>'
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f'</w:{kind}><w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        f"<w:continuationSeparator/></w:r></w:p></w:{kind}>"
        f"{body}</w:{kind}s>"
    )
    content_type = CT.WML_FOOTNOTES if kind == "footnote" else CT.WML_ENDNOTES
    reltype = RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES
    part = Part(PackURI(f"/word/{kind}s.xml"), content_type, xml.encode(), document.part.package)
    document.part.relate_to(part, reltype)


FOOTNOTE_REFERENCE = (
    '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
    '<w:footnoteReference w:id="{number}"/></w:r>'
)


def build_rich_article(path: Path) -> Path:
    """A French Word article with every element a newsroom cares about.

    Title, Heading 1 and 2, bold and italic inside sentences, a hyperlink, a
    bulleted and a numbered list, a 2x3 table, a picture with alternative text and a
    caption, a
    footnote, a tab, a header and a footer; the core title equals the Title.
    """
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.core_properties.title = "Le marché de l'énergie"
    section = document.sections[0]
    section.header.paragraphs[0].text = "Revue de l'énergie"
    section.footer.paragraphs[0].text = "Document interne"
    document.add_paragraph("Le marché de l'énergie", style="Title")
    document.add_heading("Une année agitée", level=1)
    add_runs(
        document.add_paragraph(),
        [
            ("Le groupe ", ""),
            ("Mistral", "b"),
            (" a annoncé une ", ""),
            ("nouvelle", "i"),
            (" stratégie. Les analystes restent prudents.", ""),
        ],
    )
    linked = document.add_paragraph("Selon le ")
    add_hyperlink(linked, "rapport de l'agence", LINK_TARGET)
    add_runs(linked, [(", la demande augmente.", "")])
    add_xml(linked, FOOTNOTE_REFERENCE.format(number=1))
    document.add_heading("Les chiffres clés", level=2)
    document.add_paragraph("Le prix du gaz baisse.", style="List Bullet")
    document.add_paragraph("La production reste stable.", style="List Bullet")
    document.add_paragraph("Réduire la consommation.", style="List Number")
    document.add_paragraph("Investir dans le solaire.", style="List Number")
    table = document.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    for row, values in enumerate(
        (("Pays", "Production", "Tendance"), ("France", "Forte", "Hausse"))
    ):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    picture = document.add_paragraph().add_run().add_picture(io.BytesIO(png_bytes()), width=Cm(3))
    picture._inline.docPr.set("descr", ALT_TEXT)
    document.add_paragraph("La centrale de Flamanville.", style="Caption")
    tabbed = document.add_paragraph("Auteur :")
    add_xml(tabbed, "<w:r><w:tab/><w:t>Marie Dupont</w:t></w:r>")
    add_footnotes(document, {1: FOOTNOTE_TEXT})
    document.save(str(path))
    return path


VML_TEXT_BOX = (
    '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="encadre" '
    'style="width:220pt;height:48pt" stroked="t"><v:textbox><w:txbxContent><w:p><w:r>'
    "<w:t>Encadré : les prix montent.</w:t></w:r></w:p></w:txbxContent></v:textbox>"
    "</v:shape></w:pict></w:r>"
)
PAGE_FIELD = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
    ' PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r>'
    '<w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
)


def build_odd_article(path: Path) -> Path:
    """A Word article with the harder cases.

    A localized "Titre 1" heading with a bookmark, an internal hyperlink to it, a
    nested table, a text box, an endnote, a PAGE field in the footer, a line break, bold that
    crosses a sentence boundary, leading spaces, a picture inside a sentence, an
    empty paragraph and a picture-only paragraph.
    """
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt

    document = docx.Document()
    titre = document.styles.add_style("Titre 1", WD_STYLE_TYPE.PARAGRAPH)
    titre.font.size = Pt(16)
    heading = document.add_paragraph(style="Titre 1")
    add_xml(
        heading,
        '<w:bookmarkStart w:id="0" w:name="suite"/><w:r><w:t>La suite</w:t></w:r>'
        '<w:bookmarkEnd w:id="0"/>',
    )
    crossing = document.add_paragraph("  ")
    add_runs(crossing, [("Première phrase. Seconde", "b"), (" phrase, en gras.", "")])
    internal = document.add_paragraph("Voir ")
    add_xml(
        internal,
        '<w:hyperlink w:anchor="suite"><w:r><w:rPr><w:i/></w:rPr><w:t>la suite</w:t></w:r>'
        "</w:hyperlink>",
    )
    add_runs(internal, [(" du texte.", "")])
    lines = document.add_paragraph("Ligne une")
    add_xml(lines, "<w:r><w:br/><w:t>ligne deux.</w:t></w:r>")
    document.add_paragraph()
    inline_picture = document.add_paragraph("Le logo ")
    inline_picture.add_run().add_picture(io.BytesIO(png_bytes(8, 8)), width=Cm(0.5))
    add_runs(inline_picture, [(" figure ici.", "")])
    document.add_paragraph().add_run().add_picture(io.BytesIO(png_bytes()), width=Cm(2))
    boxed = document.add_paragraph("Avant l'encadré.")
    add_xml(boxed, VML_TEXT_BOX)
    outer = document.add_table(rows=1, cols=2)
    outer.style = "Table Grid"
    outer.cell(0, 0).text = "Cellule extérieure"
    inner_cell = outer.cell(0, 1)
    inner_cell.text = "Avant la table"
    inner = inner_cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Intérieur gauche"
    inner.cell(0, 1).text = "Intérieur droit"
    noted = document.add_paragraph("Une note en fin de document.")
    add_xml(
        noted,
        '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        '<w:endnoteReference w:id="1"/></w:r>',
    )
    add_footnotes(document, {1: "Note de fin."}, kind="endnote")
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "Page "
    add_xml(footer, PAGE_FIELD)
    document.save(str(path))
    return path


WPS_TEXT_BOX = (
    '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/'
    '2006"><mc:Choice Requires="wps"><w:drawing><wp:inline xmlns:wp="http://schemas.'
    'openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="2794000" '
    'cy="609600"/><wp:docPr id="7" name="Encadré"/><a:graphic xmlns:a="http://schemas.'
    'openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.microsoft.com/'
    'office/word/2010/wordprocessingShape"><wps:wsp xmlns:wps="http://schemas.microsoft.com/'
    'office/word/2010/wordprocessingShape"><wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="2794000" cy="609600"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    "</wps:spPr><wps:txbx><w:txbxContent><w:p><w:r><w:t>Le prix du baril grimpe.</w:t></w:r>"
    "</w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>"
    '</wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:rect xmlns:v="urn:schemas-'
    'microsoft-com:vml" style="width:220pt;height:48pt"><v:textbox><w:txbxContent><w:p><w:r>'
    "<w:t>Le prix du baril grimpe.</w:t></w:r></w:p></w:txbxContent></v:textbox></v:rect>"
    "</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def build_word_like_article(path: Path) -> Path:
    """The markup Word itself writes around text, which the reader must see through.

    Runs split by revision IDs, proofing marks and a smart tag, with languages that
    differ from run to run (no span: not a look), a text box written twice
    (``mc:Choice`` and its ``mc:Fallback``), a tracked insertion, and a table of
    contents: a field that begins in one paragraph and ends in the next.
    """
    import docx

    document = docx.Document()
    add_xml(
        document.add_paragraph(),
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
        ' TOC \\o "1-3" \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
        '</w:r><w:hyperlink w:anchor="_Toc1"><w:r><w:t>Introduction</w:t></w:r></w:hyperlink>',
    )
    add_xml(
        document.add_paragraph(),
        '<w:hyperlink w:anchor="_Toc2"><w:r><w:t>Conclusion</w:t></w:r></w:hyperlink>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    )
    split = document.add_paragraph()
    lang = '<w:rPr><w:lang w:val="fr-FR"/></w:rPr>'
    add_xml(
        split,
        f'<w:r w:rsidR="00A1">{lang}<w:t xml:space="preserve">Le Conseil </w:t></w:r>'
        '<w:proofErr w:type="spellStart"/>'
        f'<w:r w:rsidR="00B2">{lang}<w:t>constitutionnel</w:t></w:r>'
        '<w:proofErr w:type="spellEnd"/>'
        '<w:smartTag w:uri="urn:x" w:element="place">'
        '<w:r w:rsidR="00C3"><w:rPr><w:noProof/><w:lang w:val="fr-CA"/></w:rPr>'
        '<w:t xml:space="preserve"> siège à Paris</w:t></w:r>'
        "</w:smartTag>"
        f"<w:r>{lang}<w:lastRenderedPageBreak/><w:t>.</w:t></w:r>",
    )
    add_xml(document.add_paragraph(), WPS_TEXT_BOX)
    tracked = document.add_paragraph("Le texte a été ")
    add_xml(
        tracked,
        '<w:ins w:id="9" w:author="Rédaction" w:date="2024-01-01T00:00:00Z"><w:r>'
        "<w:t>largement</w:t></w:r></w:ins>",
    )
    add_runs(tracked, [(" revu.", "")])
    document.save(str(path))
    return path


INLINE_CODE = "mistral-large-2"
PANDOC_MARKDOWN = """---
title: Le modèle ouvert
lang: fr-FR
subject: Intelligence artificielle
description: Un article sur les modèles de langue.
keywords: [modèles, IA]
---

# Le modèle ouvert

Le modèle `mistral-large-2` est rapide.

```python
def bonjour():
    return "Bonjour le monde"
```

Fin du texte.
"""
PANDOC_CODE = 'def bonjour():\n    return "Bonjour le monde"'


def build_pandoc_article(path: Path) -> Path:
    """A French article as pandoc makes it from Markdown (skipped without pandoc).

    Its inline code is a run in the "Verbatim Char" style, its fenced code block a
    "Source Code" paragraph of coloured token runs split by line breaks; its default
    language (``lang``) is French, and its core properties are all set.
    """
    import shutil

    import pytest

    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed")
    path.write_bytes(_pandoc_docx(PANDOC_MARKDOWN))
    return path


@lru_cache(maxsize=4)
def _pandoc_docx(markdown: str) -> bytes:
    """What pandoc makes of ``markdown`` (made once per test session: pandoc is slow)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "article.md", Path(folder) / "article.docx"
        source.write_text(markdown, encoding="utf-8")
        subprocess.run(["pandoc", str(source), "-o", str(target)], check=True, timeout=60)
        return target.read_bytes()


LISTING = ("import mistral", "", "client = mistral.Client()", "print(client.version)")


def build_typed_code_article(path: Path) -> Path:
    """Code typed by hand in Word: Courier New runs, no code style anywhere.

    A sentence with a command in Courier New in the middle, a listing typed one
    paragraph per line (an empty line among them), and a closing sentence.
    """
    import docx

    document = docx.Document()
    document.add_heading("Installer le client", level=1)
    sentence = document.add_paragraph("La commande ")
    sentence.add_run("pip install mistral").font.name = "Courier New"
    sentence.add_run(" installe le client.")
    for line in LISTING:
        paragraph = document.add_paragraph()
        if line:
            paragraph.add_run(line).font.name = "Courier New"
    document.add_paragraph("Le client est prêt.")
    document.save(str(path))
    return path
