"""Argos Translate models, run directly on CTranslate2 in large batches.

The package is found and read with argostranslate's own package code. The
translation itself calls ``ctranslate2.Translator.translate_batch`` once for
many segments, sorted into token batches by CTranslate2, instead of
``argostranslate.translate``'s one call per paragraph (which also imports stanza
and torch). Decoding uses SentencePiece directly: argostranslate's decoder turns
every underscore into a space, which would break URLs and names.

The model runs in a child process (:mod:`translate_pipeline.engines.argos_worker`)
that loads it once and answers each call. A call that takes longer than
:func:`time_limit` (derived from its size and the device) has its process killed,
and the run stops with an :class:`EngineError` naming the engine and the limit;
the batches finished before are already in the translation memory. On Ctrl-C the
child is killed too, and CTranslate2 never runs in the process that handles it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate_pipeline.errors import DamagedModelError, EngineError, display_path

if TYPE_CHECKING:
    from translate_pipeline.engines import EngineChoice, EngineOptions
    from translate_pipeline.engines.argos_worker import ModelWorker
    from translate_pipeline.model_store import InstalledModel
    from translate_pipeline.reproject import Alignment

SOURCE, TARGET = "fr", "en"
# Tokens per CTranslate2 sub-batch. With parallel workers, smaller sub-batches
# keep them all busy; measured on 2 cores (Transformer-base size, 212 segments):
# 512 tokens 13.2 s, 1024 12.4 s, 2048 11.6 s, 4096 14.2 s.
MAX_BATCH_TOKENS = 2048
# Segments per translate_batch call: larger calls sort and pack better (calls of
# 64 took 16.0 s against 11.6 s for one call), and each call is saved as it ends.
SEGMENTS_PER_CALL = 256
MAX_WORKERS = 4
# On a GPU, one model replica per device takes larger batches: a decoding step
# costs about the same for many sentences as for few, until memory runs out.
# int8_float16 halves the weights' memory against float16 (CTranslate2's docs);
# float16 where int8 is not supported. Not measured here: no GPU was at hand.
GPU_BATCH_TOKENS = 8192
GPU_SEGMENTS_PER_CALL = 2048
GPU_COMPUTE_TYPES = ("int8_float16", "float16", "float32")
# Time allowed per call before the model is taken for hung and its process is
# killed: a fixed part (--engine-timeout, 60 s by default, as for Apertium) plus
# a part per segment. On the CPU, 212 segments took 11.6 s on 2 cores
# (Transformer-base size, 0.055 s per segment): 1 s per segment leaves about 18
# times that for one slow core, a larger beam and long sentences (a call of 256
# segments may take 316 s). On a GPU a call carries 2048 segments and each costs
# far less; 0.1 s per segment (265 s per call) is a guess, not measured here.
DEFAULT_TIMEOUT_SECONDS = 60.0
SECONDS_PER_SEGMENT = {"cpu": 1.0, "cuda": 0.1}
# Loading a model (the child's imports, reading the weights, a GPU's start-up)
# is allowed at least this long, whatever the fixed part.
MIN_LOAD_SECONDS = 120.0


def time_limit(
    segments: int, device: str = "cpu", base_seconds: float = DEFAULT_TIMEOUT_SECONDS
) -> float | None:
    """Seconds a call of ``segments`` on ``device`` may take before the model is taken
    for hung: ``base_seconds`` plus :data:`SECONDS_PER_SEGMENT` per segment.

    ``None`` (no limit) when ``base_seconds`` is infinite.
    """
    if not math.isfinite(base_seconds):
        return None
    return base_seconds + SECONDS_PER_SEGMENT[device] * segments


def load_limit(base_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> float | None:
    """Seconds loading a model may take: ``base_seconds``, at least :data:`MIN_LOAD_SECONDS`.

    ``None`` (no limit) when ``base_seconds`` is infinite.
    """
    if not math.isfinite(base_seconds):
        return None
    return max(base_seconds, MIN_LOAD_SECONDS)


def thread_layout(threads: int) -> tuple[int, int]:
    """Split ``threads`` CPU threads (0: all cores) into CTranslate2 workers.

    Returns ``(inter_threads, intra_threads)``: up to four sub-batches translated
    in parallel, each with the threads left over. On 2 cores, 2 workers of 1
    thread translated 212 segments in 11.6-14.2 s against 28.4-29.4 s for one
    worker of 2 threads (Transformer-base size); a worker per thread wastes
    nothing on synchronising tiny matrices either.
    """
    total = threads or os.cpu_count() or 1
    workers = min(total, MAX_WORKERS)
    return workers, max(1, total // workers)


def max_decoding_length(source_lengths: Iterable[int]) -> int:
    """The length cap of one ``translate_batch`` call, in tokens.

    A guard against a model that loops: no English sentence needs twice the
    French one's tokens plus ten, and the call is capped by its longest source.
    """
    return 2 * max(source_lengths) + 10


@dataclass(frozen=True)
class DevicePlan:
    """Where and how CTranslate2 runs: device, precision, workers and batch sizes.

    Attributes:
        device: "cpu" or "cuda".
        device_index: The GPUs used, one model replica each (``(0,)`` on the CPU).
        compute_type: CTranslate2's compute type ("auto" lets it pick on the CPU).
        inter_threads: Batches translated in parallel per device.
        intra_threads: Threads per batch.
        max_batch_tokens: Tokens per CTranslate2 sub-batch.
        segments_per_call: Segments per ``translate_batch`` call (each saved when done).
    """

    device: str
    device_index: tuple[int, ...]
    compute_type: str
    inter_threads: int
    intra_threads: int
    max_batch_tokens: int
    segments_per_call: int

    def describe(self) -> str:
        """A short description for summaries and the benchmark, e.g. "cuda x2 int8_float16"."""
        if self.device == "cpu":
            return f"cpu, {self.inter_threads} workers x {self.intra_threads} threads"
        return f"cuda x{len(self.device_index)}, {self.compute_type}"


def plan_device(
    requested: str, threads: int, cuda_devices: int, cuda_compute_types: frozenset[str]
) -> DevicePlan:
    """Choose the device, precision and batch sizes for ``--device requested``.

    Args:
        requested: "auto", "cpu" or "cuda".
        threads: ``--threads`` (0: all cores); used on the CPU only.
        cuda_devices: GPUs CTranslate2 sees (``ctranslate2.get_cuda_device_count()``).
        cuda_compute_types: What those GPUs support
            (``ctranslate2.get_supported_compute_types("cuda")``).

    Raises:
        EngineError: The device is unknown, or "cuda" was asked for and there is no GPU.
    """
    from translate_pipeline.engines import DEVICES

    if requested not in DEVICES:
        raise EngineError(f"unknown device {requested!r}; choose one of {', '.join(DEVICES)}")
    if requested == "cuda" and cuda_devices == 0:
        raise EngineError(
            "--device cuda: CTranslate2 sees no CUDA GPU here (no NVIDIA driver, or "
            "CUDA_VISIBLE_DEVICES hides it). Use --device cpu, or --device auto to use a GPU "
            "only when there is one"
        )
    if requested == "cpu" or cuda_devices == 0:
        inter, intra = thread_layout(threads)
        return DevicePlan("cpu", (0,), "auto", inter, intra, MAX_BATCH_TOKENS, SEGMENTS_PER_CALL)
    compute_type = next((t for t in GPU_COMPUTE_TYPES if t in cuda_compute_types), "float32")
    return DevicePlan(
        "cuda",
        tuple(range(cuda_devices)),
        compute_type,
        inter_threads=1,
        intra_threads=1,
        max_batch_tokens=GPU_BATCH_TOKENS,
        segments_per_call=GPU_SEGMENTS_PER_CALL,
    )


def detect_device(requested: str, threads: int) -> DevicePlan:
    """:func:`plan_device` with what CTranslate2 reports about this machine's GPUs."""
    import ctranslate2

    cuda_devices = ctranslate2.get_cuda_device_count() if requested != "cpu" else 0
    compute_types: frozenset[str] = frozenset()
    if cuda_devices:
        try:
            compute_types = frozenset(ctranslate2.get_supported_compute_types("cuda"))
        except (RuntimeError, ValueError):
            compute_types = frozenset({"float32"})
    return plan_device(requested, threads, cuda_devices, compute_types)


NO_MODEL_HELP = (
    "no Argos French-English model is installed. Install one with "
    "'translate model install FILE.argosmodel' (or '--online fr en' where there "
    "is a network), or use --engine apertium"
)


def damaged_model(path: Path, part: str, exc: BaseException) -> DamagedModelError:
    """The error for a package whose ``part`` cannot be loaded."""
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return DamagedModelError(path, part, reason)


def find_package() -> InstalledModel | None:
    """The installed French-English Argos package, or ``None``."""
    from translate_pipeline.model_store import list_models

    for model in list_models():
        if model.from_code == SOURCE and model.to_code == TARGET:
            return model
    return None


def model_version(model: InstalledModel) -> str:
    """The version recorded in memory keys: package folder and package version."""
    return f"{model.name}@{model.version or 'unknown'}"


def choose(options: EngineOptions) -> EngineChoice:
    """Identify the installed package without loading it.

    Raises:
        EngineError: No French-English package is installed.
    """
    from translate_pipeline.engines import EngineChoice

    model = find_package()
    if model is None:
        raise EngineError(NO_MODEL_HELP)
    return EngineChoice("argos", model_version(model), lambda: ArgosTranslator.load(options, model))


@dataclass(frozen=True)
class ArgosTranslator:
    """French to English with an installed Argos package, run in a child process.

    The model is loaded once, in a child process (see
    :mod:`translate_pipeline.engines.argos_worker`); each call waits for it at
    most :func:`time_limit` seconds.
    """

    version: str
    package_path: Path
    beam_size: int
    plan: DevicePlan
    _worker: ModelWorker = field(repr=False, compare=False)
    name: str = "argos"
    batch_size: int | None = SEGMENTS_PER_CALL
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    # Neural models rewrite or drop opaque placeholders but copy most names, so
    # terms stay in the text and are verified and repaired afterwards.
    uses_placeholders: bool = False

    @classmethod
    def load(cls, options: EngineOptions, model: InstalledModel | None = None) -> ArgosTranslator:
        """Load the installed French-English package onto the device ``options`` name.

        Raises:
            EngineError: No French-English package is installed, it cannot be
                loaded (within :func:`load_limit`), or ``--device cuda`` was asked
                for on a machine without a GPU.
        """
        from argostranslate.package import Package

        from translate_pipeline.engines.argos_worker import LoadRequest, ModelWorker, WorkerTimeout

        model = model or find_package()
        if model is None:
            raise EngineError(NO_MODEL_HELP)
        path = model.path
        try:
            package = Package(path)
        except (OSError, ValueError) as exc:
            raise damaged_model(path, "metadata.json", exc) from None
        if not (path / "sentencepiece.model").is_file():
            raise EngineError(
                f"{path}: this package has no sentencepiece.model; only SentencePiece "
                "packages are supported. Install a current Argos fr->en package"
            )
        timeout = (
            DEFAULT_TIMEOUT_SECONDS if options.timeout_seconds is None else options.timeout_seconds
        )
        request = LoadRequest(
            str(path), options.device, options.threads, getattr(package, "target_prefix", "") or ""
        )
        worker = ModelWorker.start()
        try:
            plan = worker.ask(("load", request), load_limit(timeout))
        except WorkerTimeout as exc:
            raise EngineError(
                f"the argos engine did not load {display_path(path)} in {exc.limit:.0f} s and was "
                "stopped; check the disk and the device, or give a larger --engine-timeout"
            ) from None
        except BaseException:
            worker.stop()
            raise
        return cls(
            version=model_version(model),
            package_path=path,
            beam_size=max(1, options.beam_size),
            plan=plan,
            _worker=worker,
            batch_size=options.batch_size or plan.segments_per_call,
            timeout_seconds=timeout,
        )

    def time_limit(self, segments: int) -> float | None:
        """Seconds a call of ``segments`` may take here (see :func:`time_limit`)."""
        return time_limit(segments, self.plan.device, self.timeout_seconds)

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate ``texts`` in one CTranslate2 call, within :meth:`time_limit`.

        Raises:
            EngineError: The call did not finish within the limit (the model
                process was stopped), or CTranslate2 failed.
        """
        if not texts:
            return []
        outputs: list[str] = self._ask(("translate", list(texts), self.beam_size), len(texts))
        return outputs

    def alignments(self, texts: Sequence[str], englishes: Sequence[str]) -> list[Alignment | None]:
        """A word alignment of each French text with its (stored) English.

        The English is forced on the model as a target prefix, with decoding
        stopped at its length, and CTranslate2 returns the attention of exactly
        that English (``return_attention``); see
        :func:`reproject.attention_alignment`; it answers only English ranges
        that start and end on word edges. ``None`` where the pieces do not
        spell a text (SentencePiece normalised a character) or the model did not
        return the forced English: no alignment rather than a shifted one (and
        for every text when CTranslate2 fails: the spans then stay flagged).

        Raises:
            EngineError: The call did not finish within :meth:`time_limit` (the
                model process was stopped).
        """
        from translate_pipeline.engines.argos_worker import WorkerTimeout
        from translate_pipeline.reproject import attention_alignment, piece_offsets

        if not texts:
            return []
        try:
            forced = self._worker.ask(
                ("align", list(texts), list(englishes)), self.time_limit(len(texts))
            )
        except WorkerTimeout as exc:
            raise self._hung(len(texts), exc.limit) from None
        except EngineError:
            if self._worker.stopped:
                raise
            # An extra the translation does without: the spans stay flagged.
            return [None] * len(texts)
        out: list[Alignment | None] = []
        for french, english, found in zip(texts, englishes, forced, strict=True):
            french_at = piece_offsets(french, found.source_pieces)
            english_at = piece_offsets(english, found.target_pieces)
            if french_at is None or english_at is None or not found.forced or not english_at:
                out.append(None)
                continue
            align = attention_alignment(french_at, english_at, found.attention)
            out.append(_whole_words(english, align))
        return out

    def close(self) -> None:
        """Stop the model process (also done when the translator is garbage-collected)."""
        self._worker.stop()

    def _ask(self, request: tuple[Any, ...], segments: int) -> Any:
        from translate_pipeline.engines.argos_worker import WorkerTimeout

        try:
            return self._worker.ask(request, self.time_limit(segments))
        except WorkerTimeout as exc:
            raise self._hung(segments, exc.limit) from None
        except EngineError as exc:
            raise EngineError(
                f"the argos engine ({self.version}) failed on a batch of {segments} segments "
                f"({exc}); every batch finished before is saved in the translation memory"
            ) from None

    def _hung(self, segments: int, limit: float) -> EngineError:
        return EngineError(
            f"the argos engine ({self.version}) did not finish a batch of {segments} segments "
            f"in {limit:.0f} s and was stopped. The batches finished before it are saved in "
            "the translation memory; run again to resume, with a smaller --batch-size or a "
            "larger --engine-timeout if the model is only slow"
        )


def _whole_words(english: str, align: Alignment) -> Alignment:
    """``align``, answering only English ranges that start and end on word edges.

    Attention aligns SentencePiece pieces, which may be part of a word: a span
    on "h" of "This" is worse than a flag.
    """

    def edge(at: int) -> bool:
        return at in (0, len(english)) or not (english[at - 1].isalnum() and english[at].isalnum())

    def aligned(start: int, end: int) -> tuple[int, int] | None:
        found = align(start, end)
        if found is None or not (edge(found[0]) and edge(found[1])):
            return None
        return found

    return aligned
