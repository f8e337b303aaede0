"""FLORES dev through ``translate run --engine apertium`` against raw Apertium.

Runs the French sentences (one per line) through the CLI as a ``.txt`` article
(each line a block, so the English article has one block per line) and through
raw Apertium as the engine used to call it (``apertium -u fr-es | apertium -u
spa-eng``), then scores both against the references with sacrebleu (chrF and
BLEU), on the whole set and on each half (lines 1-500, to develop on, and the
rest, to confirm on). For information it also scores the Apertium engine's own
output before the pipeline's post-editing (every installed pivot, combined; marks
taken off). Not part of the test suite: it takes a minute or two.

    .venv/bin/python bench/flores.py                      # this checkout's CLI
    .venv/bin/python bench/flores.py --translate /work/main/.venv/bin/translate
    .venv/bin/python bench/flores.py --lines 5            # a quick look
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout (as CI clones it), or beside a worktree's parent.
DEFAULT_SOURCE = next(
    (
        folder / "shared" / "eval" / "flores-dev.fr"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "eval" / "flores-dev.fr").is_file()
    ),
    ROOT.parent / "shared" / "eval" / "flores-dev.fr",
)
SEPARATOR = "\n\n"


def raw_apertium(lines: list[str]) -> list[str]:
    """Each line through ``apertium -u fr-es | apertium -u spa-eng``, blank-line separated."""
    text = SEPARATOR.join(" ".join(line.split()) for line in lines)
    first = subprocess.run(
        ["apertium", "-u", "fr-es"], input=text, capture_output=True, text=True, check=True
    )
    second = subprocess.run(
        ["apertium", "-u", "spa-eng"],
        input=first.stdout,
        capture_output=True,
        text=True,
        check=True,
    )
    outputs = [" ".join(part.split()) for part in second.stdout.strip("\n").split(SEPARATOR)]
    if len(outputs) != len(lines):
        raise SystemExit(f"raw Apertium gave {len(outputs)} outputs for {len(lines)} lines")
    return outputs


def pipeline_english(lines: list[str], translate: str, extra: list[str]) -> list[str]:
    """Each line through ``translate run --engine apertium``; the English article's blocks."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "flores.txt"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [
            translate,
            "run",
            str(source),
            "--engine",
            "apertium",
            "--out",
            str(work / "out"),
            "--memory",
            str(work / "memory.sqlite"),
            "--json",
            *extra,
        ]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        if done.returncode != 0:
            raise SystemExit(f"translate run failed ({done.returncode}): {done.stderr.strip()}")
        summary = json.loads(done.stdout)
        article = (work / "out" / "flores.en.md").read_text(encoding="utf-8")
    blocks = [re.sub(r"^#+ ", "", block) for block in article.strip("\n").split("\n\n")]
    if len(blocks) != len(lines):
        raise SystemExit(f"the English article has {len(blocks)} blocks for {len(lines)} lines")
    print(f"QA: {json.dumps(summary['qa']['flags'])}", file=sys.stderr)
    return [" ".join(block.split()) for block in blocks]


def engine_english(lines: list[str]) -> list[str]:
    """Each line through the Apertium engine as the pipeline loads it, marks taken off."""
    sys.path.insert(0, str(ROOT))
    from translate_pipeline.engines.apertium import ApertiumTranslator
    from translate_pipeline.engines.combine import without_marks

    engine = ApertiumTranslator.load(batch_size=len(lines))
    print(f"engine: {engine.version}", file=sys.stderr)
    return [without_marks(english) for english in engine.translate_batch(lines)]


# Lines 1-500 to develop on, 501-997 to confirm on.
HALF = 500


def score(hypotheses: list[str], references: list[str]) -> dict[str, float]:
    """chrF and BLEU of ``hypotheses`` against ``references``, whole and by half."""
    import sacrebleu

    def both(hyp: list[str], ref: list[str]) -> tuple[float, float]:
        return (
            round(sacrebleu.corpus_chrf(hyp, [ref]).score, 2),
            round(sacrebleu.corpus_bleu(hyp, [ref]).score, 2),
        )

    chrf, bleu = both(hypotheses, references)
    result: dict[str, float] = {"chrF": chrf, "BLEU": bleu}
    if len(hypotheses) > HALF:
        first, second = (
            both(hypotheses[:HALF], references[:HALF]),
            both(hypotheses[HALF:], references[HALF:]),
        )
        result |= {
            f"chrF 1-{HALF}": first[0],
            f"BLEU 1-{HALF}": first[1],
            f"chrF {HALF + 1}-": second[0],
            f"BLEU {HALF + 1}-": second[1],
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--reference", type=Path, help="default: the source with .en")
    parser.add_argument("--translate", default=str(ROOT / ".venv" / "bin" / "translate"))
    parser.add_argument("--lines", type=int, default=0, help="only the first N lines")
    parser.add_argument("--dump", type=Path, help="write both outputs here as JSON")
    parser.add_argument("extra", nargs="*", help="more options for translate run (after --)")
    args = parser.parse_args()
    reference_path = args.reference or args.source.with_suffix(".en")
    lines = args.source.read_text(encoding="utf-8").splitlines()
    references = reference_path.read_text(encoding="utf-8").splitlines()
    if args.lines:
        lines, references = lines[: args.lines], references[: args.lines]
    raw = raw_apertium(lines)
    pipeline = pipeline_english(lines, args.translate, args.extra)
    result = {
        "lines": len(lines),
        "raw apertium": score(raw, references),
        "raw engine (information)": score(engine_english(lines), references),
        "translate run": score(pipeline, references),
    }
    gains = {
        key: round(result["translate run"][key] - result["raw apertium"][key], 2)
        for key in result["raw apertium"]
        if key.startswith("chrF")
    }
    result["chrF gain"] = gains
    print(json.dumps(result, indent=2))
    if args.dump:
        rows = [
            {"fr": fr, "ref": ref, "raw": r, "pipeline": p}
            for fr, ref, r, p in zip(lines, references, raw, pipeline, strict=True)
        ]
        args.dump.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
