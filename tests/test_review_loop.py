"""The review loop through the real CLI: run, edit, import, run again; export; kill -9."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile

from translate_pipeline.bilingual_docx import CODE_FONT, qn
from translate_pipeline.cli import main
from translate_pipeline.memory import TranslationMemory
from translate_pipeline.review_import import output_was_edited, read_reviewed_file

STEM = "003_2115df51cde3f6b7"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def first_run(seeds_copy: Path, tmp_path: Path, installed_tiny_model: Path) -> Path:
    out = tmp_path / "out"
    result = invoke("run", str(seeds_copy), "--out", str(out), "--threads", "1", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["memory"]["misses"] == 53
    return out


def run_json(seeds: Path, out: Path) -> dict:  # type: ignore[type-arg]
    result = invoke("run", str(seeds), "--out", str(out), "--threads", "1", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_second_run_translates_nothing(first_run: Path, seeds_copy: Path) -> None:
    summary = run_json(seeds_copy, first_run)
    assert summary["memory"] == {
        "path": summary["memory"]["path"],
        "hits": 53,
        "reviewed": 0,
        "misses": 0,
    }
    assert summary["translated"] == 0
    # Nothing changed, so nothing is written, the QA report included.
    assert len(summary["files_up_to_date"]) == 8
    assert summary["files_written"] == []


def test_second_run_never_loads_the_model(
    first_run: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translate_pipeline.engines import argos

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the model was loaded although every sentence was in memory")

    monkeypatch.setattr(argos.ArgosTranslator, "load", refuse)
    assert run_json(seeds_copy, first_run)["memory"]["misses"] == 0


def edit_docx(path: Path, edits: dict[int, str], french: dict[int, str] | None = None) -> None:
    document = docx.Document(str(path))
    rows = document.tables[0].rows
    for index, text in edits.items():
        rows[index].cells[2].paragraphs[0].runs[0].text = text
    for index, text in (french or {}).items():
        rows[index].cells[1].paragraphs[0].runs[0].text = text
    document.save(str(path))


EDITS = {
    1: "OpenAI suspended access to Sora, its video tool.",
    4: "OpenAI Suspends Access to Sora After Artists' Backlash",  # a heading row
    6: "However, the feedback was not what the company expected.",
}


def assert_edits_everywhere(out: Path) -> None:
    rows = docx.Document(str(out / f"{STEM}.bilingual.docx")).tables[0].rows
    for index, text in EDITS.items():
        assert rows[index].cells[2].text == text
        assert "✓ reviewed" in rows[index].cells[0].text
    markdown = (out / f"{STEM}.bilingual.md").read_text(encoding="utf-8")
    english = (out / f"{STEM}.en.md").read_text(encoding="utf-8")
    for text in EDITS.values():
        assert text in markdown
        assert text in english
    assert "## OpenAI Suspends Access to Sora After Artists' Backlash" in english


def test_docx_edits_reach_all_three_outputs(first_run: Path, seeds_copy: Path) -> None:
    edit_docx(first_run / f"{STEM}.bilingual.docx", EDITS)
    result = invoke("import", str(first_run / f"{STEM}.bilingual.docx"))
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout
        == f"{first_run / STEM}.bilingual.docx: 3 changed, 13 unchanged, 0 unknown IDs\n"
    )
    summary = run_json(seeds_copy, first_run)
    assert summary["memory"]["reviewed"] == 3
    assert summary["memory"]["misses"] == 0
    assert_edits_everywhere(first_run)
    # Importing the file again changes nothing.
    again = invoke("import", str(first_run / f"{STEM}.bilingual.docx"))
    assert "0 changed, 16 unchanged" in again.stdout


def test_markdown_edits_reach_all_three_outputs(first_run: Path, seeds_copy: Path) -> None:
    path = first_run / f"{STEM}.bilingual.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [n for n, line in enumerate(lines) if line.startswith("| `")]
    for index, text in EDITS.items():
        number = rows[index - 1]
        cells = lines[number].split(" | ")
        cells[-1] = f"**{text}** |" if index == 4 else f"{text} |"
        lines[number] = " | ".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "3 changed, 13 unchanged, 0 unknown IDs" in result.stdout
    run_json(seeds_copy, first_run)
    assert_edits_everywhere(first_run)


@pytest.mark.usefixtures("require_apertium")
def test_reviewed_translation_survives_an_engine_change(first_run: Path, seeds_copy: Path) -> None:
    edit_docx(first_run / f"{STEM}.bilingual.docx", EDITS)
    invoke("import", str(first_run / f"{STEM}.bilingual.docx"))
    result = invoke(
        "run", str(seeds_copy), "--out", str(first_run), "--engine", "apertium", "--json"
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["memory"]["reviewed"] == 3
    assert summary["memory"]["misses"] == 53 - 3
    assert_edits_everywhere(first_run)


def test_altered_french_is_refused_with_the_row(first_run: Path) -> None:
    path = first_run / f"{STEM}.bilingual.docx"
    edit_docx(path, {1: "A fine edit."}, french={3: "Du français modifié."})
    result = invoke("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {path}: table row 4 ({STEM}:p1:s3): the French was changed",
        "Error: Nothing from this file was imported: restore the French cells (edit only "
        "the English), then import again",
    ]
    markdown = first_run / f"{STEM}.bilingual.md"
    text = markdown.read_text(encoding="utf-8").replace(
        "| OpenAI a récemment", "| OpenAI a hier", 1
    )
    markdown.write_text(text, encoding="utf-8")
    result = invoke("import", str(markdown))
    assert result.exit_code == 1
    assert f"{markdown}: line 11 ({STEM}:p3:s1): the French was changed" in result.stderr


def reviewed_count(memory: Path) -> int:
    with sqlite3.connect(memory) as db:
        return int(
            db.execute("SELECT count(*) FROM entries WHERE origin = 'reviewed'").fetchone()[0]
        )


def alter_markdown_id(path: Path, old: str, new: str, english: dict[str, str]) -> None:
    """Change one row's ID, and the English of the rows named in ``english`` (by ID)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        for segment_id, text in english.items():
            if line.startswith(f"| `{segment_id}`"):
                cells = line.split(" | ")
                cells[-1] = f"{text} |"
                lines[number] = " | ".join(cells)
    text = "\n".join(lines).replace(f"`{old}`", f"`{new}`")
    path.write_text(text + "\n", encoding="utf-8")


@pytest.mark.parametrize("suffix", ["docx", "md"])
def test_issue11_item1_a_row_with_an_altered_id_is_placed_by_its_french(
    first_run: Path, seeds_copy: Path, isolated_memory: Path, suffix: str
) -> None:
    # (Issue 10 item 3 refused such a row; its French still names its sentence.)
    path = first_run / f"{STEM}.bilingual.{suffix}"
    if suffix == "docx":
        edit_docx(path, {1: "A good correction.", 2: "A correction on an altered row."})
        document = docx.Document(str(path))
        id_cell = document.tables[0].rows[2].cells[0]
        id_cell.paragraphs[0].runs[-1].text = "p1:s9"  # was p1:s2
        document.save(str(path))
    else:
        alter_markdown_id(
            path,
            f"{STEM}:p1:s2",
            f"{STEM}:p1:s9",
            {
                f"{STEM}:p1:s1": "A good correction.",
                f"{STEM}:p1:s2": "A correction on an altered row.",
            },
        )
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"{path}: 2 changed, 14 unchanged, 0 unknown IDs, "
        "1 placed where their French now is in the article\n"
    )
    assert reviewed_count(isolated_memory) == 2
    run_json(seeds_copy, first_run)
    rows = docx.Document(str(first_run / f"{STEM}.bilingual.docx")).tables[0].rows
    assert rows[2].cells[2].text == "A correction on an altered row."
    assert rows[2].cells[0].text.startswith(f"{STEM}:\np1:s2\n✓ reviewed")


def test_issue10_item3_a_row_without_its_id_fails_import(first_run: Path) -> None:
    path = first_run / f"{STEM}.bilingual.md"
    text = path.read_text(encoding="utf-8").replace(f"| `{STEM}:p1:s1`", f"| {STEM}:p1:s1", 1)
    path.write_text(text, encoding="utf-8")
    result = invoke("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {path}: line 7: no segment ID (it must stay as `doc:p1:s1`)"
    )


@pytest.mark.parametrize("suffix", ["docx", "md"])
def test_issue10_item16_another_projects_file_is_refused_in_one_message(
    first_run: Path, tmp_path: Path, suffix: str
) -> None:
    path = first_run / f"{STEM}.bilingual.{suffix}"
    other = tmp_path / "other-project.sqlite"
    result = invoke("import", str(path), "--memory", str(other))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path}: none of its 16 segment IDs belongs to an article translated with "
        f"this translation memory ({other}): it comes from another project or was written "
        "with another --memory. Nothing was imported; give that memory with --memory\n"
    )
    assert reviewed_count(other) == 0


def test_export_tmx_holds_every_segment(first_run: Path, tmp_path: Path) -> None:
    edit_docx(first_run / f"{STEM}.bilingual.docx", EDITS)
    invoke("import", str(first_run / f"{STEM}.bilingual.docx"))
    target = tmp_path / "memory.tmx"
    result = invoke("export", "--out", str(target))
    assert result.stdout == f"Wrote 53 translation units (3 reviewed) to {target}.\n"
    units = tmxfile(target.read_bytes()).units
    assert len(units) == 53
    targets = {unit.target for unit in units}
    assert set(EDITS.values()) <= targets
    xliff = tmp_path / "memory.xliff"
    assert invoke("export", "--format", "xliff", "--out", str(xliff)).exit_code == 0
    approved = [u.target for u in xlifffile(xliff.read_bytes()).units if u.isapproved()]
    assert sorted(approved) == sorted(EDITS.values())


def test_memory_file_that_is_not_ours_stops_the_run(
    seeds_copy: Path, tmp_path: Path, installed_tiny_model: Path
) -> None:
    bad = tmp_path / "tm.sqlite"
    bad.write_bytes(b"garbage" * 1000)
    result = invoke("run", str(seeds_copy), "--out", str(tmp_path / "o"), "--memory", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: not a readable memory file")
    assert bad.read_bytes() == b"garbage" * 1000


LONG_RUN_SENTENCES = 1000


def long_run(tmp_path: Path) -> tuple[list[str], Path]:
    """A 1000-sentence article and the command that translates it in batches of 50."""
    corpus = tmp_path / "big"
    corpus.mkdir()
    sentences = [
        f"Le chat numéro {n} a mangé {n * 7 % 1000} souris hier soir."
        for n in range(LONG_RUN_SENTENCES)
    ]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    (corpus / "long.txt").write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    memory = tmp_path / "tm.sqlite"
    command = [
        sys.executable,
        "-m",
        "translate_pipeline.cli",
        "run",
        str(corpus),
        "--out",
        str(tmp_path / "out"),
        "--memory",
        str(memory),
        "--threads",
        "1",
        "--batch-size",
        "50",
        "--json",
    ]
    return command, memory


def saved_entries(memory: Path) -> int:
    with sqlite3.connect(memory) as db:
        return int(db.execute("SELECT count(*) FROM entries").fetchone()[0])


def start_and_wait_for_saved(command: list[str], memory: Path, count: int) -> subprocess.Popen:  # type: ignore[type-arg]
    """Start the run; return once ``count`` translations are in the memory (or it ended)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    saved = 0
    while time.monotonic() < deadline and process.poll() is None and saved < count:
        time.sleep(0.05)
        if memory.exists():
            try:
                saved = saved_entries(memory)
            except sqlite3.Error:
                continue
    return process


def test_kill_9_keeps_finished_batches_and_the_rerun_resumes(
    tmp_path: Path, installed_tiny_model: Path
) -> None:
    command, memory = long_run(tmp_path)
    process = start_and_wait_for_saved(command, memory, 100)
    assert process.poll() is None, "the run finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = saved_entries(memory)
    assert 100 <= kept < LONG_RUN_SENTENCES
    assert kept % 50 == 0  # whole batches, committed as they finished

    rerun = subprocess.run(command, capture_output=True, text=True, check=True)
    summary = json.loads(rerun.stdout)
    assert summary["memory"]["hits"] == kept
    assert summary["memory"]["misses"] == LONG_RUN_SENTENCES - kept
    table = docx.Document(str(tmp_path / "out" / "long.bilingual.docx")).tables[0]
    assert len(table.rows) == LONG_RUN_SENTENCES + 1


def test_ctrl_c_says_what_was_kept_and_how_to_resume(
    tmp_path: Path, installed_tiny_model: Path
) -> None:
    command, memory = long_run(tmp_path)
    process = start_and_wait_for_saved(command, memory, 100)
    assert process.poll() is None, "the run finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.strip().splitlines()[-1] == (
        "Error: interrupted. Every batch finished before that is saved in the translation "
        f"memory ({memory}): run the same command again to resume"
    )
    assert "Traceback" not in stderr
    assert saved_entries(memory) >= 100


def without_any_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Argos model installed and no apertium on PATH."""
    empty = tmp_path / "no-models"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(empty))
    monkeypatch.setenv("PATH", str(empty))


@pytest.mark.parametrize("engine", ["auto", "argos"])
def test_issue_11_item_8_run_served_by_the_memory_needs_no_engine(
    first_run: Path,
    seeds_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    engine: str,
) -> None:
    edit_docx(first_run / f"{STEM}.bilingual.docx", EDITS)
    assert invoke("import", str(first_run / f"{STEM}.bilingual.docx")).exit_code == 0
    without_any_engine(tmp_path, monkeypatch)
    result = invoke("run", str(seeds_copy), "--out", str(first_run), "--engine", engine, "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["memory"] == {
        "path": summary["memory"]["path"],
        "hits": 53,
        "reviewed": 3,
        "misses": 0,
    }
    # The machine rows were made by the tiny Argos model: the outputs still say so.
    assert summary["engine"] == "argos"
    assert all(not doc["error"] and len(doc["outputs"]) == 3 for doc in summary["documents"])
    assert_edits_everywhere(first_run)


def test_issue_11_item_8_without_engine_a_sentence_not_in_memory_stops_the_run(
    first_run: Path, seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = seeds_copy / "new.txt"
    article.write_text("Une phrase toute nouvelle que personne n'a traduite.\n", encoding="utf-8")
    without_any_engine(tmp_path, monkeypatch)
    result = invoke("run", str(seeds_copy), "--out", str(first_run))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no translation engine is available.")
    assert result.stderr.rstrip().endswith(
        "(1 of 54 sentences are not in the translation memory, so they need an engine)"
    )
    # Apertium was asked for by name, and the memory holds no Apertium translation.
    article.unlink()
    result = invoke("run", str(seeds_copy), "--out", str(first_run), "--engine", "apertium")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the apertium engine is not installed.")
    assert "(53 of 53 sentences are not in the translation memory" in result.stderr


@pytest.mark.parametrize(
    ("output", "lock_name"),
    [
        ("bilingual.docx", f".~lock.{STEM}.bilingual.docx#"),  # LibreOffice
        ("bilingual.docx", f"~${STEM[2:]}.bilingual.docx"),  # Word
        ("bilingual.md", f".~lock.{STEM}.bilingual.md#"),
    ],
)
def test_issue_11_item_5_an_output_open_in_an_office_suite_is_not_overwritten(
    first_run: Path, seeds_copy: Path, output: str, lock_name: str
) -> None:
    edit_docx(first_run / f"{STEM}.bilingual.docx", EDITS)
    assert invoke("import", str(first_run / f"{STEM}.bilingual.docx")).exit_code == 0
    target = first_run / f"{STEM}.{output}"
    before = target.read_bytes()
    (first_run / lock_name).write_text("editor,host,1234;", encoding="utf-8")
    result = invoke("run", str(seeds_copy), "--out", str(first_run), "--threads", "1")
    assert result.exit_code == 3  # the other articles are written
    assert target.read_bytes() == before
    assert result.stderr.splitlines() == [
        f"Error: {target}: open in an office suite (lock file {lock_name}), so none of this "
        "article's outputs was written; close it there (import your corrections first) and "
        "run again, or delete the lock file if nothing has it open"
    ]
    (first_run / lock_name).unlink()
    assert invoke("run", str(seeds_copy), "--out", str(first_run)).exit_code == 0
    assert target.read_bytes() != before


def english_cell_runs(path: Path, index: int) -> list[tuple[str, bool]]:
    cell = docx.Document(str(path)).tables[0].rows[index].cells[2]
    return [(run.text, bool(run.bold)) for run in cell.paragraphs[0].runs if run.text]


def test_issue9_item4_bold_added_in_the_docx_is_imported_and_reaches_every_output(
    first_run: Path, seeds_copy: Path
) -> None:
    path = first_run / f"{STEM}.bilingual.docx"
    document = docx.Document(str(path))
    paragraph = document.tables[0].rows[1].cells[2].paragraphs[0]
    english = paragraph.runs[0].text
    first, rest = english.split(" ", 1)
    # Same words, one of them now bold: a change of formatting only.
    paragraph.runs[0].text = first
    paragraph.runs[0].bold = True
    paragraph.add_run(" " + rest)
    document.save(str(path))
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "1 changed, 15 unchanged" in result.stdout
    again = invoke("import", str(path))
    assert "0 changed, 16 unchanged" in again.stdout
    run_json(seeds_copy, first_run)
    assert english_cell_runs(path, 1) == [(first, True), (" " + rest, False)]
    markdown = (first_run / f"{STEM}.bilingual.md").read_text(encoding="utf-8")
    row = next(line for line in markdown.splitlines() if line.startswith(f"| `{STEM}:p1:s1`"))
    assert row.endswith(f"| **{first}** {rest} |")
    assert "✓ reviewed" in row


def test_issue9_item4_link_and_code_typed_in_the_markdown_are_imported_as_formatting(
    first_run: Path, seeds_copy: Path
) -> None:
    path = first_run / f"{STEM}.bilingual.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines) if line.startswith(f"| `{STEM}:p1:s1`"))
    cells = lines[number].split(" | ")
    cells[-1] = "OpenAI suspended [Sora](https://openai.com/sora) and `gpt-4o`. |"
    lines[number] = " | ".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "1 changed, 15 unchanged" in result.stdout
    run_json(seeds_copy, first_run)
    document = docx.Document(str(first_run / f"{STEM}.bilingual.docx"))
    cell = document.tables[0].rows[1].cells[2]
    assert cell.text == "OpenAI suspended Sora and gpt-4o."
    hyperlink = cell._tc.find(".//" + qn("w:hyperlink"))
    assert document.part.rels[hyperlink.get(qn("r:id"))].target_ref == "https://openai.com/sora"
    code = [run for run in cell.paragraphs[0].runs if run.text == "gpt-4o"]
    assert code and code[0].font.name == CODE_FONT
    english = (first_run / f"{STEM}.bilingual.md").read_text(encoding="utf-8")
    assert "OpenAI suspended [Sora](https://openai.com/sora) and `gpt-4o`. |" in english


def test_issue10_item2_outputs_record_what_was_written_without_the_memory(
    first_run: Path, isolated_memory: Path
) -> None:
    docx_path = first_run / f"{STEM}.bilingual.docx"
    markdown = first_run / f"{STEM}.bilingual.md"
    assert output_was_edited(docx_path) is False
    assert output_was_edited(markdown) is False
    assert output_was_edited(first_run / f"{STEM}.en.md") is None  # not a bilingual file
    for leftover in isolated_memory.parent.glob("memory.sqlite*"):
        leftover.unlink()  # the memory is gone
    edit_docx(docx_path, {2: "An editor's correction."})
    markdown.write_text(
        markdown.read_text(encoding="utf-8").replace("| `", "| `", 1) + "A note.\n",
        encoding="utf-8",
    )
    assert output_was_edited(docx_path) is True
    assert output_was_edited(markdown) is True


def test_issue10_item2_run_without_the_memory_never_overwrites_an_edited_output(
    first_run: Path, seeds_copy: Path, isolated_memory: Path
) -> None:
    docx_path = first_run / f"{STEM}.bilingual.docx"
    edit_docx(docx_path, {2: "An editor's correction."})
    edited = docx_path.read_bytes()
    for leftover in isolated_memory.parent.glob("memory.sqlite*"):
        leftover.unlink()  # the memory is gone: nothing records what was written
    result = invoke("run", str(seeds_copy), "--out", str(first_run))
    assert result.exit_code == 3, result.stderr
    assert f"{docx_path}: changed since translate wrote it, so it was not overwritten" in (
        result.stderr
    )
    assert docx_path.read_bytes() == edited
    # The other article, not edited, is written as usual.
    assert "Translated 1 of 2 documents" in result.stdout


def test_a_bilingual_markdown_written_before_records_still_imports(
    first_run: Path, isolated_memory: Path
) -> None:
    path = first_run / f"{STEM}.bilingual.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith("<!-- translate_pipeline bilingual record: ")
    number = next(n for n, line in enumerate(lines) if line.startswith(f"| `{STEM}:p1:s1`"))
    cells = lines[number].split(" | ")
    cells[-1] = "OpenAI *suspended* access. |"  # read as it was then: text, not formatting
    lines[number] = " | ".join(cells)
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    assert output_was_edited(path) is None
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "1 changed, 15 unchanged, 0 unknown IDs" in result.stdout
    # Such a file showed no formatting: no spans are stored for its review, so the
    # French's formatting is still projected onto it.
    row = read_reviewed_file(path)[0]
    with TranslationMemory.open(isolated_memory) as memory:
        assert memory.reviewed_spans.lookup([(row.french, row.english)]) == {}
