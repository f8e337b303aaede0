"""Issue 11 item 3: Track Changes and comments in a reviewed DOCX, through the real CLI.

The English cells are edited the way Word records a review with changes tracked
(``w:ins``, ``w:del``, ``w:moveFrom``/``w:moveTo``) and a comment is anchored
in a row; the same file is also re-saved by LibreOffice. The import must read
every cell as it reads with all changes accepted, and keep the comment as the
row's note: in the next outputs and in the TMX and XLIFF exports.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from translate.storage.tmx import tmxfile

from tests.test_review_loop import STEM, first_run, invoke, run_json
from translate_pipeline.bilingual_docx import qn
from translate_pipeline.memory import TranslationMemory

__all__ = ["first_run"]  # the fixture, used by name

AUTHOR = {"w:id": "0", "w:author": "Ana Reviewer", "w:date": "2026-11-29T10:00:00Z"}
TRACKED = "OpenAI suspended access to Sora after protests."  # row 1, changes accepted
MOVED = "Artists quickly published the letter."  # row 3, the move accepted
COMMENT = "Check this figure with the desk."


def _run(text: str, deleted: bool = False) -> etree._Element:
    run = etree.Element(qn("w:r"))
    t = etree.SubElement(run, qn("w:delText" if deleted else "w:t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _change(tag: str, number: int, *runs: etree._Element) -> etree._Element:
    element = etree.Element(qn(tag))
    for key, value in AUTHOR.items():
        element.set(qn(key), value)
    element.set(qn("w:id"), str(number))
    element.extend(runs)
    return element


def _range(tag: str, number: int, name: str = "") -> etree._Element:
    element = etree.Element(qn(tag))
    element.set(qn("w:id"), str(number))
    if name:
        for key, value in AUTHOR.items():
            element.set(qn(key), value)
        element.set(qn("w:id"), str(number))
        element.set(qn("w:name"), name)
    return element


def _replace_runs(paragraph: etree._Element, *children: etree._Element) -> None:
    for old in paragraph.findall(qn("w:r")):
        paragraph.remove(old)
    paragraph.extend(children)


def review_with_tracked_changes(path: Path) -> None:
    """Edit rows 1 and 3 with changes tracked, and comment on row 6, as Word would."""
    document = docx.Document(str(path))
    rows = document.tables[0].rows
    # Row 1: was "OpenAI blocked access to Sora yesterday." before the review.
    _replace_runs(
        rows[1].cells[2].paragraphs[0]._p,
        _run("OpenAI "),
        _change("w:del", 101, _run("blocked ", deleted=True)),
        _change("w:ins", 102, _run("suspended ")),
        _run("access to Sora"),
        _change("w:del", 103, _run(" yesterday", deleted=True)),
        _change("w:ins", 104, _run(" after protests")),
        _run("."),
    )
    # Row 3: "quickly" moved from the end to after "Artists".
    _replace_runs(
        rows[3].cells[2].paragraphs[0]._p,
        _run("Artists "),
        _range("w:moveToRangeStart", 201, "move1"),
        _change("w:moveTo", 202, _run("quickly ")),
        _range("w:moveToRangeEnd", 201),
        _run("published the letter"),
        _range("w:moveFromRangeStart", 203, "move1"),
        _change("w:moveFrom", 204, _run(" quickly")),
        _range("w:moveFromRangeEnd", 203),
        _run("."),
    )
    english = rows[6].cells[2].paragraphs[0]
    document.add_comment(english.runs, text=COMMENT, author="Ana Reviewer", initials="AR")
    document.save(str(path))


def resave_with_libreoffice(path: Path, tmp_path: Path) -> Path:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / "resaved"
    profile = (tmp_path / "lo-profile").as_uri()
    command = [office, f"-env:UserInstallation={profile}", "--headless"]
    subprocess.run(
        [*command, "--convert-to", "docx", "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    resaved = out / path.name
    # The re-save keeps the changes tracked (not accepted): reading them is the point.
    with zipfile.ZipFile(resaved) as package:
        body = package.read("word/document.xml").decode()
    assert "<w:del " in body and "<w:ins " in body
    shutil.copy(resaved, path)
    return path


@pytest.mark.parametrize("saved_by", ["python-docx", "libreoffice"])
def test_issue11_item3_tracked_changes_read_as_accepted_and_a_comment_kept_as_a_note(
    first_run: Path, seeds_copy: Path, tmp_path: Path, isolated_memory: Path, saved_by: str
) -> None:
    path = first_run / f"{STEM}.bilingual.docx"
    review_with_tracked_changes(path)
    if saved_by == "libreoffice":
        resave_with_libreoffice(path, tmp_path)

    result = invoke("import", str(path))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"{path}: 2 changed, 14 unchanged, 0 unknown IDs, 1 comment kept as a note\n"
    )
    with TranslationMemory.open(isolated_memory) as memory:
        reviewed = {entry.target for entry in memory.best_entries() if entry.origin == "reviewed"}
        notes = list(memory.notes.all().values())
    assert reviewed == {TRACKED, MOVED}
    assert notes == [f"Ana Reviewer: {COMMENT}"]

    run_json(seeds_copy, first_run)
    rows = docx.Document(str(path)).tables[0].rows
    assert rows[1].cells[2].text == TRACKED
    assert rows[3].cells[2].text == MOVED
    assert f"💬 Ana Reviewer: {COMMENT}" in rows[6].cells[0].text
    markdown = (first_run / f"{STEM}.bilingual.md").read_text(encoding="utf-8")
    assert f"💬 Ana Reviewer: {COMMENT}" in markdown
    english = (first_run / f"{STEM}.en.md").read_text(encoding="utf-8")
    assert TRACKED in english and MOVED in english

    tmx = tmp_path / "memory.tmx"
    assert invoke("export", "--out", str(tmx)).exit_code == 0
    units = [unit for unit in tmxfile(tmx.read_bytes()).units if unit.getnotes()]
    assert [unit.getnotes() for unit in units] == [f"Ana Reviewer: {COMMENT}"]
    xliff = tmp_path / "memory.xliff"
    assert invoke("export", "--format", "xliff", "--out", str(xliff)).exit_code == 0
    assert f'<note from="reviewer">Ana Reviewer: {COMMENT}</note>' in xliff.read_text(
        encoding="utf-8"
    )
