"""What users of argos-translate get: argostranslate's own translate() on the same model.

Runs in a separate environment that has argostranslate with its real
dependencies (stanza, torch CPU), made by ``make bench``. Two ways users call it:
once per paragraph, and once per file (as argos-translate-files does for text).

Offline, argostranslate's sentence splitters cannot load (MiniSBD and stanza fetch
their models from a hub), so its splitter is replaced by a lookup of the sentences
our own segmenter found, given in --splits. That makes sentence splitting free
for argostranslate, which only flatters it.

A random model either stops after a few tokens or loops until the length cap, and
argostranslate's cap (CTranslate2's default, 256 tokens) is not the pipeline's
(twice the longest source of the call, plus ten). With --caps, each CTranslate2
call argostranslate makes gets the cap the pipeline's call gave its sentences, so
both sides decode the same tokens; the tokens decoded are counted and printed, so
that the benchmark can show they match. Nothing else in argostranslate's call
(beam 4, batches of 32 tokens, its threads) is changed.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

started = time.perf_counter()


class CountingTranslator:
    """A ``ctranslate2.Translator`` that applies the pipeline's length caps and
    counts what it decodes; everything else is passed through unchanged."""

    def __init__(self, translator: Any, caps: dict[str, int]) -> None:
        self._translator = translator
        self._caps = caps
        self.calls = 0
        self.decoded_tokens = 0
        self.uncapped_sentences = 0

    def translate_batch(self, source: list[list[str]], *args: Any, **kwargs: Any) -> Any:
        if self._caps:
            caps = [self._caps.get(" ".join(pieces)) for pieces in source]
            self.uncapped_sentences += sum(cap is None for cap in caps)
            known = [cap for cap in caps if cap is not None]
            if known:
                kwargs["max_decoding_length"] = max(known)
        results = self._translator.translate_batch(source, *args, **kwargs)
        self.calls += 1
        self.decoded_tokens += sum(len(result.hypotheses[0]) for result in results)
        return results

    def __getattr__(self, name: str) -> Any:
        return getattr(self._translator, name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages-dir", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--splits", type=Path, required=True)
    parser.add_argument("--mode", choices=("paragraph", "file"), required=True)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument(
        "--caps", type=Path, help="JSON: SentencePiece pieces (joined by spaces) -> length cap"
    )
    args = parser.parse_args()

    os.environ["ARGOS_PACKAGES_DIR"] = str(args.packages_dir)
    os.environ["ARGOS_INTRA_THREADS"] = str(args.threads)
    splits: dict[str, list[str]] = json.loads(args.splits.read_text(encoding="utf-8"))
    caps: dict[str, int] = json.loads(args.caps.read_text(encoding="utf-8")) if args.caps else {}

    from argostranslate import sbd

    def split_sentences(self, text: str) -> list[str]:  # type: ignore[no-untyped-def]
        return splits.get(text.strip(), [text])

    sbd.MiniSBDSentencizer.split_sentences = split_sentences
    sbd.StanzaSentencizer.split_sentences = split_sentences

    import ctranslate2

    made: list[CountingTranslator] = []
    real_translator = ctranslate2.Translator

    def counting_translator(*args: Any, **kwargs: Any) -> CountingTranslator:
        made.append(CountingTranslator(real_translator(*args, **kwargs), caps))
        return made[-1]

    ctranslate2.Translator = counting_translator  # type: ignore[misc,assignment]

    from argostranslate import translate

    imported = time.perf_counter()
    calls = 0
    for path in sorted(args.corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if args.mode == "file":
            translate.translate(text, "fr", "en")
            calls += 1
        else:
            for paragraph in text.splitlines():
                if paragraph.strip():
                    translate.translate(paragraph, "fr", "en")
                    calls += 1
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "calls": calls,
                "ct2_calls": sum(t.calls for t in made),
                "decoded_tokens": sum(t.decoded_tokens for t in made),
                "uncapped_sentences": sum(t.uncapped_sentences for t in made),
                "imports": imported - started,
                "total": done - started,
            }
        )
    )


if __name__ == "__main__":
    main()
