"""Apertium: Debian's rule-based French -> Spanish -> English pivot.

Quality is modest (about 15 BLEU on FLORES, against about 40 for the Argos
model), but it runs anywhere Debian does, with no model and no network. All of
a call's segments go through one pair of processes, separated by blank lines
(which Apertium treats as hard sentence boundaries and passes through), instead
of one process per sentence: about 400 sentences/s against 4.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from translate_pipeline.errors import EngineError

PIVOT = ("fr-es", "spa-eng")
SEPARATOR = "\n\n"
DEBIAN_PACKAGES = ("apertium", "apertium-fr-es", "apertium-eng-spa")
INSTALL_HELP = "Install it with: sudo apt-get install " + " ".join(DEBIAN_PACKAGES)


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
    batch_size: int | None = None
    # Measured: Apertium passes ZQX0QZ-style tokens through in place, while it
    # translates names ("Hugging Face" -> "Hugging Expensive") and lower-cases URLs.
    uses_placeholders: bool = True

    @classmethod
    def load(cls, batch_size: int | None = None) -> ApertiumTranslator:
        """Check that Apertium and both pairs are installed.

        Args:
            batch_size: Segments per pipeline; ``None`` sends all of a run at once.

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
        return cls(version=_data_version(), batch_size=batch_size)

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate all ``texts`` through one Apertium pipeline."""
        if not texts:
            return []
        cleaned = [" ".join(text.split()) for text in texts]
        return self._translate_checked(cleaned)

    def _translate_checked(self, texts: list[str]) -> list[str]:
        outputs = _run_pipeline(SEPARATOR.join(texts)).strip("\n").split(SEPARATOR)
        if len(outputs) == len(texts):
            return [" ".join(output.split()) for output in outputs]
        # Apertium merged or split a boundary; halve until each part lines up.
        if len(texts) == 1:
            return [" ".join(outputs).strip()]
        middle = len(texts) // 2
        return self._translate_checked(texts[:middle]) + self._translate_checked(texts[middle:])


def _run_pipeline(text: str) -> str:
    # The second step runs without -u: unknown (*), untransferred (@) and
    # uninflected (#) words come back marked, and translation.py takes the marks
    # off and QA names the words. The first keeps -u: the second reads its marks
    # as tokens of their own that it may move ("Trinity * College"), while a French
    # word the first does not know is unknown to the second too, so still marked.
    first_cmd = ["apertium", "-u", PIVOT[0]]
    second_cmd = ["apertium", PIVOT[1]]
    try:
        first = subprocess.Popen(
            first_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        second = subprocess.Popen(
            second_cmd, stdin=first.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise EngineError(f"cannot start apertium ({exc}). {INSTALL_HELP}") from None
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
        except OSError as exc:  # broken pipe: reported through the exit codes below
            errors.append(exc)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out, second_err = second.communicate()
    writer.join()
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
