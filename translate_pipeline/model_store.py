"""Argos model packages: installing from a file or the Argos index, and listing them.

Packages live where argostranslate keeps them (its package folder,
``ARGOS_PACKAGES_DIR`` respected) and are read with argostranslate's own
``Package`` class. Installing is done here rather than with
``argostranslate.package.install_from_path`` because that function imports
``argostranslate.translate`` (and so stanza and torch, which this project does
not install), extracts an unchecked zip straight into the package folder, and
fetches the index with no timeout (offline it hangs for about 48 s and then
raises RecursionError).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from translate_pipeline.errors import ModelError

INDEX_TIMEOUT_SECONDS = 10.0
DOWNLOAD_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class InstalledModel:
    """An installed Argos package, as ``translate model list`` shows it."""

    name: str
    from_code: str
    to_code: str
    version: str
    path: Path


def packages_dir() -> Path:
    """The folder argostranslate installs packages into (``ARGOS_PACKAGES_DIR`` wins).

    Read at call time with argostranslate's own ``get_setting`` (environment, then
    its settings.json), not from the value it froze when first imported.
    """
    from argostranslate import settings

    return Path(settings.get_setting("ARGOS_PACKAGES_DIR", default=settings.data_dir / "packages"))


def list_models() -> list[InstalledModel]:
    """Every installed Argos package, read with argostranslate's own ``Package``.

    Raises:
        ModelError: A folder in the package folder is not a readable package.
    """
    from argostranslate.package import Package

    models: list[InstalledModel] = []
    directory = packages_dir()
    if directory.is_dir():
        for path in sorted(directory.iterdir()):
            if not path.is_dir() or path.name.startswith("."):
                continue
            try:
                package = Package(path)
            except (OSError, ValueError) as exc:
                raise ModelError(
                    f"{path}: not a readable Argos package ({exc}). Reinstall it with "
                    "'translate model install FILE.argosmodel', or remove the folder"
                ) from None
            models.append(
                InstalledModel(
                    name=path.name,
                    from_code=package.from_code or "",
                    to_code=package.to_code or "",
                    version=package.package_version or "",
                    path=path,
                )
            )
    return models


def install_from_file(archive: Path) -> InstalledModel:
    """Install an ``.argosmodel`` file into the package folder, without a network.

    The archive is checked (a zip with one top folder holding ``metadata.json``
    and a CTranslate2 ``model/``) and extracted beside its final place; the
    extracted package is loaded and translates one sentence there, and only
    then is it renamed into place. A failed install leaves nothing
    half-written, and an installed package with the same folder name is
    replaced only by one that works.

    Raises:
        ModelError: The file is missing, not a zip, not an Argos package, or a
            package that cannot be loaded or cannot translate.
    """
    if not archive.is_file():
        raise ModelError(f"{archive}: no such file. Give the path of a .argosmodel file")
    if not zipfile.is_zipfile(archive):
        raise ModelError(f"{archive}: not an Argos model (not a zip archive)")
    with zipfile.ZipFile(archive) as bundle:
        top = _check_archive(archive, bundle)
        target_root = packages_dir()
        target_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=target_root))
        try:
            bundle.extractall(staging)
            extracted = staging / top
            metadata = _read_metadata(archive, extracted / "metadata.json")
            _check_it_translates(archive, extracted, metadata)
            final = target_root / top
            _swap_in(extracted, final, staging / ".previous")
        except OSError as exc:
            raise ModelError(
                f"{archive}: cannot install into {target_root} ({exc.strerror or exc}); "
                "any model installed before is unchanged"
            ) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return InstalledModel(
        name=top,
        from_code=str(metadata.get("from_code", "")),
        to_code=str(metadata.get("to_code", "")),
        version=str(metadata.get("package_version", "")),
        path=final,
    )


# Translated by a package before it is installed: a package that cannot do this
# would make every later run fail.
CHECK_SENTENCE = "Le chat dort."


def _check_it_translates(archive: Path, folder: Path, metadata: dict[str, Any]) -> None:
    """Load the extracted package in ``folder`` and translate one sentence with it.

    Raises:
        ModelError: The package cannot be loaded, or gives no translation.
    """
    from translate_pipeline.engines import EngineOptions
    from translate_pipeline.engines.argos import ArgosTranslator
    from translate_pipeline.errors import DamagedModelError, EngineError

    model = InstalledModel(
        name=folder.name,
        from_code=str(metadata.get("from_code", "")),
        to_code=str(metadata.get("to_code", "")),
        version=str(metadata.get("package_version", "")),
        path=folder,
    )
    try:
        engine = ArgosTranslator.load(EngineOptions(threads=1, beam_size=1, device="cpu"), model)
        outputs = engine.translate_batch([CHECK_SENTENCE])
    except DamagedModelError as exc:
        raise ModelError(
            f"{archive}: not installed, its {exc.part} cannot be loaded ({exc.reason}); any "
            "model installed before is unchanged"
        ) from None
    except EngineError as exc:
        raise ModelError(
            f"{archive}: not installed, the package cannot be used ({exc}); any model "
            "installed before is unchanged"
        ) from None
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"{archive}: not installed, the package fails to translate ({exc}); any model "
            "installed before is unchanged"
        ) from None
    if len(outputs) != 1 or not isinstance(outputs[0], str):
        raise ModelError(
            f"{archive}: not installed, the package gave {len(outputs)} translations for one "
            "sentence; any model installed before is unchanged"
        )


def _swap_in(new: Path, final: Path, previous: Path) -> None:
    """Put ``new`` at ``final``; an older package there goes to ``previous`` (then away).

    Should the last rename fail, the older package is put back.
    """
    had_previous = final.exists()
    if had_previous:
        final.rename(previous)
    try:
        new.rename(final)
    except BaseException:  # an error, or Ctrl-C between the two renames
        if had_previous:
            previous.rename(final)
        raise


def _check_archive(archive: Path, bundle: zipfile.ZipFile) -> str:
    names = [PurePosixPath(name) for name in bundle.namelist()]
    for name in names:
        if name.is_absolute() or ".." in name.parts:
            raise ModelError(f"{archive}: unsafe path {name} in the archive; not installed")
    tops = {name.parts[0] for name in names if name.parts}
    if len(tops) != 1:
        raise ModelError(
            f"{archive}: not an Argos model (expected one top folder, found {len(tops)})"
        )
    top = tops.pop()
    present = {str(name) for name in names}
    for required in ("metadata.json", "model/model.bin"):
        if f"{top}/{required}" not in present:
            raise ModelError(f"{archive}: not an Argos model ({top}/{required} is missing)")
    return top


def _read_metadata(archive: Path, path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{archive}: metadata.json is unreadable ({exc})") from None
    if not isinstance(data, dict):
        raise ModelError(f"{archive}: metadata.json is not a JSON object")
    return data


def install_online(
    from_code: str, to_code: str, timeout: float = INDEX_TIMEOUT_SECONDS
) -> InstalledModel:
    """Fetch the Argos index, download the package for the pair, and install it.

    The index address is argostranslate's (``ARGOS_PACKAGE_INDEX`` respected).

    Raises:
        ModelError: The index or the package cannot be fetched in time (no
            network), or the index has no package for the pair.
    """
    from argostranslate import settings

    index_url = settings.remote_package_index
    entries = _fetch_json(index_url, timeout)
    if not isinstance(entries, list):
        raise ModelError(f"{index_url}: the Argos index is not a list of packages")
    matches = [
        entry
        for entry in entries
        if isinstance(entry, dict)
        and entry.get("from_code") == from_code
        and entry.get("to_code") == to_code
        and entry.get("type", "translate") == "translate"
    ]
    if not matches:
        raise ModelError(f"the Argos index at {index_url} has no {from_code}->{to_code} package")
    entry = matches[0]
    links = [link for link in entry.get("links", []) if isinstance(link, str)]
    if not links:
        raise ModelError(f"the Argos index lists no download link for {from_code}->{to_code}")
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / f"translate-{from_code}_{to_code}.argosmodel"
        _download(links, archive, DOWNLOAD_TIMEOUT_SECONDS)
        return install_from_file(archive)


def _fetch_json(url: str, timeout: float) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            payload = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(
            f"cannot reach the Argos index at {url} ({reason}). Without a network, install a "
            "model from a file: translate model install FILE.argosmodel"
        ) from None
    try:
        return json.loads(payload)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{url}: the Argos index is not valid JSON ({exc})") from None


def _download(links: list[str], target: Path, timeout: float) -> None:
    failures: list[str] = []
    for link in links:
        try:
            with (
                urllib.request.urlopen(link, timeout=timeout) as response,
                target.open("wb") as out,
            ):
                shutil.copyfileobj(response, out)
            return
        except (urllib.error.URLError, OSError, ValueError) as exc:
            failures.append(f"{link}: {getattr(exc, 'reason', exc)}")
    raise ModelError(
        "cannot download the model (" + "; ".join(failures) + "). Without a network, install a "
        "model from a file: translate model install FILE.argosmodel"
    )
