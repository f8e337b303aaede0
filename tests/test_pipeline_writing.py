"""An article's files decided, rendered elsewhere and written back are those a local
write gives, and an editor's file is never overwritten on the way.

``render_elsewhere`` is what a cluster run's actors do; here it runs in this
process, from the source's bytes, as a node without the driver's disk would.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SEED_FILES, output_contents
from tests.docx_articles import build_rich_article
from translate_pipeline.document import AlignedDocument, AlignedRow
from translate_pipeline.formats import read_document
from translate_pipeline.memory import TranslationMemory
from translate_pipeline.pipeline.reports import DocumentReport
from translate_pipeline.pipeline.writing import (
    OutputPlan,
    commit_rendered,
    plan_outputs,
    render_elsewhere,
    write_document,
)
from translate_pipeline.segmenter import segment_document

LABEL = "tagging (1)"
MARKDOWN = "# Le **nucléaire** revient\n\nLa centrale produit. Le chantier a duré *dix ans*.\n"


class WholeBlocks:
    """Sentence spans: each block one sentence (the splitter is not under test)."""

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]


def aligned_article(path: Path) -> AlignedDocument:
    """The article at ``path``, each sentence's English its French tagged "EN: "."""
    document = read_document(path)
    rows = tuple(
        AlignedRow(segment, f"EN: {segment.text}")
        for segment in segment_document(document, WholeBlocks())
    )
    return AlignedDocument(document.doc_id, document.path, rows, document)


def plain_text(folder: Path) -> Path:
    return Path(shutil.copy(SEED_FILES[0], folder / SEED_FILES[0].name))


def markdown(folder: Path) -> Path:
    path = folder / "nucleaire.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    return path


def word(folder: Path) -> Path:
    return build_rich_article(folder / "riche.docx")


SOURCES = pytest.mark.parametrize("make_source", [plain_text, markdown, word])


def planned(
    aligned: AlignedDocument, out: Path, memory: TranslationMemory, label: str = LABEL
) -> OutputPlan:
    decided = plan_outputs(aligned, out, label, memory)
    assert isinstance(decided, OutputPlan), decided
    return decided


@SOURCES
def test_files_rendered_elsewhere_equal_files_written_in_place(
    tmp_path: Path, make_source: Callable[[Path], Path]
) -> None:
    (tmp_path / "src").mkdir()
    source = make_source(tmp_path / "src")
    aligned = aligned_article(source)
    with TranslationMemory.open(tmp_path / "here.sqlite") as memory:
        here = write_document(aligned, tmp_path / "here", LABEL, memory)
    with TranslationMemory.open(tmp_path / "there.sqlite") as memory:
        plan = planned(aligned, tmp_path / "there", memory)
        data = source.read_bytes()
        # The renderer gets the source's bytes, never its path: moved away, it is not needed.
        source.rename(tmp_path / "moved-away")
        rendered = render_elsewhere(plan, data)
        there = commit_rendered(plan, rendered, memory)
        # Recorded as written: a second plan finds every file current.
        assert planned(aligned, tmp_path / "there", memory).stale == ()
    assert here.error is None and there.error is None
    assert [p.name for p in there.written] == [p.name for p in here.written] != []
    assert output_contents(tmp_path / "there") == output_contents(tmp_path / "here")


def test_an_editors_save_while_rendering_is_kept(tmp_path: Path) -> None:
    aligned = aligned_article(markdown(tmp_path))
    with TranslationMemory.open(tmp_path / "tm.sqlite") as memory:
        write_document(aligned, tmp_path / "out", "old engine", memory)
        plan = planned(aligned, tmp_path / "out", memory)
        assert len(plan.stale) == 3  # the engine named in them changed
        rendered = render_elsewhere(plan, None)
        # An editor saves the bilingual Markdown after the plan, before it is written.
        edited = tmp_path / "out" / "nucleaire.bilingual.md"
        edited.write_text("corrections de l'éditeur\n", encoding="utf-8")
        report = commit_rendered(plan, rendered, memory)
        # The file before it in writing order was written; the one after it was not.
        recorded = {path.name: memory.output_state(path) for path in plan.paths.all()}
    assert report.error == (
        f"{edited}: changed while translate rendered it, so it was not overwritten; import "
        "the corrections first if it has any, or move the file away, and run again"
    )
    assert edited.read_text(encoding="utf-8") == "corrections de l'éditeur\n"
    assert {name: state.digest == plan.digest for name, state in recorded.items() if state} == {
        "nucleaire.bilingual.docx": True,
        "nucleaire.bilingual.md": False,
        "nucleaire.en.md": False,
    }


def test_a_failed_rendering_names_the_drivers_paths_as_a_local_write_does(
    tmp_path: Path,
) -> None:
    source = word(tmp_path)
    aligned = aligned_article(source)
    # The Word source is broken after it was read: its writer cannot open it again.
    source.write_bytes(b"PK\x03\x04 not a zip archive")
    with TranslationMemory.open(tmp_path / "here.sqlite") as memory:
        here = write_document(aligned, tmp_path / "here", LABEL, memory)
    with TranslationMemory.open(tmp_path / "there.sqlite") as memory:
        plan = planned(aligned, tmp_path / "there", memory)
        rendered = render_elsewhere(plan, source.read_bytes())
        there = commit_rendered(plan, rendered, memory)
    assert here.error is not None and str(source) in here.error
    assert there.error == here.error.replace(str(tmp_path / "here"), str(tmp_path / "there"))
    assert len(rendered.contents) == 2 and rendered.failure == there.error
    # The bilingual files, rendered before the English failed, were written in both.
    assert [p.name for p in (tmp_path / "there").iterdir()] == [
        p.name for p in (tmp_path / "here").iterdir()
    ]


def test_an_article_already_current_writes_nothing_and_is_reported_whole(
    tmp_path: Path,
) -> None:
    aligned = aligned_article(markdown(tmp_path))
    with TranslationMemory.open(tmp_path / "tm.sqlite") as memory:
        first = write_document(aligned, tmp_path / "out", LABEL, memory)
        plan = planned(aligned, tmp_path / "out", memory)
        again = commit_rendered(plan, render_elsewhere(plan, None), memory)
    assert plan.stale == () and again.written == ()
    assert again == DocumentReport(
        source=aligned.source_path,
        doc_id="nucleaire",
        segments=len(aligned.rows),
        outputs=first.outputs,
    )
