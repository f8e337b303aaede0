"""Rendering the bilingual Markdown table, and reading its cells back.

Formatting is written as inline Markdown inside the cells (``**bold**``,
``[links](https://…)``, ```code```), escaped so that a pipe or a stray asterisk
in the text never breaks the table or turns into formatting; where Markdown's
delimiter rules would misread a span, the cell uses the equivalent HTML tags
(``<b>``, ``<i>``), which GitHub and markdown-it render as well. Every cell is
checked by parsing it back. A row's place (table cell, list, note) follows its
ID; blocks kept as they are appear as ``kept as is`` rows, which the review
import skips. The file ends with an HTML comment recording what the tool wrote,
so that a later difference is known as an editor's edit.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from translate_pipeline.bilingual_docx import kept_as_is_summary, ordered_items, shown_text_hash
from translate_pipeline.document import AlignedDocument, Block, BlockKind, Inline, InlineKind
from translate_pipeline.fuzzy import fuzzy_score
from translate_pipeline.inline_runs import Mark, Piece, SpanBuilder, canonical, pieces
from translate_pipeline.output_files import AtomicFile
from translate_pipeline.row_record import RowRecord

_ESCAPED = re.compile(r"\\([\\|])")
KEPT_AS_IS = "*kept as is*"
RECORD_PREFIX = "<!-- translate_pipeline bilingual record: "
RECORD_SUFFIX = " -->"
RECORD_VERSION = 1


def escape_cell(text: str) -> str:
    """Make ``text`` safe inside a Markdown table cell.

    Backslashes and pipes are escaped (GitHub-flavoured tables render ``\\|`` as a
    pipe and ``\\\\`` as a backslash), and line breaks become spaces.
    """
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def unescape_cell(cell: str) -> str:
    """Undo :func:`escape_cell` on a cell read back from a bilingual table."""
    return _ESCAPED.sub(lambda match: match.group(1), cell.strip())


# Characters that would start or end inline Markdown (or split the table).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])|&(?=#?[A-Za-z0-9]+;)")


def escape_text(text: str) -> str:
    """Plain text as inline Markdown that reads back as exactly that text."""
    flat = " ".join(text.split()) if "\n" in text or "\t" in text else text
    escaped = _SPECIAL.sub(lambda m: "\\" + (m.group(1) or "&"), flat)
    # A "!" right before a link's "[" would make the link an image.
    return escaped[:-1] + "\\!" if escaped.endswith("!") else escaped


_MARKDOWN_MARKERS = {
    InlineKind.BOLD: ("**", "**"),
    InlineKind.ITALIC: ("*", "*"),
    InlineKind.STRIKE: ("~~", "~~"),
}
_HTML_MARKERS = {
    InlineKind.BOLD: ("<b>", "</b>"),
    InlineKind.ITALIC: ("<i>", "</i>"),
    InlineKind.STRIKE: ("<s>", "</s>"),
    InlineKind.UNDERLINE: ("<u>", "</u>"),
    InlineKind.SUPERSCRIPT: ("<sup>", "</sup>"),
    InlineKind.SUBSCRIPT: ("<sub>", "</sub>"),
}


def inline_markdown(text: str, inlines: Sequence[Inline], bold_all: bool = False) -> str:
    """``text`` with its spans as inline Markdown, safe inside a table cell.

    Args:
        text: The plain text.
        inlines: Its spans; the kinds a bilingual file shows are written.
        bold_all: Set the whole cell in bold (a heading row); bold spans inside
            it are then not written again.
    """
    spans = [s for s in inlines if not (bold_all and s.kind is InlineKind.BOLD)]
    target = canonical(text, spans)
    if bold_all and target[0]:
        target = (target[0], (Inline(InlineKind.BOLD, 0, len(target[0])), *target[1]))
        target = (target[0], tuple(sorted(target[1], key=lambda s: (s.start, -s.end, s.kind))))
    for html in (False, True):
        body = _render(pieces(text, spans), html)
        if bold_all and body:
            opener, closer = (_HTML_MARKERS if html else _MARKDOWN_MARKERS)[InlineKind.BOLD]
            body = f"{opener}{body}{closer}"
        if not (spans or bold_all) or parse_cell(body) == _sorted(target):
            return body
    return body


def _sorted(cell: tuple[str, tuple[Inline, ...]]) -> tuple[str, tuple[Inline, ...]]:
    text, spans = cell
    return text, tuple(sorted(spans, key=lambda s: (s.start, -s.end, s.kind.value, s.data)))


def _render(parts: Sequence[Piece], html: bool) -> str:
    """Inline Markdown for pieces, opening the longest-running spans outermost."""
    out: list[str] = []
    stack: list[Mark] = []
    last_code: tuple[int, str] | None = None  # where the last code span is, and its text
    # How many pieces ahead each mark stays open, to open long ones first.
    reach: list[dict[Mark, int]] = [{} for _ in parts]
    for index in range(len(parts) - 1, -1, -1):
        for mark in parts[index].marks:
            after = reach[index + 1].get(mark, 0) if index + 1 < len(parts) else 0
            reach[index][mark] = after + 1
    for index, piece in enumerate(parts):
        if piece.code is not None:
            if piece.code.kind is InlineKind.IMAGE:
                _close_to(stack, 0, out, html)
            out.append(_code_markdown(piece.code))
            continue
        marks = [m for m in piece.marks if m[0] is not InlineKind.CODE]
        image = next((m for m in marks if m[0] is InlineKind.IMAGE), None)
        if image is not None:
            # Alt text holds no markup: only a link may enclose the image.
            marks = [m for m in marks if m[0] in (InlineKind.LINK, InlineKind.IMAGE)]
        keep = 0
        while keep < len(stack) and stack[keep] in marks:
            keep += 1
        _close_to(stack, keep, out, html)
        new = sorted(
            (m for m in marks if m not in stack),
            key=lambda m: (m[0] is InlineKind.IMAGE, -reach[index].get(m, 0), _rank(m)),
        )
        for mark in new:
            out.append(_opener(mark, html))
            stack.append(mark)
        code = any(m[0] is InlineKind.CODE for m in piece.marks) and image is None
        if code and "\\|" not in piece.text and piece.text.strip():
            if last_code is not None and last_code[0] == len(out) - 1:
                # Two code spans side by side would run their backticks together.
                text = last_code[1] + piece.text
                if "\\|" not in text:
                    out[-1] = _code_span(text)
                    last_code = (len(out) - 1, text)
                    continue
                # Joined, they would hold "\|": this piece is shown as text, as a
                # lone code span holding "\|" is (side by side, backticks would merge).
                out.append(escape_text(piece.text))
                last_code = None
                continue
            out.append(_code_span(piece.text))
            last_code = (len(out) - 1, piece.text)
        else:
            out.append(escape_text(piece.text))
    _close_to(stack, 0, out, html)
    return "".join(out)


def _rank(mark: Mark) -> int:
    order = (
        InlineKind.LINK,
        InlineKind.BOLD,
        InlineKind.ITALIC,
        InlineKind.STRIKE,
        InlineKind.UNDERLINE,
        InlineKind.SUPERSCRIPT,
        InlineKind.SUBSCRIPT,
        InlineKind.IMAGE,
    )
    return order.index(mark[0]) if mark[0] in order else len(order)


def _close_to(stack: list[Mark], keep: int, out: list[str], html: bool) -> None:
    while len(stack) > keep:
        out.append(_closer(stack.pop(), html))


def _opener(mark: Mark, html: bool) -> str:
    kind = mark[0]
    if kind is InlineKind.LINK:
        return "["
    if kind is InlineKind.IMAGE:
        return "!["
    markers = _HTML_MARKERS if html or kind not in _MARKDOWN_MARKERS else _MARKDOWN_MARKERS
    return markers[kind][0]


def _closer(mark: Mark, html: bool) -> str:
    kind, data = mark
    values = dict(data)
    if kind in (InlineKind.LINK, InlineKind.IMAGE):
        target = _destination(values.get("href" if kind is InlineKind.LINK else "src", ""))
        title = values.get("title", "") if kind is InlineKind.LINK else ""
        if title:
            escaped = title.replace("\\", "\\\\").replace('"', '\\"').replace("|", "\\|")
            target += f' "{" ".join(escaped.split())}"'
        return f"]({target})"
    markers = _HTML_MARKERS if html or kind not in _MARKDOWN_MARKERS else _MARKDOWN_MARKERS
    return markers[kind][1]


def _destination(href: str) -> str:
    escaped = href.replace("\\", "\\\\").replace("|", "\\|")
    if not href or re.search(r"[\s<>()]", href):
        escaped = escaped.replace("<", "\\<").replace(">", "\\>")
        return f"<{' '.join(escaped.split())}>"
    return escaped


def _code_span(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    body = text.replace("|", "\\|")
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")):
        body = f" {body} "
    return f"{fence}{body}{fence}"


def _code_markdown(code: Inline) -> str:
    if code.kind is InlineKind.LINE_BREAK:
        return "<br>"
    if code.kind is InlineKind.FOOTNOTE_REF:
        label = re.sub(r"[^\w.-]", "", code.get("label")) or "note"
        return f"[^{label}]"
    return f"![]({_destination(code.get('src'))})"


# Reading a cell back.

_FOOTNOTE = re.compile(r"(?<!\\)\[\^([\w.-]+)\]")
_PLACEHOLDER = re.compile("\ue000([^\ue001]*)\ue001")
_HTML_TAG = re.compile(r"<(/?)(b|strong|i|em|s|del|strike|u|ins|sup|sub)\s*>", re.IGNORECASE)
_HTML_KIND = {
    "b": InlineKind.BOLD,
    "strong": InlineKind.BOLD,
    "i": InlineKind.ITALIC,
    "em": InlineKind.ITALIC,
    "s": InlineKind.STRIKE,
    "del": InlineKind.STRIKE,
    "strike": InlineKind.STRIKE,
    "u": InlineKind.UNDERLINE,
    "ins": InlineKind.UNDERLINE,
    "sup": InlineKind.SUPERSCRIPT,
    "sub": InlineKind.SUBSCRIPT,
}
_TOKEN_KIND = {
    "strong": InlineKind.BOLD,
    "em": InlineKind.ITALIC,
    "s": InlineKind.STRIKE,
}


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")
    # Addresses are kept exactly as written: no percent-encoding, none refused.
    parser.normalizeLink = lambda url: url  # type: ignore[method-assign]
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def parse_cell(cell: str) -> tuple[str, tuple[Inline, ...]]:
    """A table cell's plain text and inline spans (the cell as it sits in the row).

    Escaped pipes are unescaped first, as GitHub does for table cells; then the
    cell is parsed as inline CommonMark with strikethrough and inline HTML:
    emphasis, links (address and title), inline code, images (alt text and
    source), ``<sup>``/``<sub>``/``<u>`` and ``<br>``, and ``[^label]`` footnote
    references. Whitespace is collapsed.
    """
    source = cell.strip().replace("\\|", "|")
    source = _FOOTNOTE.sub(lambda m: f"\ue000{m.group(1)}\ue001", source)
    builder = SpanBuilder()
    active: list[Mark] = []
    tokens = _parser().parseInline(source)
    for token in tokens[0].children or () if tokens else ():
        kind = token.type
        if kind in ("text", "text_special"):
            _add_text(builder, token.content, active)
        elif kind == "softbreak":
            builder.add_text(" ", active)
        elif kind == "hardbreak":
            builder.add_code(InlineKind.LINE_BREAK)
            builder.add_text("\n", active)
        elif kind.endswith("_open") and kind[:-5] in _TOKEN_KIND:
            active.append((_TOKEN_KIND[kind[:-5]], ()))
        elif kind.endswith("_close") and kind[:-6] in _TOKEN_KIND:
            _pop(active, _TOKEN_KIND[kind[:-6]])
        elif kind == "link_open":
            data = [("href", str(token.attrs.get("href", "")))]
            if token.attrs.get("title"):
                data.append(("title", str(token.attrs["title"])))
            active.append((InlineKind.LINK, tuple(sorted(d for d in data if d[1]))))
        elif kind == "link_close":
            _pop(active, InlineKind.LINK)
        elif kind == "code_inline":
            builder.add_text(_restore(token.content), [*active, (InlineKind.CODE, ())])
        elif kind == "image":
            alt = _restore("".join(child.content for child in token.children or ()))
            src = str(token.attrs.get("src", ""))
            data = (("src", src),) if src else ()
            if alt.strip():
                builder.add_text(alt, [*active, (InlineKind.IMAGE, data)])
            else:
                builder.add_code(InlineKind.IMAGE, data)
        elif kind == "html_inline":
            _html(builder, token.content, active)
        else:
            _add_text(builder, token.content, active)
    return builder.build()


def _add_text(builder: SpanBuilder, text: str, active: list[Mark]) -> None:
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        builder.add_text(text[position : match.start()], active)
        builder.add_code(InlineKind.FOOTNOTE_REF, [("label", match.group(1))])
        position = match.end()
    builder.add_text(text[position:], active)


def _restore(text: str) -> str:
    return _PLACEHOLDER.sub(lambda m: f"[^{m.group(1)}]", text)


def _html(builder: SpanBuilder, tag: str, active: list[Mark]) -> None:
    if re.fullmatch(r"<br\s*/?>", tag, re.IGNORECASE):
        builder.add_code(InlineKind.LINE_BREAK)
        builder.add_text("\n", active)
        return
    match = _HTML_TAG.fullmatch(tag)
    if match is None:
        # Any other HTML is the editor's text, kept as written.
        builder.add_text(tag, active)
        return
    kind = _HTML_KIND[match.group(2).lower()]
    if match.group(1):
        _pop(active, kind)
    else:
        active.append((kind, ()))


def _pop(active: list[Mark], kind: InlineKind) -> None:
    for index in range(len(active) - 1, -1, -1):
        if active[index][0] is kind:
            del active[index]
            return


# The table.


def bilingual_markdown(document: AlignedDocument, engine_label: str) -> str:
    """The bilingual table: one row per segment, ID | Français | English.

    Heading segments are set in bold so they stand out both raw and rendered; a
    row's place follows its ID, a reviewed row says so (a near match's suggestion says
    "≈ 92% match"), and QA flags follow, each
    after a ⚠. Blocks kept as they are have rows of their own, in place. The last
    line records what was written.
    """
    with RowRecord() as record:
        body = "".join(line + "\n" for line in _table_lines(document, engine_label, record))
        # A blank line first, so that no renderer reads the record as part of the table.
        return body + "\n" + "".join(_record_line(_normalised_digest(body), record)) + "\n"


def _table_lines(
    document: AlignedDocument,
    engine_label: str,
    record: RowRecord,
) -> Iterator[str]:
    """The lines of the bilingual file before its record, one at a time; what the
    record keeps of each row is added to ``record`` on the way."""
    meta = (
        f"Source: `{document.source_path.name}` · Engine: {engine_label} · "
        f"{len(document.rows)} segments"
    )
    kept = kept_as_is_summary(document)
    if kept:
        meta += f" · kept as is: {escape_text(kept)}"
    yield from (f"# {document.doc_id}: French | English", "", meta, "")
    unrepresented = document.source.unrepresented if document.source else ()
    if unrepresented:
        yield "Not represented (see the source): " + escape_text("; ".join(unrepresented))
        yield ""
    yield from ("| ID | Français | English |", "| --- | --- | --- |")
    for item in ordered_items(document):
        if isinstance(item, Block):
            yield _verbatim_row(item)
            continue
        segment = item.segment
        heading = segment.kind is BlockKind.HEADING
        french = inline_markdown(segment.text, segment.inlines, bold_all=heading)
        english = inline_markdown(item.english, item.english_inlines, bold_all=heading)
        marker = ""
        label = segment.place.label()
        if label:
            marker += f" · {escape_text(label)}"
        if item.origin == "reviewed":
            marker += " ✓ reviewed"
        near = fuzzy_score(item.origin)
        if near is not None:
            marker += f" ≈ {near}% match"
        if item.note:
            marker += f" 💬 {escape_cell(item.note)}"
        marker += "".join(f" ⚠ {escape_cell(str(flag))}" for flag in item.flags)
        yield f"| `{segment.segment_id}`{marker} | {french} | {english} |"
        record.add(
            segment.segment_id,
            cell_fingerprint(english),
            [shown_text_hash(parse_cell(french)[0]), shown_text_hash(parse_cell(english)[0])],
        )


_DELIMITER = re.compile(r"^\s*(?:`{3,}|~{3,}|-{3,}\s*$|\+{3,}\s*$)")


def _verbatim_row(block: Block) -> str:
    where = block.verbatim or "block"
    if block.line:
        where += f", line {block.line}"
    lines = block.text.split("\n")
    if len(lines) > 1:
        where += f", {len(lines)} lines"
    # The first line that says something: not a fence or a front-matter delimiter.
    first = next((line for line in lines if line.strip() and not _DELIMITER.match(line)), "")
    first = first.strip()
    preview = (_code_span(first) if "\\|" not in first else escape_text(first)) if first else ""
    if preview and len(lines) > 1:
        preview += " …"
    return f"| {KEPT_AS_IS} · {escape_text(where)} | {preview} | {preview} |"


def cell_fingerprint(cell: str) -> str:
    """A short hash of a cell's text and formatting as read back."""
    text, spans = parse_cell(cell)
    state = [text, [[s.kind.value, s.start, s.end, list(s.data)] for s in spans]]
    return hashlib.sha256(json.dumps(state, ensure_ascii=False).encode()).hexdigest()[:12]


def _normalised(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _normalised_digest(text: str) -> str:
    """``sha256(_normalised(text))``, hashed line by line (no copy of a long text)."""
    if "\r" in text:
        return hashlib.sha256(_normalised(text).encode()).hexdigest()
    return _lines_digest(_lines_of(text))


def _lines_of(text: str) -> Iterator[str]:
    """The lines of ``text`` split at "\\n", without copying the whole text."""
    position = 0
    while position <= len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        yield text[position:end]
        position = end + 1


def _lines_digest(lines: Iterable[str]) -> str:
    """``sha256(_normalised(text))`` of the text made of ``lines`` (line ends
    already normalised to "\\n"; a line may keep its "\\n")."""
    digest = hashlib.sha256()
    started = False
    blank = 0  # empty lines met since the last one written: kept only if more follow
    for raw in lines:
        line = raw.rstrip()
        if not line:
            blank += 1
            continue
        # Empty lines before the first line of text and after the last are stripped.
        if started:
            digest.update(b"\n" * (blank + 1))
        digest.update(line.encode())
        started = True
        blank = 0
    return digest.hexdigest()


def _record_line(digest: str, record: RowRecord) -> Iterator[str]:
    """The record line, in pieces: ``{"version", "digest", "rows", "shown"}`` as JSON."""
    yield RECORD_PREFIX
    for piece in record.json_pieces({"version": RECORD_VERSION, "digest": digest}):
        # No "-" in the JSON, so that nothing in it can end the comment early.
        yield piece.replace("-", "\\u002d")
    yield RECORD_SUFFIX


def split_record(text: str) -> tuple[str, dict[str, Any] | None]:
    """A bilingual Markdown file's text without its record line, and the record."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if line.startswith(RECORD_PREFIX) and line.endswith(RECORD_SUFFIX):
            try:
                record = json.loads(line[len(RECORD_PREFIX) : -len(RECORD_SUFFIX)])
            except json.JSONDecodeError:
                return text, None
            rest = "\n".join(lines[:index] + lines[index + 1 :])
            if isinstance(record, dict) and record.get("version") == RECORD_VERSION:
                return rest, record
            return rest, None
    return text, None


def markdown_was_edited(path: Path) -> bool | None:
    """Whether a bilingual Markdown file differs from what the tool wrote into it.

    Returns:
        ``None`` when the file cannot be read or holds no record of ours; else
        whether anything but trailing spaces and line endings changed.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    body, record = split_record(text)
    if record is None:
        return None
    return _normalised_digest(body) != record.get("digest")


def write_bilingual_markdown(document: AlignedDocument, engine_label: str, path: Path) -> None:
    """Write the bilingual Markdown to ``path`` atomically, row by row.

    The file is :func:`bilingual_markdown`'s text; the rows go to the temporary
    file as they are made, and the record's digest is read back from it, so the
    whole text (several times the article) is never held.
    """
    with RowRecord() as record, AtomicFile(path) as out:
        for line in _table_lines(document, engine_label, record):
            out.write(line + "\n")
        out.flush()
        # Read back with universal newlines: the "\\r" a cell might hold counts
        # as a line end, as _normalised has it.
        with open(out.name, encoding="utf-8", newline=None) as written:
            digest = _lines_digest(written)
        out.write("\n")
        for piece in _record_line(digest, record):
            out.write(piece)
        out.write("\n")
