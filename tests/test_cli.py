"""The ``translate`` command, driven through Click's CliRunner and a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from translate_pipeline.cli import main
from translate_pipeline.render_docx import segment_id_from_cell
from translate_pipeline.render_markdown import unescape_cell
from translate_pipeline.segmenter import SentenceSplitter, segment_document
from translate_pipeline.sources import read_document

from .conftest import SEED_FILES

STEMS = [p.stem for p in SEED_FILES]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def markdown_rows(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            seg_id, french, english = (unescape_cell(c) for c in cells)
            rows.append((seg_id.strip("`"), french.strip("*"), english.strip("*")))
    return rows


def assert_outputs_match_sources(out: Path) -> None:
    splitter = SentenceSplitter()
    for source in SEED_FILES:
        segments = segment_document(read_document(source), splitter)
        table = docx.Document(str(out / f"{source.stem}.bilingual.docx")).tables[0]
        docx_rows = [
            (segment_id_from_cell(r.cells[0].text), r.cells[1].text) for r in table.rows[1:]
        ]
        assert docx_rows == [(s.segment_id, s.text) for s in segments]
        md_rows = markdown_rows(out / f"{source.stem}.bilingual.md")
        assert [(i, f) for i, f, _ in md_rows] == [(s.segment_id, s.text) for s in segments]
        assert (out / f"{source.stem}.en.md").read_text(encoding="utf-8").strip()


@pytest.mark.usefixtures("require_apertium")
def test_run_with_apertium_writes_aligned_outputs(seeds_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("run", str(seeds_copy), "--out", str(out), "--engine", "apertium")
    assert result.exit_code == 0, result.stderr
    assert "Translated 2 of 2 documents" in result.stdout
    assert "with apertium [apertium=" in result.stdout
    assert_outputs_match_sources(out)
    english = (out / "003_2115df51cde3f6b7.en.md").read_text(encoding="utf-8")
    assert "## OpenAI Suspends the Access to Sora" in english


def test_argos_path_through_a_real_argosmodel_file(
    argos_packages: Path, tiny_model_file: Path, seeds_copy: Path, tmp_path: Path
) -> None:
    installed = invoke("model", "install", str(tiny_model_file))
    assert installed.exit_code == 0, installed.stderr
    assert "Installed translate-fr_en-tiny (fr->en, version 0.0.1-tiny)" in installed.stdout
    listed = invoke("model", "list")
    assert "translate-fr_en-tiny  fr->en  version 0.0.1-tiny" in listed.stdout

    out = tmp_path / "out"
    result = invoke("run", str(seeds_copy), "--out", str(out), "--threads", "1", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["engine"] == "argos"
    assert summary["engine_version"] == "translate-fr_en-tiny@0.0.1-tiny"
    assert len(summary["files_written"]) == 6
    assert_outputs_match_sources(out)


def test_quiet_prints_nothing(seeds_copy: Path, tmp_path: Path, installed_tiny_model: Path) -> None:
    result = invoke("run", str(seeds_copy), "--out", str(tmp_path / "o"), "-q", "--threads", "1")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_missing_folder(tmp_path: Path) -> None:
    result = invoke("run", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nope'}: no such file or folder. Check the path and try again\n"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "the file has no text. Add the article's text or remove the file"),
        ("latin1.txt", "Café.".encode("latin-1"), "not UTF-8 (byte 0xe9 at line 1). Convert it"),
    ],
)
def test_bad_file_among_good_ones_exit_3_and_others_written(
    seeds_copy: Path,
    tmp_path: Path,
    installed_tiny_model: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    (seeds_copy / name).write_bytes(content)
    out = tmp_path / "o"
    result = invoke("run", str(seeds_copy), "--out", str(out), "--threads", "1")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {seeds_copy / name}: {message}")
    assert "Traceback" not in result.output
    assert len(list(out.glob("*.bilingual.docx"))) == 2


def test_only_bad_file_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe")
    result = invoke("run", str(bad), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: not UTF-8")


def test_unknown_extension(tmp_path: Path) -> None:
    odd = tmp_path / "article.odt"
    odd.write_bytes(b"x")
    result = invoke("run", str(odd), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {odd}: unsupported file type '.odt'. Give a .txt, .md or .docx article\n"
    )


def test_unknown_files_in_a_folder_are_skipped_with_a_note(
    seeds_copy: Path, tmp_path: Path, installed_tiny_model: Path
) -> None:
    (seeds_copy / "notes.pdf").write_bytes(b"%PDF")
    result = invoke("run", str(seeds_copy), "--out", str(tmp_path / "o"), "--threads", "1")
    assert result.exit_code == 0
    assert f"Skipped {seeds_copy / 'notes.pdf'}: not a .txt, .md or .docx file." in result.stderr


def test_unwritable_output_folder(seeds_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = invoke("run", str(seeds_copy), "--out", str(blocker / "out"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {blocker / 'out'}: cannot write here")
    assert result.stderr.endswith("Choose another folder with --out, or fix its permissions\n")


def test_missing_engine(
    seeds_copy: Path, tmp_path: Path, argos_packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = invoke("run", str(seeds_copy), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no translation engine is available.")
    assert "translate model install FILE.argosmodel" in result.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_model_install_bad_file(argos_packages: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.argosmodel"
    junk.write_bytes(b"nope")
    result = invoke("model", "install", str(junk))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {junk}: not an Argos model (not a zip archive)\n"


def test_model_install_online_needs_two_codes(argos_packages: Path) -> None:
    result = invoke("model", "install", "--online", "fr")
    assert result.exit_code == 2
    assert "with --online, give the language codes: fr en" in result.stderr


def test_model_list_empty(argos_packages: Path) -> None:
    result = invoke("model", "list")
    assert result.stdout == f"No Argos model installed in {argos_packages}.\n"


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from translate_pipeline.cli import main\n"
        "for args in (['--help'], ['run', '--help'], ['model', '--help']):\n"
        "    try:\n"
        "        main(args, prog_name='translate')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0\n"
        "heavy = {'argostranslate', 'ctranslate2', 'docx', 'pysbd', 'sentencepiece',"
        " 'markdown_it'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert "Usage: translate run [OPTIONS] [PATHS]..." in result.stdout
