"""Argos Translate models, run directly on CTranslate2 in large batches.

The package is found and read with argostranslate's own package code. The
translation itself calls ``ctranslate2.Translator.translate_batch`` once for
many segments, sorted into token batches by CTranslate2, instead of
``argostranslate.translate``'s one call per paragraph (which also imports stanza
and torch). Decoding uses SentencePiece directly: argostranslate's decoder turns
every underscore into a space, which would break URLs and names.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate_pipeline.errors import DamagedModelError, EngineError

if TYPE_CHECKING:
    from translate_pipeline.engines import EngineChoice, EngineOptions
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
    """French to English with an installed Argos package."""

    version: str
    package_path: Path
    beam_size: int
    _translator: Any
    _sentencepiece: Any
    _target_prefix: str
    plan: DevicePlan
    name: str = "argos"
    batch_size: int | None = SEGMENTS_PER_CALL
    # Neural models rewrite or drop opaque placeholders but copy most names, so
    # terms stay in the text and are verified and repaired afterwards.
    uses_placeholders: bool = False

    @classmethod
    def load(cls, options: EngineOptions, model: InstalledModel | None = None) -> ArgosTranslator:
        """Load the installed French-English package onto the device ``options`` name.

        Raises:
            EngineError: No French-English package is installed, it cannot be
                loaded, or ``--device cuda`` was asked for on a machine without a GPU.
        """
        model = model or find_package()
        if model is None:
            raise EngineError(NO_MODEL_HELP)
        path = model.path
        import ctranslate2
        import sentencepiece
        from argostranslate.package import Package

        try:
            package = Package(path)
        except (OSError, ValueError) as exc:
            raise damaged_model(path, "metadata.json", exc) from None
        sp_model = path / "sentencepiece.model"
        if not sp_model.is_file():
            raise EngineError(
                f"{path}: this package has no sentencepiece.model; only SentencePiece "
                "packages are supported. Install a current Argos fr->en package"
            )
        try:
            tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
        except (RuntimeError, OSError, ValueError) as exc:
            raise damaged_model(path, "sentencepiece.model", exc) from None
        plan = detect_device(options.device, options.threads)
        try:
            translator = ctranslate2.Translator(
                str(path / "model"),
                device=plan.device,
                device_index=list(plan.device_index),
                compute_type=plan.compute_type,
                inter_threads=plan.inter_threads,
                intra_threads=plan.intra_threads,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise damaged_model(path, "model/model.bin", exc) from None
        return cls(
            version=model_version(model),
            package_path=path,
            beam_size=max(1, options.beam_size),
            _translator=translator,
            _sentencepiece=tokenizer,
            _target_prefix=getattr(package, "target_prefix", "") or "",
            plan=plan,
            batch_size=options.batch_size or plan.segments_per_call,
        )

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate ``texts`` in one CTranslate2 call."""
        if not texts:
            return []
        tokens = self._sentencepiece.encode(list(texts), out_type=str)
        prefix = [[self._target_prefix]] * len(tokens) if self._target_prefix else None
        results = self._translator.translate_batch(
            tokens,
            target_prefix=prefix,
            beam_size=self.beam_size,
            max_batch_size=self.plan.max_batch_tokens,
            batch_type="tokens",
            replace_unknowns=True,
            length_penalty=0.2,
            max_decoding_length=max_decoding_length(len(t) for t in tokens),
        )
        outputs = []
        for result in results:
            hypothesis = list(result.hypotheses[0])
            if self._target_prefix and hypothesis[:1] == [self._target_prefix]:
                hypothesis = hypothesis[1:]
            outputs.append(self._sentencepiece.decode_pieces(hypothesis).strip())
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
        """
        from translate_pipeline.reproject import attention_alignment, piece_offsets

        if not texts:
            return []
        sources = self._sentencepiece.encode(list(texts), out_type=str)
        targets = self._sentencepiece.encode(list(englishes), out_type=str)
        lead = [self._target_prefix] if self._target_prefix else []
        prefixes = [lead + list(pieces) for pieces in targets]
        try:
            results = self._translator.translate_batch(
                sources,
                target_prefix=prefixes,
                beam_size=1,
                max_batch_size=self.plan.max_batch_tokens,
                batch_type="tokens",
                return_attention=True,
                # The prefix counts towards the length: nothing is decoded after it.
                max_decoding_length=max(len(p) for p in prefixes),
            )
        except (RuntimeError, ValueError):
            # An extra the translation does without: the spans stay flagged.
            return [None] * len(texts)
        out: list[Alignment | None] = []
        for french, english, source, prefix, result in zip(
            texts, englishes, sources, prefixes, results, strict=True
        ):
            french_at = piece_offsets(french, source)
            english_at = piece_offsets(english, prefix[len(lead) :])
            forced = list(result.hypotheses[0])[: len(prefix)] == prefix
            attention = list(result.attention[0])[len(lead) : len(prefix)]
            if french_at is None or english_at is None or not forced or not english_at:
                out.append(None)
                continue
            out.append(_whole_words(english, attention_alignment(french_at, english_at, attention)))
        return out


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
