"""The physical limit: CTranslate2 alone on the same segments, model, threads and beam.

Run by run_bench.py in a fresh process, so its wall time includes what any
program pays (interpreter, imports, model load); it prints its own timings as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

started = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--package", type=Path, required=True)
    parser.add_argument("--segments", type=Path, required=True)
    parser.add_argument("--inter-threads", type=int, default=1)
    parser.add_argument("--intra-threads", type=int, default=0)
    parser.add_argument("--beam", type=int, default=2)
    args = parser.parse_args()

    import ctranslate2
    import sentencepiece

    texts = json.loads(args.segments.read_text(encoding="utf-8"))
    loaded = time.perf_counter()
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(args.package / "sentencepiece.model")
    )
    # The same settings as translate_pipeline's Argos engine, compute type included.
    translator = ctranslate2.Translator(
        str(args.package / "model"),
        device="cpu",
        compute_type="auto",
        inter_threads=args.inter_threads,
        intra_threads=args.intra_threads,
    )
    ready = time.perf_counter()
    tokens = processor.encode(texts, out_type=str)
    results = translator.translate_batch(
        tokens,
        beam_size=args.beam,
        max_batch_size=2048,
        batch_type="tokens",
        replace_unknowns=True,
        length_penalty=0.2,
        max_decoding_length=2 * max(len(t) for t in tokens) + 10,
    )
    outputs = [processor.decode_pieces(list(r.hypotheses[0])) for r in results]
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "segments": len(outputs),
                "imports": loaded - started,
                "load_model": ready - loaded,
                "translate": done - ready,
                "total": done - started,
            }
        )
    )


if __name__ == "__main__":
    main()
