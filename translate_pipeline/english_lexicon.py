"""Which words English knows, asked of Apertium's English morphological analyser.

Used to tell an untranslated French word left in the English ("testeurs",
"rigoureusement") from one English shares ("restaurant", "feedback"). The
analyser ships with ``apertium-eng-spa``; one ``lt-proc -z`` process answers
every question of a run (about 0.2 ms each). Where it is missing, callers fall
back on a cruder rule.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import weakref
from collections.abc import Iterable
from pathlib import Path

ANALYSER = Path("/usr/share/apertium/apertium-eng-spa/eng-spa.automorf.bin")
_ANALYSIS = re.compile(r"\^([^/$]*)/([^$]*)\$")


class EnglishLexicon:
    """A running English analyser; :meth:`unknown` says which words it cannot analyse."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._known: dict[str, bool] = {}
        # The process ends with the object even when nobody calls close().
        self._finalizer = weakref.finalize(self, _stop, process)

    @classmethod
    def start(cls, analyser: Path = ANALYSER) -> EnglishLexicon | None:
        """Start the analyser, or return ``None`` where lt-proc or its data is missing."""
        command = shutil.which("lt-proc")
        if command is None or not analyser.exists():
            return None
        try:
            process = subprocess.Popen(
                [command, "-z", str(analyser)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return None
        return cls(process)

    def unknown(self, words: Iterable[str]) -> set[str]:
        """The ``words`` English does not know (in any case: "Feedback" is known)."""
        words = list(words)
        for word in words:
            if word not in self._known:
                self._known[word] = self._knows(word)
        return {w for w in words if not self._known[w]}

    def _knows(self, word: str) -> bool:
        # One word per request, so that no two words are read as one multiword unit.
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(word.lower().encode("utf-8") + b"\0")
            stdin.flush()
            answer = b""
            while not answer.endswith(b"\0"):
                chunk = stdout.read1(65536)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            return True  # cannot tell: flag nothing
        analyses = _ANALYSIS.findall(answer.rstrip(b"\0").decode("utf-8", "replace"))
        return not (len(analyses) == 1 and analyses[0][1].startswith("*"))

    def close(self) -> None:
        """Stop the analyser."""
        self._finalizer()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdin:
        process.stdin.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()
