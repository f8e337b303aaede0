"""The Argos engine on a tiny real package, loaded through argostranslate's package code."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_pipeline.engines import EngineOptions, load_engine
from translate_pipeline.engines.argos import ArgosTranslator, find_package
from translate_pipeline.errors import EngineError

FAST = EngineOptions(threads=1, beam_size=1)


def test_finds_the_installed_package(installed_tiny_model: Path) -> None:
    model = find_package()
    assert model is not None and model.path == installed_tiny_model


def test_translate_batch_gives_one_output_per_input(installed_tiny_model: Path) -> None:
    engine = ArgosTranslator.load(FAST)
    texts = ["Ce matin, OpenAI a suspendu Sora.", "Bonjour.", "Le chat noir."] * 20
    outputs = engine.translate_batch(texts)
    assert len(outputs) == len(texts)
    # The same input gives the same output wherever it sits in the batch.
    assert outputs[0] == outputs[3] == outputs[57]
    assert all(isinstance(text, str) and "\n" not in text for text in outputs)
    assert engine.version == "translate-fr_en-tiny@0.0.1-tiny"


def test_auto_prefers_argos_when_a_model_is_installed(installed_tiny_model: Path) -> None:
    assert load_engine("auto", FAST).name == "argos"


def test_no_model_is_a_clear_error(argos_packages: Path) -> None:
    with pytest.raises(EngineError, match="no Argos French-English model is installed"):
        load_engine("argos", FAST)


def test_auto_without_any_engine_says_how_to_get_one(
    argos_packages: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineError, match=r"translate model install FILE\.argosmodel.*apt-get"):
        load_engine("auto", FAST)


@pytest.mark.parametrize(
    ("threads", "cores", "layout"),
    [
        (0, 2, (2, 1)),
        (1, 2, (1, 1)),
        (2, 8, (2, 1)),
        (0, 8, (4, 2)),
        (0, 16, (4, 4)),
        (3, 2, (3, 1)),
    ],
)
def test_thread_layout_runs_sub_batches_in_parallel(
    threads: int, cores: int, layout: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from translate_pipeline.engines.argos import thread_layout

    monkeypatch.setattr("os.cpu_count", lambda: cores)
    assert thread_layout(threads) == layout


@pytest.mark.parametrize(
    ("source_lengths", "cap"),
    [
        ([1], 12),
        ([30], 70),
        # A call is capped by its longest source: the benchmark gives
        # argostranslate's per-paragraph calls these same caps.
        ([5, 61, 12], 132),
        (iter([145, 3]), 300),
    ],
)
def test_a_looping_model_is_stopped_at_twice_the_longest_source_plus_ten(
    source_lengths: list[int], cap: int
) -> None:
    from translate_pipeline.engines.argos import max_decoding_length

    assert max_decoding_length(source_lengths) == cap


GPU_TYPES = frozenset({"float32", "float16", "int8_float16", "int8"})


@pytest.mark.parametrize(
    ("requested", "gpus", "types", "device", "compute_type", "index", "per_call"),
    [
        ("auto", 0, frozenset(), "cpu", "auto", (0,), 256),
        ("cpu", 2, GPU_TYPES, "cpu", "auto", (0,), 256),
        ("auto", 1, GPU_TYPES, "cuda", "int8_float16", (0,), 2048),
        ("cuda", 2, GPU_TYPES, "cuda", "int8_float16", (0, 1), 2048),
        # An older GPU without int8 kernels: float16.
        ("auto", 1, frozenset({"float32", "float16"}), "cuda", "float16", (0,), 2048),
        ("cuda", 1, frozenset({"float32"}), "cuda", "float32", (0,), 2048),
    ],
)
def test_device_plan_uses_every_gpu_when_there_is_one(
    requested: str,
    gpus: int,
    types: frozenset[str],
    device: str,
    compute_type: str,
    index: tuple[int, ...],
    per_call: int,
) -> None:
    from translate_pipeline.engines.argos import plan_device

    plan = plan_device(requested, 2, gpus, types)
    assert (plan.device, plan.compute_type, plan.device_index) == (device, compute_type, index)
    assert plan.segments_per_call == per_call
    if device == "cuda":  # one replica per GPU, larger token batches than on the CPU
        assert plan.inter_threads == 1
        assert plan.max_batch_tokens > plan_device("cpu", 2, 0, frozenset()).max_batch_tokens


def test_device_cuda_without_a_gpu_is_refused() -> None:
    from translate_pipeline.engines.argos import plan_device

    with pytest.raises(
        EngineError, match=r"--device cuda: CTranslate2 sees no CUDA GPU.*--device cpu"
    ):
        plan_device("cuda", 0, 0, frozenset())


def test_auto_device_loads_the_model_where_ctranslate2_sees_it(installed_tiny_model: Path) -> None:
    import ctranslate2

    engine = ArgosTranslator.load(EngineOptions(threads=1, beam_size=1, device="auto"))
    expected = "cuda" if ctranslate2.get_cuda_device_count() else "cpu"
    # The device CTranslate2 reports for the model loaded in the engine's process.
    assert engine.plan.device == expected
    assert len(engine.translate_batch(["Bonjour.", "Le chat noir."])) == 2


# The tiny model's weights are random: its attention is noise, so these tests
# check what holds for any model, never which English words a span lands on.
ALIGNED = [
    ("Ce matin, OpenAI a suspendu Sora.", "This morning, OpenAI suspended Sora."),
    ("Le chat noir dort.", "The black cat sleeps."),
    ("La maison brûle vite.", "The house burns fast."),
]


def _word_edge(text: str, at: int) -> bool:
    return at in (0, len(text)) or not (text[at - 1].isalnum() and text[at].isalnum())


def test_alignments_place_french_ranges_on_whole_english_words(
    installed_tiny_model: Path,
) -> None:
    engine = ArgosTranslator.load(FAST)
    frenches, englishes = zip(*ALIGNED, strict=True)
    alignments = engine.alignments(list(frenches), list(englishes))
    assert len(alignments) == len(ALIGNED)
    assert all(alignment is not None for alignment in alignments)
    answered = 0
    for (french, english), alignment in zip(ALIGNED, alignments, strict=True):
        assert alignment is not None
        for start in range(len(french)):
            for end in range(start + 1, len(french) + 1):
                found = alignment(start, end)
                if found is None:
                    continue
                answered += 1
                assert 0 <= found[0] < found[1] <= len(english)
                assert _word_edge(english, found[0]) and _word_edge(english, found[1])
    assert answered > 0


@pytest.mark.parametrize(
    ("french", "english"),
    [
        # SentencePiece normalises the ligature: the pieces no longer spell the text
        ("Le chat dort.", "The cat sleeps in the ﬁeld."),
        ("Le ﬁlm commence.", "The film starts."),
        ("Le chat dort.", ""),
    ],
)
def test_no_alignment_rather_than_a_shifted_one(
    installed_tiny_model: Path, french: str, english: str
) -> None:
    engine = ArgosTranslator.load(FAST)
    assert engine.alignments([french], [english]) == [None]
    assert engine.alignments([], []) == []


def test_spans_no_rule_places_are_aligned_or_flagged(installed_tiny_model: Path) -> None:
    from translate_pipeline.align import align_document
    from translate_pipeline.document import (
        Block,
        BlockKind,
        Document,
        FlagCode,
        Inline,
        InlineKind,
        Segment,
    )
    from translate_pipeline.translation import span_alignments

    engine = ArgosTranslator.load(FAST)
    asked: list[list[str]] = []

    class Recording:
        name, version = engine.name, engine.version

        def translate_batch(self, texts: list[str]) -> list[str]:
            return engine.translate_batch(texts)

        def alignments(self, texts: list[str], englishes: list[str]) -> list:
            asked.append(list(texts))
            return engine.alignments(texts, englishes)

    # One span found verbatim (no alignment asked), one on each word of the others.
    rows = [("Ce matin, OpenAI a suspendu Sora.", (Inline(InlineKind.BOLD, 10, 16),))]
    rows += [
        (french, (Inline(InlineKind.ITALIC, start, start + len(word)),))
        for french, _ in ALIGNED[1:]
        for word in french.rstrip(".").split()
        for start in [french.index(word)]
    ]
    english = dict(ALIGNED)
    segments = [
        Segment(
            f"doc:p{n}:s1", "doc", n, 1, french, 0, len(french), BlockKind.PARAGRAPH, inlines=spans
        )
        for n, (french, spans) in enumerate(rows, 1)
    ]
    found = span_alignments(Recording(), [(s.text, s.inlines, english[s.text]) for s in segments])
    assert asked == [[french for french, _ in ALIGNED[1:]]]
    blocks = tuple(Block(n, BlockKind.PARAGRAPH, s.text) for n, s in enumerate(segments, 1))
    document = Document("doc", Path("doc.md"), blocks)
    aligned = align_document(document, segments, english, alignments=found)
    for row in aligned.rows:
        lost = [flag for flag in row.flags if flag.code is FlagCode.FORMATTING_LOST]
        assert len(row.english_inlines) + len(lost) == 1
        for span in row.english_inlines:
            assert _word_edge(row.english, span.start) and _word_edge(row.english, span.end)
            assert span.start < span.end
    assert aligned.rows[0].english_inlines[0].start == english[rows[0][0]].index("OpenAI")


def test_an_engine_without_alignments_is_not_asked() -> None:
    from translate_pipeline.document import Inline, InlineKind
    from translate_pipeline.translation import span_alignments

    class Plain:
        name, version = "plain", "1"

        def translate_batch(self, texts: list[str]) -> list[str]:
            raise AssertionError("span_alignments translates nothing")

    row = ("Le chat noir dort.", (Inline(InlineKind.BOLD, 3, 7),), "The black cat sleeps.")
    assert span_alignments(Plain(), [row]) == {}


# -- the time limit (issue 10 item 7) -------------------------------------------------------


@pytest.mark.parametrize(
    ("segments", "device", "base", "limit"),
    [
        (256, "cpu", 60.0, 316.0),  # a default CPU call: the base plus 1 s per segment
        (2048, "cuda", 60.0, 264.8),  # a default GPU call: 0.1 s per segment
        (1, "cpu", 0.2, 1.2),
        (0, "cpu", 60.0, 60.0),
        (2048, "cuda", float("inf"), None),  # inf: no limit
    ],
)
def test_time_limit_grows_with_the_batch(
    segments: int, device: str, base: float, limit: float | None
) -> None:
    from translate_pipeline.engines.argos import time_limit

    found = time_limit(segments, device, base)
    assert found == (pytest.approx(limit) if limit is not None else None)


@pytest.mark.parametrize(("base", "limit"), [(60.0, 120.0), (0.2, 120.0), (600.0, 600.0)])
def test_loading_gets_at_least_two_minutes(base: float, limit: float) -> None:
    from translate_pipeline.engines.argos import load_limit

    assert load_limit(base) == limit
    assert load_limit(float("inf")) is None


@pytest.mark.parametrize(("option", "limit"), [(None, 61.0), (5.0, 6.0), (float("inf"), None)])
def test_engine_timeout_option_sets_the_argos_limit(
    installed_tiny_model: Path, option: float | None, limit: float | None
) -> None:
    engine = ArgosTranslator.load(
        EngineOptions(threads=1, beam_size=1, device="cpu", timeout_seconds=option)
    )
    assert engine.time_limit(1) == limit
    # With any limit, or none, a call that finishes gives its translation.
    assert len(engine.translate_batch(["Le chat mange."])) == 1


def test_endless_decoding_is_stopped_with_an_error_naming_the_engine_and_limit(
    endless_decoding: str,
) -> None:
    import time

    from translate_pipeline.engines.argos_worker import ModelWorker

    engine = ArgosTranslator.load(
        EngineOptions(threads=1, beam_size=1, device="cpu", timeout_seconds=0.2)
    )
    worker: ModelWorker = engine._worker
    assert len(engine.translate_batch(["Le chat mange."])) == 1
    started = time.monotonic()
    with pytest.raises(
        EngineError,
        match=r"^the argos engine \(translate-fr_en-tiny@0\.0\.1-tiny\) did not finish a batch "
        r"of 2 segments in 2 s and was stopped\. The batches finished before it are saved",
    ):
        engine.translate_batch(["Le chat mange.", f"Le chat {endless_decoding}."])
    assert time.monotonic() - started < 30  # a generous bound: the limit is 2.2 s
    from tests.conftest import process_is_gone

    assert process_is_gone(worker.pid)
    # The engine says so rather than waiting again.
    with pytest.raises(EngineError, match="stopped after an earlier failure"):
        engine.translate_batch(["Le chat mange."])


def test_endless_alignment_is_stopped_too(endless_decoding: str) -> None:
    engine = ArgosTranslator.load(
        EngineOptions(threads=1, beam_size=1, device="cpu", timeout_seconds=0.2)
    )
    french, english = ALIGNED[1]
    assert engine.alignments([french], [english])[0] is not None
    with pytest.raises(EngineError, match=r"did not finish a batch of 1 segments in 1 s"):
        engine.alignments([f"Le chat {endless_decoding}."], ["The cat sleeps."])


def test_a_model_process_that_dies_is_an_error_with_its_status(installed_tiny_model: Path) -> None:
    import os
    import signal

    engine = ArgosTranslator.load(FAST)
    os.kill(engine._worker.pid, signal.SIGKILL)
    with pytest.raises(
        EngineError,
        match=r"the argos engine \(.*\) failed on a batch of 1 segments \(the argos model "
        r"process ended with status -9\); every batch finished before is saved",
    ):
        engine.translate_batch(["Le chat mange."])


ORPHAN = """
import sys
from translate_pipeline.engines import EngineOptions
from translate_pipeline.engines.argos import ArgosTranslator

engine = ArgosTranslator.load(EngineOptions(threads=1, beam_size=1, device="cpu"))
print(engine._worker.pid, flush=True)
engine.translate_batch(["Le chat DORS."])
"""


def test_the_model_process_ends_when_its_parent_is_killed(endless_decoding: str) -> None:
    """kill -9 of the run while the model decodes endlessly leaves no process behind."""
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import process_is_gone

    parent = subprocess.Popen([sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(0.5)  # into the endless call
    assert not process_is_gone(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30
    while not process_is_gone(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process_is_gone(child)


def test_the_parent_never_imports_ctranslate2(installed_tiny_model: Path) -> None:
    """CTranslate2 runs only in the model's process, so it cannot abort the command
    (its threads once did, on Ctrl-C, when it ran in the command's own process)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from translate_pipeline.engines import EngineOptions, load_engine\n"
        "engine = load_engine('argos', EngineOptions(threads=1, beam_size=1))\n"
        "assert len(engine.translate_batch(['Le chat mange.'])) == 1\n"
        "print('ctranslate2' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
