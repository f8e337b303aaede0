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
    assert engine.plan.device == expected
    assert engine._translator.device == expected
    assert len(engine.translate_batch(["Bonjour.", "Le chat noir."])) == 2
