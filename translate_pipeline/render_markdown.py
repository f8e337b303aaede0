"""Rendering the bilingual Markdown table."""

from __future__ import annotations

import re
from pathlib import Path

from translate_pipeline.document import AlignedDocument, BlockKind
from translate_pipeline.output_files import write_atomic

_ESCAPED = re.compile(r"\\([\\|])")


def escape_cell(text: str) -> str:
    """Make ``text`` safe inside a Markdown table cell.

    Backslashes and pipes are escaped (GitHub-flavoured tables render ``\\|`` as a
    pipe and ``\\\\`` as a backslash), and line breaks become spaces.
    """
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def unescape_cell(cell: str) -> str:
    """Undo :func:`escape_cell` on a cell read back from a bilingual table."""
    return _ESCAPED.sub(lambda match: match.group(1), cell.strip())


def bilingual_markdown(document: AlignedDocument, engine_label: str) -> str:
    """The bilingual table: one row per segment, ID | Français | English.

    Heading segments are set in bold so they stand out both raw and rendered; a
    reviewed row says so after its ID, and QA flags follow, each after a ⚠.
    """
    lines = [
        f"# {document.doc_id}: French | English",
        "",
        f"Source: `{document.source_path.name}` · Engine: {engine_label} · "
        f"{len(document.rows)} segments",
        "",
        "| ID | Français | English |",
        "| --- | --- | --- |",
    ]
    for row in document.rows:
        french, english = escape_cell(row.segment.text), escape_cell(row.english)
        if row.segment.kind is BlockKind.HEADING:
            french, english = f"**{french}**", f"**{english}**" if english else english
        marker = " ✓ reviewed" if row.origin == "reviewed" else ""
        marker += "".join(f" ⚠ {escape_cell(str(flag))}" for flag in row.flags)
        lines.append(f"| `{row.segment.segment_id}`{marker} | {french} | {english} |")
    return "\n".join(lines) + "\n"


def write_bilingual_markdown(document: AlignedDocument, engine_label: str, path: Path) -> None:
    """Write the bilingual Markdown to ``path`` atomically."""
    write_atomic(path, bilingual_markdown(document, engine_label).encode("utf-8"))
