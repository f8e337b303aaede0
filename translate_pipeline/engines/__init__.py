"""Translation engines behind one small interface, and the choice between them.

Each engine lives in its own module and is imported only when chosen, so that
``translate --help`` never loads CTranslate2.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from translate_pipeline.errors import EngineError

ENGINE_NAMES = ("auto", "argos", "apertium")
DEVICES = ("auto", "cpu", "cuda")


@runtime_checkable
class Translator(Protocol):
    """What the pipeline needs from an engine.

    ``name`` and ``version`` identify the engine and its model in summaries and
    in translation-memory keys; ``batch_size`` is how many segments one call
    should carry (``None``: all of them at once); ``uses_placeholders`` says
    whether protected spans are sent as opaque placeholders (engines that pass
    them through) or left in the text and verified afterwards.
    """

    name: str
    version: str
    batch_size: int | None
    uses_placeholders: bool

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate each French text into English, one output per input."""
        ...


@dataclass(frozen=True)
class EngineOptions:
    """Settings that tune an engine without changing what it translates.

    Attributes:
        threads: CPU threads for the neural engine (0: let CTranslate2 decide).
        beam_size: Beam size for the neural engine (1 is greedy search).
        batch_size: Segments per engine call, overriding the engine's own choice;
            each finished call is saved to the translation memory.
        device: Where the neural engine runs: "cpu", "cuda" (every visible GPU),
            or "auto" (the GPUs when CTranslate2 sees one, else the CPU).
        timeout_seconds: The fixed part of the time an engine process may take
            over one batch before it is taken for hung and stopped (a part per
            segment is added); ``None``: the engine's default.
        pivots: Apertium's pivot languages: "all" installed (each sentence's
            English chosen among them), or "spanish" alone (about a sixth of the CPU).
    """

    threads: int = 0
    beam_size: int = 2
    batch_size: int | None = None
    device: str = "auto"
    timeout_seconds: float | None = None
    pivots: str = "all"


# The values of EngineOptions.pivots (``--pivots``).
PIVOT_CHOICES = ("all", "spanish")


@dataclass(frozen=True)
class EngineChoice:
    """An engine identified (name and version, for memory keys) but not yet loaded.

    Loading a neural model takes time and memory; a run whose sentences are all
    in the translation memory never does it.
    """

    name: str
    version: str
    loader: Callable[[], Translator]

    def load(self) -> Translator:
        """Load the engine."""
        return self.loader()

    @classmethod
    def of(cls, engine: Translator) -> EngineChoice:
        """Wrap an engine that is already loaded."""
        return cls(engine.name, engine.version, lambda: engine)


NO_ENGINE_HELP = (
    "no translation engine is available. Either install an Argos French-English model "
    "('translate model install FILE.argosmodel', or 'translate model install --online fr en' "
    "where there is a network), or install Apertium "
    "('sudo apt-get install apertium apertium-fr-es apertium-eng-spa')"
)


def choose_engine(name: str, options: EngineOptions) -> EngineChoice:
    """Identify the engine called ``name`` ("auto", "argos" or "apertium").

    "auto" takes an installed Argos French-English model when there is one, else
    Apertium when it is installed.

    Raises:
        EngineError: The engine is unknown or not installed; the message says how to
            install it.
    """
    from translate_pipeline.engines import apertium, argos

    if name not in ENGINE_NAMES:
        raise EngineError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
    if name == "argos" or (name == "auto" and argos.find_package() is not None):
        return argos.choose(options)
    if name == "apertium" or apertium.is_available():
        pivots = apertium.PIVOTS if options.pivots == "all" else apertium.PIVOTS[:1]
        return EngineChoice.of(
            apertium.ApertiumTranslator.load(options.batch_size, options.timeout_seconds, pivots)
        )
    raise EngineError(NO_ENGINE_HELP)


def load_engine(name: str, options: EngineOptions) -> Translator:
    """Identify and load the engine called ``name`` (see :func:`choose_engine`)."""
    return choose_engine(name, options).load()
