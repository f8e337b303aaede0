"""The text fields of an article's front matter: its title, description, summary.

A static-site article (Hugo, Jekyll, Eleventy, Astro) carries its title in
front matter, not in a heading: an English article with a French ``title:`` is
not ready to publish. The top-level fields named in :data:`TEXT_KEYS` whose
value is one line of text are translated; everything else in the front matter
(dates, tags, slugs, nested values) is kept byte for byte. A text field this
module cannot rewrite safely (a multi-line value, a YAML escape, a comment after
the value) is kept as it is and named, never half-translated.

A value is rewritten as the same kind of scalar it was (plain, single- or
double-quoted), so an untouched title comes back byte for byte; a plain YAML
value whose English would read as YAML syntax (``AI: the deal``) is quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Keys whose value is prose a reader sees (the page title, its description).
TEXT_KEYS = ("title", "subtitle", "description", "summary", "excerpt", "abstract", "lead")

_KEYS = "|".join(TEXT_KEYS)
_YAML_FIELD = re.compile(rf"(?P<key>{_KEYS})(?P<sep>[ \t]*:[ \t]+)(?P<value>\S.*?)[ \t]*$")
_TOML_FIELD = re.compile(rf"(?P<key>{_KEYS})(?P<sep>[ \t]*=[ \t]*)(?P<value>\S.*?)[ \t]*$")
_DOUBLE = re.compile(r'"([^"\\]*)"')
_SINGLE_YAML = re.compile(r"'((?:[^']|'')*)'")
_SINGLE_TOML = re.compile(r"'([^'\n]*)'")
# A plain YAML scalar may not start with these (they open other syntax).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Plain values YAML reads as something other than a string.
_NOT_STRINGS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "~", ""})
_NUMBER = re.compile(r"[-+]?(?:\.?\d[\d_.eE+-]*|\.inf|\.nan)$", re.IGNORECASE)


@dataclass(frozen=True)
class TextField:
    """One translatable field of the front matter.

    Attributes:
        key: Its key ("title").
        start: Offset of its value in the source (the opening quote, if any).
        end: Offset just past its value.
        text: The value's text, unquoted and unescaped.
        number: Its line's index among the lines given to :func:`text_fields`.
        style: How it was written: "yaml", "yaml'", 'yaml"', "toml'", 'toml"'.
    """

    key: str
    start: int
    end: int
    text: str
    number: int
    style: str


def text_fields(
    lines: list[str], offsets: list[int], toml: bool
) -> tuple[list[TextField], list[tuple[int, str]]]:
    """The translatable fields among front matter ``lines``, and the fields kept.

    Args:
        lines: The front matter's lines, delimiters excluded.
        offsets: Where each of ``lines`` starts in the source.
        toml: Whether it is TOML (``+++``) rather than YAML (``---``).

    Returns:
        The fields, and ``(line index, key)`` for each text field kept as it
        is (a multi-line value, an escape, a comment).
    """
    found: list[TextField] = []
    kept: list[tuple[int, str]] = []
    pattern = _TOML_FIELD if toml else _YAML_FIELD
    for number, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        key, value = match.group("key"), match.group("value")
        parsed = _parse(value, toml)
        if parsed is None:
            kept.append((number, key))
            continue
        text, style = parsed
        if not any(char.isalpha() for char in text):
            continue
        start = offsets[number] + match.start("value")
        found.append(TextField(key, start, start + len(value), text, number, style))
    return found, kept


def _parse(value: str, toml: bool) -> tuple[str, str] | None:
    """``(text, style)`` of a one-line scalar; ``None`` when it cannot be rewritten safely."""
    kind = "toml" if toml else "yaml"
    double = _DOUBLE.fullmatch(value)
    if double:
        return double.group(1), kind + '"'
    single = (_SINGLE_TOML if toml else _SINGLE_YAML).fullmatch(value)
    if single:
        return single.group(1).replace("''", "'") if not toml else single.group(1), kind + "'"
    if toml or value[0] in _INDICATORS or " #" in value or ": " in value:
        # TOML strings are always quoted; the rest is YAML syntax, a comment or a
        # multi-line scalar (``|``, ``>``).
        return None
    return value, kind


def scalar(text: str, style: str) -> str:
    """``text`` written as a value of ``style``, quoted as the source was where it can be.

    The result always reads back as ``text`` (a TOML literal string cannot hold
    ``'``, a plain YAML value cannot look like syntax: those become double-quoted).
    """
    text = " ".join(text.split())
    if style == "yaml" and not _needs_quotes(text):
        return text
    if style == "yaml'":
        return "'" + text.replace("'", "''") + "'"
    if style == "toml'" and "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _needs_quotes(text: str) -> bool:
    return (
        text.lower() in _NOT_STRINGS
        or text[0] in _INDICATORS
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or bool(_NUMBER.match(text))
    )
