"""A run taken in chunks: the outputs of one chunk, resumes after a kill, bounded state."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from translate_pipeline.document import AlignedRow, Segment
from translate_pipeline.engines.apertium import PIVOTS, ApertiumTranslator
from translate_pipeline.errors import EngineError
from translate_pipeline.pipeline import RunConfig, RunReport, run
from translate_pipeline.pipeline.spool import RowSpool
from translate_pipeline.segmenter import DocumentSegments

from .conftest import ROOT, SEEDS, TaggingTranslator, apertium_available, output_contents
from .docx_articles import build_rich_article

GLOSSARY = ROOT / "glossary" / "terms.csv"
FORMATTED_MARKDOWN = """# Le **nucléaire** revient

La [centrale](https://example.org/centrale) de Flamanville produit enfin de
l'électricité, selon **EDF**. Le chantier a duré *dix-sept ans*.

```python
print("pas traduit")
```

Le chantier a duré *dix-sept ans*. Selon **EDF**, la centrale produit enfin.
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, a Word article and a Markdown article with formatting and code,
    whose sentences repeat across articles (so chunks meet each other's sentences)."""
    folder = tmp_path_factory.mktemp("corpus")
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    build_rich_article(folder / "riche.docx")
    (folder / "nucleaire.md").write_text(FORMATTED_MARKDOWN, encoding="utf-8")
    (folder / "repris.md").write_text(FORMATTED_MARKDOWN.replace("# Le", "# Encore le"), "utf-8")
    return folder


def _engine(name: str) -> TaggingTranslator | ApertiumTranslator:
    if name == "tagging":
        return TaggingTranslator(calls=[])
    if not apertium_available():
        pytest.skip("apertium is not installed here")
    # The Spanish pivot alone: the Catalan pairs' data carries context from one
    # sentence to the next (seen: « jugée » became "judged" or "enjuiciado"
    # depending on a sentence five segments earlier in the same batch), so with
    # every pivot a sentence's English may depend on the batch it was sent in.
    return ApertiumTranslator.load(pivots=PIVOTS[:1])


@pytest.mark.parametrize("engine_name", ["tagging", "apertium"])
def test_a_run_in_one_chunk_per_article_writes_what_a_run_in_one_chunk_writes(
    corpus: Path, tmp_path: Path, engine_name: str
) -> None:
    reports: list[RunReport] = []
    engines = []
    for name, chunk_segments in (("one", 1_000_000), ("many", 1)):
        engine = _engine(engine_name)
        engines.append(engine)
        reports.append(
            run(
                RunConfig(
                    (corpus,),
                    tmp_path / name,
                    engine="apertium",
                    glossary=GLOSSARY,
                    memory=tmp_path / f"{name}.sqlite",
                    chunk_segments=chunk_segments,
                ),
                engine=engine,
            )
        )
    one, many = reports
    assert not one.failed and not many.failed
    # Outputs, the QA reports among them, are the same byte for byte.
    assert output_contents(tmp_path / "many") == output_contents(tmp_path / "one")
    assert (many.segments, many.qa) == (one.segments, one.qa)
    # Each distinct sentence went to the engine once, whatever the chunks; the ones a
    # later chunk met again were found in the memory.
    assert many.translated == one.translated > 0
    assert many.memory_hits > one.memory_hits == 0
    if engine_name == "tagging":
        assert sum(engines[1].calls) == sum(engines[0].calls) == one.translated
        # Each article is larger than a chunk of one segment, so it is taken a slice
        # of whole blocks at a time: one call per slice with something new to send.
        assert len(engines[0].calls) == 1 and len(engines[1].calls) > 5


@dataclass
class FailingAfter:
    """A fake engine that tags like TaggingTranslator and fails from its call
    ``fail_at`` on (as a killed or crashed engine would); it records what it got."""

    fail_at: int
    sent: list[list[str]] = field(default_factory=list)
    name: str = "tagging"
    version: str = "1"
    batch_size: int | None = None
    uses_placeholders: bool = True

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        if len(self.sent) + 1 >= self.fail_at:
            raise EngineError("the tagging engine stopped")
        self.sent.append(list(texts))
        return [f"EN: {text}" for text in texts]


def test_a_run_killed_after_its_first_chunk_resumes_without_translating_it_again(
    tmp_path: Path,
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.txt").write_text("Un chat. Deux chiens. Trois oiseaux.", encoding="utf-8")
    (source / "b.txt").write_text("Trois oiseaux. Quatre vaches. Cinq poules.", encoding="utf-8")
    config = RunConfig((source,), tmp_path / "out", chunk_segments=3)

    crashing = FailingAfter(fail_at=2)
    with pytest.raises(EngineError, match="stopped"):
        run(config, engine=crashing)
    # The first chunk was translated, saved and written before the engine failed.
    assert crashing.sent == [["Un chat.", "Deux chiens.", "Trois oiseaux."]]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a.bilingual.docx",
        "a.bilingual.md",
        "a.en.md",
    ]

    resumed = FailingAfter(fail_at=99)
    report = run(config, engine=resumed)
    assert resumed.sent == [["Quatre vaches.", "Cinq poules."]]
    assert (report.translated, report.memory_hits) == (2, 4)
    assert [p.name for p in report.files_written] == [
        "b.bilingual.docx",
        "b.bilingual.md",
        "b.en.md",
        "qa-report.json",
        "qa-report.md",
    ]
    # The same outputs as a run that was never interrupted.
    whole = RunConfig((source,), tmp_path / "whole", memory=tmp_path / "whole.sqlite")
    run(whole, engine=TaggingTranslator(calls=[]))
    assert output_contents(tmp_path / "out") == output_contents(tmp_path / "whole")


def test_the_engine_is_loaded_once_for_all_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translate_pipeline.engines import EngineChoice

    loads: list[int] = []
    engine = TaggingTranslator(calls=[])

    def load() -> TaggingTranslator:
        loads.append(1)
        return engine

    source = tmp_path / "src"
    source.mkdir()
    for number in range(4):
        (source / f"{number}.txt").write_text(f"Phrase numéro {number}. Fin.", encoding="utf-8")
    choice = EngineChoice(engine.name, engine.version, load)
    monkeypatch.setattr(
        "translate_pipeline.pipeline.job.choose_engine", lambda name, options: choice
    )
    report = run(RunConfig((source,), tmp_path / "out", chunk_segments=1))
    assert not report.failed and len(report.documents) == 4
    assert loads == [1]
    # "Fin." is sent once, in the first chunk; the others find it in the memory.
    assert engine.calls == [2, 1, 1, 1]


def test_an_article_translated_in_slices_gives_the_outputs_of_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "a.md"
    source.write_text(FORMATTED_MARKDOWN + "\nUn. Deux. Trois. Quatre. Cinq.\n", encoding="utf-8")
    whole = TaggingTranslator(calls=[], batch_size=2)
    run(RunConfig((source,), tmp_path / "whole", memory=tmp_path / "w.sqlite"), engine=whole)
    monkeypatch.setattr("translate_pipeline.pipeline.job.MISSES_PER_SLICE", 3)
    sliced = TaggingTranslator(calls=[], batch_size=2)
    run(RunConfig((source,), tmp_path / "sliced", memory=tmp_path / "s.sqlite"), engine=sliced)
    # Slices of two whole batches: the engine gets the same batches.
    assert sliced.calls == whole.calls and len(whole.calls) > 2
    assert output_contents(tmp_path / "sliced") == output_contents(tmp_path / "whole")


def test_an_article_larger_than_a_chunk_is_translated_and_written_slice_by_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    # Twelve paragraphs of two sentences, one with formatting and code, then a small
    # article: the first is taken in slices of two whole paragraphs (4 segments).
    paragraphs = [f"Phrase {n} du texte. Suite {n} ici." for n in range(12)]
    paragraphs[4] = "Le **nucléaire** revient avec `make test` ici. Suite 4 ici."
    (source / "a.md").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (source / "b.txt").write_text("Phrase 3 du texte. Autre chose.", encoding="utf-8")
    spooled: list[int] = []

    class CountingSpool(RowSpool):
        def __iter__(self) -> Iterator[AlignedRow]:
            spooled.append(len(self))
            yield from super().__iter__()

    monkeypatch.setattr("translate_pipeline.pipeline.job.RowSpool", CountingSpool)
    lazy: list[int] = []

    class CountingSegments(DocumentSegments):
        def __iter__(self) -> Iterator[Segment]:
            lazy.append(len(self))
            return super().__iter__()

    monkeypatch.setattr("translate_pipeline.pipeline.reading.DocumentSegments", CountingSegments)
    sliced = TaggingTranslator(calls=[])
    config = RunConfig((source,), tmp_path / "sliced", memory=tmp_path / "s.sqlite")
    report = run(dataclasses.replace(config, chunk_segments=4), engine=sliced)
    whole = TaggingTranslator(calls=[])
    config = RunConfig((source,), tmp_path / "whole", memory=tmp_path / "w.sqlite")
    expected = run(config, engine=whole)
    assert not report.failed
    assert sliced.calls == [4, 4, 4, 4, 4, 4, 1] and whole.calls == [25]
    assert output_contents(tmp_path / "sliced") == output_contents(tmp_path / "whole")
    assert (report.segments, report.qa) == (expected.segments, expected.qa)
    assert report.segments == 26
    # The large article's rows were written from the spool (the digest, the three
    # writers and the memory's record each went through them); the small one's never.
    assert len(spooled) >= 4 and set(spooled) == {24}
    # Its segments were never held: made again, block by block, when sliced.
    assert lazy == [24]
