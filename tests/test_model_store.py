"""Installing Argos packages from a file or an index, and listing them, offline."""

from __future__ import annotations

import json
import socket
import time
import zipfile
from pathlib import Path

import pytest

from translate_pipeline import model_store
from translate_pipeline.errors import ModelError


def test_install_from_file_then_list(argos_packages: Path, tiny_model_file: Path) -> None:
    installed = model_store.install_from_file(tiny_model_file)
    assert installed.path == argos_packages / "translate-fr_en-tiny"
    assert (installed.path / "model" / "model.bin").is_file()
    assert [(m.name, m.from_code, m.to_code, m.version) for m in model_store.list_models()] == [
        ("translate-fr_en-tiny", "fr", "en", "0.0.1-tiny")
    ]
    # No staging folder is left behind.
    assert sorted(p.name for p in argos_packages.iterdir()) == ["translate-fr_en-tiny"]


def test_reinstall_replaces_the_package(argos_packages: Path, tiny_model_file: Path) -> None:
    model_store.install_from_file(tiny_model_file)
    model_store.install_from_file(tiny_model_file)
    assert len(model_store.list_models()) == 1


def test_package_folder_follows_argos_packages_dir(argos_packages: Path) -> None:
    assert model_store.packages_dir() == argos_packages


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"pkg/metadata.json": b"{}"}, r"pkg/model/model\.bin is missing"),
        ({"pkg/model/model.bin": b"x"}, r"pkg/metadata\.json is missing"),
        ({"a/metadata.json": b"{}", "b/model/model.bin": b"x"}, "expected one top folder"),
        ({"../evil/metadata.json": b"{}"}, "unsafe path"),
    ],
)
def test_bad_archives_are_refused(
    argos_packages: Path, tmp_path: Path, members: dict[str, bytes], message: str
) -> None:
    archive = _zip(tmp_path / "bad.argosmodel", members)
    with pytest.raises(ModelError, match=message):
        model_store.install_from_file(archive)
    assert list(argos_packages.iterdir()) == []


def test_not_a_zip_and_missing_file(argos_packages: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.argosmodel"
    junk.write_bytes(b"hello")
    with pytest.raises(ModelError, match="not a zip archive"):
        model_store.install_from_file(junk)
    with pytest.raises(ModelError, match="no such file"):
        model_store.install_from_file(tmp_path / "absent.argosmodel")


def test_install_online_from_an_index(
    argos_packages: Path, tiny_model_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    entries = [
        {"from_code": "en", "to_code": "fr", "links": ["file:///nowhere"]},
        {
            "from_code": "fr",
            "to_code": "en",
            "package_version": "0.0.1-tiny",
            "links": [tiny_model_file.as_uri()],
        },
    ]
    (index_dir / "index.json").write_text(json.dumps(entries), encoding="utf-8")
    monkeypatch.setattr(
        "argostranslate.settings.remote_package_index", (index_dir / "index.json").as_uri()
    )
    installed = model_store.install_online("fr", "en")
    assert installed.name == "translate-fr_en-tiny"
    with pytest.raises(ModelError, match="has no de->en package"):
        model_store.install_online("de", "en")


def test_install_online_without_network_fails_fast_with_advice(
    argos_packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(
        "argostranslate.settings.remote_package_index", f"http://127.0.0.1:{port}/index.json"
    )
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"cannot reach the Argos index.*model install FILE"):
        model_store.install_online("fr", "en", timeout=2)
    assert time.monotonic() - started < 5


def test_unreadable_package_folder_is_named(argos_packages: Path) -> None:
    (argos_packages / "broken").mkdir()
    with pytest.raises(ModelError, match="broken: not a readable Argos package"):
        model_store.list_models()


def test_issue10_item4_failed_swap_puts_the_old_package_back(
    argos_packages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = argos_packages / "pkg"
    final.mkdir()
    (final / "old").write_text("old", encoding="utf-8")
    new = tmp_path / "new"
    new.mkdir()
    real_rename = Path.rename

    def failing(self: Path, target):  # type: ignore[no-untyped-def]
        if self == new:
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError):
        model_store._swap_in(new, final, argos_packages / ".previous")
    assert (final / "old").read_text(encoding="utf-8") == "old"
