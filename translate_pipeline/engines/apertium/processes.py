"""Running Apertium's processes: one chain as a pipeline, or several chains side by side.

Every process leads its own process group and none outlives the call that started
it; a call that has not finished within its time limit (:func:`time_limit`) is
stopped, so that a hung Apertium cannot make a run wait forever.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence

from translate_pipeline.engines.apertium.pivots import INSTALL_HELP, PIVOT, Chain, chain_name
from translate_pipeline.errors import EngineError

# Segments of a call are separated by blank lines, which Apertium treats as hard
# sentence boundaries and passes through.
SEPARATOR = "\n\n"
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


def run_pipeline(text: str, limit: float | None = None) -> str:
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


def run_chains(text: str, chains: Sequence[Chain], limit: float | None) -> dict[Chain, str]:
    """``text`` through every chain side by side; each chain's output.

    The chains run step by step: every first step at once, then every second
    step on its output, and so on; a step two chains share (``fra-cat``) runs
    once. Only a chain's last step marks unknown words, as in
    :func:`run_pipeline`. Every chain must be done within ``limit`` seconds of
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
