"""Shared fixtures: an isolated Argos home, a tiny real model, a fake engine."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

# argostranslate.settings creates its folders under $HOME when first imported;
# point it at a throwaway place before anything imports it.
_ARGOS_HOME = Path(tempfile.mkdtemp(prefix="tp-argos-home-"))
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(_ARGOS_HOME / _name.lower())
os.environ["ARGOS_PACKAGES_DIR"] = str(_ARGOS_HOME / "packages-unused")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


@dataclass(frozen=True)
class TaggingTranslator:
    """A fake engine that is honest about what it does: it prefixes "EN: ".

    It counts its calls so tests can check batching.
    """

    calls: list[int]
    name: str = "tagging"
    version: str = "1"
    batch_size: int | None = None
    uses_placeholders: bool = True

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        self.calls.append(len(texts))
        return [f"EN: {text}" for text in texts]


@dataclass(frozen=True)
class IdentityTranslator:
    """A fake engine that returns its input unchanged, for round-trip tests.

    With it, every writer must give the source back (see the formats' tests).
    """

    name: str = "identity"
    version: str = "1"
    batch_size: int | None = None
    uses_placeholders: bool = False

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return list(texts)


@pytest.fixture
def identity_engine() -> IdentityTranslator:
    return IdentityTranslator()


@pytest.fixture(autouse=True)
def isolated_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own default translation memory (under XDG_DATA_HOME).

    TRANSLATE_MEMORY names it too, so that a ``.translate/`` project above the
    checkout cannot take its place.
    """
    data_home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    path = data_home / "translate-pipeline" / "memory.sqlite"
    monkeypatch.setenv("TRANSLATE_MEMORY", str(path))
    return path


@pytest.fixture
def tagging_engine() -> TaggingTranslator:
    return TaggingTranslator(calls=[])


@pytest.fixture(scope="session")
def tiny_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real .argosmodel built from the seeds (SentencePiece + random CTranslate2)."""
    from translate_pipeline.tiny_model import build_tiny_argos_package

    lines = [line for path in SEED_FILES for line in path.read_text("utf-8").splitlines()]
    out = tmp_path_factory.mktemp("tiny") / "translate-fr_en-tiny.argosmodel"
    return build_tiny_argos_package(lines, out)


@pytest.fixture
def argos_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Argos package folder for this test (ARGOS_PACKAGES_DIR)."""
    folder = tmp_path / "argos-packages"
    folder.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    return folder


@pytest.fixture
def installed_tiny_model(argos_packages: Path, tiny_model_file: Path) -> Path:
    """The tiny model installed through the real installer; returns its folder."""
    from translate_pipeline.model_store import install_from_file

    return install_from_file(tiny_model_file).path


# A sitecustomize for the processes a test starts: CTranslate2's own decoding made
# endless for French containing $TP_TEST_ENDLESS_WORD (min and max decoding length
# of ten million), so that a model that never finishes can be tested for real.
ENDLESS_DECODING = """
import os

word = os.environ.get("TP_TEST_ENDLESS_WORD")
if word:
    import ctranslate2

    real = ctranslate2.Translator

    class EndlessTranslator:
        def __init__(self, *args, **kwargs):
            self._real = real(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._real, name)

        def translate_batch(self, source, **kwargs):
            if any(word in "".join(pieces) for pieces in source):
                kwargs["min_decoding_length"] = kwargs["max_decoding_length"] = 10**7
            return self._real.translate_batch(source, **kwargs)

    ctranslate2.Translator = EndlessTranslator
"""


@pytest.fixture
def endless_decoding(
    installed_tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The tiny model, whose decoding never ends for French with the word returned.

    Applies to the Python processes started after it (the Argos model's process
    among them), through a ``sitecustomize`` put first on PYTHONPATH.
    """
    folder = tmp_path / "endless-decoding"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(ENDLESS_DECODING, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH")) if p)
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.setenv("TP_TEST_ENDLESS_WORD", "DORS")
    return "DORS"


def process_is_gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie no one reaped counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of seeds/, so tests may add broken files beside them."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def apertium_available() -> bool:
    from translate_pipeline.engines.apertium import is_available

    return is_available()


@pytest.fixture
def require_apertium() -> Iterator[None]:
    """Skip where Apertium is missing, but never in CI, which installs it."""
    if not apertium_available():
        if os.environ.get("CI"):
            pytest.fail("Apertium must be installed in CI (apt-get install apertium-fr-es ...)")
        pytest.skip("apertium is not installed here")
    yield


def output_contents(folder: Path) -> dict[str, object]:
    """Every output file's bytes; a .docx as its parts' bytes (the zip stamps each part
    with the time it was written, so two runs' archives differ in those bytes only)."""
    contents: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                contents[path.name] = {name: archive.read(name) for name in archive.namelist()}
        else:
            contents[path.name] = path.read_bytes()
    return contents
