"""Issue 11 item 7: the English article as a review surface, through the real CLI.

An editor corrects ``<stem>.en.md`` itself; the import aligns its paragraphs
back to the article's segments and stores the changed sentences as reviewed,
and names (and keeps aside) whatever it cannot place with certainty.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from tests.test_review_loop import STEM, invoke
from translate_pipeline.memory import TranslationMemory
from translate_pipeline.review_import.english_article import UNALIGNED

# Apertium, not the tiny random model: its English has real sentences to align
# (the random model writes the same few words for every sentence).
pytestmark = pytest.mark.usefixtures("require_apertium")


def run_json(seeds: Path, out: Path) -> dict:  # type: ignore[type-arg]
    result = invoke("run", str(seeds), "--out", str(out), "--engine", "apertium", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def first_run(seeds_copy: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    run_json(seeds_copy, out)
    return out


def written(memory: Path, segment_id: str, doc: str = STEM) -> str:
    with TranslationMemory.open(memory) as opened:
        return opened.segments([f"{doc}:{segment_id}"])[f"{doc}:{segment_id}"].target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_issue11_item7_edited_sentences_of_the_english_article_are_imported(
    first_run: Path, seeds_copy: Path, isolated_memory: Path
) -> None:
    english = first_run / f"{STEM}.en.md"
    edits = {
        "p1:s2": "The artists published an open letter on Hugging Face.",
        "p2:s1": "OpenAI Suspends Access to Sora After Artists' Backlash",  # the heading
        "p8:s2": "Yet the artists' worries persist.",  # the last sentence
    }
    for segment_id, text in edits.items():
        replace_in(english, written(isolated_memory, segment_id), text)
    refused = invoke("run", str(seeds_copy), "--out", str(first_run), "--engine", "apertium")
    assert refused.exit_code == 3
    assert f"import the corrections first (translate import {english})" in refused.stderr

    result = invoke("import", str(english))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{english}: 3 changed, 13 unchanged, 0 unknown IDs\n"
    assert result.stderr == ""
    run_json(seeds_copy, first_run)
    rows = docx.Document(str(first_run / f"{STEM}.bilingual.docx")).tables[0].rows
    by_id = {"".join(row.cells[0].paragraphs[0].text.split()): row for row in rows[1:]}
    for segment_id, text in edits.items():
        assert by_id[f"{STEM}:{segment_id}"].cells[2].text == text
        assert "✓ reviewed" in by_id[f"{STEM}:{segment_id}"].cells[0].text
    assert f"## {edits['p2:s1']}" in english.read_text(encoding="utf-8")


def test_issue11_item7_what_cannot_be_placed_is_named_and_kept_aside(
    first_run: Path, seeds_copy: Path, isolated_memory: Path
) -> None:
    english = first_run / f"{STEM}.en.md"
    replace_in(english, written(isolated_memory, "p1:s1"), "OpenAI suspended access to Sora.")
    # A sentence added after p3:s2, and a paragraph added at the end.
    replace_in(
        english,
        written(isolated_memory, "p3:s2"),
        "The feedback was not what OpenAI expected. It was worse.",
    )
    english.write_text(
        english.read_text(encoding="utf-8") + "\nA paragraph only the English has.\n",
        encoding="utf-8",
    )
    lines = english.read_text(encoding="utf-8").splitlines()
    line_of = {text: n for n, line in enumerate(lines, 1) for text in [line] if line}

    result = invoke("import", str(english))

    assert result.exit_code == 3, result.stderr
    assert result.stdout == f"{english}: 1 changed, 14 unchanged, 0 unknown IDs, 2 kept aside\n"
    p3 = next(n for text, n in line_of.items() if "It was worse." in text)
    last = line_of["A paragraph only the English has."]
    assert result.stderr.splitlines() == [
        f"Warning: {english}: line {p3} (2 English sentences where 1 were written): could not "
        "be placed in the article; the text 'The feedback was not what OpenAI expected. It was "
        "worse.' was kept aside, not applied",
        f"Warning: {english}: line {last} (no paragraph of the article matches it here): could "
        "not be placed in the article; the text 'A paragraph only the English has.' was kept "
        "aside, not applied",
    ]
    with TranslationMemory.open(isolated_memory) as memory:
        assert [edit.reason for edit in memory.set_aside.entries()] == [UNALIGNED, UNALIGNED]
    # The import took all it could: the next run rewrites the English article.
    summary = run_json(seeds_copy, first_run)
    assert summary["memory"]["reviewed"] == 1
    assert "OpenAI suspended access to Sora." in english.read_text(encoding="utf-8")


def test_issue11_item7_a_paragraph_deleted_in_the_english_is_named(
    first_run: Path, seeds_copy: Path, isolated_memory: Path
) -> None:
    english = first_run / f"{STEM}.en.md"
    paragraph = " ".join(written(isolated_memory, f"p4:s{n}") for n in (1, 2))
    replace_in(english, paragraph + "\n\n", "")
    replace_in(english, written(isolated_memory, "p6:s1"), "In this open letter, artists wrote.")

    result = invoke("import", str(english))

    assert result.exit_code == 3, result.stderr
    assert result.stdout == f"{english}: 1 changed, 13 unchanged, 0 unknown IDs\n"
    assert result.stderr == (
        f"Warning: {english}: not found in the English article where expected: paragraph 4 "
        f"({STEM}:p4) {paragraph[:40]!r}; nothing was taken for it\n"
    )


def test_issue11_item7_an_edited_english_docx_is_imported(
    tmp_path: Path, isolated_memory: Path
) -> None:
    source = tmp_path / "articles" / "note.docx"
    source.parent.mkdir()
    article = docx.Document()
    article.add_heading("Le port rouvre ses quais", level=1)
    article.add_paragraph("Le port a rouvert lundi. Les dockers ont repris le travail.")
    article.add_paragraph("La ville attend des navires plus grands.")
    article.save(str(source))
    out = tmp_path / "out"
    run_json(source.parent, out)
    english = out / "note.en.docx"
    edited = docx.Document(str(english))
    paragraphs = [p for p in edited.paragraphs if p.text.strip()]
    target = written(isolated_memory, "p2:s2", doc="note")
    assert target in paragraphs[1].text
    new_text = paragraphs[1].text.replace(target, "The dockers went back to work.")
    for run in paragraphs[1].runs[1:]:
        run.text = ""
    paragraphs[1].runs[0].text = new_text
    edited.save(str(english))

    result = invoke("import", str(english))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{english}: 1 changed, 3 unchanged, 0 unknown IDs\n"
    run_json(source.parent, out)
    rows = docx.Document(str(out / "note.bilingual.docx")).tables[0].rows
    assert rows[3].cells[2].text == "The dockers went back to work."
    assert "✓ reviewed" in rows[3].cells[0].text


# The alignment itself, on a small article: (edited English blocks, expected
# (segment ID, English) changes, how many texts kept aside, blocks not found).
WRITTEN = (
    ("d:p1:s1", "heading", "The port reopens"),
    ("d:p2:s1", "paragraph", "The port reopened on Monday."),
    ("d:p2:s2", "paragraph", "The dockers went back."),
    ("d:p2:s3", "paragraph", "Ships wait."),
    ("d:p3:s1", "paragraph", "The city expects bigger ships."),
)
AS_WRITTEN = [
    ("heading", "The port reopens"),
    ("paragraph", "The port reopened on Monday. The dockers went back. Ships wait."),
    ("paragraph", "The city expects bigger ships."),
]


@pytest.mark.parametrize(
    ("edited", "changes", "aside", "missing"),
    [
        pytest.param(AS_WRITTEN, {}, 0, 0, id="unchanged"),
        pytest.param(
            [
                AS_WRITTEN[0],
                ("paragraph", "The port reopened on Monday. Dockers resumed work. Ships wait."),
                AS_WRITTEN[2],
            ],
            {"d:p2:s2": "Dockers resumed work."},
            0,
            0,
            id="one sentence edited",
        ),
        pytest.param(
            [
                AS_WRITTEN[0],
                ("paragraph", "The port reopened on Monday. Dockers resumed. Ships are waiting."),
                AS_WRITTEN[2],
            ],
            {"d:p2:s2": "Dockers resumed.", "d:p2:s3": "Ships are waiting."},
            0,
            0,
            id="two adjacent sentences edited",
        ),
        pytest.param(
            [
                AS_WRITTEN[0],
                (
                    "paragraph",
                    "The port reopened on Monday. The dockers went back. New text. Ships wait.",
                ),
                AS_WRITTEN[2],
            ],
            {},
            1,
            0,
            id="a sentence added",
        ),
        pytest.param(
            [("heading", "The Port Reopens"), AS_WRITTEN[1], AS_WRITTEN[2]],
            {"d:p1:s1": "The Port Reopens"},
            0,
            0,
            id="heading edited",
        ),
        pytest.param(
            [*AS_WRITTEN, ("paragraph", "An added paragraph.")], {}, 1, 0, id="paragraph added"
        ),
        pytest.param([AS_WRITTEN[0], AS_WRITTEN[2]], {}, 0, 1, id="paragraph removed"),
        pytest.param(
            [("paragraph", "The port reopens"), AS_WRITTEN[1], AS_WRITTEN[2]],
            {},
            1,
            1,
            id="heading turned into a paragraph",
        ),
    ],
)
def test_english_blocks_align_only_where_certain(
    edited: list[tuple[str, str]], changes: dict[str, str], aside: int, missing: int
) -> None:
    from translate_pipeline.document import Block, BlockKind
    from translate_pipeline.memory import SegmentRecord
    from translate_pipeline.review_import.english_article import align_english, written_blocks

    records = [SegmentRecord(i, f"fr {i}", english, kind) for i, kind, english in WRITTEN]
    blocks = [
        Block(index=n, kind=BlockKind(kind), text=text, line=2 * n)
        for n, (kind, text) in enumerate(edited, 1)
    ]
    result = align_english(Path("d.en.md"), written_blocks(records), blocks)
    assert {record.segment_id: english for record, english in result.changed} == changes
    assert len(result.set_aside) == aside
    assert len(result.missing) == missing
