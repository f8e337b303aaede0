"""Word articles (.docx): a reader that keeps everything and a writer of ``<stem>.en.docx``.

The reader (:mod:`.reader`) turns the body (tables included), footnotes, endnotes,
headers, footers and text boxes into blocks whose inline spans carry the runs'
formatting, hyperlinks and standalone codes (pictures, fields, tabs, breaks, note
references). The writer (:mod:`.writer`) opens the source document again and
replaces the runs of each translated paragraph with English runs rebuilt from those
spans, leaving everything else as it was.

Both are imported only when called, so that listing the formats imports no XML library.
"""

from __future__ import annotations

from pathlib import Path

from translate_pipeline.document import AlignedDocument, Document


def read_docx_document(path: Path) -> Document:
    """Read a Word article into blocks (see :func:`.reader.read_docx_document`).

    Raises:
        SourceError: The file is not a readable Word document.
    """
    from translate_pipeline.formats.docx.reader import read_docx_document as read

    return read(path)


def write_english(document: AlignedDocument, path: Path, english: str = "en-GB") -> None:
    """Write the English Word article (see :func:`.writer.write_english`).

    ``english`` ("en-GB" or "en-US") is the language its translated runs are tagged with.

    Raises:
        SourceError: The source document cannot be read again or changed since it was read.
        OutputError: ``english`` is unknown, or the file cannot be written.
    """
    from translate_pipeline.formats.docx.writer import write_english as write

    write(document, path, english)
