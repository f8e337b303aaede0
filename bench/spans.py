"""Measure how many inline spans land on the right English words, per method.

    .venv/bin/python bench/spans.py            # the table
    .venv/bin/python bench/spans.py --show     # each sentence's outputs and verdicts

The set is ``tests/data/formatted_fr.json``: French sentences written with small
tags (``<b>``, ``<i>``, ``<a href=...>``, ``<code>``, ``<fn/>`` for a footnote
reference), and for each span the English it should cover.

Methods (Apertium, fr -> es -> en):

- ``plain+rules``: the pipeline today: the plain text is translated (URLs and
  numbers masked as usual) and :func:`project_inlines` places each span by its
  simple safe rules;
- ``plain+alone``: the same, plus each span's text translated alone by the
  engine and found once in the output (``span_english``);
- ``html``: Apertium's own format handling: the sentence goes through both steps
  with ``apertium -f html`` (``ApertiumTranslator.translate_marked``) and its tags
  are read back; a span whose tag comes back twice (split), or not at all, is lost;
- ``plain+html`` and ``plain+html+alone``: the plain English kept; each span's
  words as the ``html`` run rendered them in context are looked for in it (then
  the span translated alone): what the pipeline does for Apertium;
- ``brackets``: each span bracketed by opening and closing placeholder tokens
  (``ZQXA<n>QZ`` ... ``ZQXB<n>QZ``, like the ZQX tokens Apertium passes through).

How "right" is judged: each paired span in the data file lists, under
``"right"``, the English renderings of exactly its words that a reader would
accept, written by hand after reading Apertium's outputs of the sentence with
every method (for example ``AI Act`` for ``l'<i>AI Act</i>``: Apertium's
``HAVE it Act`` has no right place for the span, so it lists none). A placed span
is *right* when its English text, without edge spaces and punctuation, equals one
of them ignoring case; otherwise it is *wrong*. A standalone code (footnote
reference) lists ``"start"``, ``"end"`` or ``"after:<word>"``: it is right when it
sits at that place (at the start, at the end or just before the final full stop,
right after that English word). ``"law#1"`` asks for the second whole-word
"law" (a sentence where the span's words occur twice). An unplaced span is *lost*.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from translate_pipeline.document import Inline, InlineKind  # noqa: E402
from translate_pipeline.engines import Translator  # noqa: E402
from translate_pipeline.protect import Outcome  # noqa: E402
from translate_pipeline.reproject import (  # noqa: E402
    MarkedEnglish,
    mark_spans_html,
    project_inlines,
    read_marked_html,
    spans_in_context,
    spans_needing_translation,
)

DATA = ROOT / "tests" / "data" / "formatted_fr.json"
_TAG = re.compile(r'<(/?)(b|i|code|a|fn)(?: href="([^"]*)")?\s*(/?)>')
_KINDS = {
    "b": InlineKind.BOLD,
    "i": InlineKind.ITALIC,
    "code": InlineKind.CODE,
    "a": InlineKind.LINK,
}
_EDGE = " \t\n.,;:!?\"'«»“”()"


@dataclass(frozen=True)
class Case:
    """One formatted sentence: plain text, spans, and what each span should cover."""

    tagged: str
    french: str
    inlines: tuple[Inline, ...]
    right: tuple[tuple[str, ...], ...]


def parse_tagged(tagged: str) -> tuple[str, tuple[Inline, ...]]:
    """The plain text of a tagged sentence and its spans, in the order they open."""
    plain: list[str] = []
    at = 0
    length = 0
    open_spans: list[tuple[int, str, int, str]] = []  # (order, tag, start, href)
    done: dict[int, Inline] = {}
    order = 0
    for match in _TAG.finditer(tagged):
        plain.append(tagged[at : match.start()])
        length += match.start() - at
        at = match.end()
        closing, name, href, _ = match.groups()
        if name == "fn":
            done[order] = Inline(InlineKind.FOOTNOTE_REF, length, length, (("label", "1"),))
            order += 1
        elif not closing:
            open_spans.append((order, name, length, href or ""))
            order += 1
        else:
            number, opened, start, href = open_spans.pop()
            assert opened == name, tagged
            data = (("href", href),) if href else ()
            done[number] = Inline(_KINDS[name], start, length, data)
    plain.append(tagged[at:])
    assert not open_spans, tagged
    return "".join(plain), tuple(done[n] for n in sorted(done))


def load_cases(path: Path = DATA) -> list[Case]:
    """The formatted sentences of the data file."""
    cases = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        french, inlines = parse_tagged(item["fr"])
        right = tuple(tuple(options) for options in item["right"])
        assert len(right) == len(inlines), item["fr"]
        cases.append(Case(item["fr"], french, inlines, right))
    return cases


def judge(case: Case, english: str, placed: Sequence[Inline | None]) -> list[str]:
    """ "right", "wrong" or "lost" for each span of ``case`` (see the module's rule)."""
    verdicts = []
    for span, options, where in zip(case.inlines, case.right, placed, strict=True):
        if where is None:
            verdicts.append("lost")
        elif span.standalone:
            verdicts.append("right" if _code_at(english, where.start, options) else "wrong")
        else:
            ok = any(_covers(english, where, option) for option in options)
            verdicts.append("right" if ok else "wrong")
    return verdicts


def _covers(english: str, where: Inline, option: str) -> bool:
    """Whether ``where`` covers ``option`` ("law#1": the second whole-word "law")."""
    text, _, nth = option.partition("#")
    got = english[where.start : where.end].strip(_EDGE)
    if got.casefold() != text.casefold():
        return False
    if not nth:
        return True
    hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", english, re.I)]
    start = where.start + (
        len(english[where.start : where.end]) - len(english[where.start : where.end].lstrip(_EDGE))
    )
    return int(nth) < len(hits) and hits[int(nth)] == start


def _code_at(english: str, at: int, options: Sequence[str]) -> bool:
    for option in options:
        if option == "start" and not english[:at].strip():
            return True
        if option == "end" and not english[at:].strip(_EDGE):
            return True
        if option.startswith("after:"):
            word = option.removeprefix("after:")
            if english[:at].rstrip().casefold().endswith(word.casefold()):
                return True
    return False


def _match(inlines: Sequence[Inline], placed: Sequence[Inline]) -> list[Inline | None]:
    """Each French span's placed counterpart (same kind and data, in order), or None."""
    pool = list(placed)
    found: list[Inline | None] = []
    for span in inlines:
        hit = next((p for p in pool if p.kind is span.kind and p.data == span.data), None)
        if hit is not None:
            pool.remove(hit)
        found.append(hit)
    return found


# --- the methods -------------------------------------------------------------


def plain_methods(
    engine: Translator, cases: list[Case], context: list[tuple[str, list]]
) -> dict[str, list[tuple[str, list]]]:
    """Plain text + re-projection: rules only, + the span alone, + the span in context.

    ``context`` is a marked method's results (the English and each span's place in
    it): the English it gives each span is looked for in the plain English. An
    engine that combines several pivots (``translate_marked_matching``) gives it
    again, as the pipeline asks for it: each sentence marked through the pivot
    whose English is nearest the plain English.
    """
    from translate_pipeline.translation import translate_protected, translate_span_texts

    # Inline code is protected, as the pipeline does (a pivot may translate its words).
    code = {
        c.french: [(s.start, s.end) for s in c.inlines if s.kind is InlineKind.CODE] for c in cases
    }
    translations = translate_protected(engine, [c.french for c in cases], (), code=code)
    rows = [(c.french, c.inlines, translations[c.french].english) for c in cases]
    matching = getattr(engine, "translate_marked_matching", None)
    if matching is not None:
        outputs = matching(
            [mark_spans_html(c.french, c.inlines) for c in cases], [row[2] for row in rows]
        )
        context = [html_read(output, c.inlines) for c, output in zip(cases, outputs, strict=True)]
    # As the pipeline does: numbers, URLs (and glossary terms) placed where protection put them.
    known = {
        c.french: [
            (r.span.start, r.span.end, r.span.expected)
            for r in translations[c.french].spans
            if r.outcome is not Outcome.MISSING
        ]
        for c in cases
    }
    alone = translate_span_texts(engine, spans_needing_translation(rows, known))
    names = ("plain+rules", "plain+alone", "plain+html", "plain+html+alone")
    results: dict[str, list[tuple[str, list]]] = {name: [] for name in names}
    for case, (_, _, english), (marked, placed) in zip(cases, rows, context, strict=True):
        ranges = tuple((p.start, p.end) if p else None for p in placed)
        in_context = spans_in_context(case.french, case.inlines, MarkedEnglish(marked, ranges))
        both = {
            text: [in_context[text], alone[text]] if text in in_context else [alone[text]]
            for text in alone
        }
        mappings = (None, alone, in_context, both)
        for name, mapping in zip(names, mappings, strict=True):
            projection = project_inlines(
                case.french, case.inlines, english, known[case.french], mapping
            )
            results[name].append((english, _match(case.inlines, projection.inlines)))
    return results


def marked_method(
    translate: Callable[[list[str]], list[str]],
    mark: Callable[[str, Sequence[Inline]], str],
    read: Callable[[str, Sequence[Inline]], tuple[str, list[Inline | None]]],
    cases: list[Case],
) -> list[tuple[str, list]]:
    """Spans marked in the text sent to the engine, then read back from its output."""
    outputs = translate([mark(c.french, c.inlines) for c in cases])
    return [read(output, c.inlines) for c, output in zip(cases, outputs, strict=True)]


def bracket_mark(french: str, inlines: Sequence[Inline]) -> str:
    """``french`` with ``ZQXA<n>QZ``/``ZQXB<n>QZ`` around span n, ``ZQXC<n>QZ`` at a code."""
    inserts: list[tuple[int, int, str]] = []
    for number, span in enumerate(inlines):
        if span.standalone:
            inserts.append((span.start, 1, f" ZQXC{number}QZ "))
        else:
            inserts.append((span.start, 2, f" ZQXA{number}QZ "))
            inserts.append((span.end, 0, f" ZQXB{number}QZ "))
    return _insert(french, inserts)


def _insert(text: str, inserts: list[tuple[int, int, str]]) -> str:
    out, at = [], 0
    for offset, _, token in sorted(inserts, key=lambda item: (item[0], item[1])):
        out.append(text[at:offset])
        out.append(token)
        at = offset
    out.append(text[at:])
    return "".join(out)


_BRACKET = re.compile(r"\s*ZQX([ABC])(\d+)QZ\s*")


def bracket_read(output: str, inlines: Sequence[Inline]) -> tuple[str, list[Inline | None]]:
    """The English without the tokens, and each span where its tokens came back once."""
    english, marks = _strip_marks(output, _BRACKET)
    placed: list[Inline | None] = []
    for number, span in enumerate(inlines):
        if span.standalone:
            at = marks.get(("C", number), [])
            placed.append(span.shifted(at[0] - span.start) if len(at) == 1 else None)
            continue
        opened, closed = marks.get(("A", number), []), marks.get(("B", number), [])
        if len(opened) == 1 and len(closed) == 1 and opened[0] < closed[0]:
            start, end = _trim(english, opened[0], closed[0])
            placed.append(Inline(span.kind, start, end, span.data))
        else:
            placed.append(None)
    return english, placed


def _strip_marks(output: str, pattern: re.Pattern[str]) -> tuple[str, dict]:
    """Text with the marks replaced by single spaces (collapsed), and where each mark was."""
    marks: dict[tuple[str, int], list[int]] = {}
    parts: list[str] = []
    length, at = 0, 0
    for match in pattern.finditer(output):
        piece = output[at : match.start()]
        gap = " " if match.group(0) != match.group(0).strip() and piece else ""
        parts.append(piece + gap)
        length += len(piece) + len(gap)
        marks.setdefault((match.group(1), int(match.group(2))), []).append(length)
        at = match.end()
    parts.append(output[at:])
    text = "".join(parts)
    stripped = text.rstrip()
    return stripped, {key: [min(v, len(stripped)) for v in value] for key, value in marks.items()}


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def html_read(output: str, inlines: Sequence[Inline]) -> tuple[str, list[Inline | None]]:
    """The English of Apertium's HTML, and each span where its tag came back once."""
    marked = read_marked_html(output, len(inlines))
    return marked.text, [
        Inline(span.kind, where[0], where[1], span.data) if where is not None else None
        for span, where in zip(inlines, marked.ranges, strict=True)
    ]


def main() -> None:
    """Print per-method counts (right / wrong / lost) on the data file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every sentence's outputs")
    parser.add_argument("--json", type=Path, help="also write the counts here")
    args = parser.parse_args()
    from translate_pipeline.engines.apertium import ApertiumTranslator

    engine = ApertiumTranslator.load()
    cases = load_cases()
    html_results = marked_method(engine.translate_marked, mark_spans_html, html_read, cases)
    methods = plain_methods(engine, cases, html_results)
    methods["html"] = html_results
    methods["brackets"] = marked_method(engine.translate_batch, bracket_mark, bracket_read, cases)
    plain = [" ".join(english.split()) for english, _ in methods["plain+rules"]]
    spans = sum(len(c.inlines) for c in cases)
    counts: dict[str, dict[str, int]] = {}
    for name, results in methods.items():
        tally = {"right": 0, "wrong": 0, "lost": 0, "changed": 0}
        for case, (english, placed), before in zip(cases, results, plain, strict=True):
            tally["changed"] += " ".join(english.split()) != before
            verdicts = judge(case, english, placed)
            for verdict in verdicts:
                tally[verdict] += 1
            if args.show:
                marks = [
                    f"{case.french[s.start : s.end] or s.kind.value}->"
                    + (repr(english[p.start : p.end]) if p else "-")
                    + f" {v}"
                    for s, p, v in zip(case.inlines, placed, verdicts, strict=True)
                ]
                print(f"[{name}] {case.tagged}\n    {english}\n    {'; '.join(marks)}")
        counts[name] = tally
    print(f"Apertium {engine.version}: {len(cases)} sentences, {spans} spans")
    print(f"{'method':<18}{'right':>7}{'wrong':>7}{'lost':>7}  English changed (sentences)")
    for name, tally in counts.items():
        row = "".join(f"{tally[key]:>7}" for key in ("right", "wrong", "lost"))
        print(f"{name:<18}{row}  {tally['changed']}")
    if args.json:
        args.json.write_text(json.dumps(counts, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
