"""Benchmark: peak memory of ``translate run`` on one generated article of N MB.

    .venv/bin/python bench/memory.py --mb 1 5            # fake engine (echoes the French)
    .venv/bin/python bench/memory.py --mb 5 --engine apertium
    .venv/bin/python bench/memory.py --mb 5 --stages      # peak RSS after each stage

The article is French plain text made from FLORES dev sentences (or the seeds when
FLORES is not at hand), each given one of several thousand distinct openings
("Hier, selon le rapport, ..."), in paragraphs of four sentences, so that almost
every sentence is distinct and neither the memory nor de-duplication shrinks the
work. Each size runs in a fresh process with a fresh memory and output folder; its
peak resident memory comes from ``wait4`` (the child's own ``ru_maxrss``).

With ``--stages`` the run happens in a child Python process that records the
process's peak RSS at the end of every ``Stopwatch`` stage of ``pipeline.run``: a
stage where the peak jumps is where the memory goes.

Nothing here passes or fails; results are printed as a table and written to
``bench/results/memory.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
FLORES = Path("/work/shared/eval/flores-dev.fr")

FAKE_APERTIUM = """#!/bin/sh
if [ "$1" = "-l" ]; then printf 'fr-es\\nspa-eng\\n'; exit 0; fi
cat
"""

OPENINGS = (
    "Hier",
    "Ce matin",
    "Selon le rapport",
    "Pour sa part",
    "En revanche",
    "Par ailleurs",
    "Dans la soirée",
    "De son côté",
    "À Paris",
    "À Lyon",
    "En outre",
    "Toutefois",
    "Ainsi",
    "Cependant",
    "Au printemps",
    "En hiver",
    "Selon la presse",
    "Pour le ministre",
    "D'après la police",
    "Selon les témoins",
    "Officiellement",
    "Dans un communiqué",
    "En conséquence",
    "Depuis longtemps",
    "À la surprise générale",
    "Sans surprise",
    "En fin de compte",
    "Au même moment",
    "Quelques jours plus tard",
    "Dès le départ",
    "Pendant ce temps",
    "En pratique",
    "Sur le terrain",
    "À Marseille",
    "À Bordeaux",
    "En Bretagne",
    "Selon nos informations",
    "Pour les experts",
    "Aux dires de tous",
    "En définitive",
)

# Child process of --stages: runs pipeline.run with a stopwatch that also records
# the process's peak RSS (KiB on Linux) when each stage ends.
STAGE_PROBE = """
import json, resource, sys
from contextlib import contextmanager
from pathlib import Path
from translate_pipeline import pipeline

peaks = []

class ProbedStopwatch(pipeline.Stopwatch):
    @contextmanager
    def stage(self, name):
        with super().stage(name):
            yield
        peaks.append((name, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))

pipeline.Stopwatch = ProbedStopwatch
source, out, memory, engine = sys.argv[1:5]
config = pipeline.RunConfig(
    sources=(Path(source),), out_dir=Path(out), engine=engine, memory=Path(memory)
)
report = pipeline.run(config)
assert not report.failed, report.failed
print(json.dumps({"peaks": peaks, "stage_seconds": report.stage_seconds}))
"""


def french_sentences() -> list[str]:
    """Source sentences: FLORES dev when at hand, else the seeds' lines."""
    if FLORES.exists():
        lines = FLORES.read_text(encoding="utf-8").splitlines()
    else:
        lines = [
            line
            for source in sorted((ROOT / "seeds").glob("*.txt"))
            for line in source.read_text(encoding="utf-8").splitlines()
        ]
    return [line.strip() for line in lines if line.strip()]


def build_article(path: Path, megabytes: float) -> int:
    """Write an article of about ``megabytes`` MB of mostly distinct sentences.

    Returns:
        The number of sentences written.
    """
    sentences = french_sentences()
    target = int(megabytes * 1_000_000)
    size = 0
    count = 0
    paragraphs: list[str] = []
    paragraph: list[str] = []
    while size < target:
        base = sentences[count % len(sentences)]
        variant = count // len(sentences)
        first = OPENINGS[variant % len(OPENINGS)]
        second = OPENINGS[(variant // len(OPENINGS)) % len(OPENINGS)]
        opening = f"{first}, {second.lower()}" if variant >= len(OPENINGS) else first
        sentence = f"{opening}, {base[0].lower()}{base[1:]}"
        paragraph.append(sentence)
        size += len(sentence.encode()) + 1
        count += 1
        if len(paragraph) == 4:
            paragraphs.append(" ".join(paragraph))
            paragraph = []
            size += 1
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return count


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``command``; its wall seconds, its own peak RSS in MB, and its stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{err.read().decode()[-3000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def measure(megabytes: float, engine: str, stages: bool, work: Path) -> dict[str, object]:
    """One fresh run on a fresh article, memory and output folder."""
    folder = work / f"{megabytes}mb"
    folder.mkdir()
    article = folder / "article.txt"
    sentences = build_article(article, megabytes)
    env = os.environ.copy()
    if engine == "fake":
        bin_dir = work / "fake-bin"
        if not bin_dir.exists():
            bin_dir.mkdir()
            script = bin_dir / "apertium"
            script.write_text(FAKE_APERTIUM, encoding="utf-8")
            script.chmod(0o755)
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    out = folder / "out"
    memory = folder / "memory.sqlite"
    engine_name = "apertium"
    if stages:
        command = [
            str(VENV_BIN / "python"),
            "-c",
            STAGE_PROBE,
            str(article),
            str(out),
            str(memory),
            engine_name,
        ]
    else:
        command = [
            str(VENV_BIN / "translate"),
            "run",
            str(article),
            "--out",
            str(out),
            "--memory",
            str(memory),
            "--engine",
            engine_name,
            "--json",
        ]
    env["PYTHONPATH"] = str(ROOT)
    seconds, peak, stdout = run_measured(command, env)
    result: dict[str, object] = {
        "megabytes": megabytes,
        "article_bytes": article.stat().st_size,
        "sentences": sentences,
        "engine": engine,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak, 1),
    }
    data = json.loads(stdout)
    if stages:
        result["peak_after_stage_mb"] = [[name, round(mb, 1)] for name, mb in data["peaks"]]
    seconds_by_stage = data["stage_seconds"]
    result["stage_seconds"] = {k: round(v, 2) for k, v in seconds_by_stage.items()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[1.0, 5.0])
    parser.add_argument(
        "--engine",
        choices=("fake", "apertium"),
        default="fake",
        help="fake: an 'apertium' on PATH that echoes its input (measures the pipeline only)",
    )
    parser.add_argument("--stages", action="store_true", help="peak RSS after each stage")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "memory.json")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="memory-bench-") as tmp:
        for megabytes in args.mb:
            result = measure(megabytes, args.engine, args.stages, Path(tmp))
            results.append(result)
            print(
                f"{megabytes:>6g} MB  {result['sentences']:>8} sentences  "
                f"peak RSS {result['peak_rss_mb']:>8.1f} MB  {result['seconds']:>7.1f} s",
                flush=True,
            )
            # A stage met many times (once per slice of a large article) is shown
            # once, with the highest peak after it and how often it ran.
            highest: dict[str, tuple[float, int]] = {}
            for name, mb in result.get("peak_after_stage_mb", []):  # type: ignore[union-attr]
                peak, times = highest.get(name, (0.0, 0))
                highest[name] = (max(peak, mb), times + 1)
            for name, (mb, times) in highest.items():
                print(f"        after {name:<18} {mb:>8.1f} MB  ({times}x)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"machine": platform.platform(), "python": platform.python_version(), "runs": results},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
