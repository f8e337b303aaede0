"""Hostile input and faults (issue 10): nothing lost, no traceback, no hang.

Every test drives the real ``translate`` command. The engine is a fake
``apertium`` script put first on PATH: it answers ``apertium -l`` like the real
one and otherwise passes its input through (``cat``), drops lines, or hangs, as
the environment variable ``FAKE_APERTIUM`` says. It is honest about what it does:
its "English" is the French.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from translate_pipeline.cli import main

FAKE_APERTIUM = """#!/bin/sh
if [ "$1" = "-l" ]; then printf 'fr-es\\nspa-eng\\n'; exit 0; fi
[ -n "$FAKE_APERTIUM_LOG" ] && echo "$*" >> "$FAKE_APERTIUM_LOG"
case "$FAKE_APERTIUM" in
  drop2) head -n -2 ;;
  hang-on)
    input=$(cat)
    case "$input" in *DORS*) sleep 60 ;; esac
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
        (_xlsx_renamed, "cannot be read as Word"),
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
    article = write_article(tmp_path / "src", "a.txt", "Le chat mange.", "Le chat DORS.")
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


# -- item 8 -----------------------------------------------------------------------------


def test_issue10_item8_default_batches_are_bounded(tmp_path: Path, fake_apertium: Path) -> None:
    from translate_pipeline.engines.apertium import DEFAULT_BATCH_SIZE

    sentences = [f"La phrase numéro {n} est là." for n in range(DEFAULT_BATCH_SIZE * 2 + 10)]
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
    assert "3 already up to date" in result.stdout
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
