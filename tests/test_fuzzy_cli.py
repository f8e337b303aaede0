"""Near matches through the real CLI: review a sentence, change its number, run again."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from translate_pipeline.cli import main
from translate_pipeline.memory import TranslationMemory

STEM = "003_2115df51cde3f6b7"
FRENCH = (
    "OpenAI a récemment offert un accès anticipé à Sora, son nouvel outil de création vidéo "
    "basé sur l’intelligence artificielle, à environ 300 artistes visuels et cinéastes dans "
    "le but de recueillir des commentaires sur cette technologie innovante."
)
REVIEWED = (
    "OpenAI recently gave early access to Sora, its new AI video tool, to some 300 visual "
    "artists and filmmakers to gather feedback on this innovative technology."
)
PATCHED = REVIEWED.replace("300", "320")


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_json(seeds: Path, out: Path) -> dict:  # type: ignore[type-arg]
    result = invoke("run", str(seeds), "--out", str(out), "--threads", "1", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def docx_row(path: Path, french_start: str):  # type: ignore[no-untyped-def]
    rows = docx.Document(str(path)).tables[0].rows
    return next(row for row in rows if row.cells[1].text.startswith(french_start))


@pytest.fixture
def reviewed_then_changed(seeds_copy: Path, tmp_path: Path, installed_tiny_model: Path) -> Path:
    """A run, the sentence of "300 artistes" reviewed and imported, then the French
    changed to "320 artistes" in the source; returns the output folder."""
    out = tmp_path / "out"
    run_json(seeds_copy, out)
    bilingual = out / f"{STEM}.bilingual.docx"
    document = docx.Document(str(bilingual))
    row = next(r for r in document.tables[0].rows if r.cells[1].text == FRENCH)
    paragraph = row.cells[2].paragraphs[0]
    paragraph.runs[0].text = REVIEWED
    for run in paragraph.runs[1:]:
        run.text = ""
    document.save(str(bilingual))
    imported = invoke("import", str(bilingual))
    assert imported.exit_code == 0, imported.stderr
    assert "1 changed" in imported.stdout
    source = seeds_copy / f"{STEM}.txt"
    text = source.read_text(encoding="utf-8")
    assert text.count("environ 300 artistes") == 1
    source.write_text(text.replace("environ 300 artistes", "environ 320 artistes"), "utf-8")
    return out


def test_a_changed_number_is_offered_as_a_patched_near_match_never_as_reviewed(
    reviewed_then_changed: Path, seeds_copy: Path, isolated_memory: Path
) -> None:
    out = reviewed_then_changed
    summary = run_json(seeds_copy, out)
    # The changed sentence went to the engine: its machine English is made and kept.
    assert summary["translated"] == 1
    assert summary["memory"]["reviewed"] == 0
    assert summary["near_matches"] == 1
    changed = FRENCH.replace("300", "320")

    markdown = (out / f"{STEM}.bilingual.md").read_text(encoding="utf-8")
    row = next(line for line in markdown.splitlines() if changed in line)
    score = int(re.search(r"≈ (\d+)% match", row).group(1))  # type: ignore[union-attr]
    assert 85 <= score < 100
    assert (
        f"⚠ fuzzy-match: {score}% of a reviewed sentence; differences: 300 -> 320 "
        "(patched in its English; check it)"
    ) in row
    assert "✓ reviewed" not in row
    assert row.endswith(f"| {PATCHED} |")

    cells = docx_row(out / f"{STEM}.bilingual.docx", "OpenAI a récemment").cells
    notes = [paragraph.text for paragraph in cells[0].paragraphs]
    assert f"≈ {score}% match" in notes
    assert "✓ reviewed" not in notes
    assert any(note.startswith(f"⚠ fuzzy-match: {score}%") for note in notes)
    assert cells[2].text == PATCHED

    # The English article shows the same suggestion as both bilingual files.
    assert PATCHED in (out / f"{STEM}.en.md").read_text(encoding="utf-8")

    with TranslationMemory.open(isolated_memory) as memory:
        entries = memory.sentence_entries(changed)
    assert [entry.origin for entry in entries] == ["machine"]
    assert entries[0].target != PATCHED


def test_the_suggestion_becomes_reviewed_only_when_an_editor_imports_it(
    reviewed_then_changed: Path, seeds_copy: Path
) -> None:
    out = reviewed_then_changed
    run_json(seeds_copy, out)
    bilingual = out / f"{STEM}.bilingual.docx"
    # Imported untouched, the suggestion is not a review.
    untouched = invoke("import", str(bilingual))
    assert untouched.exit_code == 0, untouched.stderr
    assert "0 changed" in untouched.stdout
    summary = run_json(seeds_copy, out)
    assert summary["near_matches"] == 1
    assert summary["memory"]["reviewed"] == 0
    # Corrected by the editor, it is.
    document = docx.Document(str(bilingual))
    row = next(r for r in document.tables[0].rows if r.cells[1].text.startswith("OpenAI a réc"))
    paragraph = row.cells[2].paragraphs[0]
    paragraph.runs[0].text = PATCHED.replace("some 320", "about 320")
    for run in paragraph.runs[1:]:
        run.text = ""
    document.save(str(bilingual))
    assert "1 changed" in invoke("import", str(bilingual)).stdout
    summary = run_json(seeds_copy, out)
    assert summary["near_matches"] == 0
    # (The "300" sentence is no longer in the article: one reviewed hit.)
    assert summary["memory"]["reviewed"] == 1
    cells = docx_row(out / f"{STEM}.bilingual.docx", "OpenAI a récemment").cells
    notes = [paragraph.text for paragraph in cells[0].paragraphs]
    assert "✓ reviewed" in notes
    assert not any("match" in note for note in notes)


def test_a_changed_word_keeps_the_machine_english_with_the_suggestion_beside(
    reviewed_then_changed: Path, seeds_copy: Path
) -> None:
    source = seeds_copy / f"{STEM}.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("environ 320 artistes", "environ 300 peintres"), "utf-8")
    summary = run_json(seeds_copy, reviewed_then_changed)
    assert summary["near_matches"] == 1
    markdown = (reviewed_then_changed / f"{STEM}.bilingual.md").read_text(encoding="utf-8")
    row = next(line for line in markdown.splitlines() if "300 peintres" in line)
    assert "differences: artistes -> peintres; its English, not used: " + REVIEWED in row
    assert "% match" not in row.split(" ⚠ ")[0]
    assert not row.endswith(f"| {REVIEWED} |")
    english = (reviewed_then_changed / f"{STEM}.en.md").read_text(encoding="utf-8")
    assert REVIEWED not in english
