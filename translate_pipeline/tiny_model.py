"""Build a tiny but real Argos Translate package, for tests and benchmarks.

No registry ships French-to-English weights, so the tests cannot download a real
model. This module builds the same kind of artefact from scratch: a SentencePiece
model trained on the given text, and a random-weight CTranslate2 Transformer made
with ctranslate2's own specification API, zipped with a ``metadata.json`` as an
``.argosmodel``. It goes through exactly the loading code a real package does; its
English is noise, which the tests know.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TinyModelSpec:
    """Sizes of the random Transformer.

    Attributes:
        layers: Encoder and decoder layers.
        heads: Attention heads.
        d_model: Hidden size.
        d_ff: Feed-forward size.
        vocab_size: SentencePiece vocabulary size (shared by source and target).
        seed: Seed for the random weights, so a build is reproducible.
        eos_bias: Added to the end-of-sentence logit, so that outputs end after a
            few words as a trained model's do, instead of running to the length cap.
    """

    layers: int = 2
    heads: int = 4
    d_model: int = 64
    d_ff: int = 128
    vocab_size: int = 400
    seed: int = 1234
    eos_bias: float = 3.0


def build_tiny_argos_package(
    training_text: Iterable[str],
    out_file: Path,
    spec: TinyModelSpec | None = None,
    package_version: str = "0.0.1-tiny",
) -> Path:
    """Write a French-to-English ``.argosmodel`` with random weights.

    Args:
        training_text: Lines used to train the SentencePiece model.
        out_file: Where to write the ``.argosmodel`` zip.
        spec: Model sizes; defaults to :class:`TinyModelSpec`.
        package_version: Written to ``metadata.json``.

    Returns:
        ``out_file``.
    """
    spec = spec or TinyModelSpec()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "translate-fr_en-tiny"
        root.mkdir()
        vocab = _train_sentencepiece(training_text, root / "sentencepiece.model", spec)
        _save_random_transformer(vocab, root / "model", spec)
        metadata = {
            "package_version": package_version,
            "argos_version": "1.11.0",
            "from_code": "fr",
            "from_name": "French",
            "to_code": "en",
            "to_name": "English",
            "type": "translate",
            "links": [],
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text(
            "Tiny random-weight French-English model built by translate_pipeline for tests.\n",
            encoding="utf-8",
        )
        out_file.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out_file, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                archive.write(path, path.relative_to(root.parent).as_posix())
    return out_file


def _train_sentencepiece(lines: Iterable[str], model_path: Path, spec: TinyModelSpec) -> list[str]:
    import sentencepiece as spm

    corpus = model_path.with_suffix(".txt")
    corpus.write_text("\n".join(line for line in lines if line.strip()) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(model_path.with_suffix("")),
        vocab_size=spec.vocab_size,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        minloglevel=2,
    )
    corpus.unlink()
    model_path.with_suffix(".vocab").unlink()
    processor = spm.SentencePieceProcessor(model_file=str(model_path))
    # CTranslate2 wants <unk>, <s>, </s> first, as OpenNMT vocabularies have them.
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    rest = [p for p in pieces if p not in {"<unk>", "<s>", "</s>"}]
    return ["<unk>", "<s>", "</s>", *rest]


def _save_random_transformer(vocab: list[str], model_dir: Path, spec: TinyModelSpec) -> None:
    import numpy as np
    from ctranslate2.specs import TransformerSpec, common_spec, model_spec

    model = TransformerSpec.from_config(spec.layers, spec.heads)
    rng = np.random.default_rng(spec.seed)
    d, ff, v = spec.d_model, spec.d_ff, len(vocab)

    def shape_for(owner: object, scope: str) -> tuple[int, ...] | None:
        parts = scope.split("/")
        attr = parts[-1]
        if isinstance(owner, common_spec.LayerNormSpec):
            return (d,)
        if isinstance(owner, common_spec.EmbeddingsSpec) and attr == "weight":
            return (v, d)
        if not isinstance(owner, common_spec.LinearSpec) or attr != "weight":
            return None
        layer, block = parts[-2], parts[-3]
        if block == "decoder" and layer == "projection":
            return (v, d)
        if block == "ffn":
            return (ff, d) if layer == "linear_0" else (d, ff)
        if block == "self_attention":
            return (3 * d, d) if layer == "linear_0" else (d, d)
        if block == "attention":
            return (2 * d, d) if layer == "linear_1" else (d, d)
        raise ValueError(f"unexpected weight in the Transformer spec: {scope}")

    def fill(owner: object, scope: str, value: object) -> None:
        if value is not None:
            return
        shape = shape_for(owner, scope)
        if shape is None:
            raise ValueError(f"no shape known for {scope}")
        attr = scope.split("/")[-1]
        if attr == "gamma":
            array = np.ones(shape, dtype=np.float32)
        elif attr == "beta":
            array = np.zeros(shape, dtype=np.float32)
        else:
            # Scaled by fan-in, so activations keep their size through the layers
            # whatever d_model is, and the end-of-sentence bias means the same.
            array = rng.normal(0.0, 1.0 / np.sqrt(shape[-1]), size=shape).astype(np.float32)
        setattr(owner, attr, array)

    model_spec.visit_spec(model, fill)
    bias = np.zeros((v,), dtype=np.float32)
    bias[vocab.index("</s>")] = spec.eos_bias
    model.decoder.projection.bias = bias
    model.register_source_vocabulary(vocab)
    model.register_target_vocabulary(vocab)
    model.validate()
    model_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(model_dir))
