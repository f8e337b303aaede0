"""The Argos model in a child process, so that a hung model can be stopped.

CTranslate2 offers no way to interrupt a ``translate_batch`` call, and a
process that gives up on one still running in a thread of its own can abort
at exit ("terminate called without an active exception", status 134). So the
model lives in a child process (:func:`serve`) that loads it once and answers
requests over a pair of pipes; the parent (:class:`ModelWorker`) waits for
each answer with a time limit and kills the child when it passes. The parent
never imports CTranslate2.

The child runs in its own session and ignores SIGINT: Ctrl-C reaches only the
parent, which kills the child and reports the interruption. A child whose
parent died (``kill -9``) ends itself within about a second.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from translate_pipeline.engines.argos import max_decoding_length
from translate_pipeline.errors import DamagedModelError, EngineError

# What the child's stderr tail shows in an error about its death (characters).
STDERR_TAIL = 300
# The child's program. Imported by its name (not run with -m as __main__), so that
# the classes it sends back unpickle in the parent.
CHILD_MAIN = (
    "import sys; from translate_pipeline.engines.argos_worker import main; main(sys.argv[1:])"
)
# How often an orphaned child checks whether its parent is gone (seconds).
ORPHAN_CHECK_SECONDS = 1.0


class WorkerTimeout(EngineError):
    """The model process did not answer within its time limit and was killed."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        super().__init__(f"no answer within {limit:.0f} s")


@dataclass(frozen=True)
class LoadRequest:
    """What the child needs to load a package.

    Attributes:
        package_path: The installed package's folder.
        device: ``--device`` ("auto", "cpu" or "cuda").
        threads: ``--threads`` (0: all cores).
        target_prefix: The package's target prefix ("" for none).
    """

    package_path: str
    device: str
    threads: int
    target_prefix: str


@dataclass(frozen=True)
class ForcedAlignment:
    """What the model's attention says of one French text and its forced English.

    Attributes:
        source_pieces: The French text's SentencePiece pieces.
        target_pieces: The English text's pieces (without the target prefix).
        forced: Whether the model returned exactly the forced English.
        attention: For each English piece, its attention over the French pieces.
    """

    source_pieces: tuple[str, ...]
    target_pieces: tuple[str, ...]
    forced: bool
    attention: tuple[tuple[float, ...], ...]


# -- the parent's side -------------------------------------------------------------------


class ModelWorker:
    """A child process holding one loaded model, asked with a time limit per request.

    Not shared between threads without the caller's own locking: one request at a
    time (a lock guards it anyway).
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        requests: Connection,
        replies: Connection,
        log: IO[bytes],
    ) -> None:
        self._process = process
        self._requests = requests
        self._replies = replies
        self._log = log
        self._lock = threading.Lock()
        self.stopped = False
        # Killed when the handle is garbage-collected or at interpreter exit.
        self._finalizer = weakref.finalize(self, _kill, process, requests, replies, log)

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._process.pid

    @classmethod
    def start(cls) -> ModelWorker:
        """Start a child running :func:`serve`, not yet holding a model.

        Raises:
            EngineError: The child process cannot be started.
        """
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        # The child's stdout and stderr, read for an error if it dies; open as long
        # as the child runs (the finalizer closes it).
        log = tempfile.TemporaryFile()  # noqa: SIM115
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", CHILD_MAIN, str(request_read), str(reply_write)],
                pass_fds=(request_read, reply_write),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                # Its own session: the terminal's Ctrl-C reaches the parent only.
                start_new_session=True,
            )
        except OSError as exc:
            os.close(request_write)
            os.close(reply_read)
            log.close()
            raise EngineError(f"cannot start the argos model process ({exc})") from None
        finally:
            with contextlib.suppress(OSError):
                os.close(request_read)
            with contextlib.suppress(OSError):
                os.close(reply_write)
        return cls(
            process,
            Connection(request_write, readable=False),
            Connection(reply_read, writable=False),
            log,
        )

    def ask(self, request: tuple[Any, ...], limit: float | None) -> Any:
        """Send ``request`` and return the child's answer.

        Args:
            request: A tuple whose first item names what is asked (see :func:`serve`).
            limit: Seconds to wait for the answer (``None``: no limit).

        Raises:
            WorkerTimeout: No answer within ``limit``; the child was killed.
            DamagedModelError: The child could not load a part of the package.
            EngineError: The child refused the request, failed it, or died; or it
                was stopped before.
            KeyboardInterrupt: Ctrl-C while waiting; the child was killed.
        """
        with self._lock:
            if self.stopped:
                raise EngineError("the argos model process was stopped after an earlier failure")
            try:
                self._requests.send(request)
                if not self._replies.poll(limit):
                    raise WorkerTimeout(limit or 0.0)
                reply = self._replies.recv()
            except (EOFError, OSError):
                raise EngineError(self._death()) from None
            except BaseException:
                # Ctrl-C, or a timeout: nothing may keep computing behind the caller.
                self.stop()
                raise
        kind, *rest = reply
        if kind == "ok":
            return rest[0]
        if kind == "damaged":
            path, part, reason = rest
            raise DamagedModelError(Path(path), part, reason)
        raise EngineError(rest[0])

    def stop(self) -> None:
        """Kill the child (if it still runs) and close the pipes."""
        self.stopped = True
        self._finalizer()

    def _death(self) -> str:
        """Why the child ended, for an error, once it has (it is reaped here)."""
        try:
            status = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            status = None
        self._log.seek(0, os.SEEK_END)
        size = self._log.tell()
        self._log.seek(max(0, size - STDERR_TAIL))
        tail = " ".join(self._log.read().decode("utf-8", "replace").split())
        self.stop()
        how = f"ended with status {status}" if status is not None else "stopped answering"
        return f"the argos model process {how}" + (f" ({tail})" if tail else "")


def _kill(
    process: subprocess.Popen[bytes], requests: Connection, replies: Connection, log: IO[bytes]
) -> None:
    """Kill ``process`` (its session, in case it started others) and close its pipes."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    for handle in (requests, replies, log):
        with contextlib.suppress(OSError):
            handle.close()


# -- the child's side --------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedModel:
    """The model as the child holds it."""

    translator: Any
    sentencepiece: Any
    target_prefix: str
    max_batch_tokens: int


def serve(requests: Connection, replies: Connection) -> None:
    """Answer requests until the parent closes its end (then end at once).

    Requests are ``("load", LoadRequest)`` (first), ``("translate", texts,
    beam_size)`` and ``("align", texts, englishes)``. Answers are ``("ok",
    value)``, ``("damaged", path, part, reason)`` or ``("error", message)``.
    """
    model: LoadedModel | None = None
    while True:
        try:
            request = requests.recv()
        except (EOFError, OSError):
            break
        try:
            if request[0] == "load":
                model, answer = _load(request[1])
            elif model is None:
                answer = ("error", "the argos model process has no model loaded")
            elif request[0] == "translate":
                answer = ("ok", _translate(model, request[1], request[2]))
            elif request[0] == "align":
                answer = ("ok", _align(model, request[1], request[2]))
            else:
                answer = ("error", f"unknown request {request[0]!r}")
        except (RuntimeError, ValueError, OSError, MemoryError) as exc:
            answer = ("error", f"{type(exc).__name__}: {_reason(exc)}")
        try:
            replies.send(answer)
        except OSError:
            break


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _damaged(path: Path, part: str, exc: BaseException) -> tuple[str, str, str, str]:
    """The answer for a package whose ``part`` cannot be loaded (see :func:`damaged_model`)."""
    from translate_pipeline.engines.argos import damaged_model

    error = damaged_model(path, part, exc)
    return ("damaged", str(error.path), error.part, error.reason)


def _load(request: LoadRequest) -> tuple[LoadedModel | None, tuple[Any, ...]]:
    """Load the package; the model and the answer (the device plan, or what failed)."""
    import ctranslate2
    import sentencepiece

    from translate_pipeline.engines.argos import detect_device

    path = Path(request.package_path)
    try:
        tokenizer = sentencepiece.SentencePieceProcessor(
            model_file=str(path / "sentencepiece.model")
        )
    except (RuntimeError, OSError, ValueError) as exc:
        return None, _damaged(path, "sentencepiece.model", exc)
    try:
        plan = detect_device(request.device, request.threads)
    except EngineError as exc:
        return None, ("error", str(exc))
    try:
        translator = ctranslate2.Translator(
            str(path / "model"),
            device=plan.device,
            device_index=list(plan.device_index),
            compute_type=plan.compute_type,
            inter_threads=plan.inter_threads,
            intra_threads=plan.intra_threads,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        return None, _damaged(path, "model/model.bin", exc)
    model = LoadedModel(translator, tokenizer, request.target_prefix, plan.max_batch_tokens)
    # The device the parent reports is the one CTranslate2 says the model is on.
    return model, ("ok", replace(plan, device=translator.device))


def _translate(model: LoadedModel, texts: Sequence[str], beam_size: int) -> list[str]:
    """Translate ``texts`` in one CTranslate2 call."""
    tokens = model.sentencepiece.encode(list(texts), out_type=str)
    prefix = [[model.target_prefix]] * len(tokens) if model.target_prefix else None
    results = model.translator.translate_batch(
        tokens,
        target_prefix=prefix,
        beam_size=beam_size,
        max_batch_size=model.max_batch_tokens,
        batch_type="tokens",
        replace_unknowns=True,
        length_penalty=0.2,
        # Guard against a model that loops: no English sentence needs twice
        # the French one's tokens plus ten.
        max_decoding_length=max_decoding_length(len(t) for t in tokens),
    )
    outputs = []
    for result in results:
        hypothesis = list(result.hypotheses[0])
        if model.target_prefix and hypothesis[:1] == [model.target_prefix]:
            hypothesis = hypothesis[1:]
        outputs.append(model.sentencepiece.decode_pieces(hypothesis).strip())
    return outputs


def _align(
    model: LoadedModel, texts: Sequence[str], englishes: Sequence[str]
) -> list[ForcedAlignment]:
    """The attention of each English forced on the model as a target prefix."""
    sources = model.sentencepiece.encode(list(texts), out_type=str)
    targets = model.sentencepiece.encode(list(englishes), out_type=str)
    lead = [model.target_prefix] if model.target_prefix else []
    prefixes = [lead + list(pieces) for pieces in targets]
    results = model.translator.translate_batch(
        sources,
        target_prefix=prefixes,
        beam_size=1,
        max_batch_size=model.max_batch_tokens,
        batch_type="tokens",
        return_attention=True,
        # The prefix counts towards the length: nothing is decoded after it.
        max_decoding_length=max(len(p) for p in prefixes),
    )
    return [
        ForcedAlignment(
            source_pieces=tuple(source),
            target_pieces=tuple(target),
            forced=list(result.hypotheses[0])[: len(prefix)] == prefix,
            attention=tuple(
                tuple(row) for row in list(result.attention[0])[len(lead) : len(prefix)]
            ),
        )
        for source, target, prefix, result in zip(sources, targets, prefixes, results, strict=True)
    ]


def _exit_when_orphaned(parent: int) -> None:
    """End the process at once when its parent is gone (it was killed, say)."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(0)


def main(argv: Sequence[str]) -> None:
    """The child's entry point (:data:`CHILD_MAIN`), given its two pipes' descriptors."""
    # Only the parent handles Ctrl-C (the child also runs in its own session).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    requests = Connection(int(argv[0]), writable=False)
    replies = Connection(int(argv[1]), readable=False)
    serve(requests, replies)
    sys.stdout.flush()
    sys.stderr.flush()
    # No interpreter or C++ teardown: CTranslate2's threads may still exist, and
    # the child holds nothing that needs saving.
    os._exit(0)
