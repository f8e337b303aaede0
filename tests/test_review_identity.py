"""Issue 11 item 1: a review lands wherever its French now sits in the article.

Segment IDs are positions (``doc:p3:s1``), so they shift when the source article
gains or loses paragraphs; the import places rows by their French, the ID only a
hint, and names what it could not place, through the real CLI.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx

from tests.test_review_loop import STEM, edit_docx, first_run, invoke, run_json
from translate_pipeline.memory import CONFLICT, GONE, TranslationMemory

__all__ = ["first_run"]  # the fixture, used by name

NEW_FIRST_PARAGRAPH = "Un nouveau paragraphe ouvre désormais l’article."


def change_the_article(seeds: Path) -> list[str]:
    """Insert a paragraph at the top, change a figure in the 3rd, remove the 4th and the last.

    Returns the old lines.
    """
    source = seeds / f"{STEM}.txt"
    lines = source.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 8
    third = lines[2].replace("environ 300 artistes", "environ 350 artistes")
    assert third != lines[2]
    changed = [NEW_FIRST_PARAGRAPH, *lines[:2], third, *lines[4:7]]
    source.write_text("\n".join(changed), encoding="utf-8")
    return lines


# Table rows (1 = first segment row) of the file as first written, and their edits.
EDITS = {
    1: "Reviewed: OpenAI suspended access to Sora.",  # p1:s1, now p2:s1
    5: "Reviewed: early access went to about 300 visual artists.",  # p3:s1, a figure changed
    6: "Reviewed: the feedback was not what was expected.",  # p3:s2, now p4:s2
    7: "Reviewed: a sentence of the paragraph removed.",  # p4:s1, gone
    13: "Reviewed: Sora can make one-minute videos.",  # p7:s1, now p7:s1 (again)
    15: "Reviewed: a sentence of the last paragraph, removed.",  # p8:s1, gone
}
LANDED = (1, 6, 13)
GONE_ROWS = {5: "p3:s1", 7: "p4:s1", 15: "p8:s1"}


def test_issue11_item1_corrections_land_after_the_article_changed(
    first_run: Path, seeds_copy: Path, tmp_path: Path, isolated_memory: Path
) -> None:
    # The editor works on a copy of the bilingual file (sent by mail, say)...
    review = tmp_path / "from-the-editor.bilingual.docx"
    shutil.copy(first_run / f"{STEM}.bilingual.docx", review)
    edit_docx(review, EDITS)
    # ... while the article is updated and run again.
    change_the_article(seeds_copy)
    run_json(seeds_copy, first_run)

    result = invoke("import", str(review))

    assert result.exit_code == 3, result.stderr
    assert result.stdout == (
        f"{review}: 3 changed, 8 unchanged, 0 unknown IDs, "
        "5 placed where their French now is in the article, 3 kept aside\n"
    )
    assert result.stderr.splitlines() == [
        f"Warning: {review}: table row {row + 1} ({STEM}:{segment}): no longer in the article "
        f"(its French is not in the current source); the edit {EDITS[row]!r} was kept aside, "
        "not applied to the article"
        for row, segment in GONE_ROWS.items()
    ] + [f"Note: {review}: 2 unedited row(s) are no longer in the article"]
    with TranslationMemory.open(isolated_memory) as memory:
        kept = memory.set_aside.entries()
    assert [(edit.target, edit.reason) for edit in kept] == [
        (EDITS[row], GONE) for row in GONE_ROWS
    ]

    # The next run puts every landed correction where its sentence now is, and
    # offers the review of the sentence whose figure changed as a near match.
    summary = run_json(seeds_copy, first_run)
    assert summary["memory"]["reviewed"] == 3
    rows = docx.Document(str(first_run / f"{STEM}.bilingual.docx")).tables[0].rows
    by_id = {"".join(row.cells[0].paragraphs[0].text.split()): row for row in rows[1:]}
    for row, where in zip(LANDED, ("p2:s1", "p4:s2", "p7:s1"), strict=True):
        cell = by_id[f"{STEM}:{where}"]
        assert cell.cells[2].text == EDITS[row]
        assert "✓ reviewed" in cell.cells[0].text
    near = by_id[f"{STEM}:p4:s1"]
    assert near.cells[2].text == "Reviewed: early access went to about 350 visual artists."
    assert "✓ reviewed" not in near.cells[0].text
    assert re.search(r"≈ 9\d% match", near.cells[0].text), near.cells[0].text
    english = (first_run / f"{STEM}.en.md").read_text(encoding="utf-8")
    for row in LANDED:
        assert EDITS[row] in english
    for row in GONE_ROWS:
        assert EDITS[row] not in english


def test_issue11_item1_importing_before_the_run_then_running_keeps_every_review(
    first_run: Path, seeds_copy: Path
) -> None:
    # Here the editor's file is imported before the changed article is run.
    path = first_run / f"{STEM}.bilingual.docx"
    edit_docx(path, EDITS)
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "6 changed" in result.stdout
    change_the_article(seeds_copy)
    summary = run_json(seeds_copy, first_run)
    # The three sentences still in the article are served as reviewed.
    assert summary["memory"]["reviewed"] == 3
    english = (first_run / f"{STEM}.en.md").read_text(encoding="utf-8")
    assert all(EDITS[row] in english for row in LANDED)


def test_issue11_item4_an_older_copy_imported_after_a_newer_one_never_reverts_it(
    first_run: Path, seeds_copy: Path, tmp_path: Path, isolated_memory: Path
) -> None:
    written = first_run / f"{STEM}.bilingual.docx"
    older = tmp_path / "older-copy.bilingual.docx"
    shutil.copy(written, older)
    # The newer review: rows 1 and 6, imported, then the outputs written again.
    edit_docx(written, {1: "The newer review of row one.", 6: "The newer review of row six."})
    assert invoke("import", str(written)).exit_code == 0
    run_json(seeds_copy, first_run)
    # The older copy: row 1 edited otherwise, row 3 edited, row 6 left as it was.
    edit_docx(older, {1: "An older edit of row one.", 3: "An edit only the old copy made."})

    result = invoke("import", str(older))

    assert result.exit_code == 3, result.stderr
    assert result.stdout == f"{older}: 1 changed, 14 unchanged, 0 unknown IDs, 1 kept aside\n"
    assert result.stderr == (
        f"Warning: {older}: table row 2 ({STEM}:p1:s1): conflict: this sentence was reviewed "
        "again since this file was written; the newer review is kept and this file's edit "
        "'An older edit of row one.' was kept aside, not applied\n"
    )
    with TranslationMemory.open(isolated_memory) as memory:
        assert [(e.target, e.reason) for e in memory.set_aside.entries()] == [
            ("An older edit of row one.", CONFLICT)
        ]
    run_json(seeds_copy, first_run)
    rows = docx.Document(str(written)).tables[0].rows
    assert rows[1].cells[2].text == "The newer review of row one."
    assert rows[6].cells[2].text == "The newer review of row six."  # not reverted
    assert rows[3].cells[2].text == "An edit only the old copy made."
    assert all("✓ reviewed" in rows[n].cells[0].text for n in (1, 3, 6))


def test_issue11_item4_a_file_not_written_by_translate_is_refused(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text(
        "# Titre\n\nUn paragraphe.\n\n| a | b | c |\n| --- | --- | --- |\n| x | y | z |\n",
        encoding="utf-8",
    )
    result = invoke("import", str(article))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {article}: not a bilingual file written by 'translate run' (no row has a "
        "segment ID such as doc:p1:s1, and the file holds no record of ours). Nothing was "
        "imported; give the .bilingual.docx or .bilingual.md file\n"
    )


def test_issue11_item1_a_docx_row_whose_id_was_erased_is_placed_by_its_french(
    first_run: Path, isolated_memory: Path
) -> None:
    path = first_run / f"{STEM}.bilingual.docx"
    edit_docx(path, {2: "A correction on a row without its ID."})
    document = docx.Document(str(path))
    for paragraph in document.tables[0].rows[2].cells[0].paragraphs:
        for run in paragraph.runs:
            run.text = ""
    document.save(str(path))

    result = invoke("import", str(path))

    assert result.exit_code == 0, result.stderr
    assert "1 changed, 15 unchanged" in result.stdout
    with TranslationMemory.open(isolated_memory) as memory:
        record = memory.segments([f"{STEM}:p1:s2"])[f"{STEM}:p1:s2"]
    assert record.target == "A correction on a row without its ID."
