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

The package's rooms: ``pivots`` (the chains of modes, their Debian packages and
what is installed), ``processes`` (running a chain as a pipeline, or several side
by side, within a time limit), ``marks`` (HTML-marked translation, to place inline
spans) and ``translator`` (:class:`ApertiumTranslator`, which batches, checks the
boundaries and combines the pivots' English).
"""

from translate_pipeline.engines.apertium.marks import MARKED_TIMEOUT, tags_after_contractions
from translate_pipeline.engines.apertium.pivots import (
    DEBIAN_PACKAGES,
    EXTRA_PACKAGES,
    INSTALL_HELP,
    PIVOT,
    PIVOTS,
    Chain,
    Pivot,
    chain_name,
    installed_modes,
    is_available,
)
from translate_pipeline.engines.apertium.processes import (
    DEFAULT_TIMEOUT_SECONDS,
    SECONDS_PER_SEGMENT,
    SEPARATOR,
    run_chains,
    run_pipeline,
    time_limit,
)
from translate_pipeline.engines.apertium.translator import DEFAULT_BATCH_SIZE, ApertiumTranslator

__all__ = [
    "DEBIAN_PACKAGES",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_TIMEOUT_SECONDS",
    "EXTRA_PACKAGES",
    "INSTALL_HELP",
    "MARKED_TIMEOUT",
    "PIVOT",
    "PIVOTS",
    "SECONDS_PER_SEGMENT",
    "SEPARATOR",
    "ApertiumTranslator",
    "Chain",
    "Pivot",
    "chain_name",
    "installed_modes",
    "is_available",
    "run_chains",
    "run_pipeline",
    "tags_after_contractions",
    "time_limit",
]
