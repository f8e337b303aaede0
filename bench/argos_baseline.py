"""What users of argos-translate get: argostranslate's own translate() on the same model.

Runs in a separate environment that has argostranslate with its real
dependencies (stanza, torch CPU), made by ``make bench``. Two ways users call it:
once per paragraph, and once per file (as argos-translate-files does for text).

Offline, argostranslate's sentence splitters cannot load (MiniSBD and stanza fetch
their models from a hub), so its splitter is replaced by a lookup of the sentences
our own segmenter found, given in --splits. That makes sentence splitting free
for argostranslate, which only flatters it.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

started = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages-dir", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--splits", type=Path, required=True)
    parser.add_argument("--mode", choices=("paragraph", "file"), required=True)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()

    os.environ["ARGOS_PACKAGES_DIR"] = str(args.packages_dir)
    os.environ["ARGOS_INTRA_THREADS"] = str(args.threads)
    splits: dict[str, list[str]] = json.loads(args.splits.read_text(encoding="utf-8"))

    from argostranslate import sbd

    def split_sentences(self, text: str) -> list[str]:  # type: ignore[no-untyped-def]
        return splits.get(text.strip(), [text])

    sbd.MiniSBDSentencizer.split_sentences = split_sentences
    sbd.StanzaSentencizer.split_sentences = split_sentences

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
    print(json.dumps({"calls": calls, "imports": imported - started, "total": done - started}))


if __name__ == "__main__":
    main()
