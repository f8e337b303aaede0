"""Managing the translation memory: ``translate memory list|show|forget|stats``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from translate_pipeline.cli import main
from translate_pipeline.memory import MachineKey, SegmentRecord, TranslationMemory

APERTIUM = MachineKey("apertium", "3.8.3", "g1")
ARGOS = MachineKey("argos", "1.9", "g1")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def memory(tmp_path: Path) -> Path:
    """A memory of three sentences: one reviewed over a machine one, two machine only."""
    path = tmp_path / "m.sqlite"
    with TranslationMemory.open(path) as tm:
        tm.store_machine([("Le chat dort.", "The cat sleeps.")], APERTIUM)
        tm.store_machine([("Il pleut fort.", "It rains hard.")], APERTIUM)
        tm.store_machine([("Élodie chante.", "Élodie sings.")], ARGOS)
        tm.store_reviewed([("Le chat dort.", "The cat is asleep.")])
        tm.record_segments([SegmentRecord("a:p1:s1", "Le chat dort.", "The cat is asleep.", "p")])
    return path


def listed(result: Result) -> list[tuple[int, str, str]]:
    rows = json.loads(result.stdout)["entries"]
    return [(row["id"], row["origin"], row["source"]) for row in rows]


@pytest.mark.parametrize(
    ("options", "expected", "matched"),
    [
        (
            (),
            [
                (4, "reviewed", "Le chat dort."),
                (3, "machine", "Élodie chante."),
                (2, "machine", "Il pleut fort."),
                (1, "machine", "Le chat dort."),
            ],
            4,
        ),
        (("--reviewed",), [(4, "reviewed", "Le chat dort.")], 1),
        (("--machine", "--limit", "1"), [(3, "machine", "Élodie chante.")], 3),
        (
            ("--search", "CHAT"),
            [(4, "reviewed", "Le chat dort."), (1, "machine", "Le chat dort.")],
            2,
        ),
        (("--search", "asleep"), [(4, "reviewed", "Le chat dort.")], 1),
        (("--search", "élodie"), [(3, "machine", "Élodie chante.")], 1),
        (("--search", "nowhere"), [], 0),
    ],
)
def test_list_filters_entries(
    memory: Path, options: tuple[str, ...], expected: list[tuple[int, str, str]], matched: int
) -> None:
    result = invoke("memory", "list", "--json", "--memory", str(memory), *options)
    assert result.exit_code == 0, result.output
    assert listed(result) == expected
    assert json.loads(result.stdout)["matched"] == matched


def test_list_shows_ids_origin_and_both_languages(memory: Path) -> None:
    result = invoke("memory", "list", "--limit", "2", "--memory", str(memory))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[4] reviewed  ")
    assert lines[1:3] == ["  FR: Le chat dort.", "  EN: The cat is asleep."]
    assert lines[3].startswith("[3] machine argos 1.9  ")
    assert lines[4:6] == ["  FR: Élodie chante.", "  EN: Élodie sings."]
    assert lines[6] == f"2 of 4 entries shown; --limit 0 shows all ({memory})."


@pytest.mark.parametrize("reference", ["1", "4", "a:p1:s1"])
def test_show_gives_every_translation_of_the_sentence(memory: Path, reference: str) -> None:
    result = invoke("memory", "show", reference, "--memory", str(memory))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "FR: Le chat dort.",
        "Segments: a:p1:s1",
        "[4] reviewed",
        "  EN: The cat is asleep.",
    ]
    assert lines[5:7] == ["[1] machine by apertium 3.8.3, glossary g1", "  EN: The cat sleeps."]
    assert lines[-1] == "A run uses the reviewed entry [4]."


@pytest.mark.parametrize(
    ("command", "reference", "message"),
    [
        ("show", "99", "no entry with ID 99. Run 'translate memory list' to see the IDs"),
        ("forget", "99", "no entry with ID 99. Run 'translate memory list' to see the IDs"),
        (
            "show",
            "b:p9:s9",
            "no entry or segment with ID 'b:p9:s9'. Give an entry ID from "
            "'translate memory list' or a segment ID shown in an output",
        ),
    ],
)
def test_an_unknown_id_is_one_clear_error(
    memory: Path, command: str, reference: str, message: str
) -> None:
    result = invoke("memory", command, reference, "--memory", str(memory))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {memory}: {message}\n"


def test_forget_reviewed_only_brings_the_machine_translation_back(memory: Path) -> None:
    result = invoke("memory", "forget", "a:p1:s1", "--reviewed-only", "--memory", str(memory))

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Forgot [4] reviewed: 'Le chat dort.' -> 'The cat is asleep.'\n"
        "The sentence keeps 1 machine translation(s); the next 'translate run' uses the one "
        "of its engine, or translates it again.\n"
    )
    with TranslationMemory.open(memory) as tm:
        hit = tm.lookup(["Le chat dort."], APERTIUM)["Le chat dort."]
    assert (hit.target, hit.origin) == ("The cat sleeps.", "machine")


def test_forget_reviewed_only_on_an_unreviewed_sentence_removes_nothing(memory: Path) -> None:
    result = invoke("memory", "forget", "2", "--reviewed-only", "--memory", str(memory))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {memory}: 2: the sentence 'Il pleut fort.' has no reviewed translation. "
        "Nothing was removed; forget it without --reviewed-only to remove the entry\n"
    )
    assert (
        json.loads(invoke("memory", "stats", "--json", "--memory", str(memory)).stdout)["entries"]
        == 4
    )


@pytest.mark.parametrize(
    ("reference", "removed", "left"),
    [
        ("2", ["[2] machine"], "The memory holds nothing more for it"),
        ("1", ["[1] machine"], "The sentence keeps its reviewed translation."),
        ("a:p1:s1", ["[4] reviewed", "[1] machine"], "The memory holds nothing more for it"),
    ],
)
def test_forget_removes_the_entry_named(
    memory: Path, reference: str, removed: list[str], left: str
) -> None:
    result = invoke("memory", "forget", reference, "--memory", str(memory))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split(":")[0].replace("Forgot ", "") for line in lines[:-1]] == removed
    assert lines[-1].startswith(left)
    stats = json.loads(invoke("memory", "stats", "--json", "--memory", str(memory)).stdout)
    assert stats["entries"] == 4 - len(removed)


def test_stats_counts_by_origin_and_engine(memory: Path) -> None:
    result = invoke("memory", "stats", "--memory", str(memory))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Memory: {memory} (")
    assert lines[1:] == [
        "Entries: 4 for 3 sentences: 1 reviewed, 3 machine",
        "  apertium 3.8.3: 2",
        "  argos 1.9: 1",
        "Segment IDs recorded: 1; output files recorded: 0",
    ]
    data = json.loads(invoke("memory", "stats", "--json", "--memory", str(memory)).stdout)
    assert data["size_bytes"] >= memory.stat().st_size > 0


@pytest.mark.parametrize("command", [["list"], ["show", "1"], ["forget", "1"], ["stats"]])
def test_no_memory_yet_is_said_and_nothing_is_created(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "none.sqlite"
    result = invoke("memory", *command, "--memory", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: no translation memory yet. Run 'translate run' first\n"
    assert not path.exists()


@pytest.mark.usefixtures("require_apertium")
def test_a_cleared_review_leaves_every_output_on_the_next_run(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text("Le chat dort.\n", encoding="utf-8")
    out, memory = tmp_path / "out", tmp_path / "m.sqlite"
    run = ("run", str(source), "--out", str(out), "--engine", "apertium", "-q")
    assert invoke(*run, "--memory", str(memory)).exit_code == 0
    machine = (out / "article.en.md").read_text(encoding="utf-8")
    with TranslationMemory.open(memory) as tm:
        tm.store_reviewed([("Le chat dort.", "A bad review.")])
    assert invoke(*run, "--memory", str(memory)).exit_code == 0
    assert "A bad review." in (out / "article.en.md").read_text(encoding="utf-8")

    forget = invoke("memory", "forget", "article:p1:s1", "--reviewed-only", "--memory", str(memory))
    assert forget.exit_code == 0, forget.output
    assert invoke(*run, "--memory", str(memory)).exit_code == 0

    assert (out / "article.en.md").read_text(encoding="utf-8") == machine
    assert "A bad review." not in (out / "article.bilingual.md").read_text(encoding="utf-8")
