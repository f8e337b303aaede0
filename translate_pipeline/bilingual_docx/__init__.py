"""The bilingual DOCX: a three-column table, ID | Français | English.

Formatting shows as formatting in both text columns (bold is bold, links are
clickable, inline code is monospace, a footnote reference is a superscript label,
an image a grey ``[image: alt]`` marker), never as Markdown syntax. Each row says
where its sentence sits (a table cell, a list, a note) under its ID; blocks kept
as they are (code, front matter) appear as greyed ``kept as is`` rows, which the
review import skips. French cells are tagged fr-FR and English cells en-GB (or
another English), so that spell-checkers check each in its language.

The file records what it holds (:func:`table_rows` read from the XML just built,
hashed into a custom document property), so that a later difference is known as
an editor's edit even when the translation memory is gone; :func:`read_cell` is
also what the review import uses to read an edited English cell back.

The package's rooms: ``writer`` (the document and its package, written to disk),
``cells`` (each row's XML, built directly), ``table`` (reading a table's rows
back), ``record`` (the record of what the tool wrote, and :func:`docx_was_edited`)
and ``styles`` (sizes, colours, fonts and labels, shared by writer and reader).
"""

from translate_pipeline.bilingual_docx.record import (
    RECORD_PROPERTY,
    RECORD_VERSION,
    docx_was_edited,
    read_record,
    record_of,
    row_fingerprint,
    shown_text_hash,
)
from translate_pipeline.bilingual_docx.styles import (
    BODY_PT,
    CODE_FONT,
    COLUMN_WIDTHS_CM,
    DEFAULT_ENGLISH,
    FLAG_RED,
    FLAGGED_FILL,
    FRENCH,
    FUZZY_AMBER,
    FUZZY_FILL,
    HEADER_FILL,
    HEADER_LABELS,
    HEADING_FILL,
    ID_GREY,
    ID_PT,
    KEPT_AS_IS,
    LINK_BLUE,
    MARKER_GREY,
    REVIEWED_GREEN,
    VERBATIM_FILL,
    qn,
)
from translate_pipeline.bilingual_docx.table import (
    TableRow,
    docx_comments,
    external_links,
    read_cell,
    segment_id_from_cell,
    table_row,
    table_rows,
)
from translate_pipeline.bilingual_docx.writer import (
    bilingual_docx_bytes,
    header_line,
    kept_as_is_summary,
    ordered_items,
    write_bilingual_docx,
)

__all__ = [
    "BODY_PT",
    "CODE_FONT",
    "COLUMN_WIDTHS_CM",
    "DEFAULT_ENGLISH",
    "FLAGGED_FILL",
    "FLAG_RED",
    "FRENCH",
    "FUZZY_AMBER",
    "FUZZY_FILL",
    "HEADER_FILL",
    "HEADER_LABELS",
    "HEADING_FILL",
    "ID_GREY",
    "ID_PT",
    "KEPT_AS_IS",
    "LINK_BLUE",
    "MARKER_GREY",
    "RECORD_PROPERTY",
    "RECORD_VERSION",
    "REVIEWED_GREEN",
    "VERBATIM_FILL",
    "TableRow",
    "bilingual_docx_bytes",
    "docx_comments",
    "docx_was_edited",
    "external_links",
    "header_line",
    "kept_as_is_summary",
    "ordered_items",
    "qn",
    "read_cell",
    "read_record",
    "record_of",
    "row_fingerprint",
    "segment_id_from_cell",
    "shown_text_hash",
    "table_row",
    "table_rows",
    "write_bilingual_docx",
]
