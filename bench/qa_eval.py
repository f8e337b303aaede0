"""Measure QA in both directions: false flags on correct rows, misses on wrong ones.

    .venv/bin/python bench/qa_eval.py            # the two rates
    .venv/bin/python bench/qa_eval.py --show     # every row whose flags are not as expected

The set is ``tests/data/qa_cases.json``, rows written by hand: the French, the
English (as the engine gave it for a ``machine`` row, Apertium's ``*`` marks
included; as the editor wrote it for a ``reviewed`` row), the glossary terms in
play, optional inline spans (a kind and the French words it covers), and the
flag codes a careful reviewer expects (none for a correct row).

Each row goes through the path a run takes for a sentence the translation
memory holds: :func:`translation.from_memory` (protection, restore, and for a
machine translation the post-editing: marks stripped, typography made English,
French words left in found) then :func:`pipeline._align_checked` (``check_segment``
and the projection of inline spans, which flags ``formatting-lost``), with the
glossary built from the row's terms.

A correct row is falsely flagged when it gets any flag. A problem row is missed
when one of its expected codes is not among its flags.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate_pipeline.document import Block, BlockKind, Document, Inline, InlineKind, Segment
from translate_pipeline.english_lexicon import EnglishLexicon
from translate_pipeline.glossary import Term
from translate_pipeline.memory import MACHINE, REVIEWED, MemoryHit
from translate_pipeline.pipeline import code_ranges
from translate_pipeline.pipeline.aligning import _align_checked
from translate_pipeline.protect import TermMatcher
from translate_pipeline.translation import from_memory

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "qa_cases.json"


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    """The hand-written rows."""
    return json.loads(path.read_text(encoding="utf-8"))


def row_flags(case: dict[str, Any], lexicon: EnglishLexicon | None) -> list[str]:
    """The flags (``code: detail``) a run gives the row ``case``."""
    french = case["french"]
    terms = [
        Term(t["source"], t.get("target", t["source"]), forms=tuple(map(tuple, t.get("forms", ()))))
        for t in case.get("terms", ())
    ]
    inlines = tuple(
        _inline(french, span["kind"], span["text"], span.get("data", {}))
        for span in case.get("inlines", ())
    )
    kind = BlockKind(case.get("kind", "paragraph"))
    block = Block(1, kind, french, inlines=inlines)
    document = Document("case", Path("case.md"), (block,))
    segment = Segment("case:p1:s1", "case", 1, 1, french, 0, len(french), kind, inlines=inlines)
    code = code_ranges([(french, inlines)]).get(french, ())
    origin = REVIEWED if case["origin"] == REVIEWED else MACHINE
    translation = from_memory(
        french,
        MemoryHit(case["english"], origin),
        TermMatcher.build(terms),
        lexicon=lexicon,
        code=code,
    )
    (row,) = _align_checked(document, (segment,), {french: translation}).rows
    return [str(flag) for flag in row.flags]


def _inline(french: str, kind: str, text: str, data: dict[str, str]) -> Inline:
    """The span of kind ``kind`` over the first ``text`` in ``french``."""
    start = french.index(text)
    return Inline(InlineKind(kind), start, start + len(text), tuple(sorted(data.items())))


@dataclass(frozen=True)
class Rates:
    """How QA did on the set."""

    correct: int
    problems: int
    false_flags: tuple[int, ...]  # indexes of correct rows that got a flag
    misses: tuple[int, ...]  # indexes of problem rows lacking an expected code

    def line(self) -> str:
        """The two rates, as the report gives them."""
        return (
            f"false flags {len(self.false_flags)}/{self.correct} "
            f"({len(self.false_flags) / self.correct:.1%}), "
            f"misses {len(self.misses)}/{self.problems} ({len(self.misses) / self.problems:.1%})"
        )


def measure(cases: list[dict[str, Any]], lexicon: EnglishLexicon | None) -> Rates:
    """Run every row and count false flags and misses."""
    false_flags, misses = [], []
    for number, case in enumerate(cases):
        codes = {flag.split(":")[0] for flag in row_flags(case, lexicon)}
        if not case["expected"] and codes:
            false_flags.append(number)
        elif case["expected"] and not set(case["expected"]) <= codes:
            misses.append(number)
    correct = sum(1 for case in cases if not case["expected"])
    return Rates(correct, len(cases) - correct, tuple(false_flags), tuple(misses))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each row judged wrongly")
    args = parser.parse_args()
    cases = load_cases()
    lexicon = EnglishLexicon.start()
    rates = measure(cases, lexicon)
    print(rates.line())
    if args.show:
        for number in (*rates.false_flags, *rates.misses):
            case = cases[number]
            print(f"\n#{number} {case['why']} ({case['origin']})")
            print(f"  FR: {case['french']}\n  EN: {case['english']}")
            print(f"  expected {case['expected']}, got {row_flags(case, lexicon)}")


if __name__ == "__main__":
    main()
