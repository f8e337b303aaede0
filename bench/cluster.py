"""Benchmark: a cluster run's overhead against the local run, on the same machine.

    .venv/bin/python bench/cluster.py                    # seeds x16, Apertium, local Ray
    .venv/bin/python bench/cluster.py --copies 64 --repeat 3
    .venv/bin/python bench/cluster.py --address HOST:PORT   # join a running cluster
    python bench/cluster.py --ray-data   # where ray[data] is installed: see below

Each run is ``translate run ... --json`` in a fresh process with a fresh memory, so
every sentence is translated: the local run in one process, then the cluster run
(``--cluster``: Ray started on this machine, one Apertium actor per CPU). The
corpus is ``copies`` versions of the seeds with every sentence made distinct, so
neither the memory nor de-duplication serves one copy from another. Printed: wall
seconds and seconds per article of each, their ratio (cluster / local), the part of
the cluster run spent starting Ray and its actors (the "load model" stage), and
whether the outputs are identical (Markdown bytes, DOCX parts). Results are also
written to bench/results/cluster.json. Nothing here passes or fails.

``--ray-data`` measures instead why the engine runs on plain Ray actors: the cost
of one engine call of 500 segments on a pool of 2 actors started once
(``ray.util.ActorPool``), against a Ray Data ``map_batches`` execution with 2
actors per call (Ray Data's actor pool lives for one execution), with a stand-in
engine that takes 1 s to load. It needs ``pip install 'ray[data]'``, which the
project does not install.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run_bench import build_corpus, measure_rss, translate_command  # noqa: E402


def translate(corpus: Path, work: Path, engine: str, cluster: str | None) -> tuple[float, dict]:  # type: ignore[type-arg]
    """One ``translate run`` in a fresh process: wall seconds and its JSON summary."""
    command = translate_command(corpus, work, engine)
    if cluster is not None:
        command += ["--cluster"] if cluster == "local" else [f"--cluster={cluster}"]
    env = {**os.environ, "RAY_DISABLE_USAGE_STATS": "1"}
    measured = measure_rss(command, env)
    return measured.seconds, json.loads(measured.stdout)


def output_contents(folder: Path) -> dict[str, object]:
    """Each output's bytes; a .docx as its parts (the zip stamps parts with a time)."""
    contents: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                contents[path.name] = {name: archive.read(name) for name in archive.namelist()}
        else:
            contents[path.name] = path.read_bytes()
    return contents


class StandInEngine:
    """An engine that takes ``LOAD_SECONDS`` to load and upper-cases its input."""

    LOAD_SECONDS = 1.0

    def __init__(self) -> None:
        time.sleep(self.LOAD_SECONDS)

    def translate(self, texts: list[str]) -> list[str]:
        return [text.upper() for text in texts]

    def __call__(self, batch: dict) -> dict:  # type: ignore[type-arg]
        return {"text": batch["text"], "english": [t.upper() for t in batch["text"]]}


def compare_ray_data(calls: int = 10) -> None:
    """Per-call cost of persistent actors against one Ray Data execution per call."""
    import logging

    import ray
    import ray.data
    from ray.util import ActorPool

    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=200 * 1024 * 1024,
        logging_level=logging.ERROR,
        log_to_driver=False,
    )
    texts = [f"phrase numéro {number} de l'article" for number in range(500)]
    expected = [text.upper() for text in texts]
    started = time.perf_counter()
    actors = [ray.remote(num_cpus=1)(StandInEngine).remote() for _ in range(2)]
    pool = ActorPool(actors)
    for _ in range(calls):
        chunks = [texts[:250], texts[250:]]
        done = pool.map(lambda actor, chunk: actor.translate.remote(chunk), chunks)
        assert [english for outputs in done for english in outputs] == expected
    pooled = (time.perf_counter() - started) / calls
    for actor in actors:
        ray.kill(actor)  # free their CPUs for Ray Data's actors
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    started = time.perf_counter()
    for _ in range(calls):
        rows = (
            ray.data.from_items([{"text": text} for text in texts])
            .map_batches(StandInEngine, concurrency=2, batch_size=250, num_cpus=1)
            .take_all()
        )
        assert [row["english"] for row in rows] == expected
    per_execution = (time.perf_counter() - started) / calls
    ray.shutdown()
    print(
        f"{calls} calls of 500 segments, 2 actors, engine load {StandInEngine.LOAD_SECONDS} s, "
        f"load {os.getloadavg()[0]:.1f}:\n"
        f"  actor pool started once: {pooled:.3f} s per call (start included)\n"
        f"  Ray Data, one execution per call: {per_execution:.3f} s per call"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=16, help="copies of the seeds")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the median")
    parser.add_argument("--engine", default="apertium")
    parser.add_argument("--address", default="local", help="cluster to join (default: local)")
    parser.add_argument("--ray-data", action="store_true", help="actors against Ray Data")
    args = parser.parse_args()
    if args.ray_data:
        compare_ray_data()
        return

    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as scratch:
        corpus = build_corpus(Path(scratch) / "corpus", args.copies)
        articles = len(list(corpus.iterdir()))
        runs: dict[str, list[tuple[float, dict]]] = {"local": [], "cluster": []}  # type: ignore[type-arg]
        for number in range(args.repeat):
            for kind, cluster in (("local", None), ("cluster", args.address)):
                work = Path(scratch) / f"{kind}-{number}"
                runs[kind].append(translate(corpus, work, args.engine, cluster))
                print(f"  {kind} run {number + 1}: {runs[kind][-1][0]:.2f} s", file=sys.stderr)
        identical = output_contents(Path(scratch) / "local-0" / "out") == output_contents(
            Path(scratch) / "cluster-0" / "out"
        )

    def median(kind: str, pick) -> float:  # type: ignore[no-untyped-def]
        return statistics.median(pick(seconds, summary) for seconds, summary in runs[kind])

    local = median("local", lambda s, _: s)
    cluster = median("cluster", lambda s, _: s)
    start = median("cluster", lambda _, j: j["stage_seconds"].get("load model", 0.0))
    local_translate = median("local", lambda _, j: j["stage_seconds"].get("translate", 0.0))
    cluster_translate = median("cluster", lambda _, j: j["stage_seconds"].get("translate", 0.0))
    summary = runs["local"][0][1]
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        "engine": summary["engine_version"],
        "address": args.address,
        "copies": args.copies,
        "articles": articles,
        "segments": summary["segments"],
        "translated": summary["translated"],
        "repeat": args.repeat,
        "local_seconds": round(local, 2),
        "cluster_seconds": round(cluster, 2),
        "ratio": round(cluster / local, 2),
        "local_seconds_per_article": round(local / articles, 4),
        "cluster_seconds_per_article": round(cluster / articles, 4),
        "cluster_start_seconds": round(start, 2),
        "ratio_after_start": round((cluster - start) / local, 2),
        "translate_stage_local": round(local_translate, 2),
        "translate_stage_cluster": round(cluster_translate, 2),
        "outputs_identical": identical,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "cluster.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{articles} articles ({result['segments']} segments, {result['translated']} translated) "
        f"with {args.engine}, {result['machine']}, cluster {args.address}, median of "
        f"{args.repeat}:\n"
        f"  local   {local:7.2f} s  {local / articles:.3f} s/article  "
        f"(translate stage {local_translate:.2f} s)\n"
        f"  cluster {cluster:7.2f} s  {cluster / articles:.3f} s/article  "
        f"(translate stage {cluster_translate:.2f} s; Ray and actors start {start:.2f} s)\n"
        f"  overhead ratio cluster/local: {cluster / local:.2f} "
        f"({(cluster - start) / local:.2f} without the start)\n"
        f"  outputs identical: {'yes' if identical else 'NO'}"
    )


if __name__ == "__main__":
    main()
