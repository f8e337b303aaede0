"""Translating on a Ray cluster: the driver keeps the memory, actors hold the engines.

``translate run --cluster`` starts a Ray instance on this machine;
``--cluster ADDRESS`` joins an existing cluster (``ray start --head`` on one
machine, ``ray start --address HEAD:PORT`` on the others). Once the engine's
actors have started, Ray tasks read and segment the articles left, from the bytes
the driver sends (:func:`read_on_cluster`). Everything else stays on the driver,
which looks sentences up in the translation memory, masks protected spans, saves
each finished batch and writes the outputs, exactly as a local run does. Only the memory's misses
travel: each engine call of the local run is cut into the engine's own batches,
which a pool of Ray actors (each holding one loaded engine) translates in
parallel; the outputs come back in order. So a cluster run gives the same
outputs as a local run, shares the memory with it, and a killed cluster run
resumes from the memory like a local one.

Ray is an optional extra (``pip install 'translate-pipeline[cluster]'``),
imported only here and only when ``--cluster`` is given.
"""

from __future__ import annotations

import functools
import logging
import socket
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate_pipeline.document import Document, Segment
from translate_pipeline.engines import EngineChoice, EngineOptions, Translator, load_engine
from translate_pipeline.errors import EngineError, PipelineError, display_path
from translate_pipeline.pipeline.reading import (
    ArticleReader,
    cannot_open,
    keeping_protected_whole,
    parse_article,
    read_problem,
)
from translate_pipeline.pipeline.reports import DocumentReport
from translate_pipeline.protect import TermMatcher
from translate_pipeline.segmenter import (
    SentenceSplitter,
    block_key,
    rules_fingerprint,
    segment_document,
    splittable_texts,
)

if TYPE_CHECKING:
    from translate_pipeline.memory import Notice
    from translate_pipeline.pipeline import RunConfig

# The address that means "start a Ray instance on this machine" (``--cluster`` alone).
LOCAL = "local"
INSTALL_HELP = "Install it with: pip install 'translate-pipeline[cluster]'"
# Translation sends short strings; Ray's default store (30% of the memory) is far more
# than a local run needs.
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
# Starting a worker process and loading a model can take a while on a busy node.
ACTOR_START_SECONDS = 300.0


@dataclass(frozen=True)
class ClusterPlan:
    """How the engine is spread over the cluster.

    Attributes:
        address: ``"local"`` or the address joined.
        actors: Engine actors, each holding one loaded engine.
        cpus_per_actor: CPUs Ray reserves for each actor (its engine's threads).
        gpus_per_actor: GPUs Ray reserves for each actor (0 on CPU engines).
    """

    address: str
    actors: int
    cpus_per_actor: int
    gpus_per_actor: int


def plan_actors(
    address: str, engine_name: str, options: EngineOptions, resources: dict[str, float]
) -> ClusterPlan:
    """As many actors as the cluster has room for: one per GPU for Argos on GPUs, else
    one per ``threads`` CPUs (one CPU each when ``threads`` is 0).

    Apertium runs its own processes per call, one actor per CPU keeps every core busy.
    """
    gpus = int(resources.get("GPU", 0))
    if engine_name == "argos" and options.device != "cpu" and gpus >= 1:
        return ClusterPlan(address, gpus, 1, 1)
    per_actor = max(1, options.threads) if engine_name == "argos" else 1
    return ClusterPlan(address, max(1, int(resources.get("CPU", 1)) // per_actor), per_actor, 0)


def import_ray() -> Any:
    """Ray, or an error saying how to install it.

    Raises:
        EngineError: Ray is not installed.
    """
    try:
        import ray
    except ImportError:
        raise EngineError(f"--cluster needs Ray, which is not installed. {INSTALL_HELP}") from None
    return ray


def connect(address: str) -> Any:
    """Start a local Ray (``address`` is :data:`LOCAL`) or join the cluster at ``address``.

    A caller that connected Ray itself (a notebook, a test) keeps its connection.

    Raises:
        EngineError: Ray is missing, ``address`` names a file, or the cluster cannot
            be joined.
    """
    if address != LOCAL and Path(address).exists():
        raise EngineError(
            f"--cluster {address}: this is a file or folder, not a Ray address. Put "
            "--cluster after the paths, or write --cluster=ADDRESS"
        )
    ray = import_ray()
    if ray.is_initialized():
        return ray
    quiet: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address == LOCAL:
            ray.init(
                address="local",
                include_dashboard=False,
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                **quiet,
            )
        else:
            ray.init(address=address, **quiet)
    except (ConnectionError, TimeoutError, ValueError, RuntimeError) as exc:
        where = "start a local Ray" if address == LOCAL else f"join the Ray cluster at {address}"
        raise EngineError(
            f"cannot {where} ({_last_line(exc)}). Check that 'ray start --head' runs there, "
            "that this machine has the same Ray and Python versions, and, where the cluster "
            "uses Ray's token authentication, that RAY_AUTH_MODE=token is set here with the "
            "cluster's token (~/.ray/auth_token); or run with --cluster alone to start Ray here"
        ) from None
    return ray


def on_cluster(
    choice: EngineChoice,
    config: RunConfig,
    engine: Translator | None = None,
    notice: Notice | None = None,
) -> EngineChoice:
    """``choice`` with its engine run by actors on the cluster ``config.cluster``.

    The name and version stay those of ``choice``, so a cluster run and a local run
    find each other's sentences in the memory. Ray starts only when the engine is
    loaded, so a run the memory serves entirely never starts it.

    Args:
        choice: The engine chosen on the driver.
        config: The run; ``config.cluster`` is the address (or :data:`LOCAL`).
        engine: An engine given to the run already loaded; it is shipped to the
            actors (it must pickle) instead of being loaded there.
        notice: Told where the actors run.
    """
    address = config.cluster or LOCAL
    options = config.engine_options

    def start() -> Translator:
        ray = connect(address)
        plan = plan_actors(address, choice.name, options, ray.cluster_resources())
        if engine is not None:
            loader: Callable[[], Translator] = functools.partial(_given, engine)
        else:
            # Each actor loads the engine on its own node with its share of the CPUs.
            loader = functools.partial(
                load_engine, choice.name, replace(options, threads=plan.cpus_per_actor)
            )
        return start_actors(ray, plan, choice, loader, notice)

    return EngineChoice(choice.name, choice.version, start)


def _given(engine: Translator) -> Translator:
    return engine


class EngineActor:
    """One loaded engine on a node of the cluster (made a Ray actor by :func:`start_actors`)."""

    def __init__(self, loader: Callable[[], Translator]) -> None:
        self.problem: str | None = None
        self.engine: Translator | None = None
        try:
            self.engine = loader()
        except PipelineError as exc:
            self.problem = str(exc)

    def describe(self) -> dict[str, Any]:
        """The loaded engine's identity and where it runs, or why it could not load."""
        import ray

        engine = self.engine
        return {
            "problem": self.problem,
            "host": socket.gethostname(),
            "node": ray.get_runtime_context().get_node_id(),
            "name": engine.name if engine else None,
            "version": engine.version if engine else None,
            "batch_size": engine.batch_size if engine else None,
            "uses_placeholders": engine.uses_placeholders if engine else None,
            "marked": engine is not None and hasattr(engine, "translate_marked"),
        }

    def translate(self, texts: list[str]) -> list[str]:
        """The engine's ``translate_batch``."""
        assert self.engine is not None  # describe() was checked before any call
        return self.engine.translate_batch(texts)

    def translate_marked(self, texts: list[str]) -> list[str]:
        """The engine's ``translate_marked`` (Apertium's HTML-aware translation)."""
        return self.engine.translate_marked(texts)  # type: ignore[union-attr]

    def translate_marked_matching(self, texts: list[str], english: list[str]) -> list[str]:
        """The engine's ``translate_marked_matching`` (the pivot that wrote each English),
        or its ``translate_marked`` where it has one way only."""
        matching = getattr(self.engine, "translate_marked_matching", None)
        if matching is None:
            return self.translate_marked(texts)
        return list(matching(texts, english))


def start_actors(
    ray: Any,
    plan: ClusterPlan,
    choice: EngineChoice,
    loader: Callable[[], Translator],
    notice: Notice | None = None,
) -> ClusterTranslator:
    """Start ``plan.actors`` engine actors and wait until each has loaded its engine.

    Raises:
        EngineError: An actor could not load the engine, loaded another version of it
            than the driver chose (the memory keys would differ), or the cluster had no
            room for the actors in time.
    """
    from ray.util import ActorPool

    remote = ray.remote(num_cpus=plan.cpus_per_actor, num_gpus=plan.gpus_per_actor)(EngineActor)
    actors = [remote.remote(loader) for _ in range(plan.actors)]
    try:
        described = ray.get(
            [actor.describe.remote() for actor in actors], timeout=ACTOR_START_SECONDS
        )
    except ray.exceptions.GetTimeoutError:
        raise EngineError(
            f"the Ray cluster at {plan.address} did not start {plan.actors} translation actors "
            f"({plan.cpus_per_actor} CPU, {plan.gpus_per_actor} GPU each) within "
            f"{ACTOR_START_SECONDS:.0f} s; check 'ray status' for free resources"
        ) from None
    except ray.exceptions.RayError as exc:
        raise EngineError(f"a translation actor could not start ({_last_line(exc)})") from None
    for info in described:
        if info["problem"]:
            raise EngineError(f"on node {info['host']}: {info['problem']}")
        if (info["name"], info["version"]) != (choice.name, choice.version):
            raise EngineError(
                f"on node {info['host']}: the engine is {info['name']} {info['version']}, "
                f"but this machine has {choice.name} {choice.version}; install the same "
                "version on every node, or the memory would mix them"
            )
    first = described[0]
    nodes = {info["node"] for info in described}
    if notice:
        notice(
            f"Ray cluster ({plan.address}): {plan.actors} {choice.name} actors on "
            f"{len(nodes)} node{'s' if len(nodes) > 1 else ''}, {plan.cpus_per_actor} CPU"
            + (f" and {plan.gpus_per_actor} GPU" if plan.gpus_per_actor else "")
            + " each"
        )
    kind = MarkedClusterTranslator if first["marked"] else ClusterTranslator
    return kind(
        name=choice.name,
        version=choice.version,
        batch_size=first["batch_size"] * plan.actors if first["batch_size"] else None,
        uses_placeholders=first["uses_placeholders"],
        plan=plan,
        nodes=len(nodes),
        actor_batch_size=first["batch_size"],
        _pool=ActorPool(actors),
        _actors=tuple(actors),
    )


@dataclass(frozen=True)
class ClusterTranslator:
    """An engine whose calls are spread over a pool of Ray actors.

    One call carries ``actor_batch_size`` segments per actor, cut into the engine's
    own batches in order, so each actor sees exactly the batches a local run would
    give the engine; the pipeline saves each call to the memory as it ends.
    """

    name: str
    version: str
    batch_size: int | None
    uses_placeholders: bool
    plan: ClusterPlan
    nodes: int
    actor_batch_size: int | None
    _pool: Any
    _actors: tuple[Any, ...]

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate ``texts`` on the actors, in order."""
        return self._spread("translate", texts)

    def _spread(self, method: str, texts: Sequence[str], *more: Sequence[str]) -> list[str]:
        """``method`` of the actors over ``texts`` (and lists beside them), in order."""
        if not texts:
            return []
        import ray

        size = self.actor_batch_size or len(texts)
        chunks = [
            [list(column[start : start + size]) for column in (texts, *more)]
            for start in range(0, len(texts), size)
        ]
        try:
            done = self._pool.map(
                lambda actor, chunk: getattr(actor, method).remote(*chunk), chunks
            )
            return [english for outputs in done for english in outputs]
        except ray.exceptions.RayTaskError as exc:
            cause = exc.cause
            if isinstance(cause, PipelineError):
                raise EngineError(str(cause)) from None
            raise EngineError(f"the {self.name} engine failed on the cluster ({cause!r})") from None
        except ray.exceptions.RayError as exc:
            raise EngineError(
                f"a translation actor of the Ray cluster was lost ({_last_line(exc)}); every "
                "batch finished before is saved in the translation memory: run the same "
                "command again to resume"
            ) from None


@dataclass(frozen=True)
class MarkedClusterTranslator(ClusterTranslator):
    """A cluster engine whose actors also translate HTML-marked spans (Apertium)."""

    def translate_marked(self, texts: Sequence[str]) -> list[str]:
        """The engine's ``translate_marked``, spread over the actors in order."""
        return self._spread("translate_marked", texts)

    def translate_marked_matching(self, texts: Sequence[str], english: Sequence[str]) -> list[str]:
        """The engine's ``translate_marked_matching``, spread over the actors in order, so
        that spans are placed by the pivot that wrote each English, as in a local run."""
        return self._spread("translate_marked_matching", texts, english)


# Reading tasks submitted ahead of the article the driver is at, per CPU of the
# cluster: they read the next articles while the driver translates and writes.
READS_AHEAD_PER_CPU = 2

ArticleRead = tuple[Document, tuple[Segment, ...]] | DocumentReport


def read_on_cluster(
    ray: Any, files: Sequence[Path], reader: ArticleReader, matcher: TermMatcher
) -> Iterator[tuple[Path, ArticleRead]]:
    """Each of ``files`` read and segmented by a Ray task, in order.

    The driver opens each file and sends its bytes (a task on another node cannot
    read the driver's disk); the task reads and segments it (see
    :func:`read_article_bytes`) and its new sentence spans come back to the
    driver's memory through ``reader``. Up to :data:`READS_AHEAD_PER_CPU` tasks per
    CPU of the cluster run ahead, so the next articles are read while the driver
    translates and writes the chunk at hand.

    Raises:
        EngineError: A reading task was lost (its node or worker died).
    """
    # No CPU reserved: the engine actors hold every CPU of the cluster, and reading
    # is short work between their batches; the window below bounds it.
    task = ray.remote(num_cpus=0)(read_article_bytes)
    shared_matcher = ray.put(matcher)
    ahead = max(2, READS_AHEAD_PER_CPU * int(ray.cluster_resources().get("CPU", 1)))
    pending: deque[tuple[Path, Any]] = deque()
    queue = iter(files)

    def submit() -> None:
        for path in queue:
            name = reader.names[path]
            problem = read_problem(path)
            if problem is None:
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    problem = cannot_open(path, exc)
            if problem is not None:
                pending.append((path, DocumentReport(source=path, doc_id=name, error=problem)))
            else:
                pending.append((path, task.remote(path, name, data, shared_matcher)))
            if len(pending) >= ahead:
                return

    submit()
    while pending:
        path, waiting = pending.popleft()
        if isinstance(waiting, DocumentReport):
            read: ArticleRead = waiting
        else:
            try:
                outcome = ray.get(waiting)
            except ray.exceptions.RayError as exc:
                raise EngineError(
                    f"{display_path(path)}: its reading task on the Ray cluster was lost "
                    f"({_last_line(exc)}); every chunk written before is in the translation "
                    "memory: run the same command again to resume"
                ) from None
            if isinstance(outcome, str):
                read = DocumentReport(source=path, doc_id=reader.names[path], error=outcome)
            else:
                document, segments, spans = outcome
                reader.keep_spans(spans)
                read = (document, segments)
        submit()
        yield path, read


def read_article_bytes(
    path: Path, name: str, data: bytes, matcher: TermMatcher
) -> tuple[Document, tuple[Segment, ...], dict[str, list[tuple[int, int]]]] | str:
    """The article whose file at ``path`` (on the driver) holds ``data``, read and
    segmented as a local run does, or why it cannot be read.

    Run as a Ray task: the bytes are written under the file's own name in a
    temporary folder and read there; the document and the messages name ``path``.
    The sentence spans are all found here (the memory's cached spans are on the
    driver; the same rules give the same spans) and returned by block key.
    """
    with tempfile.TemporaryDirectory(prefix="translate-read-") as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(data)
        read = parse_article(copy)
        if isinstance(read, str):
            return read.replace(display_path(copy), display_path(path))
    document = replace(read, path=path, doc_id=name)
    fingerprint = rules_fingerprint()
    splitter = _splitter()
    spans = {text: splitter.spans(text) for text in splittable_texts([document])}
    segments = segment_document(document, keeping_protected_whole(document, spans, matcher))
    return (
        document,
        segments,
        {block_key(text, fingerprint): found for text, found in spans.items()},
    )


@functools.cache
def _splitter() -> SentenceSplitter:
    # Loaded once per Ray worker process (pysbd is slow to load), as a local run
    # loads it once per run.
    return SentenceSplitter()


def _last_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
