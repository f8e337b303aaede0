"""Benchmark: peak memory and seconds per article of ``translate run`` as the corpus grows.

    .venv/bin/python bench/scale.py                           # 1x, 16x, 64x, 256x; both engines
    .venv/bin/python bench/scale.py --copies 1 16 --engines apertium --no-kill

The corpus at Nx is N copies of ``seeds/`` with every sentence of each copy after the
first made distinct (``run_bench.build_corpus``), so neither the memory nor
de-duplication serves one copy from another. Each size runs ``translate run ... --json``
in a fresh process with a fresh memory and output folder; its peak resident memory is
the child's own ``ru_maxrss`` (from ``wait4``). Engines: Apertium, and the tiny random
Argos model (``translate_pipeline.tiny_model``, built and installed into a private
package folder here).

Then a run of the largest corpus is killed with SIGKILL midway (at half the time the
full run took) and run again: printed are the segments the rerun sent to the engine
against the whole run's, the rerun's time, and whether its outputs equal those of
the uninterrupted run (Markdown bytes, DOCX parts).

Results are printed as a table with the ratio peak(256x) / peak(16x) for each engine,
and written to ``bench/results/scale.json``. Nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run_bench import build_corpus, measure_rss, translate_command  # noqa: E402


def install_tiny_model(work: Path) -> dict[str, str]:
    """Build and install the tiny Argos model in a private folder; the env to use it."""
    packages = work / "argos-packages"
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages)
    from translate_pipeline.model_store import install_from_file
    from translate_pipeline.tiny_model import build_tiny_argos_package

    lines = [
        line
        for path in sorted((ROOT / "seeds").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    install_from_file(build_tiny_argos_package(lines, work / "tiny.argosmodel"))
    return {**os.environ, "ARGOS_PACKAGES_DIR": str(packages)}


def measure(corpus: Path, work: Path, engine: str, env: dict[str, str]) -> dict[str, object]:
    """One fresh run: seconds, peak RSS, and the summary's counts."""
    work.mkdir(parents=True)
    measured = measure_rss(translate_command(corpus, work, engine), env)
    summary = json.loads(measured.stdout)
    articles = len(summary["documents"])
    return {
        "articles": articles,
        "segments": summary["segments"],
        "translated": summary["translated"],
        "seconds": round(measured.seconds, 2),
        "seconds_per_article": round(measured.seconds / articles, 4),
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "stage_seconds": summary["stage_seconds"],
    }


def output_contents(folder: Path) -> dict[str, object]:
    """Each output's bytes; a .docx as its parts (the zip stamps parts with a time)."""
    contents: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                contents[path.name] = {name: archive.read(name) for name in archive.namelist()}
        elif path.is_file():
            contents[path.name] = path.read_bytes()
    return contents


def kill_and_resume(
    corpus: Path, work: Path, engine: str, env: dict[str, str], full: dict[str, object]
) -> dict[str, object]:
    """Kill a run at half the full run's time with SIGKILL, then run it again."""
    work.mkdir(parents=True)
    delay = float(full["seconds"]) / 2  # type: ignore[arg-type]
    with tempfile.TemporaryFile() as sink:
        process = subprocess.Popen(translate_command(corpus, work, engine), stdout=sink, env=env)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
    out = work / "out"
    written_before = len([p for p in out.glob("*.en.md")]) if out.exists() else 0
    resumed = measure_rss(translate_command(corpus, work, engine), env)
    summary = json.loads(resumed.stdout)
    return {
        "killed_after_seconds": round(delay, 1),
        "articles_written_before_kill": written_before,
        "articles": len(summary["documents"]),
        "rerun_translated": summary["translated"],
        "whole_run_translated": full["translated"],
        "rerun_memory_hits": summary["memory"]["hits"],
        "rerun_seconds": round(resumed.seconds, 2),
        "whole_run_seconds": full["seconds"],
        "rerun_peak_rss_mb": round(resumed.peak_rss_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 16, 64, 256])
    parser.add_argument(
        "--engines", nargs="+", choices=("apertium", "argos"), default=["apertium", "argos"]
    )
    parser.add_argument("--no-kill", action="store_true", help="skip the kill -9 and resume")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    args = parser.parse_args()
    results: dict[str, object] = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "runs": [],
    }
    runs: list[dict[str, object]] = results["runs"]  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        work = Path(tmp)
        corpora = {n: build_corpus(work / f"corpus-{n}x", n) for n in args.copies}
        print(
            f"{'engine':<9} {'copies':>6} {'articles':>8} {'segments':>8} "
            f"{'seconds':>8} {'s/article':>9} {'peak RSS MB':>11}",
            flush=True,
        )
        for engine in args.engines:
            env = install_tiny_model(work / "tiny") if engine == "argos" else dict(os.environ)
            for copies, corpus in corpora.items():
                row = {"engine": engine, "copies": copies}
                row.update(measure(corpus, work / f"{engine}-{copies}x", engine, env))
                runs.append(row)
                print(
                    f"{engine:<9} {copies:>5}x {row['articles']:>8} {row['segments']:>8} "
                    f"{row['seconds']:>8.1f} {row['seconds_per_article']:>9.3f} "
                    f"{row['peak_rss_mb']:>11.1f}",
                    flush=True,
                )
        ratios = {}
        for engine in args.engines:
            peaks = {r["copies"]: r["peak_rss_mb"] for r in runs if r["engine"] == engine}
            if 256 in peaks and 16 in peaks:
                ratios[engine] = round(peaks[256] / peaks[16], 3)  # type: ignore[operator]
                print(f"{engine}: peak(256x) / peak(16x) = {ratios[engine]:.2f}")
        results["peak_256x_over_16x"] = ratios
        if not args.no_kill:
            largest = max(corpora)
            engine = args.engines[0]
            env = install_tiny_model(work / "tiny2") if engine == "argos" else dict(os.environ)
            full = next(r for r in runs if r["engine"] == engine and r["copies"] == largest)
            kill = kill_and_resume(
                corpora[largest], work / f"kill-{engine}-{largest}x", engine, env, full
            )
            kill["engine"], kill["copies"] = engine, largest
            kill["outputs_identical_to_uninterrupted_run"] = output_contents(
                work / f"kill-{engine}-{largest}x" / "out"
            ) == output_contents(work / f"{engine}-{largest}x" / "out")
            results["kill_and_resume"] = kill
            print(
                f"kill -9 of the {largest}x {engine} run after {kill['killed_after_seconds']} s "
                f"({kill['articles_written_before_kill']} of {kill['articles']} articles "
                f"written): the rerun sent {kill['rerun_translated']} of "
                f"{kill['whole_run_translated']} segments to the engine in "
                f"{kill['rerun_seconds']} s (whole run {kill['whole_run_seconds']} s); outputs "
                f"identical to the uninterrupted run: "
                f"{kill['outputs_identical_to_uninterrupted_run']}"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
