"""Hostile input and faults (issue 10): nothing lost, no traceback, no hang.

Every test drives the real ``translate`` command. The engine is a fake
``apertium`` script put first on PATH: it answers ``apertium -l`` like the real
one and otherwise passes its input through (``cat``), drops lines, or hangs, as
the environment variable ``FAKE_APERTIUM`` says. It is honest about what it does:
its "English" is the French.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from translate_pipeline.cli import main

FAKE_APERTIUM = """#!/bin/sh
if [ "$1" = "-l" ]; then printf 'fr-es\\nspa-eng\\n'; exit 0; fi
[ -n "$FAKE_APERTIUM_LOG" ] && echo "$*" >> "$FAKE_APERTIUM_LOG"
case "$FAKE_APERTIUM" in
  drop2) head -n -2 ;;
  fail) echo "apertium: cannot load the dictionary" >&2; exit 3 ;;
  silent) cat > /dev/null ;;
  latin1) cat; printf 'caf\351\n' ;;
  double) awk '{ print; print "" }' ;;
  hang-on)
    [ -n "$FAKE_APERTIUM_PIDS" ] && echo $$ >> "$FAKE_APERTIUM_PIDS"
    input=$(cat)
    case "$input" in *ronfle*) sleep 60 ;; esac
    printf '%s\\n' "$input" ;;
  *) cat ;;
esac
"""


@pytest.fixture
def fake_apertium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``apertium`` first on PATH; returns the log of its pipeline calls."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    script = folder / "apertium"
    script.write_text(FAKE_APERTIUM, encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    log = tmp_path / "apertium-calls.log"
    monkeypatch.setenv("FAKE_APERTIUM_LOG", str(log))
    monkeypatch.delenv("FAKE_APERTIUM", raising=False)
    return log


def translate(*args: str) -> Result:
    """Run ``translate`` in-process; a traceback would surface as ``result.exception``."""
    return CliRunner().invoke(main, list(args))


def assert_clean(result: Result) -> None:
    """The command ended through its own exit path: no traceback, no stray exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


def memory_rows(memory: Path) -> list[tuple[str, str]]:
    if not memory.exists():
        return []
    with sqlite3.connect(memory) as db:
        return db.execute("SELECT source, target FROM entries ORDER BY source").fetchall()


def write_article(folder: Path, name: str, *sentences: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    return path


# -- item 1 -----------------------------------------------------------------------------


def test_issue10_item1_short_engine_output_stores_nothing(
    tmp_path: Path, fake_apertium: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = write_article(tmp_path / "src", "a.txt", "Le chat dort.", "Le chien mange.")
    memory = tmp_path / "memory.sqlite"
    monkeypatch.setenv("FAKE_APERTIUM", "drop2")
    args = ("run", str(article), "--out", str(tmp_path / "out"), "--memory", str(memory))
    result = translate(*args, "--engine", "apertium")
    assert_clean(result)
    assert result.exit_code == 1
    assert "the apertium engine returned no English" in result.stderr
    assert memory_rows(memory) == []
    assert not (tmp_path / "out" / "a.en.md").exists()
    # A healthy engine afterwards translates everything: no empty English was kept.
    monkeypatch.setenv("FAKE_APERTIUM", "cat")
    result = translate(*args, "--engine", "apertium")
    assert result.exit_code == 0, result.output
    assert memory_rows(memory) == [
        ("Le chat dort.", "Le chat dort."),
        ("Le chien mange.", "Le chien mange."),
    ]


# -- item 5 -----------------------------------------------------------------------------


def _unreadable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_article(folder, "b.txt", "Secret.")
    path.chmod(0)
    if os.access(path, os.R_OK):
        # Root reads any file: make this one refuse as it would for anyone else.
        real_open = Path.open

        def refusing_open(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refusing_open)
    return path


def _xlsx_renamed(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import zipfile

    path = folder / "b.docx"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            "</Types>",
        )
        bundle.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        bundle.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return path


def _non_utf8_name(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    name = os.fsdecode(b"b-caf\xe9.txt")
    path = folder / name
    path.write_text("Un café.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make_bad", "message"),
    [
        (_unreadable, "cannot be read (permission denied)"),
        (_xlsx_renamed, "not a Word document"),
        (_non_utf8_name, "b-caf\\xe9.txt: the file name is not valid UTF-8"),
    ],
    ids=["permission-denied", "xlsx-renamed-docx", "non-utf8-name"],
)
def test_issue10_item5_one_bad_file_is_one_error(
    tmp_path: Path, fake_apertium: Path, monkeypatch: pytest.MonkeyPatch, make_bad, message
) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    write_article(src, "a.txt", "Le chat dort.")
    make_bad(src, monkeypatch)
    write_article(src, "c.txt", "Le chien mange.")
    out = tmp_path / "out"
    result = translate("run", str(src), "--out", str(out), "--engine", "apertium")
    assert_clean(result)
    assert result.exit_code == 3
    assert message in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == [
        next(line for line in result.stderr.splitlines() if message in line)
    ]
    assert (out / "a.en.md").read_text(encoding="utf-8") == "Le chat dort.\n"
    assert (out / "c.en.md").read_text(encoding="utf-8") == "Le chien mange.\n"


# -- item 6 -----------------------------------------------------------------------------


def test_issue10_item6_same_stem_twice_keeps_both_outputs(
    tmp_path: Path, fake_apertium: Path
) -> None:
    src = tmp_path / "src"
    write_article(src, "a.txt", "Texte brut.")
    write_article(src, "a.md", "Texte Markdown.")
    write_article(tmp_path / "x", "b.txt", "Premier b.")
    write_article(tmp_path / "y", "b.txt", "Second b.")
    out = tmp_path / "out"
    result = translate("run", str(src), str(tmp_path / "x"), str(tmp_path / "y"), "--out", str(out))
    assert_clean(result)
    assert result.exit_code == 0, result.output
    english = {
        name: (out / f"{name}.en.md").read_text(encoding="utf-8").strip()
        for name in ("a-txt", "a-md", "x-b", "y-b")
    }
    assert english == {
        "a-txt": "Texte brut.",
        "a-md": "Texte Markdown.",
        "x-b": "Premier b.",
        "y-b": "Second b.",
    }


# -- item 7 -----------------------------------------------------------------------------


def test_issue10_item7_hung_engine_is_stopped_and_finished_batches_kept(
    tmp_path: Path, fake_apertium: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lower-case trigger: Apertium is never given a capitalised word like "DORS"
    # (engines/acronyms.py masks it).
    article = write_article(tmp_path / "src", "a.txt", "Le chat mange.", "Le chat ronfle.")
    memory = tmp_path / "memory.sqlite"
    monkeypatch.setenv("FAKE_APERTIUM", "hang-on")
    monkeypatch.setenv("TRANSLATE_ENGINE_TIMEOUT", "0.5")
    started = time.monotonic()
    result = translate(
        "run", str(article), "--out", str(tmp_path / "out"), "--memory", str(memory),
        "--batch-size", "1", "--engine", "apertium",
    )  # fmt: skip
    assert time.monotonic() - started < 10
    assert_clean(result)
    assert result.exit_code == 1
    assert "the apertium engine did not finish a batch of 1 segments in 1 s" in result.stderr
    assert memory_rows(memory) == [("Le chat mange.", "Le chat mange.")]


def test_issue10_item7_ctrl_c_leaves_no_engine_process_behind(
    tmp_path: Path, fake_apertium: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    article = write_article(tmp_path / "src", "a.txt", "Le chat ronfle.")
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_APERTIUM", "hang-on")
    monkeypatch.setenv("FAKE_APERTIUM_PIDS", str(pids))
    process = subprocess.Popen(
        [sys.executable, "-m", "translate_pipeline.cli", "run", str(article), "--out",
         str(tmp_path / "out"), "--engine", "apertium"],
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not (pids.exists() and len(pids.read_text().split()) == 2):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    # Let the parent return from starting them (an interrupt inside Popen itself,
    # between exec and its return, is beyond reach).
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in stderr
    for pid in map(int, pids.read_text().split()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_issue10_item7_hung_argos_is_stopped_and_finished_batches_kept(
    tmp_path: Path, endless_decoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = write_article(tmp_path / "src", "a.txt", "Le chat mange.", "Le chat DORS.")
    memory = tmp_path / "memory.sqlite"
    monkeypatch.setenv("TRANSLATE_ENGINE_TIMEOUT", "0.2")  # plus 1 s per segment
    started = time.monotonic()
    result = translate(
        "run", str(article), "--out", str(tmp_path / "out"), "--memory", str(memory),
        "--batch-size", "1", "--engine", "argos", "--threads", "1",
    )  # fmt: skip
    assert time.monotonic() - started < 60  # generous: the limit is 1.2 s
    assert_clean(result)
    assert result.exit_code == 1
    assert (
        "Error: the argos engine (translate-fr_en-tiny@0.0.1-tiny) did not finish a batch of "
        "1 segments in 1 s and was stopped" in result.stderr
    )
    rows = memory_rows(memory)
    assert [french for french, _ in rows] == ["Le chat mange."]
    assert rows[0][1].strip()


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="utf-8")
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _run_until_second_batch(tmp_path: Path, *options: str) -> tuple[Any, Path, list[int]]:
    """``translate run`` of "Le chat mange." then "Le chat DORS.", one per batch, in a
    process of its own; returns once the first is saved and the second is decoding,
    with the memory's path and the run's child processes."""
    import subprocess
    import sys

    article = write_article(tmp_path / "src", "a.txt", "Le chat mange.", "Le chat DORS.")
    memory = tmp_path / "memory.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "translate_pipeline.cli", "run", str(article), "--out",
         str(tmp_path / "out"), "--memory", str(memory), "--batch-size", "1", "--engine",
         "argos", "--threads", "1", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not memory_rows_or_none(memory):
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    time.sleep(0.5)  # into the endless decoding of the second batch
    return process, memory, _children(process.pid)


def memory_rows_or_none(memory: Path) -> list[tuple[str, str]] | None:
    try:
        return memory_rows(memory)
    except sqlite3.Error:  # being created
        return None


def test_issue10_item7_hung_argos_through_the_cli_exits_1_and_leaves_no_process(
    tmp_path: Path, endless_decoding: str
) -> None:
    """Real endless decoding through the CLI: status 1 and the message, not an abort
    (134) or a wait for the decoding; the batch before it is kept."""
    from tests.conftest import process_is_gone

    process, memory, children = _run_until_second_batch(tmp_path, "--engine-timeout", "2")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr
    assert "the argos engine (translate-fr_en-tiny@0.0.1-tiny) did not finish a batch" in stderr
    assert "terminate called" not in stderr and "Traceback" not in stderr
    assert [french for french, _ in memory_rows(memory)] == ["Le chat mange."]
    assert children and all(process_is_gone(pid) for pid in children)


def test_issue10_item7_ctrl_c_during_a_hung_argos_call_exits_130(
    tmp_path: Path, endless_decoding: str
) -> None:
    from tests.conftest import process_is_gone

    process, memory, children = _run_until_second_batch(tmp_path)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1].startswith("Error: interrupted. Every batch finished")
    assert "terminate called" not in stderr and "Traceback" not in stderr
    assert [french for french, _ in memory_rows(memory)] == ["Le chat mange."]
    assert children and all(process_is_gone(pid) for pid in children)


# -- item 8 -----------------------------------------------------------------------------


def test_issue10_item8_default_batches_are_bounded(
    tmp_path: Path, fake_apertium: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translate_pipeline.engines.apertium import translator

    assert 0 < translator.DEFAULT_BATCH_SIZE <= 2000
    # A smaller default keeps the article short; what is tested is that it applies.
    monkeypatch.setattr(translator, "DEFAULT_BATCH_SIZE", 40)
    sentences = [f"La phrase numéro {n} est là." for n in range(40 * 2 + 10)]
    article = write_article(tmp_path / "src", "a.txt", " ".join(sentences))
    memory = tmp_path / "memory.sqlite"
    result = translate("run", str(article), "--out", str(tmp_path / "out"), "--memory", str(memory))
    assert result.exit_code == 0, result.output
    # Three batches, each through the two processes of the pivot.
    assert fake_apertium.read_text(encoding="utf-8").count("fr-es") == 3
    assert len(memory_rows(memory)) == len(sentences)


# -- items 17, 18, 21 -------------------------------------------------------------------


def test_issue10_item17_absurd_thread_count_is_refused(tmp_path: Path) -> None:
    article = write_article(tmp_path, "a.txt", "Bonjour.")
    started = time.monotonic()
    result = translate("run", str(article), "--threads", "100000")
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert "'--threads': 100000 is not in the range 0<=x<=1024" in result.output


def test_issue10_item18_broken_links_are_named(tmp_path: Path, fake_apertium: Path) -> None:
    src = tmp_path / "src"
    write_article(src, "a.txt", "Le chat dort.")
    (src / "dangling.txt").symlink_to(src / "gone.txt")
    (src / "loop.txt").symlink_to(src / "loop.txt")
    result = translate("run", str(src), "--out", str(tmp_path / "out"))
    assert_clean(result)
    assert result.exit_code == 0, result.output
    assert f"Skipped {src / 'dangling.txt'}: a symbolic link to {src / 'gone.txt'}" in (
        result.stderr
    )
    assert f"Skipped {src / 'loop.txt'}: a symbolic link loop." in result.stderr


def test_issue10_item21_own_outputs_are_never_sources(tmp_path: Path, fake_apertium: Path) -> None:
    src = tmp_path / "src"
    write_article(src, "a.txt", "Le chat dort.")
    for _ in range(2):
        result = translate("run", str(src), "--out", str(src), "--json")
        assert result.exit_code == 0, result.output
    # Not read, but named, so that an article named like an output is not lost silently.
    assert "Skipped 5 file(s) named like translate's outputs" in result.stderr
    assert sorted(p.name for p in src.iterdir()) == [
        "a.bilingual.docx",
        "a.bilingual.md",
        "a.en.md",
        "a.txt",
        "qa-report.json",
        "qa-report.md",
    ]
    # Named directly, an output is refused with a reason.
    result = translate("run", str(src / "a.en.md"), "--out", str(src))
    assert result.exit_code == 1
    assert "is a file translate writes" in result.stderr


# -- items 10, 11, 12: the memory's disk full, locked, read-only ------------------------


def test_issue10_item10_full_disk_keeps_saved_batches(
    tmp_path: Path, fake_apertium: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_tail = " et puis encore une longue suite de mots pour remplir la page" * 4
    sentences = [f"Phrase {n}{long_tail}." for n in range(300)]
    article = write_article(tmp_path / "src", "a.txt", *sentences)
    memory = tmp_path / "memory.sqlite"
    real_connect = sqlite3.connect

    def small_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        connection = real_connect(*args, **kwargs)
        connection.execute("PRAGMA max_page_count = 60")  # a 240 KiB disk
        return connection

    monkeypatch.setattr(sqlite3, "connect", small_disk)
    result = translate(
        "run", str(article), "--out", str(tmp_path / "out"), "--memory", str(memory),
        "--batch-size", "20", "--engine", "apertium",
    )  # fmt: skip
    assert_clean(result)
    assert result.exit_code == 1
    assert "the disk holding the translation memory is full" in result.stderr
    assert "Move it away" not in result.stderr
    saved = memory_rows(memory)
    assert 0 < len(saved) < len(sentences)
    assert all(source == target for source, target in saved)


def test_issue10_item11_locked_memory_is_waited_for_then_named(
    tmp_path: Path, fake_apertium: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = write_article(tmp_path / "src", "a.txt", "Le chat dort.")
    memory = tmp_path / "memory.sqlite"
    args = ("run", str(article), "--out", str(tmp_path / "out"), "--memory", str(memory))
    assert translate(*args).exit_code == 0
    monkeypatch.setenv("TRANSLATE_MEMORY_WAIT", "1")
    other = sqlite3.connect(memory)  # another process holding a write lock
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        result = translate(*args)
        assert time.monotonic() - started < 5
        # Reading needs no lock: exporting works while the other process writes.
        exported = translate("export", "--memory", str(memory), "--out", str(tmp_path / "m.tmx"))
        assert exported.exit_code == 0, exported.output
    finally:
        other.rollback()
        other.close()
    assert_clean(result)
    assert result.exit_code == 1
    assert f"{memory}: in use by another process; waiting up to 1 s" in result.stderr
    assert "in use by another process (another translate run or import?)" in result.stderr
    assert "keep it where it is" in result.stderr
    assert "Move it away" not in result.stderr and "not a readable" not in result.stderr
    assert translate(*args).exit_code == 0  # once released, the memory works as before


def test_issue10_item12_read_only_memory_is_named_and_still_read(
    tmp_path: Path, fake_apertium: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "src"
    write_article(src, "a.txt", "Le chat dort.")
    memory = tmp_path / "memory.sqlite"
    args = ("run", str(src), "--out", str(tmp_path / "out"), "--memory", str(memory))
    assert translate(*args).exit_code == 0
    memory.chmod(0o444)
    real_access = os.access

    def as_a_user(path, mode, *rest, **kwargs):  # type: ignore[no-untyped-def]
        # Root writes any file: answer as the permissions do for everyone else.
        if Path(path) == memory and mode & os.W_OK:
            return False
        return real_access(path, mode, *rest, **kwargs)

    monkeypatch.setattr(os, "access", as_a_user)
    # Nothing to write: the run reads the memory and leaves every output as it is.
    result = translate(*args)
    assert_clean(result)
    assert result.exit_code == 0, result.output
    assert "0 written, 5 already up to date" in result.stdout  # the QA report pair too
    exported = translate("export", "--memory", str(memory), "--out", str(tmp_path / "m.tmx"))
    assert exported.exit_code == 0, exported.output
    # A new sentence needs a write: refused with the real reason.
    write_article(src, "b.txt", "Le chien mange.")
    result = translate(*args)
    assert_clean(result)
    assert result.exit_code == 1
    assert "the translation memory is read-only" in result.stderr
    assert "not a readable memory file" not in result.stderr


# -- item 14: encodings -----------------------------------------------------------------

FRENCH = "Le café est chaud.\nDeuxième ligne ici.\n"


@pytest.mark.parametrize(
    ("data", "exit_code", "expected"),
    [
        (b"\xff\xfe" + FRENCH.encode("utf-16-le"), 0, "Le café est chaud."),
        (b"\xfe\xff" + FRENCH.encode("utf-16-be"), 0, "Le café est chaud."),
        (b"\xef\xbb\xbf" + FRENCH.encode(), 0, "Le café est chaud."),
        (FRENCH.encode("utf-16-le"), 1, "iconv -f UTF-16LE -t UTF-8"),
        (FRENCH.encode("utf-16-be"), 1, "iconv -f UTF-16BE -t UTF-8"),
        ("Plain text only.\n".encode("utf-16-le"), 1, "iconv -f UTF-16LE -t UTF-8"),
        (FRENCH.encode("cp1252"), 1, "iconv -f WINDOWS-1252 -t UTF-8"),
        (bytes(range(256)) * 8, 1, "it looks like a binary file, not text"),
    ],
    ids=[
        "utf16le-bom",
        "utf16be-bom",
        "utf8-bom",
        "utf16le-no-bom",
        "utf16be-no-bom",
        "utf16le-ascii-no-bom",
        "cp1252",
        "binary",
    ],
)
def test_issue10_item14_encoding_read_or_advice_matches_the_bytes(
    tmp_path: Path, fake_apertium: Path, data: bytes, exit_code: int, expected: str
) -> None:
    article = tmp_path / "a.txt"
    article.write_bytes(data)
    out = tmp_path / "out"
    result = translate("run", str(article), "--out", str(out))
    assert_clean(result)
    assert result.exit_code == exit_code, result.output
    if exit_code == 0:
        assert (out / "a.en.md").read_text(encoding="utf-8").startswith(expected)
    else:
        assert expected in result.stderr
        if "WINDOWS-1252" not in expected:  # the advice given before, whatever the bytes
            assert "WINDOWS-1252" not in result.stderr


# -- item 15: a stray quote in the glossary ---------------------------------------------


def test_issue10_item15_stray_glossary_quote_is_named(tmp_path: Path, fake_apertium: Path) -> None:
    glossary = tmp_path / "terms.csv"
    glossary.write_text(
        'source,target,case_sensitive,note\nOpenAI,,yes,\n"Hugging Face,,yes,\n'
        "Sora,,yes,\nNiko Felix,,yes,\n",
        encoding="utf-8",
    )
    problem = (
        f"{glossary}:3: a double quote opens a cell here that runs on to line 5, swallowing "
        "the rows between"
    )
    checked = translate("glossary", "check", "--glossary", str(glossary))
    assert checked.exit_code == 1
    assert problem in checked.stderr
    article = write_article(tmp_path / "src", "a.txt", "OpenAI et Sora.")
    out = tmp_path / "out"
    result = translate("run", str(article), "--out", str(out), "--glossary", str(glossary))
    assert_clean(result)
    assert result.exit_code == 1
    assert problem in result.stderr
    assert not out.exists() or not any(out.iterdir())


# -- items 4 and 13: Argos packages -----------------------------------------------------


def _repack(source: Path, target: Path, damaged: str) -> Path:
    """A copy of the ``source`` package with its member ending in ``damaged`` cut in half."""
    import zipfile

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            copy.writestr(item, data[: len(data) // 2] if item.filename.endswith(damaged) else data)
    return target


@pytest.mark.parametrize("damaged", ["model/model.bin", "sentencepiece.model"])
def test_issue10_item4_corrupt_package_never_replaces_a_working_model(
    tmp_path: Path, installed_tiny_model: Path, tiny_model_file: Path, damaged: str
) -> None:
    before = {p: p.read_bytes() for p in installed_tiny_model.rglob("*") if p.is_file()}
    corrupt = _repack(tiny_model_file, tmp_path / "corrupt.argosmodel", damaged)
    result = translate("model", "install", str(corrupt))
    assert_clean(result)
    assert result.exit_code == 1
    assert f"{corrupt}: not installed, its {damaged} cannot be loaded" in result.stderr
    assert "Installed" not in result.stdout
    assert {p: p.read_bytes() for p in installed_tiny_model.rglob("*") if p.is_file()} == before
    assert [p.name for p in installed_tiny_model.parent.iterdir()] == [installed_tiny_model.name]
    article = write_article(tmp_path / "src", "a.txt", "Le chat dort.")
    run = translate(
        "run", str(article), "--out", str(tmp_path / "out"), "--engine", "argos",
        "--threads", "1", "--beam-size", "1", "--device", "cpu",
    )  # fmt: skip
    assert run.exit_code == 0, run.output


@pytest.mark.parametrize("damaged", ["model/model.bin", "sentencepiece.model", "metadata.json"])
def test_issue10_item13_damaged_installed_model_is_one_error(
    tmp_path: Path, installed_tiny_model: Path, damaged: str
) -> None:
    part = installed_tiny_model / damaged
    data = part.read_bytes()
    part.write_bytes(data[: len(data) // 2])
    article = write_article(tmp_path / "src", "a.txt", "Le chat dort.")
    result = translate(
        "run", str(article), "--out", str(tmp_path / "out"), "--engine", "argos",
        "--threads", "1", "--device", "cpu",
    )  # fmt: skip
    assert_clean(result)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1
    assert str(installed_tiny_model) in lines[0]
    assert "translate model install" in lines[0]


# -- the battery: further hostile inputs, same families ---------------------------------
#
# Each case prepares a workspace and returns the command's arguments, and may
# return a check that nothing was lost. Every case must end cleanly (no
# traceback), with one of its expected exit codes, within HANG_SECONDS.

HANG_SECONDS = 30
ARTICLE = "Le chat dort sur le canapé.\nLe chien mange dans la cuisine.\n"


@dataclass(frozen=True)
class Case:
    prepare: Callable[[Path], tuple[list[str], Callable[[], None] | None]]
    exits: tuple[int, ...]
    says: str = ""


BATTERY: dict[str, Case] = {}


def case(name: str, *exits: int, says: str = ""):  # type: ignore[no-untyped-def]
    def register(prepare):  # type: ignore[no-untyped-def]
        def normalised(ws: Path) -> tuple[list[str], Callable[[], None] | None]:
            made = prepare(ws)
            return made if isinstance(made, tuple) else (made, None)

        BATTERY[name] = Case(normalised, exits, says)
        return prepare

    return register


def _src(ws: Path, name: str = "a.txt", data: bytes | str = ARTICLE) -> Path:
    path = ws / "src" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _run(ws: Path, *sources: Path | str, extra: tuple[str, ...] = ()) -> list[str]:
    return ["run", *map(str, sources or (ws / "src",)), "--out", str(ws / "out"), *extra]


def _unchanged(*paths: Path) -> Callable[[], None]:
    before = {path: path.read_bytes() for path in paths}

    def check() -> None:
        for path, data in before.items():
            assert path.read_bytes() == data, f"{path} was changed"

    return check


# Sources
@case("empty-file", 1, says="the file has no text")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, data=b""))


@case("whitespace-only", 1, says="the file has no text")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, data=" \n\t\n \r\n"))


@case("bom-only", 1, says="the file has no text")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, data=b"\xef\xbb\xbf"))


@case("nul-bytes-in-text", 1, says="NUL bytes")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, data=b"Le chat\x00 dort.\x00\x00\n" * 20))


@case("control-characters-in-text", 0)
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws, data="Le chat\x0b dort.\x1b[31m Rouge\x0c fin.\x7f\n")

    def written() -> None:
        assert "Rouge" in (ws / "out" / "a.en.md").read_text(encoding="utf-8")

    return _run(ws, source), written


@case("code-block-only-markdown", 0, 1)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, "a.md", "```\ncode seulement\n```\n"))


@case("front-matter-only-markdown", 0, 1)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, "a.md", "---\ntitle: x\n---\n"))


@case("deeply-nested-markdown", 0)
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws, "a.md", "Premier paragraphe.\n\n" + "> " * 25 + "Texte profond.\n")

    def deep_text_kept() -> None:
        assert "Texte profond." in (ws / "out" / "a.en.md").read_text(encoding="utf-8")

    return _run(ws, source), deep_text_kept


@case("absurdly-nested-markdown", 1, says="a.md: cannot be read as Markdown")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, "a.md", "> " * 3000 + "Texte perdu ?\n"))


@case("deeply-nested-markdown-list", 0)
def _(ws):  # type: ignore[no-untyped-def]
    nested = "".join("  " * level + "- Niveau.\n" for level in range(60))
    source = _src(ws, "a.md", "Début.\n\n" + nested + "  " * 60 + "- Tout au fond.\n")

    def deep_item_kept() -> None:
        assert "Tout au fond." in (ws / "out" / "a.en.md").read_text(encoding="utf-8")

    return _run(ws, source), deep_item_kept


@case("html-only-markdown", 0, 1)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, "a.md", "<div>\n<p>Bonjour</p>\n</div>\n"))


@case("folder-named-like-article", 0, says="Translated 2 of 2 documents")
def _(ws):  # type: ignore[no-untyped-def]
    # Folders are read recursively (issue 11 item 5), whatever their name.
    _src(ws)
    _src(ws, "dossier.txt/b.txt")
    return _run(ws)


@case("link-to-a-folder-above", 0, says="a symbolic link to a folder it lies in")
def _(ws):  # type: ignore[no-untyped-def]
    _src(ws, "sub/a.txt")
    (ws / "src" / "sub" / "up").symlink_to(ws / "src")
    return _run(ws)


@case("named-pipe-in-folder", 0, says="not a regular file")
def _(ws):  # type: ignore[no-untyped-def]
    _src(ws)
    os.mkfifo(ws / "src" / "pipe.txt")
    return _run(ws)


@case("named-pipe-given-directly", 1, says="not a regular file")
def _(ws):  # type: ignore[no-untyped-def]
    (ws / "src").mkdir()
    os.mkfifo(ws / "src" / "pipe.txt")
    return _run(ws, ws / "src" / "pipe.txt")


@case("docx-empty-zip", 1, says="a.docx")
def _(ws):  # type: ignore[no-untyped-def]
    import zipfile

    (ws / "src").mkdir()
    with zipfile.ZipFile(ws / "src" / "a.docx", "w"):
        pass
    return _run(ws, ws / "src" / "a.docx")


@case("docx-random-bytes", 3, says="b.docx")
def _(ws):  # type: ignore[no-untyped-def]
    _src(ws)
    _src(ws, "b.docx", os.urandom(3000))
    return _run(ws)


@case("docx-without-text", 1, says="the file has no text")
def _(ws):  # type: ignore[no-untyped-def]
    import docx

    (ws / "src").mkdir()
    docx.Document().save(str(ws / "src" / "a.docx"))
    return _run(ws, ws / "src" / "a.docx")


@case("unicode-and-spaces-in-name", 0)
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws, "été 2024 — « brouillon ».txt")

    def written() -> None:
        assert (ws / "out" / "été 2024 — « brouillon ».en.md").is_file()

    return _run(ws, source), written


@case("newline-in-file-name", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, "deux\nlignes.txt"))


@case("same-file-three-ways", 0)
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws)
    (ws / "link.txt").symlink_to(source)

    def once() -> None:
        assert sorted(p.name for p in (ws / "out").glob("*.en.md")) == ["a.en.md"]

    return _run(ws, ws / "src", source.resolve(), source), once


@case("mixed-line-endings", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, data=b"Un chat.\rDeux chats.\r\nTrois chats.\n"))


@case("upper-case-extension", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, "A.TXT"))


@case("very-long-line", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, data=("mot " * 5000) + "\n"))


@case("emoji-rtl-combining", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws, data="Le chat 🐈‍⬛ dit مرحبا et cafe\u0301.\n"))


# Outputs
@case("out-is-a-file", 2, says="is a file")
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws)
    (ws / "out").write_text("x", encoding="utf-8")
    return _run(ws, source), _unchanged(ws / "out")


@case("out-deeply-nested", 0)
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws)
    return ["run", str(source), "--out", str(ws / "a" / "b" / "c" / "d")]


@case("edited-output-kept", 3, says="changed since translate wrote it")
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws)
    assert translate(*_run(ws, source)).exit_code == 0
    english = ws / "out" / "a.en.md"
    english.write_text("The editor's own words.\n", encoding="utf-8")
    source.write_text("Le chat ne dort plus.\n", encoding="utf-8")
    _src(ws, "b.txt")
    return _run(ws), _unchanged(english)


@case("output-replaced-by-a-folder", 1, says="move it away")
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws)
    (ws / "out" / "a.bilingual.docx").mkdir(parents=True)
    return _run(ws, source)


@case("output-is-a-link-to-the-source", 0)
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws)
    (ws / "out").mkdir()
    (ws / "out" / "a.en.md").symlink_to(source)
    return _run(ws, source), _unchanged(source)


@case("qa-report-is-a-folder", 1, says="move it away")
def _(ws):  # type: ignore[no-untyped-def]
    source = _src(ws)
    (ws / "out" / "qa-report.json").mkdir(parents=True)
    return _run(ws, source)


@case("out-folder-name-not-utf8", 0)
def _(ws):  # type: ignore[no-untyped-def]
    out = ws / os.fsdecode(b"sortie-\xe9")

    def written() -> None:
        assert (out / "a.en.md").is_file()

    return ["run", str(_src(ws)), "--out", str(out)], written


# Glossary
def _glossary(ws: Path, data: bytes | str) -> tuple[str, ...]:
    path = ws / "terms.csv"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return ("--glossary", str(path))


@case("glossary-missing", 1, says="no such file")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--glossary", str(ws / "none.csv")))


@case("glossary-empty", 1, says="the file is empty")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=_glossary(ws, ""))


@case("glossary-header-only", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=_glossary(ws, "source,target,case_sensitive,note\n"))


@case("glossary-latin1", 1, says="not UTF-8")
def _(ws):  # type: ignore[no-untyped-def]
    data = "source,target\nCafé,\n".encode("latin-1")
    return _run(ws, _src(ws), extra=_glossary(ws, data))


@case("glossary-nul-byte", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=_glossary(ws, b"source,target\nA\x00B,\n"))


@case("glossary-regex-characters", 0)
def _(ws):  # type: ignore[no-untyped-def]
    terms = "source,target\n.*+?,\n(chat,\n[dort],\n\\d+,\n^$,\n"
    return _run(ws, _src(ws), extra=_glossary(ws, terms))


@case("glossary-huge-term", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=_glossary(ws, "source,target\n" + "x" * 5000 + ",\n"))


@case("glossary-bom-crlf", 0)
def _(ws):  # type: ignore[no-untyped-def]
    data = b"\xef\xbb\xbfsource,target\r\nchat,\r\n"
    return _run(ws, _src(ws), extra=_glossary(ws, data))


@case("glossary-too-many-cells", 1, says="terms.csv:2")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=_glossary(ws, "source,target\nchat,cat,yes,n,extra\n"))


@case("glossary-is-a-folder", 2, says="is a directory")
def _(ws):  # type: ignore[no-untyped-def]
    (ws / "dir.csv").mkdir()
    return _run(ws, _src(ws), extra=("--glossary", str(ws / "dir.csv")))


@case(
    "glossary-check-unclosed-quote-last-line",
    1,
    says="terms.csv:3: a double quote opens a cell here that is never closed",
)
def _(ws):  # type: ignore[no-untyped-def]
    return ["glossary", "check", *_glossary(ws, 'source,target\nchat,\n"chien,\n')]


# Memory
def _memory(ws: Path, data: bytes | None = None) -> Path:
    path = ws / "memory.sqlite"
    if data is not None:
        path.write_bytes(data)
    return path


@case("memory-is-a-folder", 2, says="is a directory")
def _(ws):  # type: ignore[no-untyped-def]
    (ws / "memory.sqlite").mkdir()
    return _run(ws, _src(ws), extra=("--memory", str(ws / "memory.sqlite")))


@case("memory-garbage", 1, says="not a readable memory file (file is not a database)")
def _(ws):  # type: ignore[no-untyped-def]
    memory = _memory(ws, os.urandom(5000))
    return _run(ws, _src(ws), extra=("--memory", str(memory))), _unchanged(memory)


@case("memory-foreign-sqlite", 1, says="an SQLite file of another program")
def _(ws):  # type: ignore[no-untyped-def]
    memory = _memory(ws)
    with sqlite3.connect(memory) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    return _run(ws, _src(ws), extra=("--memory", str(memory))), _unchanged(memory)


@case("memory-newer-schema", 1, says="newer translate_pipeline")
def _(ws):  # type: ignore[no-untyped-def]
    memory = _memory(ws)
    assert translate(*_run(ws, _src(ws), extra=("--memory", str(memory)))).exit_code == 0
    db = sqlite3.connect(memory)
    db.execute("PRAGMA user_version = 99")
    db.close()
    return _run(ws, extra=("--memory", str(memory))), _unchanged(memory)


@case("memory-truncated", 1, says="memory.sqlite")
def _(ws):  # type: ignore[no-untyped-def]
    memory = _memory(ws)
    sentences = "\n".join(f"Phrase numéro {n} du texte." for n in range(400))
    assert (
        translate(*_run(ws, _src(ws, data=sentences), extra=("--memory", str(memory)))).exit_code
        == 0
    )
    data = memory.read_bytes()
    memory.write_bytes(data[: len(data) // 3])
    return _run(ws, extra=("--memory", str(memory))), _unchanged(memory)


@case("memory-empty-file", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--memory", str(_memory(ws, b""))))


@case("memory-parent-is-a-file", 1, says="cannot open")
def _(ws):  # type: ignore[no-untyped-def]
    (ws / "file").write_text("x", encoding="utf-8")
    return _run(ws, _src(ws), extra=("--memory", str(ws / "file" / "memory.sqlite")))


@case("memory-path-not-utf8", 0)
def _(ws):  # type: ignore[no-untyped-def]
    memory = ws / os.fsdecode(b"m\xe9moire.sqlite")

    def created() -> None:
        assert memory.is_file()

    return _run(ws, _src(ws), extra=("--memory", str(memory))), created


@case("glossary-path-not-utf8", 1, says="no such file")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--glossary", str(ws / os.fsdecode(b"termes-\xe9.csv"))))


@case("export-missing-memory", 1, says="no translation memory yet")
def _(ws):  # type: ignore[no-untyped-def]
    return ["export", "--memory", str(ws / "none.sqlite"), "--out", str(ws / "m.tmx")]


# Options and environment
@case("batch-size-zero", 2)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--batch-size", "0"))


@case("beam-size-zero", 2)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--beam-size", "0"))


@case("threads-negative", 2)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--threads", "-1"))


@case("engine-timeout-zero", 2)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--engine-timeout", "0"))


@case("engine-timeout-nan", 2, says="nan is not a number of seconds")
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--engine-timeout", "nan"))


@case("engine-timeout-inf", 0)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--engine-timeout", "inf"))


@case("unknown-engine", 2)
def _(ws):  # type: ignore[no-untyped-def]
    return _run(ws, _src(ws), extra=("--engine", "google"))


@case("memory-wait-not-a-number", 0)
def _(ws):  # type: ignore[no-untyped-def]
    os.environ["TRANSLATE_MEMORY_WAIT"] = "soon"
    return _run(ws, _src(ws))


@case("memory-wait-infinite", 0)
def _(ws):  # type: ignore[no-untyped-def]
    os.environ["TRANSLATE_MEMORY_WAIT"] = "inf"
    return _run(ws, _src(ws))


@case("memory-wait-nan", 0)
def _(ws):  # type: ignore[no-untyped-def]
    os.environ["TRANSLATE_MEMORY_WAIT"] = "nan"
    return _run(ws, _src(ws))


@case("memory-wait-negative", 0)
def _(ws):  # type: ignore[no-untyped-def]
    os.environ["TRANSLATE_MEMORY_WAIT"] = "-5"
    return _run(ws, _src(ws))


@case("memory-wait-huge", 0)
def _(ws):  # type: ignore[no-untyped-def]
    os.environ["TRANSLATE_MEMORY_WAIT"] = "1e308"
    return _run(ws, _src(ws))


# Engine faults
def _fake_mode(mode: str) -> None:
    os.environ["FAKE_APERTIUM"] = mode


@case("engine-exits-non-zero", 1, says="apertium failed")
def _(ws):  # type: ignore[no-untyped-def]
    _fake_mode("fail")
    return _run(ws, _src(ws), extra=("--engine", "apertium"))


@case("engine-prints-nothing", 1, says="the apertium engine returned no English")
def _(ws):  # type: ignore[no-untyped-def]
    _fake_mode("silent")
    return _run(ws, _src(ws), extra=("--engine", "apertium"))


@case("engine-losing-lines-fails-fast", 1, says="the apertium engine returned no English")
def _(ws):  # type: ignore[no-untyped-def]
    _fake_mode("drop2")
    sentences = " ".join(f"Phrase numéro {n} du texte." for n in range(120))
    return _run(ws, _src(ws, data=sentences), extra=("--engine", "apertium"))


@case("engine-invalid-utf8", 0)
def _(ws):  # type: ignore[no-untyped-def]
    _fake_mode("latin1")
    return _run(ws, _src(ws), extra=("--engine", "apertium"))


@case("engine-extra-blank-lines", 0)
def _(ws):  # type: ignore[no-untyped-def]
    _fake_mode("double")
    return _run(ws, _src(ws), extra=("--engine", "apertium"))


@case("engine-not-installed", 1, says="apt-get install")
def _(ws):  # type: ignore[no-untyped-def]
    os.environ["PATH"] = str(ws)
    return _run(ws, _src(ws), extra=("--engine", "apertium"))


# Imports and models
@case("import-random-docx", 1)
def _(ws):  # type: ignore[no-untyped-def]
    return ["import", str(_src(ws, "a.bilingual.docx", os.urandom(2000)))]


@case("import-empty-markdown", 0, 1)
def _(ws):  # type: ignore[no-untyped-def]
    return ["import", str(_src(ws, "a.bilingual.md", ""))]


@case("model-install-not-a-zip", 1, says="not a zip archive")
def _(ws):  # type: ignore[no-untyped-def]
    return ["model", "install", str(_src(ws, "m.argosmodel", os.urandom(100)))]


@case("model-install-a-folder", 1, says="no such file")
def _(ws):  # type: ignore[no-untyped-def]
    (ws / "m.argosmodel").mkdir()
    return ["model", "install", str(ws / "m.argosmodel")]


@case("model-list-with-a-garbage-folder", 1, says="not a readable Argos package")
def _(ws):  # type: ignore[no-untyped-def]
    folder = Path(os.environ["ARGOS_PACKAGES_DIR"]) / "broken"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text("{not json", encoding="utf-8")
    return ["model", "list"]


@pytest.mark.parametrize("name", list(BATTERY))
def test_hostile_battery(
    name: str,
    tmp_path: Path,
    fake_apertium: Path,
    argos_packages: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = BATTERY[name]
    # Cases may change the environment: monkeypatch puts it back afterwards.
    for variable in ("PATH", "FAKE_APERTIUM", "TRANSLATE_MEMORY_WAIT"):
        monkeypatch.setenv(variable, os.environ.get(variable, ""))
    args, check = case.prepare(tmp_path)

    def hang(signum, frame):  # type: ignore[no-untyped-def]
        raise TimeoutError(f"{name}: no answer after {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(HANG_SECONDS)
    try:
        result = translate(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert_clean(result)
    assert result.exit_code in case.exits, result.output
    assert case.says in result.output
    if check is not None:
        check()
