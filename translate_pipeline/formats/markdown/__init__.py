"""Markdown articles (.md): read with a CommonMark parser, English rebuilt from the source.

:mod:`.reader` cuts the source into a skeleton and blocks (plain text and inline
spans, the source's own markers kept in each span's data); :mod:`.inline` writes
a block's inline Markdown back from text and spans; :mod:`.writer` rebuilds the
whole article around the English.

Round trip: reading an article and writing it back with every English equal to
its French gives the source back byte for byte, with one normalisation done on
reading: line ends become ``\\n`` and a UTF-8 byte-order mark is dropped
(:func:`translate_pipeline.formats.text.read_utf8`).
"""

from __future__ import annotations

from translate_pipeline.formats.markdown.reader import read_markdown, read_markdown_document
from translate_pipeline.formats.markdown.writer import english_markdown, write_english

__all__ = ["english_markdown", "read_markdown", "read_markdown_document", "write_english"]
