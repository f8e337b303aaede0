"""Translating on a Ray cluster gives the outputs of a local run, file for file.

The Ray tests start real Ray processes (a local instance, then a two-node cluster
made with ``ray start``); they are skipped where Ray is not installed, never in CI,
whose dev group installs it.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SEEDS, TaggingTranslator, output_contents
from tests.docx_articles import build_rich_article
from translate_pipeline.cluster import ClusterPlan, ClusterTranslator, plan_actors
from translate_pipeline.engines import EngineOptions
from translate_pipeline.errors import EngineError
from translate_pipeline.formats import read_document
from translate_pipeline.memory import TranslationMemory
from translate_pipeline.pipeline import RunConfig, run
from translate_pipeline.segmenter import block_key, rules_fingerprint, splittable_texts
from translate_pipeline.typography import DEFAULT_VARIANT

GLOSSARY = ROOT / "glossary" / "terms.csv"
RAY_ENV = {"RAY_DISABLE_USAGE_STATS": "1", "RAY_AUTH_MODE": "token"}
FORMATTED_MARKDOWN = """# Le **nucléaire** revient

La [centrale](https://example.org/centrale) de Flamanville produit enfin de
l'électricité, selon **EDF**. Le chantier a duré *dix-sept ans*.
"""


def ray_importable() -> bool:
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture
def require_ray() -> None:
    """Skip where Ray is missing, but never in CI, whose dev group installs it."""
    if not ray_importable():
        if os.environ.get("CI"):
            pytest.fail("Ray must be installed in CI (it is in the dev dependency group)")
        pytest.skip("Ray is not installed (pip install 'translate-pipeline[cluster]')")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, a Word article and a Markdown article with formatting (so that span
    placement, which uses Apertium's marked translation, runs on the cluster too)."""
    folder = tmp_path_factory.mktemp("corpus")
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    build_rich_article(folder / "riche.docx")
    (folder / "nucleaire.md").write_text(FORMATTED_MARKDOWN, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_outputs(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of a local Apertium run on the corpus (no Ray)."""
    from tests.conftest import apertium_available

    if not apertium_available():
        pytest.skip("apertium is not installed here")
    out = tmp_path_factory.mktemp("local-run")
    report = run(
        RunConfig(
            (corpus,), out / "out", engine="apertium", glossary=GLOSSARY, memory=out / "tm.sqlite"
        )
    )
    assert not report.failed and report.translated > 0
    return out / "out"


@pytest.mark.usefixtures("require_apertium", "require_ray", "installed_tiny_model")
def test_local_ray_with_two_actors_writes_the_local_outputs(
    corpus: Path, local_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Apertium, and the tiny Argos model (installed before Ray starts, so that the
    # actors' processes see its ARGOS_PACKAGES_DIR), each against a local run.
    import ray

    from translate_pipeline import translation

    argos_local = run(
        RunConfig((SEEDS,), tmp_path / "argos-local", engine="argos", memory=tmp_path / "a.sqlite")
    )
    # Masking, post-editing and rendering on the driver are recorded from here on;
    # Ray's worker processes import the modules afresh, so this sees only what the
    # driver does.
    on_driver: list[str] = []
    for name in ("find_spans", "mask", "post_edit"):
        spied = getattr(translation, name)
        monkeypatch.setattr(
            translation,
            name,
            functools.partial(
                lambda spied, name, *a, **k: on_driver.append(name) or spied(*a, **k), spied, name
            ),
        )
    rendered_here = spy_on_rendering(monkeypatch)
    notices: list[str] = []
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=80 * 1024 * 1024,
        log_to_driver=False,
    )
    try:
        reports = [
            run(
                RunConfig(
                    (corpus,),
                    tmp_path / "out",
                    engine="apertium",
                    glossary=GLOSSARY,
                    memory=tmp_path / "tm.sqlite",
                    cluster="local",
                ),
                notice=notices.append,
            ),
            run(
                RunConfig(
                    (SEEDS,),
                    tmp_path / "argos-cluster",
                    engine="argos",
                    memory=tmp_path / "tm.sqlite",
                    cluster="local",
                ),
                notice=notices.append,
            ),
        ]
    finally:
        ray.shutdown()
    assert not any(report.failed for report in reports)
    assert notices == [
        "Ray cluster (local): 2 apertium actors on 1 node, 1 CPU each",
        "Ray cluster (local): 2 argos actors on 1 node, 1 CPU each",
    ]
    assert reports[1].translated == argos_local.translated > 0
    assert output_contents(tmp_path / "out") == output_contents(local_outputs)
    assert output_contents(tmp_path / "argos-cluster") == output_contents(tmp_path / "argos-local")
    # Every sentence was a miss, its spans masked, restored and post-edited as in the
    # local run (the outputs are equal), and none of it was done on the driver: the
    # actors did it.
    assert reports[0].translated > 0
    assert reports[0].qa.spans["term"]["kept"] > 0
    assert on_driver == []
    # Every article's files were rendered on the actors (the outputs are there, equal to
    # the local run's), none on the driver, which wrote them.
    assert all(r.written for r in reports[0].documents)
    assert rendered_here == []


def spy_on_rendering(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the output files the driver renders itself, from now on."""
    from translate_pipeline.pipeline import writing

    rendered: list[str] = []
    render_file = writing.render_file
    monkeypatch.setattr(
        writing,
        "render_file",
        lambda plan, path, target: rendered.append(path.name) or render_file(plan, path, target),
    )
    return rendered


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def two_node_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A head and a second node on this machine (``ray start``, one CPU each)."""
    ray_cli = str(Path(sys.executable).parent / "ray")
    port = free_port()
    address = f"127.0.0.1:{port}"
    # Its own token (Ray's token authentication), so nothing is read from or written
    # to ~/.ray; the driver gets it too (see the test).
    monkeypatch.setenv("RAY_AUTH_TOKEN", secrets.token_hex(32))
    env = {**os.environ, **RAY_ENV}
    started: list[subprocess.Popen[bytes]] = []
    # Its own temporary folder, so that no later ray.init() on this machine finds it.
    temp_dir = tempfile.mkdtemp(prefix="ray-test-", dir="/tmp")
    common = ["--num-cpus=1", "--disable-usage-stats", "--block", f"--temp-dir={temp_dir}"]
    try:
        for arguments in (
            ["--head", f"--port={port}", "--include-dashboard=false"],
            [f"--address={address}"],
        ):
            log = (tmp_path / f"ray-{len(started)}.log").open("wb")
            started.append(
                subprocess.Popen(
                    [ray_cli, "start", *arguments, *common], stdout=log, stderr=log, env=env
                )
            )
            wait_for_cpus(ray_cli, address, len(started), env, started)
        yield address
    finally:
        # --block keeps each node's processes under its ray start: stopping it stops them.
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(temp_dir, ignore_errors=True)


def wait_for_cpus(
    ray_cli: str,
    address: str,
    cpus: int,
    env: dict[str, str],
    started: list[subprocess.Popen[bytes]],
) -> None:
    """Wait until the cluster at ``address`` counts ``cpus`` CPUs (all its nodes joined)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in started), "a ray start process exited"
        status = subprocess.run(
            [ray_cli, "status", f"--address={address}"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if f"/{cpus}.0 CPU" in status.stdout:
            return
        time.sleep(1)
    pytest.fail(f"the Ray cluster at {address} did not reach {cpus} CPUs in 180 s")


@pytest.mark.usefixtures("require_apertium", "require_ray")
def test_joining_a_two_node_cluster_writes_the_local_outputs(
    corpus: Path, local_outputs: Path, tmp_path: Path, two_node_cluster: str
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "translate_pipeline.cli",
            "run",
            str(corpus),
            "--engine",
            "apertium",
            "--glossary",
            str(GLOSSARY),
            "--memory",
            str(tmp_path / "tm.sqlite"),
            "--out",
            str(tmp_path / "out"),
            "--cluster",
            two_node_cluster,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **RAY_ENV},
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (
        f"Ray cluster ({two_node_cluster}): 2 apertium actors on 2 nodes, 1 CPU each"
        in result.stderr
    )
    assert output_contents(tmp_path / "out") == output_contents(local_outputs)


@pytest.mark.parametrize(
    ("engine", "options", "resources", "plan"),
    [
        ("apertium", EngineOptions(), {"CPU": 2.0}, ClusterPlan("a", 2, 1, 0)),
        (
            "apertium",
            EngineOptions(threads=4),
            {"CPU": 16.0, "GPU": 2.0},
            ClusterPlan("a", 16, 1, 0),
        ),
        ("argos", EngineOptions(threads=4), {"CPU": 16.0}, ClusterPlan("a", 4, 4, 0)),
        ("argos", EngineOptions(threads=4), {"CPU": 2.0}, ClusterPlan("a", 1, 4, 0)),
        ("argos", EngineOptions(), {"CPU": 16.0, "GPU": 2.0}, ClusterPlan("a", 2, 1, 1)),
        ("argos", EngineOptions(device="cpu"), {"CPU": 8.0, "GPU": 2.0}, ClusterPlan("a", 8, 1, 0)),
    ],
)
def test_plan_fills_the_cluster_without_oversubscribing(
    engine: str, options: EngineOptions, resources: dict[str, float], plan: ClusterPlan
) -> None:
    assert plan_actors("a", engine, options, resources) == plan


def test_cluster_without_ray_says_how_to_install_it(
    tmp_path: Path, tagging_engine: TaggingTranslator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    (tmp_path / "a.txt").write_text("Une phrase.", encoding="utf-8")
    config = RunConfig((tmp_path / "a.txt",), tmp_path / "out", cluster="local")
    with pytest.raises(EngineError, match=r"pip install 'translate-pipeline\[cluster\]'"):
        run(config, engine=tagging_engine)


@pytest.mark.usefixtures("require_apertium")
def test_cluster_flag_alone_reaches_ray(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from translate_pipeline.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)
    (tmp_path / "a.txt").write_text("Une phrase.", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), "--cluster"]
    )
    assert result.exit_code == 1
    assert "--cluster needs Ray, which is not installed" in result.output
    assert not (tmp_path / "o" / "a.en.md").exists()


def test_a_path_given_as_the_address_is_named(
    tmp_path: Path, tagging_engine: TaggingTranslator
) -> None:
    (tmp_path / "a.txt").write_text("Une phrase.", encoding="utf-8")
    config = RunConfig((tmp_path / "a.txt",), tmp_path / "out", cluster=str(tmp_path))
    with pytest.raises(EngineError, match=r"not a Ray address\. Put --cluster after the paths"):
        run(config, engine=tagging_engine)


def test_help_and_a_local_run_never_import_ray(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Une phrase.", encoding="utf-8")
    script = f"""
import sys
from click.testing import CliRunner
from translate_pipeline.cli import main
from translate_pipeline.pipeline import RunConfig, run
from translate_pipeline.segmenter import block_key, rules_fingerprint, splittable_texts
from translate_pipeline.typography import DEFAULT_VARIANT
from tests.conftest import TaggingTranslator
assert CliRunner().invoke(main, ["run", "--help"]).exit_code == 0
run(RunConfig((__import__("pathlib").Path({str(tmp_path / "a.txt")!r}),),
    __import__("pathlib").Path({str(tmp_path / "o")!r})), engine=TaggingTranslator(calls=[]))
print(sorted(name for name in sys.modules if name == "ray" or name.startswith("ray.")))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip() == "[]"
    assert re.search(r"a\.en\.md", " ".join(p.name for p in (tmp_path / "o").iterdir()))


@pytest.mark.usefixtures("require_apertium")
def test_a_cluster_run_finds_the_local_runs_sentences_without_starting_ray(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same engine name and version on both sides: one memory serves both, and a run
    # the memory serves entirely never needs Ray (here it could not even import it).
    memory = tmp_path / "tm.sqlite"
    local = run(RunConfig((SEEDS,), tmp_path / "local", engine="apertium", memory=memory))
    monkeypatch.setitem(sys.modules, "ray", None)
    again = run(
        RunConfig((SEEDS,), tmp_path / "cluster", engine="apertium", memory=memory, cluster="local")
    )
    assert local.translated > 0
    assert (again.translated, again.memory_hits) == (0, local.translated)
    assert output_contents(tmp_path / "cluster") == output_contents(tmp_path / "local")


@pytest.mark.usefixtures("require_apertium", "require_ray")
def test_articles_after_the_first_chunk_are_read_by_ray_tasks(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One article per chunk: the first is read here (Ray starts with the engine), the
    # others by Ray tasks from the bytes the driver sends, a broken one among them.
    import ray

    from translate_pipeline.pipeline.reading import ArticleReader

    articles = tmp_path / "articles"
    shutil.copytree(corpus, articles)
    (articles / "zz-casse.docx").write_bytes(b"PK\x03\x04 not a zip archive")

    def configured(out: str, cluster: str | None) -> RunConfig:
        return RunConfig(
            (articles,),
            tmp_path / out,
            engine="apertium",
            glossary=GLOSSARY,
            memory=tmp_path / f"{out}.sqlite",
            cluster=cluster,
            chunk_segments=1,
        )

    local = run(configured("local", None))
    # ArticleReader.read is the driver's own reading; Ray's workers import the module
    # afresh, so this count sees only what the driver read itself.
    read_here: list[Path] = []
    driver_read = ArticleReader.read
    monkeypatch.setattr(
        ArticleReader, "read", lambda self, path: read_here.append(path) or driver_read(self, path)
    )
    rendered_here = spy_on_rendering(monkeypatch)
    notices: list[str] = []
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=80 * 1024 * 1024,
        log_to_driver=False,
    )
    try:
        clustered = run(configured("cluster", "local"), notice=notices.append)
    finally:
        ray.shutdown()
    assert [p.name for p in read_here] == ["000_a5270921bb6c39f4.txt"]
    assert "Ray cluster: the 4 articles left are read and segmented as Ray tasks" in notices
    assert [(r.source, r.segments, r.error) for r in clustered.documents] == [
        (r.source, r.segments, r.error) for r in local.documents
    ]
    assert [r.source.name for r in clustered.failed] == ["zz-casse.docx"]
    assert str(articles / "zz-casse.docx") in (clustered.failed[0].error or "")
    assert output_contents(tmp_path / "cluster") == output_contents(tmp_path / "local")
    assert clustered.segments == local.segments > 0
    # Every article is larger than a chunk of one segment: its rows are in a spool on
    # the driver's disk, so the driver renders its files itself, streaming them.
    assert sorted(rendered_here) == sorted(p.name for r in clustered.documents for p in r.written)
    assert len(rendered_here) == 12
    # The sentence spans the tasks found are kept in the driver's memory, as a local
    # run keeps its own, for the next run.
    riche = read_document(articles / "riche.docx")
    keys = [block_key(text, rules_fingerprint()) for text in splittable_texts([riche])]
    with TranslationMemory.open(tmp_path / "cluster.sqlite") as memory:
        assert keys and set(memory.cached_spans(keys)) == set(keys)


class _PivotEngine:
    """An engine with both ways of marked translation, telling which one ran."""

    def translate_marked(self, texts: list[str]) -> list[str]:
        return [f"first pivot: {text}" for text in texts]

    def translate_marked_matching(self, texts: list[str], english: list[str]) -> list[str]:
        return [f"{text} as in {wanted}" for text, wanted in zip(texts, english, strict=True)]


class _Call:
    def __init__(self, method: Any) -> None:
        self.remote = method


class _InlinePool:
    """Stands for Ray's ActorPool: runs each chunk on the one actor, in order."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def map(self, submit: Any, chunks: list[Any]) -> list[Any]:
        return [submit(self.actor, chunk) for chunk in chunks]


@pytest.mark.usefixtures("require_ray")
def test_cluster_places_spans_with_the_pivot_that_wrote_each_english() -> None:
    # A local run asks the engine for the marked translation of the pivot that wrote
    # each segment's English; a cluster run must ask its actors the same, in order,
    # across the actors' chunks.
    from translate_pipeline.cluster import EngineActor, MarkedClusterTranslator

    actor = EngineActor(_PivotEngine)

    class Remote:
        def __getattr__(self, method: str) -> _Call:
            return _Call(getattr(actor, method))

    translator = MarkedClusterTranslator(
        name="apertium",
        version="v",
        batch_size=4,
        uses_placeholders=True,
        plan=ClusterPlan("local", 2, 1, 0),
        nodes=1,
        actor_batch_size=2,
        _pool=_InlinePool(Remote()),
        _actors=(),
    )
    texts, english = ["a", "b", "c"], ["A", "B", "C"]
    assert translator.translate_marked_matching(texts, english) == [
        "a as in A",
        "b as in B",
        "c as in C",
    ]
    assert translator.translate_marked(texts) == [
        "first pivot: a",
        "first pivot: b",
        "first pivot: c",
    ]


class _RoundRobinPool:
    """Stands for Ray's ActorPool over several actors: each chunk on the next actor,
    results in order."""

    def __init__(self, actors: list[Any]) -> None:
        self.actors = actors

    def map(self, submit: Any, chunks: list[Any]) -> Iterator[Any]:
        for index, chunk in enumerate(chunks):
            yield submit(self.actors[index % len(self.actors)], chunk)


class _Remote:
    """An actor handle whose ``method.remote(...)`` runs the method at once."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def __getattr__(self, method: str) -> _Call:
        return _Call(getattr(self.actor, method))


# Sentences that differ only in a masked number or date are one engine input: a
# local run translates them once, and cuts its engine batches over distinct inputs.
COLLIDING = [
    "Le taux atteint 3,5 % cette année.",
    "La Commission européenne a tranché.",
    "Le taux atteint 4,2 % cette année.",
    "`mistral-large-2`",
    "Le vote aura lieu le 3 mars 2025 à Paris.",
    "OpenAI signe un NDA avec les testeurs.",
    "Le vote aura lieu le 14 juillet 2026 à Paris.",
    "Le taux atteint 9,9 % cette année.",
    "Une phrase de plus pour finir.",
]
COLLIDING_CODE = {"`mistral-large-2`": ((0, 17),)}


@pytest.mark.usefixtures("require_ray")
def test_actors_mask_and_translate_in_the_local_runs_batches() -> None:
    # The whole of translate_protected (masking, engine, restoring, post-editing) on
    # two actors gives the local call's translations, in its order, from exactly the
    # engine batches the local engine got, each handed on (to be saved) in order.
    import pickle

    from translate_pipeline.cluster import EngineActor
    from translate_pipeline.glossary import load_glossary
    from translate_pipeline.protect import TermMatcher
    from translate_pipeline.translation import translate_protected

    matcher = TermMatcher.build(load_glossary(GLOSSARY).terms)
    local_engine = TaggingTranslator(calls=[], batch_size=2)
    local_batches: list[dict[str, Any]] = []
    local_progress: list[tuple[int, int]] = []
    local = translate_protected(
        local_engine,
        COLLIDING,
        matcher,
        lambda done, total: local_progress.append((done, total)),
        local_batches.append,
        code=COLLIDING_CODE,
    )
    engines = [TaggingTranslator(calls=[], batch_size=2) for _ in range(2)]
    actors = [_Remote(EngineActor(functools.partial(lambda e: e, e))) for e in engines]
    translator = ClusterTranslator(
        name="tagging",
        version="1",
        batch_size=2,
        uses_placeholders=True,
        plan=ClusterPlan("local", 2, 1, 0),
        nodes=1,
        actor_batch_size=2,
        _pool=_RoundRobinPool(actors),
        _actors=tuple(actors),
    )
    batches: list[dict[str, Any]] = []
    progress: list[tuple[int, int]] = []
    clustered = translate_protected(
        translator,
        COLLIDING,
        matcher,
        lambda done, total: progress.append((done, total)),
        batches.append,
        code=COLLIDING_CODE,
    )
    assert list(clustered.items()) == list(local.items())
    assert [list(batch) for batch in batches] == [list(batch) for batch in local_batches]
    assert progress == local_progress == [(0, 5), (2, 5), (4, 5), (5, 5)]
    # Both actors translated, and together they got the local engine's batches.
    assert all(engine.calls for engine in engines)
    assert sorted(engines[0].calls + engines[1].calls) == sorted(local_engine.calls) == [1, 2, 2]
    assert pickle.loads(pickle.dumps(clustered)) == clustered
    # The glossary went to each actor once, with its first call, not with every call.
    assert sorted(translator._sent) == [(id(actor), 0) for actor in sorted(actors, key=id)]


@pytest.mark.parametrize(
    ("inputs", "size", "groups"),
    [
        (["a", "b", "c"], 2, [(("t0", "t1"), 2), (("t2",), 2 - 1)]),
        # t2 repeats t0's input: translated with it, and the next batch starts later.
        (["a", "b", "a", "c", "d"], 2, [(("t0", "t1", "t2"), 2), (("t3", "t4"), 2)]),
        ([None, "a", None, "a"], 2, [(("t0", "t2"), 0), (("t1", "t3"), 1)]),
        ([None], 5, [(("t0",), 0)]),
        ([], 5, []),
    ],
)
def test_engine_batches_follow_distinct_inputs(
    inputs: list[str | None], size: int, groups: list[tuple[tuple[str, ...], int]]
) -> None:
    from translate_pipeline.cluster import EngineBatch, engine_batches

    texts = [f"t{index}" for index in range(len(inputs))]
    assert engine_batches(texts, inputs, size) == [EngineBatch(t, n) for t, n in groups]


@pytest.mark.usefixtures("require_ray")
def test_an_actor_without_the_drivers_english_analyser_stops_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from translate_pipeline.cluster import EngineActor, Protection
    from translate_pipeline.english_lexicon import EnglishLexicon
    from translate_pipeline.protect import TermMatcher

    monkeypatch.setattr(EnglishLexicon, "start", classmethod(lambda cls, analyser=None: None))
    actor = EngineActor(lambda: TaggingTranslator(calls=[]))
    with pytest.raises(EngineError, match=r"install apertium-eng-spa on every node"):
        actor.translate_protected(0, Protection(TermMatcher(()), DEFAULT_VARIANT, True), ["a"], {})
    # A driver without it asks none of the actors.
    done = actor.translate_protected(
        1, Protection(TermMatcher(()), DEFAULT_VARIANT, False), ["Une phrase."], {}
    )
    assert done["Une phrase."].english == "EN: Une phrase."
