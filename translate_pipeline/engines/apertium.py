"""Apertium: Debian's rule-based French -> English, through pivot languages.

Quality is modest (about 15 BLEU on FLORES, against about 40 for the Argos
model), but it runs anywhere Debian does, with no model and no network. All of
a call's segments go through one chain of processes, separated by blank lines
(which Apertium treats as hard sentence boundaries and passes through), instead
of one process per sentence: about 400 sentences/s against 4.

Debian has no French -> English pair: the base pivot is French -> Spanish ->
English (``apertium-fr-es``, ``apertium-eng-spa``). Where Debian's other pairs
are installed (:data:`PIVOTS`), every segment also goes through Catalan and
Esperanto, the chains running side by side, and the English that agrees most
with the others is kept (:mod:`translate_pipeline.engines.combine`).

A call is bounded: it carries at most :data:`DEFAULT_BATCH_SIZE` segments (so each
batch is saved as it ends and progress moves), and its processes are stopped when
they have not finished within a time derived from its size (so a hung Apertium
cannot make a run wait forever).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from translate_pipeline.engines import acronyms
from translate_pipeline.engines.combine import choose, chrf, unknown_english_words
from translate_pipeline.english_lexicon import EnglishLexicon
from translate_pipeline.errors import EngineError

# A chain of Apertium modes from French to English, run one after the other.
Chain = tuple[str, ...]
PIVOT: Chain = ("fr-es", "spa-eng")
SEPARATOR = "\n\n"
DEBIAN_PACKAGES = ("apertium", "apertium-fr-es", "apertium-eng-spa")
INSTALL_HELP = "Install it with: sudo apt-get install " + " ".join(DEBIAN_PACKAGES)


@dataclass(frozen=True)
class Pivot:
    """One way from French to English through Apertium, and the Debian packages it needs."""

    modes: Chain
    packages: tuple[str, ...]


# Every pivot whose packages are installed is used, in this order of preference
# (ties and segments no candidate keeps whole go to the earlier one). Raw FLORES
# dev chrF/BLEU of each (second step marking unknown words, marks removed):
# Spanish 49.34/16.05; Catalan then Spanish 50.29/16.82 (apertium-fra-cat is the
# best-kept French pair, apertium-spa-cat the closest); Catalan 48.85/15.28;
# Esperanto 46.36/13.90. Measured and left out: the _US variants, eco-fr-es and
# fra-cat_pre2017 (their English is the same or nearly), Spanish then Catalan
# (47.17, and it lowers the consensus).
PIVOTS: tuple[Pivot, ...] = (
    Pivot(PIVOT, ("apertium-fr-es", "apertium-eng-spa")),
    Pivot(
        ("fra-cat", "cat-spa", "spa-eng"),
        ("apertium-fra-cat", "apertium-spa-cat", "apertium-eng-spa"),
    ),
    Pivot(("fra-cat", "cat-eng"), ("apertium-fra-cat", "apertium-eng-cat")),
    Pivot(("fr-eo", "eo-en"), ("apertium-eo-fr", "apertium-eo-en")),
)
# The packages that add the other pivots.
EXTRA_PACKAGES = tuple(
    dict.fromkeys(
        package for pivot in PIVOTS for package in pivot.packages if package not in DEBIAN_PACKAGES
    )
)
# Segments per pipeline by default: about 5 s of work at 400 segments/s, so a
# kill -9 loses little and the bar moves, while the pipeline's start-up (about
# 0.26 CPU-s) stays small. Measured on 5982 FLORES segments, engine CPU: one batch
# for the run 30.9 s, batches of 2000 30.0 s, batches of 500 33.8 s.
DEFAULT_BATCH_SIZE = 2000
# Time allowed per batch: a fixed part for start-up and dictionary loading, plus
# a part per segment about 40 times what Apertium needs with one pivot (0.0025 s
# per segment), 4 times with all four (0.025 CPU-s, measured on a loaded machine).
DEFAULT_TIMEOUT_SECONDS = 60.0
SECONDS_PER_SEGMENT = 0.1


def time_limit(segments: int, base_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> float | None:
    """Seconds a batch of ``segments`` may take before Apertium is taken for hung.

    ``None`` (no limit) when ``base_seconds`` is infinite.
    """
    if not math.isfinite(base_seconds):
        return None
    return base_seconds + SECONDS_PER_SEGMENT * segments


def is_available() -> bool:
    """Whether the apertium command and both pivot directions are installed."""
    if shutil.which("apertium") is None:
        return False
    listing = _installed_modes()
    return all(mode in listing for mode in PIVOT)


def _installed_modes() -> set[str]:
    try:
        return set(
            subprocess.run(
                ["apertium", "-l"], capture_output=True, text=True, timeout=30, check=False
            ).stdout.split()
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()


def _data_version(packages: Sequence[str] = DEBIAN_PACKAGES) -> str:
    query = ["dpkg-query", "-W", "-f=${Package}=${Version} ", *packages]
    try:
        result = subprocess.run(query, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "unknown"
    return result.stdout.strip() or "unknown"


def chain_name(chain: Chain) -> str:
    """How a chain is named in versions and messages: ``fr-es|spa-eng``."""
    return "|".join(chain)


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
        listing = _installed_modes()
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
            version = f"{_data_version(list(packages))} pivots " + " + ".join(
                chain_name(pivot.modes) for pivot in usable
            )
        else:
            version = _data_version()
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
            return _translate_checked(texts, _run_pipeline, self.timeout_seconds)
        return self._translate_combined(texts)

    def _translate_combined(self, texts: list[str]) -> list[str]:
        """Every chain's English of ``texts``, run side by side; the consensus of each kept."""
        limit = time_limit(len(texts), self.timeout_seconds)
        outputs = _run_chains(SEPARATOR.join(texts), self.pivots, limit)
        candidates: list[list[str]] = []
        for chain in self.pivots:
            parts = outputs[chain].strip("\n").split(SEPARATOR)
            if len(parts) == len(texts):
                candidates.append([" ".join(part.split()) for part in parts])
            else:  # a boundary moved in this chain: it alone is run again in halves

                def run_chain(text: str, limit: float | None, chain: Chain = chain) -> str:
                    return _run_chains(text, (chain,), limit)[chain]

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
        return _translate_marked_checked([" ".join(text.split()) for text in texts], self.pivots[0])

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
        outputs = [_translate_marked_checked(cleaned, chain) for chain in self.pivots]
        chosen = []
        for number, wanted in enumerate(english):
            likeness = [chrf(_without_tags(output[number]), wanted) for output in outputs]
            best = max(range(len(outputs)), key=lambda index: (likeness[index], -index))
            chosen.append(outputs[best][number])
        return chosen


def _without_tags(html: str) -> str:
    return re.sub(r"<[^>]*>", " ", html)


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


# Seconds allowed per marked call: a run's marked segments are a few hundred at most.
MARKED_TIMEOUT = 300


def _translate_marked_checked(texts: list[str], chain: Chain = PIVOT) -> list[str]:
    outputs = _run_marked(SEPARATOR.join(texts), chain).strip("\n").split(SEPARATOR)
    if len(outputs) == len(texts):
        return [" ".join(output.split()) for output in outputs]
    if len(texts) == 1:
        return [" ".join(" ".join(outputs).split())]
    middle = len(texts) // 2
    return _translate_marked_checked(texts[:middle], chain) + _translate_marked_checked(
        texts[middle:], chain
    )


def _run_marked(text: str, chain: Chain = PIVOT) -> str:
    """``text`` through ``apertium -f html`` on each mode of ``chain``, one after the other."""
    french = text
    for mode in chain:
        try:
            step = subprocess.run(
                ["apertium", "-f", "html", "-u", mode],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=MARKED_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineError(f"apertium -f html {mode} failed ({exc}). {INSTALL_HELP}") from None
        if step.returncode:
            detail = step.stderr.decode("utf-8", "replace").strip().splitlines()
            raise EngineError(
                f"apertium -f html {mode} failed"
                + (f": {detail[-1]}" if detail else f" (exit {step.returncode})")
            )
        text = step.stdout.decode("utf-8", "replace")
        if mode == "fra-cat":
            text = tags_after_contractions(french, text)
    return text


# French contractions of a preposition and the article (du pain, au ministre), and
# the Catalan ones fra-cat makes of them (del pa, al ministre).
_FRENCH_CONTRACTION = re.compile(r"(?i)\b(?:du|au|aux)\s+$")
_CATALAN_CONTRACTION = re.compile(r"(?i)(?:del|dels|al|als|pel|pels)\s+")
_OPENING_TAG = re.compile(r"<(?!/)[^<>]*(?<!/)>")


def tags_after_contractions(french: str, catalan: str) -> str:
    """Put back after a contraction the opening tags fra-cat moved before it.

    fra-cat carries a tag opened after French ``du``/``au``/``aux`` over the
    Catalan contraction (``du <b>pain</b>`` -> ``<b>del pa</b>``, then "<b>of
    the bread</b>" in English): such a tag is moved back after the contraction.
    The French and Catalan opening tags are paired in order; where their counts
    differ nothing is moved.
    """
    french_tags = list(_OPENING_TAG.finditer(french))
    catalan_tags = list(_OPENING_TAG.finditer(catalan))
    if len(french_tags) != len(catalan_tags):
        return catalan
    pieces, at = [], 0
    for before, tag in zip(french_tags, catalan_tags, strict=True):
        contraction = _CATALAN_CONTRACTION.match(catalan, tag.end())
        if contraction is None or not _FRENCH_CONTRACTION.search(
            french, max(0, before.start() - 8), before.start()
        ):
            continue
        pieces += [catalan[at : tag.start()], contraction.group(0), tag.group(0)]
        at = contraction.end()
    return "".join(pieces) + catalan[at:]


def _run_pipeline(text: str, limit: float | None = None) -> str:
    """Run ``text`` through both Apertium processes; stop them after ``limit`` seconds.

    Each process leads its own process group, so that stopping it also stops what
    it started (``apertium`` is a shell script running a chain of programs).

    Raises:
        EngineError: Apertium cannot start, fails, or is still running after ``limit``.
    """
    first_cmd = ["apertium", "-u", PIVOT[0]]
    second_cmd = ["apertium", PIVOT[1]]
    started: list[subprocess.Popen[bytes]] = []
    # One finally for starting and running: Ctrl-C may come at any point, and no
    # Apertium process may outlive the call (start_new_session keeps the
    # terminal's Ctrl-C from reaching them).
    try:
        try:
            first = subprocess.Popen(
                first_cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            started.append(first)
            second = subprocess.Popen(
                second_cmd,
                stdin=first.stdout,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            started.append(second)
        except OSError as exc:
            raise EngineError(f"cannot start apertium ({exc}). {INSTALL_HELP}") from None
        return _communicate(first, second, text, limit)
    finally:
        _stop(started)


def _communicate(
    first: subprocess.Popen[bytes], second: subprocess.Popen[bytes], text: str, limit: float | None
) -> str:
    assert first.stdout is not None and first.stdin is not None
    first.stdout.close()  # the second process owns it now
    # communicate() on the second process cannot feed the first one, and writing
    # everything before reading would deadlock on full pipes: feed from a thread.
    errors: list[BaseException] = []

    def feed() -> None:
        try:
            assert first.stdin is not None
            first.stdin.write(text.encode("utf-8"))
            first.stdin.close()
        except (OSError, ValueError) as exc:
            # A broken pipe (reported through the exit codes below), or the pipe
            # closed under it when the processes were stopped.
            errors.append(exc)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        out, second_err = second.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        segments = text.count(SEPARATOR) + 1
        raise EngineError(
            f"the apertium engine did not finish a batch of {segments} segments in "
            f"{limit:.0f} s and was stopped. The batches finished before it are saved in the "
            "translation memory; run again to resume, with a smaller --batch-size or a larger "
            "--engine-timeout if Apertium is only slow"
        ) from None
    writer.join(timeout=5)
    first_err = first.stderr.read() if first.stderr else b""
    first.wait()
    if first.returncode or second.returncode:
        detail = (first_err + second_err).decode("utf-8", "replace").strip().splitlines()
        raise EngineError(
            "apertium failed"
            + (f": {detail[-1]}" if detail else f" (exit {first.returncode or second.returncode})")
            + f". {INSTALL_HELP}"
        )
    return out.decode("utf-8", "replace")


def _run_chains(text: str, chains: Sequence[Chain], limit: float | None) -> dict[Chain, str]:
    """``text`` through every chain side by side; each chain's output.

    The chains run step by step: every first step at once, then every second
    step on its output, and so on; a step two chains share (``fra-cat``) runs
    once. Only a chain's last step marks unknown words, as in
    :func:`_run_pipeline`. Every chain must be done within ``limit`` seconds of
    the call; each process leads its own process group and none outlives the call.

    Raises:
        EngineError: A step cannot start, fails, or a chain is not done in time.
    """
    deadline = None if limit is None else time.monotonic() + limit
    data: dict[Chain, bytes] = {(): text.encode("utf-8")}
    started: list[subprocess.Popen[bytes]] = []
    # Set before the started processes are stopped: a step starting after that
    # (Ctrl-C during a step's start) stops its own process.
    stopping = threading.Event()
    try:
        for depth in range(1, max(map(len, chains)) + 1):
            steps = list(dict.fromkeys(chain[:depth] for chain in chains if len(chain) >= depth))
            results: dict[Chain, bytes | EngineError] = {}
            workers = [
                threading.Thread(
                    target=_run_step,
                    args=(step, data[step[:-1]], step in chains, deadline, started, results),
                    kwargs={"stopping": stopping},
                    daemon=True,
                )
                for step in steps
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            for step in steps:
                result = results.get(step, EngineError(f"apertium {step[-1]} gave no answer"))
                if isinstance(result, EngineError):
                    raise _for_chains(result, step, chains, text, limit)
                data[step] = result
    finally:
        stopping.set()
        _stop(started)
    return {chain: data[chain].decode("utf-8", "replace") for chain in chains}


class _TimedOut(EngineError):
    """A step still running at the chain's deadline."""


def _run_step(
    step: Chain,
    text: bytes,
    last: bool,
    deadline: float | None,
    started: list[subprocess.Popen[bytes]],
    results: dict[Chain, bytes | EngineError],
    stopping: threading.Event | None = None,
) -> None:
    """Run the last mode of ``step`` on ``text``; put its output or error in ``results``."""
    command = ["apertium", step[-1]] if last else ["apertium", "-u", step[-1]]
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        results[step] = EngineError(f"cannot start apertium ({exc}). {INSTALL_HELP}")
        return
    started.append(process)
    if stopping is not None and stopping.is_set():
        _stop([process])
        results[step] = EngineError(f"apertium {step[-1]} was stopped")
        return
    remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
    try:
        out, err = process.communicate(text, timeout=remaining)
    except subprocess.TimeoutExpired:
        results[step] = _TimedOut(step[-1])
        return
    except (OSError, ValueError) as exc:  # the pipes closed under it: the call was stopped
        results[step] = EngineError(f"apertium {step[-1]} was stopped ({exc})")
        return
    if process.returncode:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        results[step] = EngineError(
            f"apertium {step[-1]} failed"
            + (f": {detail[-1]}" if detail else f" (exit {process.returncode})")
            + f". {INSTALL_HELP}"
        )
        return
    results[step] = out


def _for_chains(
    error: EngineError, step: Chain, chains: Sequence[Chain], text: str, limit: float | None
) -> EngineError:
    """``error`` of ``step`` said as the user needs it: which chains, and what to do."""
    names = ", ".join(chain_name(chain) for chain in chains if chain[: len(step)] == step)
    if isinstance(error, _TimedOut):
        segments = text.count(SEPARATOR) + 1
        return EngineError(
            f"the apertium engine did not finish a batch of {segments} segments in "
            f"{limit or 0:.0f} s ({names}) and was stopped. The batches finished before it are "
            "saved in the translation memory; run again to resume, with a smaller --batch-size "
            "or a larger --engine-timeout if Apertium is only slow"
        )
    return EngineError(f"{error} ({names})")


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Kill the process groups of ``processes`` that are still running, and reap them."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
    for process in processes:
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):
                    stream.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
