"""Translation engines behind one small interface, and the choice between them.

Each engine lives in its own module and is imported only when chosen, so that
``translate --help`` never loads CTranslate2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from translate_pipeline.errors import EngineError

ENGINE_NAMES = ("auto", "argos", "apertium")


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
    """

    threads: int = 0
    beam_size: int = 2


NO_ENGINE_HELP = (
    "no translation engine is available. Either install an Argos French-English model "
    "('translate model install FILE.argosmodel', or 'translate model install --online fr en' "
    "where there is a network), or install Apertium "
    "('sudo apt-get install apertium apertium-fr-es apertium-eng-spa')"
)


def load_engine(name: str, options: EngineOptions) -> Translator:
    """Return the engine called ``name`` ("auto", "argos" or "apertium").

    "auto" takes an installed Argos French-English model when there is one, else
    Apertium when it is installed.

    Raises:
        EngineError: The engine is unknown or not installed; the message says how to
            install it.
    """
    from translate_pipeline.engines import apertium, argos

    if name == "argos":
        return argos.ArgosTranslator.load(options)
    if name == "apertium":
        return apertium.ApertiumTranslator.load()
    if name != "auto":
        raise EngineError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
    if argos.find_package() is not None:
        return argos.ArgosTranslator.load(options)
    if apertium.is_available():
        return apertium.ApertiumTranslator.load()
    raise EngineError(NO_ENGINE_HELP)
