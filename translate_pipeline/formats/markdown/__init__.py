"""Markdown articles (.md): read with a CommonMark parser, English rebuilt from the source.

:mod:`.reader` cuts the source into a skeleton and blocks (plain text and inline
spans, the source's own markers kept in each span's data); :mod:`.inline` writes
a block's inline Markdown back from text and spans; :mod:`.writer` rebuilds the
whole article around the English.

Round trip: reading an article and writing it back with every English equal to
its French gives the source back byte for byte. The one normalisation: a file
whose line ends mix ``\\r\\n`` and ``\\n`` (or use a lone ``\\r``) is written with
``\\n`` throughout; a file that uses ``\\r\\n`` everywhere, or starts with a UTF-8
byte-order mark, keeps that form.
"""

from __future__ import annotations

from translate_pipeline.formats.markdown.reader import read_markdown, read_markdown_document
from translate_pipeline.formats.markdown.writer import english_markdown, write_english

__all__ = ["english_markdown", "read_markdown", "read_markdown_document", "write_english"]
