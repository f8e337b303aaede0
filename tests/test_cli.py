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

from translate_pipeline.bilingual_docx import qn, segment_id_from_cell
from translate_pipeline.cli import main
from translate_pipeline.formats import read_document
from translate_pipeline.render_markdown import unescape_cell
from translate_pipeline.review_import import read_reviewed_file
from translate_pipeline.segmenter import SentenceSplitter, segment_document

from .conftest import SEED_FILES

STEMS = [p.stem for p in SEED_FILES]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def markdown_rows(path: Path) -> list[tuple[str, str, str]]:
    rows = read_reviewed_file(path)
    return [(row.segment_id, row.french.strip("*"), row.english.strip("*")) for row in rows]


def assert_outputs_match_sources(out: Path) -> None:
    splitter = SentenceSplitter()
    for source in SEED_FILES:
        segments = segment_document(read_document(source), splitter)
        table = docx.Document(str(out / f"{source.stem}.bilingual.docx")).tables[0]
        docx_rows = [(segment_id_from_cell(r.cells[0]), r.cells[1].text) for r in table.rows[1:]]
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
    assert len(summary["files_written"]) == 8  # 3 per article and the QA report pair
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
        (
            "latin1.txt",
            "Café.".encode("latin-1"),
            "not UTF-8 (byte 0xe9 at line 1); it looks like Latin-1 or Windows-1252 text. "
            "Convert it",
        ),
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
    bad.write_bytes(b"Caf\xe9 cr\xe8me.")
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


BROKEN_GLOSSARY = (
    "source,target,case_sensitive,note\nSora,,yes,\n,x,yes,\nSora,,yes,\nIA,AI,yes,\nIA,A.I.,yes,\n"
)


def test_glossary_check_reports_each_broken_row(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(BROKEN_GLOSSARY, encoding="utf-8")
    result = invoke("glossary", "check", "--glossary", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:3: the source cell is empty",
        f"{path}:4: duplicate of row 2 ('Sora')",
        f"{path}:6: conflicts with row 5: 'IA' -> 'A.I.' here, 'AI' there",
        f"Error: {path}: 3 problem(s); fix the rows above",
    ]


def test_run_refuses_a_broken_glossary_before_translating(
    seeds_copy: Path, tmp_path: Path, installed_tiny_model: Path
) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(BROKEN_GLOSSARY, encoding="utf-8")
    out = tmp_path / "o"
    result = invoke("run", str(seeds_copy), "--out", str(out), "--glossary", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: {path}:3: the source cell is empty"
    assert len(result.stderr.splitlines()) == 3
    assert not out.exists()


def test_glossary_add_list_remove(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    assert invoke("glossary", "add", "Sora", "--glossary", str(path)).exit_code == 0
    added = invoke(
        "glossary",
        "add",
        "accord de confidentialité",
        "non-disclosure agreement",
        "--ignore-case",
        "--note",
        "legal",
        "--glossary",
        str(path),
    )
    assert (
        added.stdout
        == f"Added accord de confidentialité (-> non-disclosure agreement) to {path}.\n"
    )
    listed = invoke("glossary", "list", "--glossary", str(path))
    assert listed.stdout.splitlines() == [
        f"2 terms in {path}:",
        "  Sora  protected",
        "  accord de confidentialité  -> non-disclosure agreement (any case)  # legal",
    ]
    duplicate = invoke("glossary", "add", "Sora", "--glossary", str(path))
    assert duplicate.exit_code == 1
    assert duplicate.stderr == f"Error: {path}:2: 'Sora' is already in the glossary\n"
    assert invoke("glossary", "remove", "Sora", "--glossary", str(path)).exit_code == 0
    assert "Sora" not in path.read_text(encoding="utf-8")


def english_cells(out: Path, stem: str) -> dict[str, tuple[str, str]]:
    """Segment ID -> (ID cell with flags, English) from the bilingual Markdown."""
    cells = {}
    for line in (out / f"{stem}.bilingual.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            parts = re.split(r"(?<!\\)\|", line)[1:-1]
            cells[parts[0].split("`")[1]] = (parts[0], unescape_cell(parts[2]).strip("*"))
    return cells


def assert_every_term_present_or_flagged(out: Path) -> int:
    """Count term occurrences in the seeds; fail on any that is neither in the
    English of its row nor flagged there."""
    from translate_pipeline.glossary import load_glossary
    from translate_pipeline.protect import SpanKind, find_spans

    terms = load_glossary(Path(__file__).parent.parent / "glossary" / "terms.csv").terms
    splitter = SentenceSplitter()
    occurrences = 0
    for source in SEED_FILES:
        rows = english_cells(out, source.stem)
        for segment in segment_document(read_document(source), splitter):
            id_cell, english = rows[segment.segment_id]
            wanted: dict[tuple[str, str], int] = {}
            for span in find_spans(segment.text, terms):
                if span.kind is SpanKind.TERM:
                    key = (span.label, span.expected)
                    wanted[key] = wanted.get(key, 0) + 1
            for (source_term, target), count in wanted.items():
                occurrences += count
                have = len(re.findall(rf"(?<![\w-]){re.escape(target)}(?![\w-])", english))
                flag = target if source_term == target else f"{source_term} -> {target}"
                flagged = f"term-missing: {flag}" in id_cell
                assert have >= count or flagged, (segment.segment_id, target, english)
    return occurrences


@pytest.mark.usefixtures("require_apertium")
def test_apertium_keeps_every_term_url_and_number_on_the_seeds(
    seeds_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke("run", str(seeds_copy), "--out", str(out), "--engine", "apertium", "--json")
    assert result.exit_code == 0, result.stderr
    assert assert_every_term_present_or_flagged(out) > 50
    english = (out / "000_a5270921bb6c39f4.en.md").read_text(encoding="utf-8")
    assert "https://huggingface.co/spaces/PR-Puppets/PR-Puppet-Sora" in english
    assert "non-disclosure agreement (NDA)" in english
    other = (out / "003_2115df51cde3f6b7.en.md").read_text(encoding="utf-8")
    assert other.count("150 billion dollars") == 2
    assert "Hugging Face" in other and "Hugging Expensive" not in other
    report = json.loads((out / "qa-report.json").read_text(encoding="utf-8"))
    assert report["protected_spans"]["url"] == {"kept": 1, "repaired": 0, "missing": 0}


def test_argos_tiny_model_terms_are_present_or_flagged(
    seeds_copy: Path, tmp_path: Path, installed_tiny_model: Path
) -> None:
    out = tmp_path / "out"
    result = invoke("run", str(seeds_copy), "--out", str(out), "--threads", "1", "--json")
    assert result.exit_code == 0, result.stderr
    assert assert_every_term_present_or_flagged(out) > 50
    summary = json.loads(result.stdout)
    # The noise model keeps nothing: every term must be flagged, none claimed kept.
    terms = summary["qa"]["protected_spans"]["term"]
    assert terms["kept"] == 0
    assert terms["missing"] == summary["qa"]["flags"]["term-missing"]
    docx_table = docx.Document(str(out / "000_a5270921bb6c39f4.bilingual.docx")).tables[0]
    flagged = [r for r in docx_table.rows[1:] if "⚠ term-missing" in r.cells[0].text]
    assert flagged and all('w:fill="FCE4D6"' in r.cells[2]._tc.xml for r in flagged)


def test_device_cuda_on_a_machine_without_gpu_is_one_clear_error(
    seeds_copy: Path, tmp_path: Path, installed_tiny_model: Path
) -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count():
        pytest.skip("this machine has a GPU")
    result = invoke("run", str(seeds_copy), "--out", str(tmp_path / "o"), "--device", "cuda")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --device cuda: CTranslate2 sees no CUDA GPU here")
    assert "Traceback" not in result.output
    assert not (tmp_path / "o" / f"{STEMS[0]}.bilingual.docx").exists()


def test_device_cpu_translates_like_auto_on_a_cpu_machine(
    seeds_copy: Path, tmp_path: Path, installed_tiny_model: Path
) -> None:
    runs = {}
    for device in ("cpu", "auto"):
        out = tmp_path / device
        result = invoke(
            "run",
            str(seeds_copy),
            "--out",
            str(out),
            "--threads",
            "1",
            "--device",
            device,
            "--memory",
            str(tmp_path / f"{device}.sqlite"),
        )
        assert result.exit_code == 0, result.stderr
        runs[device] = (out / f"{STEMS[0]}.en.md").read_text(encoding="utf-8")
    import ctranslate2

    if not ctranslate2.get_cuda_device_count():
        assert runs["cpu"] == runs["auto"]


@pytest.mark.usefixtures("require_apertium")
def test_run_names_every_block_kept_as_is(tmp_path: Path) -> None:
    source = tmp_path / "src" / "note.md"
    source.parent.mkdir()
    source.write_text(
        "---\ntitle: Note\n---\n\nUn paragraphe à traduire.\n\n<!-- pour la rédaction -->\n\n"
        "```python\nprint('bonjour')\n```\n\n---\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("run", str(source), "--out", str(out), "--engine", "apertium")
    assert result.exit_code == 0, result.stderr
    assert (
        "Kept as is (not translated): 1 × front matter, 1 × HTML comment, 1 × code block, "
        "1 × thematic break." in result.stdout
    )
    report = json.loads((out / "qa-report.json").read_text(encoding="utf-8"))
    assert report["kept_as_is"] == {
        "note": [
            "front matter (line 1)",
            "HTML comment (line 7)",
            "code block (line 9)",
            "thematic break (line 13)",
        ]
    }
    assert "- note: code block (line 9)" in (out / "qa-report.md").read_text(encoding="utf-8")
    # And the English article still holds them byte for byte.
    english = (out / "note.en.md").read_text(encoding="utf-8")
    assert "```python\nprint('bonjour')\n```" in english and "<!-- pour la rédaction -->" in english


@pytest.mark.usefixtures("require_apertium")
@pytest.mark.parametrize("variant", ["en-GB", "en-US"])
def test_english_variant_tags_the_english_in_both_docx_outputs(
    tmp_path: Path, variant: str
) -> None:
    source = tmp_path / "src" / "article.docx"
    source.parent.mkdir()
    document = docx.Document()
    document.add_heading("Le marché de l'énergie", level=1)
    document.add_paragraph("Le gouvernement a présenté son plan mardi.")
    document.save(str(source))
    out = tmp_path / "out"
    result = invoke(
        "run", str(source), "--out", str(out), "--engine", "apertium", "--english", variant
    )
    assert result.exit_code == 0, result.stderr

    def languages(path: Path) -> set[str]:
        body = docx.Document(str(path)).element.body
        return {
            element.get(qn("w:val"))
            for element in body.iter(qn("w:lang"))
            if element.get(qn("w:val"))
        }

    assert variant in languages(out / "article.en.docx")
    assert languages(out / "article.bilingual.docx") >= {"fr-FR", variant}


@pytest.mark.usefixtures("require_apertium")
def test_pivots_spanish_runs_apertium_through_spanish_alone(
    seeds_copy: Path, tmp_path: Path
) -> None:
    from translate_pipeline.engines.apertium import PIVOTS, installed_modes

    versions = {}
    for pivots in ("spanish", "all"):
        result = invoke(
            "run", str(seeds_copy), "--out", str(tmp_path / pivots), "--engine", "apertium",
            "--pivots", pivots, "--memory", str(tmp_path / f"{pivots}.sqlite"), "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        versions[pivots] = json.loads(result.stdout)["engine_version"]
    # The memory keys machine translations by this version: it names the pivots used.
    assert "pivots" not in versions["spanish"]
    others_installed = all(mode in installed_modes() for p in PIVOTS[1:] for mode in p.modes)
    assert ("pivots fr-es|spa-eng + " in versions["all"]) == others_installed
