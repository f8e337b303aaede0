"""Which ways from French to English Apertium offers here: the pivots and their packages."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

# A chain of Apertium modes from French to English, run one after the other.
Chain = tuple[str, ...]
PIVOT: Chain = ("fr-es", "spa-eng")
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


def is_available() -> bool:
    """Whether the apertium command and both pivot directions are installed."""
    if shutil.which("apertium") is None:
        return False
    listing = installed_modes()
    return all(mode in listing for mode in PIVOT)


def installed_modes() -> set[str]:
    """The modes ``apertium -l`` lists (none when it cannot be run)."""
    try:
        return set(
            subprocess.run(
                ["apertium", "-l"], capture_output=True, text=True, timeout=30, check=False
            ).stdout.split()
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()


def data_version(packages: Sequence[str] = DEBIAN_PACKAGES) -> str:
    """The installed versions of ``packages`` (``apertium-fr-es=1.0 ...``), or "unknown"."""
    query = ["dpkg-query", "-W", "-f=${Package}=${Version} ", *packages]
    try:
        result = subprocess.run(query, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "unknown"
    return result.stdout.strip() or "unknown"


def chain_name(chain: Chain) -> str:
    """How a chain is named in versions and messages: ``fr-es|spa-eng``."""
    return "|".join(chain)
