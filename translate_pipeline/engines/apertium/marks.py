"""Marked translation: HTML fragments through Apertium, to learn where inline spans went.

Tags travel through every step of a chain as superblanks, next to the words they
held (see :func:`translate_pipeline.reproject.mark_spans_html`).
"""

from __future__ import annotations

import re
import subprocess

from translate_pipeline.engines.apertium.pivots import INSTALL_HELP, PIVOT, Chain
from translate_pipeline.engines.apertium.processes import SEPARATOR
from translate_pipeline.errors import EngineError


def without_tags(html: str) -> str:
    """``html`` with every tag replaced by a space."""
    return re.sub(r"<[^>]*>", " ", html)


# Seconds allowed per marked call: a run's marked segments are a few hundred at most.
MARKED_TIMEOUT = 300


def translate_marked_checked(texts: list[str], chain: Chain = PIVOT) -> list[str]:
    """HTML ``texts`` through ``chain`` in one call, halving the batch where a boundary moved."""
    outputs = _run_marked(SEPARATOR.join(texts), chain).strip("\n").split(SEPARATOR)
    if len(outputs) == len(texts):
        return [" ".join(output.split()) for output in outputs]
    if len(texts) == 1:
        return [" ".join(" ".join(outputs).split())]
    middle = len(texts) // 2
    return translate_marked_checked(texts[:middle], chain) + translate_marked_checked(
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
