"""The Apertium translator: batches through one chain, or through every pivot and combined."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from translate_pipeline.engines import acronyms
from translate_pipeline.engines.apertium.marks import translate_marked_checked, without_tags
from translate_pipeline.engines.apertium.pivots import (
    INSTALL_HELP,
    PIVOT,
    PIVOTS,
    Chain,
    Pivot,
    chain_name,
    data_version,
    installed_modes,
)
from translate_pipeline.engines.apertium.processes import (
    DEFAULT_TIMEOUT_SECONDS,
    SEPARATOR,
    run_chains,
    run_pipeline,
    time_limit,
)
from translate_pipeline.engines.combine import choose, chrf, unknown_english_words
from translate_pipeline.english_lexicon import EnglishLexicon
from translate_pipeline.errors import EngineError

# Segments per pipeline by default: about 5 s of work at 400 segments/s, so a
# kill -9 loses little and the bar moves, while the pipeline's start-up (about
# 0.26 CPU-s) stays small. Measured on 5982 FLORES segments, engine CPU: one batch
# for the run 30.9 s, batches of 2000 30.0 s, batches of 500 33.8 s.
DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True)
class ApertiumTranslator:
    """French to English through Apertium's pairs: fr-es then spa-eng, and more pivots.

    With one chain (``pivots``), each batch goes through it, as it always did;
    with more, through all of them side by side, and each segment's English is
    chosen among theirs (:func:`translate_pipeline.engines.combine.choose`).
    """

    version: str
    name: str = "apertium"
    batch_size: int | None = DEFAULT_BATCH_SIZE
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    # Measured: Apertium passes ZQX0QZ-style tokens through in place, while it
    # translates names ("Hugging Face" -> "Hugging Expensive") and lower-cases URLs.
    uses_placeholders: bool = True
    # The chains from French to English, in order of preference; the first is PIVOT.
    pivots: tuple[Chain, ...] = (PIVOT,)

    @classmethod
    def load(
        cls,
        batch_size: int | None = None,
        timeout_seconds: float | None = None,
        pivots: Sequence[Pivot] = PIVOTS,
    ) -> ApertiumTranslator:
        """Check that Apertium and the base pairs are installed; find the other pivots.

        Args:
            batch_size: Segments per pipeline (``None``: :data:`DEFAULT_BATCH_SIZE`).
            timeout_seconds: The fixed part of a batch's time limit (see :func:`time_limit`).
            pivots: The pivots to use where their modes are installed (the first
                must be :data:`PIVOT`'s).

        Raises:
            EngineError: Apertium or one of the base pairs is missing.
        """
        if shutil.which("apertium") is None:
            raise EngineError(f"the apertium engine is not installed. {INSTALL_HELP}")
        listing = installed_modes()
        missing = [mode for mode in PIVOT if mode not in listing]
        if missing:
            raise EngineError(
                f"Apertium lacks the {', '.join(missing)} translation direction(s). {INSTALL_HELP}"
            )
        usable = [pivot for pivot in pivots if all(mode in listing for mode in pivot.modes)]
        usable = usable or [PIVOTS[0]]
        if [pivot.modes for pivot in usable] != [PIVOT]:
            packages = dict.fromkeys(("apertium", *(p for u in usable for p in u.packages)))
            # The memory keys machine translations by this: it names every chain.
            version = f"{data_version(list(packages))} pivots " + " + ".join(
                chain_name(pivot.modes) for pivot in usable
            )
        else:
            version = data_version()
        return cls(
            version=version,
            batch_size=batch_size or DEFAULT_BATCH_SIZE,
            timeout_seconds=DEFAULT_TIMEOUT_SECONDS if timeout_seconds is None else timeout_seconds,
            pivots=tuple(pivot.modes for pivot in usable),
        )

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate all ``texts``: one pipeline per chain, the best English of each kept."""
        if not texts:
            return []
        cleaned = [" ".join(text.split()) for text in texts]
        masked = acronyms.mask(cleaned)
        english = self._translate([item.text for item in masked])
        restored = [item.restore(output) for item, output in zip(masked, english, strict=True)]
        # A segment whose acronym token did not come back is translated unmasked.
        lost = [number for number, output in enumerate(restored) if output is None]
        again = iter(self._translate([cleaned[number] for number in lost]) if lost else [])
        return [output if output is not None else next(again) for output in restored]

    def _translate(self, texts: list[str]) -> list[str]:
        if self.pivots == (PIVOT,):
            return _translate_checked(texts, run_pipeline, self.timeout_seconds)
        return self._translate_combined(texts)

    def _translate_combined(self, texts: list[str]) -> list[str]:
        """Every chain's English of ``texts``, run side by side; the consensus of each kept."""
        limit = time_limit(len(texts), self.timeout_seconds)
        outputs = run_chains(SEPARATOR.join(texts), self.pivots, limit)
        candidates: list[list[str]] = []
        for chain in self.pivots:
            parts = outputs[chain].strip("\n").split(SEPARATOR)
            if len(parts) == len(texts):
                candidates.append([" ".join(part.split()) for part in parts])
            else:  # a boundary moved in this chain: it alone is run again in halves

                def run_chain(text: str, limit: float | None, chain: Chain = chain) -> str:
                    return run_chains(text, (chain,), limit)[chain]

                candidates.append(_translate_checked(texts, run_chain, self.timeout_seconds))
        lexicon = EnglishLexicon.start()
        try:
            return [
                candidates[
                    choose(
                        text,
                        english,
                        unknown=[unknown_english_words(each, lexicon) for each in english],
                    ).index
                ][number]
                for number, (text, english) in enumerate(
                    zip(texts, zip(*candidates, strict=True), strict=True)
                )
            ]
        finally:
            if lexicon is not None:
                lexicon.close()

    def translate_marked(self, texts: Sequence[str]) -> list[str]:
        """Translate HTML fragments with Apertium's own format handling (``-f html``).

        Tags travel through every step of the first chain as superblanks, next
        to the words they held; see :func:`translate_pipeline.reproject.mark_spans_html`.
        Used to learn where a segment's inline spans went, not for the English itself.
        """
        if not texts:
            return []
        return translate_marked_checked([" ".join(text.split()) for text in texts], self.pivots[0])

    def translate_marked_matching(self, texts: Sequence[str], english: Sequence[str]) -> list[str]:
        """:meth:`translate_marked` through the chain whose English is nearest ``english``.

        With several chains, the spans of a segment are placed where the chain
        that wrote its English put them: every chain translates the marked
        fragments, and for each, the output whose text (tags left out) is most
        like the segment's English (chrF) is kept, the earlier chain on a tie.

        Args:
            texts: HTML fragments (see :func:`translate_pipeline.reproject.mark_spans_html`).
            english: The English each fragment's segment was given.
        """
        if len(self.pivots) == 1 or not texts:
            return self.translate_marked(texts)
        cleaned = [" ".join(text.split()) for text in texts]
        outputs = [translate_marked_checked(cleaned, chain) for chain in self.pivots]
        chosen = []
        for number, wanted in enumerate(english):
            likeness = [chrf(without_tags(output[number]), wanted) for output in outputs]
            best = max(range(len(outputs)), key=lambda index: (likeness[index], -index))
            chosen.append(outputs[best][number])
        return chosen


def _translate_checked(
    texts: list[str], run: Callable[[str, float | None], str], base_seconds: float
) -> list[str]:
    """``texts`` through ``run`` (one chain), halving the batch where a boundary moved."""
    limit = time_limit(len(texts), base_seconds)
    outputs = run(SEPARATOR.join(texts), limit).strip("\n").split(SEPARATOR)
    if len(outputs) == len(texts):
        return [" ".join(output.split()) for output in outputs]
    # Apertium merged or split a boundary; halve until each part lines up.
    if len(texts) == 1:
        english = " ".join(" ".join(outputs).split())
        if texts[0] and not english:
            # Fail at once: halving on would rerun every segment of the batch.
            raise EngineError(
                f"the apertium engine returned no English for {texts[0][:60]!r}; nothing "
                "of this batch was saved; check the engine and run again"
            )
        return [english]
    middle = len(texts) // 2
    return _translate_checked(texts[:middle], run, base_seconds) + _translate_checked(
        texts[middle:], run, base_seconds
    )
