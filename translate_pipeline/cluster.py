"""Translating on a Ray cluster: the driver keeps the memory, actors hold the engines.

``translate run --cluster`` starts a Ray instance on this machine;
``--cluster ADDRESS`` joins an existing cluster (``ray start --head`` on one
machine, ``ray start --address HEAD:PORT`` on the others). Once the engine's
actors have started, Ray tasks read and segment the articles left, from the bytes
the driver sends (:func:`read_on_cluster`), and the actors, idle while a chunk is
written, render each article's files, which the driver writes
(:class:`RenderQueue`). The driver looks sentences up in the translation memory,
saves each finished batch, decides which files to write and writes them, exactly
as a local run does. Only the memory's misses travel: a pool of Ray actors, each
holding one loaded engine, masks their protected spans, translates them, restores
and checks the spans and post-edits the English
(:meth:`ClusterTranslator.translate_protected`), in the batches the local run
gives its engine; the translations come back in order. So a cluster run gives
the same outputs as a local run, shares the memory with it, and a killed cluster
run resumes from the memory like a local one.

Ray is an optional extra (``pip install 'translate-pipeline[cluster]'``),
imported only here and only when ``--cluster`` is given.
"""

from __future__ import annotations

import functools
import logging
import socket
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate_pipeline.document import AlignedDocument, Document, Segment
from translate_pipeline.engines import EngineChoice, EngineOptions, Translator, load_engine
from translate_pipeline.english_lexicon import ANALYSER, EnglishLexicon
from translate_pipeline.errors import EngineError, PipelineError, display_path
from translate_pipeline.pipeline.reading import (
    ArticleReader,
    cannot_open,
    keeping_protected_whole,
    parse_article,
    read_problem,
)
from translate_pipeline.pipeline.reports import DocumentReport
from translate_pipeline.pipeline.writing import (
    OutputPlan,
    RenderedFiles,
    commit_rendered,
    plan_outputs,
    render_elsewhere,
    write_planned,
)
from translate_pipeline.protect import TermMatcher
from translate_pipeline.segmenter import (
    SentenceSplitter,
    block_key,
    rules_fingerprint,
    segment_document,
    splittable_texts,
)
from translate_pipeline.translation import (
    DEFAULT_BATCH_SIZE,
    CodeRanges,
    ProgressCallback,
    Translation,
    engine_inputs,
    translate_protected,
)
from translate_pipeline.typography import DEFAULT_VARIANT, EnglishVariant

if TYPE_CHECKING:
    from translate_pipeline.glossary import Term
    from translate_pipeline.memory import Notice, TranslationMemory
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


@dataclass(frozen=True)
class Protection:
    """What an actor needs to mask, restore and post-edit as the driver would.

    Sent to each actor with its first call that needs it, then named by number.

    Attributes:
        matcher: The glossary's terms, compiled.
        variant: The English variant.
        lexicon: Whether the driver checks words with Apertium's English analyser
            (then every actor must, or QA would depend on the node).
    """

    matcher: TermMatcher
    variant: EnglishVariant
    lexicon: bool


class EngineActor:
    """One loaded engine on a node of the cluster (made a Ray actor by :func:`start_actors`)."""

    def __init__(self, loader: Callable[[], Translator]) -> None:
        self.problem: str | None = None
        self.engine: Translator | None = None
        try:
            self.engine = loader()
        except PipelineError as exc:
            self.problem = str(exc)
        self._protections: dict[int, tuple[TermMatcher, EnglishVariant, EnglishLexicon | None]] = {}
        self._lexicon: EnglishLexicon | None = None

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

    def engine_inputs(
        self,
        number: int,
        protection: Protection | None,
        texts: list[str],
        code: dict[str, CodeRanges],
    ) -> list[str | None]:
        """What :func:`translate_protected` would give the engine for each text
        (see :func:`translate_pipeline.translation.engine_inputs`)."""
        assert self.engine is not None
        matcher, variant, _ = self._protection(number, protection)
        return engine_inputs(self.engine, texts, matcher, variant, code)

    def translate_protected(
        self,
        number: int,
        protection: Protection | None,
        texts: list[str],
        code: dict[str, CodeRanges],
    ) -> dict[str, Translation]:
        """:func:`translate_protected` of ``texts`` with this actor's engine: spans
        masked, translated, restored and checked, the English post-edited.

        ``number`` names the protection (glossary, variant) to use; ``protection``
        comes with the first call of each actor that uses it.
        """
        assert self.engine is not None
        matcher, variant, lexicon = self._protection(number, protection)
        return translate_protected(
            self.engine, texts, matcher, variant=variant, lexicon=lexicon, code=code
        )

    def render(self, plan: OutputPlan, source: bytes | None) -> RenderedFiles:
        """An article's files rendered here, sent back as bytes (see
        :func:`render_elsewhere`); stateless work done by an actor idle while its
        chunk is written (see :class:`RenderQueue`)."""
        return render_elsewhere(plan, source)

    def _protection(
        self, number: int, protection: Protection | None
    ) -> tuple[TermMatcher, EnglishVariant, EnglishLexicon | None]:
        if protection is not None:
            lexicon = None
            if protection.lexicon:
                if self._lexicon is None:
                    self._lexicon = EnglishLexicon.start()
                if self._lexicon is None:
                    raise EngineError(
                        f"on node {socket.gethostname()}: Apertium's English analyser "
                        f"({ANALYSER}, run by lt-proc) is missing there, but the driver uses "
                        "it to flag French words left in the English; install apertium-eng-spa "
                        "on every node, so that QA does not depend on the node"
                    )
                lexicon = self._lexicon
            self._protections[number] = (protection.matcher, protection.variant, lexicon)
        return self._protections[number]


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
        batch_size=first["batch_size"],
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

    :meth:`translate_protected` does on the actors all that
    :func:`translate_pipeline.translation.translate_protected` does, in the batches
    a local run gives its engine; the pipeline saves each batch to the memory as it
    comes back. ``batch_size`` is the engine's own, so the pipeline hands over the
    same slices of misses as in a local run.
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
    # The protections numbered so far, by (terms object, variant, lexicon), the terms
    # kept so that their id is never reused; and which actor has been sent which.
    _protections: dict[tuple[int, EnglishVariant, bool], tuple[object, int, Protection]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _sent: set[tuple[int, int]] = field(default_factory=set, compare=False, repr=False)

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate ``texts`` on the actors, in order."""
        return self._spread("translate", texts)

    def translate_protected(
        self,
        texts: Sequence[str],
        terms: TermMatcher | Sequence[Term],
        progress: ProgressCallback | None = None,
        on_batch: Callable[[dict[str, Translation]], None] | None = None,
        variant: EnglishVariant = DEFAULT_VARIANT,
        lexicon: EnglishLexicon | None = None,
        code: Mapping[str, CodeRanges] | None = None,
    ) -> dict[str, Translation]:
        """:func:`translate_pipeline.translation.translate_protected`, run on the actors.

        First the actors find what the engine gets for each text (its spans
        masked), so that the texts can be cut into the very batches of a local
        run: texts with the same engine input go together, and each batch holds
        the engine's batch size of distinct inputs. Then each batch is masked,
        translated, restored, checked and post-edited by one actor; the batches
        come back in order, each handed to ``on_batch`` (the pipeline saves it to
        the memory) and counted by ``progress`` as it comes.

        The glossary and variant go to each actor once (see :class:`Protection`);
        of ``lexicon``, only whether there is one: each actor starts its own.
        Each call carries the inline-code ranges of its own texts only.
        """
        key = (id(terms), variant, lexicon is not None)
        if key not in self._protections:
            matcher = terms if isinstance(terms, TermMatcher) else TermMatcher.build(terms)
            protection = Protection(matcher, variant, lexicon is not None)
            self._protections[key] = (terms, len(self._protections), protection)
        _, number, protection = self._protections[key]
        texts, code = list(texts), code or {}

        def call(part: Sequence[str]) -> tuple[list[str], dict[str, CodeRanges]]:
            return list(part), {text: code[text] for text in part if text in code}

        # Finding the inputs is light work: spread evenly over every actor.
        share = max(1, -(-len(texts) // max(1, len(self._actors))))
        inputs = [
            found
            for part in self._map(
                "engine_inputs",
                [call(texts[start : start + share]) for start in range(0, len(texts), share)],
                number,
                protection,
            )
            for found in part
        ]
        batches = engine_batches(texts, inputs, self.actor_batch_size or DEFAULT_BATCH_SIZE)
        total, done = sum(batch.inputs for batch in batches), 0
        if progress:
            progress(0, total)
        translations: dict[str, Translation] = {}
        translated = self._map(
            "translate_protected", [call(batch.texts) for batch in batches], number, protection
        )
        for batch, finished in zip(batches, translated, strict=True):
            translations.update(finished)
            if on_batch:
                on_batch(finished)
            if batch.inputs:
                done += batch.inputs
                if progress:
                    progress(done, total)
        return translations

    def _map(
        self, method: str, calls: Sequence[tuple[Any, ...]], number: int, protection: Protection
    ) -> Iterator[Any]:
        """``method`` of the actors over ``calls``, each result as it comes, in order;
        the first call an actor gets of protection ``number`` carries it."""

        def submit(actor: Any, arguments: tuple[Any, ...]) -> Any:
            first = (id(actor), number) not in self._sent
            self._sent.add((id(actor), number))
            return getattr(actor, method).remote(number, protection if first else None, *arguments)

        with self._failures():
            yield from self._pool.map(submit, calls)

    def _spread(self, method: str, texts: Sequence[str], *more: Sequence[str]) -> list[str]:
        """``method`` of the actors over ``texts`` (and lists beside them), in order."""
        if not texts:
            return []
        size = self.actor_batch_size or len(texts)
        chunks = [
            [list(column[start : start + size]) for column in (texts, *more)]
            for start in range(0, len(texts), size)
        ]
        with self._failures():
            done = self._pool.map(
                lambda actor, chunk: getattr(actor, method).remote(*chunk), chunks
            )
            return [english for outputs in done for english in outputs]

    @contextmanager
    def _failures(self) -> Iterator[None]:
        """Ray's errors as the pipeline's: the engine's own, or a lost actor."""
        import ray

        try:
            yield
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


@dataclass(frozen=True)
class EngineBatch:
    """French texts translated together by one actor: one engine batch of a local run.

    Attributes:
        texts: The texts, in the order given.
        inputs: How many distinct engine inputs they make (0: texts all code,
            which never reach the engine).
    """

    texts: tuple[str, ...]
    inputs: int


def engine_batches(
    texts: Sequence[str], inputs: Sequence[str | None], size: int
) -> list[EngineBatch]:
    """``texts`` grouped as a local run batches them for the engine.

    A local run translates each distinct engine input once (two sentences that
    differ only in a masked number or date are one input), in batches of ``size``
    distinct inputs in order of first appearance; a batch is translated whole by
    one engine call, and an engine may carry context from one sentence to the
    next within a call. Each group holds the texts of one such batch, in their
    order; the texts that are all code (input ``None``) come first, on their own.

    Args:
        texts: Distinct French texts.
        inputs: The engine input of each (see
            :func:`translate_pipeline.translation.engine_inputs`).
        size: The engine's batch size.
    """
    number: dict[str, int] = {}
    for found in inputs:
        if found is not None and found not in number:
            number[found] = len(number) // size
    grouped: list[list[str]] = [[] for _ in range(-(-len(number) // size))]
    only_code = []
    for text, found in zip(texts, inputs, strict=True):
        if found is None:
            only_code.append(text)
        else:
            grouped[number[found]].append(text)
    batches = [EngineBatch(tuple(only_code), 0)] if only_code else []
    batches += [
        EngineBatch(tuple(group), min(size, len(number) - index * size))
        for index, group in enumerate(grouped)
    ]
    return batches


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


# Renderings in flight per engine actor, at most: one rendering, one waiting, so
# that an actor never idles while the driver writes what came back.
RENDERS_AHEAD_PER_ACTOR = 2


class RenderQueue:
    """Articles' files rendered on the engine actors and written by the driver, in
    article order.

    The driver decides, as a local run does, which files of an article need
    writing (:func:`plan_outputs`: the digest, the memory's record of each file,
    files open in an office suite or changed by an editor); an actor renders them
    (:func:`render_elsewhere`, stateless), from the aligned article and, when the
    English file is to be written, the source's bytes (the Word writer rebuilds the
    English in a copy of its source, which a node cannot read on the driver's disk);
    the driver writes the bytes that come back atomically and records them in the
    memory (:func:`commit_rendered`), article after article in the order given,
    each article's report handed to the callback given with it.

    The engine actors render, not Ray tasks: they are idle while their chunk is
    written, hold the cluster's CPUs (a task would get none), and are processes
    that stay up with the renderers imported. Where the actors hold every CPU, Ray
    ends idle task workers within a second, so tasks started a worker and imported
    the renderers again at every chunk (measured: 5.7 s a chunk on the development
    machine, against 1.6 s with Ray's idle workers kept).

    The articles of a chunk are submitted one after the other and render in
    parallel, up to :data:`RENDERS_AHEAD_PER_ACTOR` per actor, each sent to the
    actor with the fewest in flight; those at the head are written as soon as they
    are back. :meth:`finish` waits for the rest.
    """

    def __init__(self, ray: Any, memory: TranslationMemory, engine: Translator) -> None:
        """``engine`` is the run's, loaded by :func:`on_cluster`: its actors render."""
        assert isinstance(engine, ClusterTranslator)
        self._ray = ray
        self._memory = memory
        self._actors = engine._actors
        self._busy = [0] * len(self._actors)
        self._ahead = RENDERS_AHEAD_PER_ACTOR * len(self._actors)
        # Each article: its plan (or report), its rendering and the actor doing it
        # (None: nothing to render), and the callback told its report.
        self._pending: deque[
            tuple[OutputPlan | DocumentReport, tuple[Any, int] | None, Callable[..., None]]
        ] = deque()
        self._in_flight = 0

    def submit(
        self,
        aligned: AlignedDocument,
        out_dir: Path,
        label: str,
        english: str,
        done: Callable[[DocumentReport], None],
    ) -> None:
        """Decide and start the rendering of one article's files; ``done`` is told
        its report once they are written (see :func:`write_document`)."""
        decided = plan_outputs(aligned, out_dir, label, self._memory, english)
        waiting = None
        if isinstance(decided, OutputPlan) and decided.stale:
            source = None
            if decided.paths.english in decided.stale:
                try:
                    source = aligned.source_path.read_bytes()
                except OSError:
                    # Rendered here after the articles before it, so that its
                    # writer names the problem as a local run does.
                    self.finish()
                    done(write_planned(decided, self._memory))
                    return
            actor = self._busy.index(min(self._busy))
            waiting = (self._actors[actor].render.remote(decided, source), actor)
            self._busy[actor] += 1
            self._in_flight += 1
        self._pending.append((decided, waiting, done))
        self._write_ready(keep=self._ahead)

    def finish(self) -> None:
        """Wait for every article submitted and write it."""
        self._write_ready(keep=-1)

    def _write_ready(self, keep: int) -> None:
        """Write the articles at the head whose files are back, waiting for them
        while more than ``keep`` renderings are in flight."""
        ray = self._ray
        while self._pending:
            decided, waiting, done = self._pending[0]
            if waiting is not None and self._in_flight <= keep:
                ready, _ = ray.wait([waiting[0]], timeout=0)
                if not ready:
                    return
            self._pending.popleft()
            if waiting is None:
                done(
                    decided
                    if isinstance(decided, DocumentReport)
                    else commit_rendered(decided, RenderedFiles(()), self._memory)
                )
                continue
            assert isinstance(decided, OutputPlan)
            rendering, actor = waiting
            self._in_flight -= 1
            self._busy[actor] -= 1
            done(commit_rendered(decided, self._rendered(decided, rendering), self._memory))

    def _rendered(self, plan: OutputPlan, waiting: Any) -> RenderedFiles:
        ray = self._ray
        where = display_path(plan.aligned.source_path)
        try:
            rendered: RenderedFiles = ray.get(waiting)
        except ray.exceptions.RayTaskError as exc:
            raise EngineError(
                f"{where}: rendering its outputs failed on the Ray cluster ({exc.cause!r}). "
                "Report this with the source file"
            ) from None
        except ray.exceptions.RayError as exc:
            raise EngineError(
                f"{where}: the Ray actor rendering its outputs was lost "
                f"({_last_line(exc)}); every article written before is in the translation "
                "memory: run the same command again to resume"
            ) from None
        return rendered


def _last_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
