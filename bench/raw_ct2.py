"""The physical limit: CTranslate2 alone on the same segments, model, threads and beam.

Run by run_bench.py in a fresh process, so its wall time includes what any
program pays (interpreter, imports, model load); it prints its own timings as JSON.
Its settings are the engine's (run_bench.py passes the Argos engine's CPU plan),
and it cuts the segments into the same calls as the pipeline; the rest of the
pipeline (reading, segmenting, memory, QA, writing) is what it leaves out.
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
    parser.add_argument("--compute-type", default="auto")
    parser.add_argument("--max-batch-tokens", type=int, default=2048)
    parser.add_argument("--segments-per-call", type=int, default=256)
    args = parser.parse_args()

    import ctranslate2
    import sentencepiece

    from translate_pipeline.engines.argos import max_decoding_length

    texts = json.loads(args.segments.read_text(encoding="utf-8"))
    loaded = time.perf_counter()
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(args.package / "sentencepiece.model")
    )
    translator = ctranslate2.Translator(
        str(args.package / "model"),
        device="cpu",
        compute_type=args.compute_type,
        inter_threads=args.inter_threads,
        intra_threads=args.intra_threads,
    )
    ready = time.perf_counter()
    outputs: list[str] = []
    decoded = 0
    for start in range(0, len(texts), args.segments_per_call):
        tokens = processor.encode(texts[start : start + args.segments_per_call], out_type=str)
        results = translator.translate_batch(
            tokens,
            beam_size=args.beam,
            max_batch_size=args.max_batch_tokens,
            batch_type="tokens",
            replace_unknowns=True,
            length_penalty=0.2,
            max_decoding_length=max_decoding_length(len(t) for t in tokens),
        )
        decoded += sum(len(r.hypotheses[0]) for r in results)
        outputs.extend(processor.decode_pieces(list(r.hypotheses[0])) for r in results)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "segments": len(outputs),
                "decoded_tokens": decoded,
                "compute_type": translator.compute_type,
                "imports": loaded - started,
                "load_model": ready - loaded,
                "translate": done - ready,
                "total": done - started,
            }
        )
    )


if __name__ == "__main__":
    main()
