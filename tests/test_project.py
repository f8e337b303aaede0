"""Project-scoped memory and glossary, found from the current folder upward."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from translate_pipeline.cli import main
from translate_pipeline.memory import (
    MachineKey,
    TranslationMemory,
    default_memory_path,
    user_memory_path,
)
from translate_pipeline.project import default_glossary_path, find_project_root


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def no_memory_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a user runs it: no TRANSLATE_MEMORY (the tests' isolation sets one)."""
    monkeypatch.delenv("TRANSLATE_MEMORY")


@pytest.mark.parametrize(
    ("folders", "files", "start", "root"),
    [
        (["news/.translate", "news/2026/nov"], [], "news/2026/nov", "news"),
        (["news/.translate", "news/2026/.translate"], [], "news/2026", "news/2026"),
        (
            ["news/.translate", "news/2026/.translate", "news/2026/nov"],
            [],
            "news/2026/nov",
            "news/2026",
        ),
        (["news/.translate"], [], "news", "news"),
        (["news/2026"], ["news/.translate"], "news/2026", None),
        (["news/glossary"], ["news/glossary/terms.csv"], "news", None),
    ],
)
def test_the_project_root_is_the_nearest_folder_with_dot_translate(
    tmp_path: Path, folders: list[str], files: list[str], start: str, root: str | None
) -> None:
    for folder in folders:
        (tmp_path / folder).mkdir(parents=True)
    for file in files:
        (tmp_path / file).write_text("", encoding="utf-8")
    found = find_project_root(tmp_path / start)
    assert found == (tmp_path / root if root else None)


@pytest.mark.usefixtures("no_memory_env")
def test_defaults_inside_and_outside_a_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert default_memory_path() == user_memory_path()
    assert default_glossary_path() == Path("glossary/terms.csv")

    (tmp_path / "news" / ".translate").mkdir(parents=True)
    (tmp_path / "news" / "drafts").mkdir()
    monkeypatch.chdir(tmp_path / "news" / "drafts")
    assert default_memory_path() == tmp_path / "news" / ".translate" / "memory.sqlite"
    assert default_glossary_path() == tmp_path / "news" / "glossary" / "terms.csv"

    monkeypatch.setenv("TRANSLATE_MEMORY", str(tmp_path / "chosen.sqlite"))
    assert default_memory_path() == tmp_path / "chosen.sqlite"


@pytest.mark.usefixtures("no_memory_env")
def test_init_copies_the_memory_used_until_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TranslationMemory.open(user_memory_path()) as tm:
        tm.store_machine([("Le chat dort.", "The cat sleeps.")], MachineKey("a", "1", "g"))
        tm.store_reviewed([("Il pleut.", "It is raining.")])
    project = tmp_path / "news"
    (project / "drafts").mkdir(parents=True)
    monkeypatch.chdir(project)

    result = invoke("memory", "init")

    created = project / ".translate" / "memory.sqlite"
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Created {created}, a copy of {user_memory_path()}: 2 entries (1 reviewed).\n"
    )
    # From a subfolder, every command finds the project's memory.
    monkeypatch.chdir(project / "drafts")
    stats = json.loads(invoke("memory", "stats", "--json").stdout)
    assert (stats["memory"], stats["entries"], stats["reviewed"]) == (str(created), 2, 1)
    # The user-wide memory is untouched and no longer used here.
    invoke("memory", "forget", "1")
    with TranslationMemory.open(user_memory_path()) as tm:
        assert tm.count() == 2
    with TranslationMemory.open(created) as tm:
        assert tm.count() == 1


@pytest.mark.usefixtures("no_memory_env")
def test_init_twice_is_refused_and_empty_starts_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TranslationMemory.open(user_memory_path()) as tm:
        tm.store_reviewed([("Il pleut.", "It is raining.")])
    monkeypatch.chdir(tmp_path)
    created = tmp_path / ".translate" / "memory.sqlite"

    result = invoke("memory", "init", "--empty")
    assert result.stdout == f"Created {created} (empty).\n"

    again = invoke("memory", "init")
    assert again.exit_code == 1
    assert again.stderr == (
        f"Error: {created}: this folder is already a project with a memory. "
        "Nothing was changed; see it with 'translate memory stats'\n"
    )
    with TranslationMemory.open(created) as tm:
        assert tm.count() == 0


def test_init_says_when_translate_memory_still_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_memory: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("memory", "init", "--empty")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Note: TRANSLATE_MEMORY is set ({isolated_memory}) and still wins over the "
        "project's memory.\n"
    )


@pytest.mark.usefixtures("no_memory_env")
def test_glossary_commands_from_a_subfolder_edit_the_projects_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".translate").mkdir()
    (tmp_path / "glossary").mkdir()
    glossary = tmp_path / "glossary" / "terms.csv"
    glossary.write_text("source,target,case_sensitive,note\nSora,,yes,\n", encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    monkeypatch.chdir(tmp_path / "drafts")

    result = invoke("glossary", "add", "Mistral AI")

    assert result.stdout == f"Added Mistral AI (protected) to {glossary}.\n"
    assert "Mistral AI" in glossary.read_text(encoding="utf-8")
    assert not (tmp_path / "drafts" / "glossary").exists()


@pytest.mark.usefixtures("require_apertium", "no_memory_env")
def test_run_from_a_subfolder_uses_the_projects_memory_and_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".translate").mkdir()
    (tmp_path / "glossary").mkdir()
    glossary = tmp_path / "glossary" / "terms.csv"
    glossary.write_text("source,target,case_sensitive,note\nPetit Chat,,yes,\n", encoding="utf-8")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "article.txt").write_text("Petit Chat dort dans la maison.\n", encoding="utf-8")
    monkeypatch.chdir(drafts)

    result = invoke("run", "article.txt", "--engine", "apertium", "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["memory"]["path"] == str(tmp_path / ".translate" / "memory.sqlite")
    assert summary["glossary"] == str(glossary)
    assert "Petit Chat" in (drafts / "output" / "article.en.md").read_text(encoding="utf-8")
    assert not user_memory_path().exists()
