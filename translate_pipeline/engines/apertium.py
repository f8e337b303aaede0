"""Apertium: Debian's rule-based French -> Spanish -> English pivot.

Quality is modest (about 15 BLEU on FLORES, against about 40 for the Argos
model), but it runs anywhere Debian does, with no model and no network. All of
a call's segments go through one pair of processes, separated by blank lines
(which Apertium treats as hard sentence boundaries and passes through), instead
of one process per sentence: about 400 sentences/s against 4.

A call is bounded: it carries at most :data:`DEFAULT_BATCH_SIZE` segments (so each
batch is saved as it ends and progress moves), and its processes are stopped when
they have not finished within a time derived from its size (so a hung Apertium
cannot make a run wait forever).
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from translate_pipeline.errors import EngineError

PIVOT = ("fr-es", "spa-eng")
SEPARATOR = "\n\n"
DEBIAN_PACKAGES = ("apertium", "apertium-fr-es", "apertium-eng-spa")
INSTALL_HELP = "Install it with: sudo apt-get install " + " ".join(DEBIAN_PACKAGES)
# Segments per pipeline by default: about 5 s of work at 400 segments/s, so a
# kill -9 loses little and the bar moves, while the pipeline's start-up (about
# 0.26 CPU-s) stays small. Measured on 5982 FLORES segments, engine CPU: one batch
# for the run 30.9 s, batches of 2000 30.0 s, batches of 500 33.8 s.
DEFAULT_BATCH_SIZE = 2000
# Time allowed per batch: a fixed part for start-up and dictionary loading, plus
# a part per segment about 40 times what Apertium needs (0.0025 s per segment).
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
    return not _missing_modes()


def _missing_modes() -> list[str]:
    try:
        listing = subprocess.run(
            ["apertium", "-l"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return list(PIVOT)
    return [mode for mode in PIVOT if mode not in listing]


def _data_version() -> str:
    query = ["dpkg-query", "-W", "-f=${Package}=${Version} ", *DEBIAN_PACKAGES]
    try:
        result = subprocess.run(query, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "unknown"
    return result.stdout.strip() or "unknown"


@dataclass(frozen=True)
class ApertiumTranslator:
    """French to English through Apertium's fr-es and spa-eng pairs."""

    version: str
    name: str = "apertium"
    batch_size: int | None = DEFAULT_BATCH_SIZE
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    # Measured: Apertium passes ZQX0QZ-style tokens through in place, while it
    # translates names ("Hugging Face" -> "Hugging Expensive") and lower-cases URLs.
    uses_placeholders: bool = True

    @classmethod
    def load(
        cls, batch_size: int | None = None, timeout_seconds: float | None = None
    ) -> ApertiumTranslator:
        """Check that Apertium and both pairs are installed.

        Args:
            batch_size: Segments per pipeline (``None``: :data:`DEFAULT_BATCH_SIZE`).
            timeout_seconds: The fixed part of a batch's time limit (see :func:`time_limit`).

        Raises:
            EngineError: Apertium or one of the pairs is missing.
        """
        if shutil.which("apertium") is None:
            raise EngineError(f"the apertium engine is not installed. {INSTALL_HELP}")
        missing = _missing_modes()
        if missing:
            raise EngineError(
                f"Apertium lacks the {', '.join(missing)} translation direction(s). {INSTALL_HELP}"
            )
        return cls(
            version=_data_version(),
            batch_size=batch_size or DEFAULT_BATCH_SIZE,
            timeout_seconds=DEFAULT_TIMEOUT_SECONDS if timeout_seconds is None else timeout_seconds,
        )

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate all ``texts`` through one Apertium pipeline."""
        if not texts:
            return []
        cleaned = [" ".join(text.split()) for text in texts]
        return self._translate_checked(cleaned)

    def _translate_checked(self, texts: list[str]) -> list[str]:
        limit = time_limit(len(texts), self.timeout_seconds)
        outputs = _run_pipeline(SEPARATOR.join(texts), limit).strip("\n").split(SEPARATOR)
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
        return self._translate_checked(texts[:middle]) + self._translate_checked(texts[middle:])

    def translate_marked(self, texts: Sequence[str]) -> list[str]:
        """Translate HTML fragments with Apertium's own format handling (``-f html``).

        Tags travel through both pivot steps as superblanks, next to the words
        they held; see :func:`translate_pipeline.reproject.mark_spans_html`. Used
        to learn where a segment's inline spans went, not for the English itself.
        """
        if not texts:
            return []
        return _translate_marked_checked([" ".join(text.split()) for text in texts])


# Seconds allowed per marked call: a run's marked segments are a few hundred at most.
MARKED_TIMEOUT = 300


def _translate_marked_checked(texts: list[str]) -> list[str]:
    outputs = _run_marked(SEPARATOR.join(texts)).strip("\n").split(SEPARATOR)
    if len(outputs) == len(texts):
        return [" ".join(output.split()) for output in outputs]
    if len(texts) == 1:
        return [" ".join(" ".join(outputs).split())]
    middle = len(texts) // 2
    return _translate_marked_checked(texts[:middle]) + _translate_marked_checked(texts[middle:])


def _run_marked(text: str) -> str:
    """``text`` through ``apertium -f html`` fr-es, then spa-eng (one step after the other)."""
    for mode in PIVOT:
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
    return text


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
