"""The whole run as a library call, with an honest fake engine."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from translate_pipeline.document import AlignedDocument
from translate_pipeline.errors import OutputError, SourceError
from translate_pipeline.pipeline import (
    OUTPUT_FORMAT,
    RunConfig,
    RunProgress,
    RunReport,
    document_digest,
    run,
)
from translate_pipeline.translation import translate_texts

from .bilingual_articles import rich_document
from .conftest import IdentityTranslator, TaggingTranslator


def test_run_writes_three_files_per_article(
    seeds_copy: Path, tmp_path: Path, tagging_engine: TaggingTranslator
) -> None:
    out = tmp_path / "out"
    report = run(RunConfig(sources=(seeds_copy,), out_dir=out), engine=tagging_engine)
    assert not report.failed
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            f"{stem}{suffix}"
            for stem in ("000_a5270921bb6c39f4", "003_2115df51cde3f6b7")
            for suffix in (".bilingual.docx", ".bilingual.md", ".en.md")
        ]
        + ["qa-report.json", "qa-report.md"]
    )
    assert report.segments == sum(d.segments for d in report.documents) > 40
    # Every distinct sentence went to the engine once, in a single batch.
    assert tagging_engine.calls == [report.translated]
    english = (out / "003_2115df51cde3f6b7.en.md").read_text(encoding="utf-8")
    assert english.startswith("EN: OpenAI a suspendu l’accès à Sora")
    assert "\n## EN: OpenAI Suspend l’Accès à Sora" in english


def test_duplicate_sentences_are_translated_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Bonjour. Bonjour. Merci.", encoding="utf-8")
    engine = TaggingTranslator(calls=[], batch_size=1)
    report = run(RunConfig(sources=(tmp_path / "a.txt",), out_dir=tmp_path / "o"), engine=engine)
    assert report.segments == 3
    assert engine.calls == [1, 1]


def test_progress_counts_articles_segments_and_bytes_batch_by_batch(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.txt").write_text("Un. Deux. Trois. Quatre. Cinq.", encoding="utf-8")
    (source / "b.txt").write_text("Six. Sept.", encoding="utf-8")
    a, b = (source / "a.txt").stat().st_size, (source / "b.txt").stat().st_size
    seen: list[RunProgress] = []
    engine = TaggingTranslator(calls=[], batch_size=2)
    run(
        RunConfig(sources=(source,), out_dir=tmp_path / "o", chunk_segments=5),
        progress=seen.append,
        engine=engine,
    )
    # Each article is a chunk; half of a chunk's bytes move along with its batches,
    # the other half with its articles written.
    assert [(p.articles_done, p.segments_done, p.bytes_done) for p in seen] == [
        (0, 0, 0),
        (0, 0, int(a * 2 / 5 / 2)),
        (0, 0, int(a * 4 / 5 / 2)),
        (0, 0, int(a / 2)),
        (1, 5, a),
        (1, 5, a),
        (1, 5, a + int(b / 2)),
        (2, 7, a + b),
    ]
    assert {(p.articles_total, p.bytes_total) for p in seen} == {(2, a + b)}


def test_bad_article_is_reported_and_the_others_written(
    seeds_copy: Path, tmp_path: Path, tagging_engine: TaggingTranslator
) -> None:
    (seeds_copy / "latin1.txt").write_bytes("Café.".encode("latin-1"))
    report = run(RunConfig(sources=(seeds_copy,), out_dir=tmp_path / "o"), engine=tagging_engine)
    assert [d.doc_id for d in report.failed] == ["latin1"]
    assert len(report.files_written) == 8


def test_unwritable_output_stops_before_translating(
    seeds_copy: Path, tmp_path: Path, tagging_engine: TaggingTranslator
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write here"):
        run(RunConfig(sources=(seeds_copy,), out_dir=blocker / "out"), engine=tagging_engine)
    assert tagging_engine.calls == []


def test_missing_source_folder(tmp_path: Path, tagging_engine: TaggingTranslator) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        run(RunConfig(sources=(tmp_path / "none",), out_dir=tmp_path / "o"), engine=tagging_engine)


def test_engine_returning_too_few_outputs_is_caught() -> None:
    class Lossy:
        name, version, batch_size = "lossy", "1", None

        def translate_batch(self, texts):  # type: ignore[no-untyped-def]
            return list(texts)[:-1]

    from translate_pipeline.errors import EngineError

    with pytest.raises(EngineError, match="returned 1 translations for 2 segments"):
        translate_texts(Lossy(), ["a", "b"])


def test_unchanged_outputs_are_not_rewritten_and_deleted_ones_are(
    seeds_copy: Path, tmp_path: Path, tagging_engine: TaggingTranslator
) -> None:
    out = tmp_path / "out"
    config = RunConfig(sources=(seeds_copy,), out_dir=out)
    run(config, engine=tagging_engine)
    docx_file = out / "003_2115df51cde3f6b7.bilingual.docx"
    before = docx_file.stat().st_mtime_ns
    (out / "003_2115df51cde3f6b7.en.md").unlink()
    report = run(config, engine=tagging_engine)
    assert not report.failed
    assert docx_file.stat().st_mtime_ns == before
    assert (out / "003_2115df51cde3f6b7.en.md").read_text(encoding="utf-8").startswith("EN: ")


def test_output_edited_since_written_is_never_overwritten(
    seeds_copy: Path, tmp_path: Path, tagging_engine: TaggingTranslator
) -> None:
    out = tmp_path / "out"
    config = RunConfig(sources=(seeds_copy,), out_dir=out)
    run(config, engine=tagging_engine)
    edited = out / "003_2115df51cde3f6b7.bilingual.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nmy corrections\n", encoding="utf-8")
    # A changed source forces new content, which would otherwise overwrite the file.
    source = seeds_copy / "003_2115df51cde3f6b7.txt"
    source.write_text(source.read_text(encoding="utf-8") + "Une phrase de plus.\n", "utf-8")
    report = run(config, engine=tagging_engine)
    assert [d.error for d in report.failed] == [
        f"{edited}: changed since translate wrote it, so it was not overwritten; import the "
        f"corrections first (translate import {edited}), or move the file away to have it "
        "written again"
    ]
    assert edited.read_text(encoding="utf-8").endswith("my corrections\n")
    assert len([d for d in report.documents if not d.error]) == 1


def test_second_run_uses_cached_sentence_spans(
    seeds_copy: Path, tmp_path: Path, tagging_engine: TaggingTranslator, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    config = RunConfig(sources=(seeds_copy,), out_dir=tmp_path / "out")
    first = run(config, engine=tagging_engine)

    def no_pysbd(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("pysbd was used although every paragraph was cached")

    monkeypatch.setattr("translate_pipeline.pipeline.reading.SentenceSplitter", no_pysbd)
    second = run(config, engine=tagging_engine)
    assert second.segments == first.segments


def test_formatting_is_placed_by_translating_spans_even_when_the_memory_served_all() -> None:
    # The readers of this branch give .txt seeds no spans: build a formatted segment.
    from translate_pipeline.document import (
        Block,
        BlockKind,
        Document,
        FlagCode,
        Inline,
        InlineKind,
        Segment,
    )
    from translate_pipeline.engines import EngineChoice
    from translate_pipeline.pipeline.aligning import _align_checked, _span_translations
    from translate_pipeline.protect import TermMatcher
    from translate_pipeline.translation import Translation

    french = "La maison brûle."
    bold = Inline(InlineKind.BOLD, 3, 9)
    block = Block(1, BlockKind.PARAGRAPH, french, inlines=(bold,))
    document = Document("doc", Path("doc.md"), (block,))
    segment = Segment(
        "doc:p1:s1", "doc", 1, 1, french, 0, len(french), BlockKind.PARAGRAPH, inlines=(bold,)
    )
    # "maison" twice in the English: only the span's translation alone can place it
    translations = {french: Translation("maison EN: maison brûle.", (), origin="memory")}
    loaded: list[str] = []

    def load() -> TaggingTranslator:
        loaded.append("engine")
        return TaggingTranslator(calls=[])

    choice = EngineChoice("tagging", "1", load)
    readable = [(document, (segment,))]
    found = _span_translations(choice, None, readable, translations, TermMatcher.build(()))
    assert loaded == ["engine"]
    aligned = _align_checked(document, (segment,), translations, span_english=found)
    (row,) = aligned.rows
    assert [row.english[s.start : s.end] for s in row.english_inlines] == ["EN: maison"]
    assert not any(flag.code is FlagCode.FORMATTING_LOST for flag in row.flags)
    # without span translations the same row is flagged, never guessed
    (row,) = _align_checked(document, (segment,), translations).rows
    assert row.english_inlines == ()
    assert [flag.code for flag in row.flags] == [FlagCode.FORMATTING_LOST]


def test_an_engine_failing_on_span_texts_leaves_the_spans_flagged() -> None:
    from translate_pipeline.document import Block, BlockKind, Document, Inline, InlineKind, Segment
    from translate_pipeline.engines import EngineChoice
    from translate_pipeline.errors import EngineError
    from translate_pipeline.pipeline.aligning import _span_translations
    from translate_pipeline.protect import TermMatcher
    from translate_pipeline.translation import Translation

    class Broken(TaggingTranslator):
        def translate_batch(self, texts: list[str]) -> list[str]:
            raise EngineError("the engine crashed")

    french = "La maison brûle."
    bold = Inline(InlineKind.BOLD, 3, 9)
    document = Document("doc", Path("doc.md"), (Block(1, BlockKind.PARAGRAPH, french),))
    segment = Segment(
        "doc:p1:s1", "doc", 1, 1, french, 0, len(french), BlockKind.PARAGRAPH, inlines=(bold,)
    )
    translations = {french: Translation("The house burns.", ())}
    choice = EngineChoice.of(Broken(calls=[]))
    found = _span_translations(
        choice, None, [(document, (segment,))], translations, TermMatcher.build(())
    )
    assert found == {}


@pytest.mark.parametrize(
    ("files", "names"),
    [
        (["a.txt", "b.md"], ["a", "b"]),
        (["s/a.txt", "s/a.md"], ["a-txt", "a-md"]),
        (["x/a.txt", "y/a.txt"], ["x-a", "y-a"]),
        (["s/A.txt", "s/a.md"], ["A-txt", "a-md"]),
        (["x/d/a.txt", "y/d/a.txt"], ["d-a", "d-a-2"]),
        (["x/a.txt", "y/a.txt", "y/a.md"], ["x-a-txt", "y-a-txt", "a-md"]),
    ],
)
def test_issue10_item6_output_names_never_collide(files: list[str], names: list[str]) -> None:
    from translate_pipeline.pipeline import output_names

    assert list(output_names([Path(f) for f in files]).values()) == names


CODE_ARTICLE = "Le modèle `mistral-large-2` est disponible.\n"


@dataclass(frozen=True)
class RewordingTranslator:
    """A fake engine that rewrites words and upper-cases the rest, placeholders aside.

    With ``uses_placeholders`` it behaves like Apertium (which keeps ZQX tokens);
    without, like a neural model that sees the code and may change it.
    """

    words: tuple[tuple[str, str], ...] = ()
    uses_placeholders: bool = True
    name: str = "rewording"
    version: str = "1"
    batch_size: int | None = None

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            for old, new in self.words:
                text = text.replace(old, new)
            out.append(
                "".join(
                    part if re.fullmatch(r"ZQX+\d+QZ", part) else part.upper()
                    for part in re.split(r"(ZQX+\d+QZ)", text)
                )
            )
        return out


def _run_code_article(tmp_path: Path, engine: object | None) -> tuple[RunReport, str, dict]:
    source = tmp_path / "modele.md"
    source.write_text(CODE_ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    config = RunConfig(sources=(source,), out_dir=out, engine="apertium")
    report = run(config, engine=engine)  # type: ignore[arg-type]
    assert not report.failed
    qa = json.loads((out / "qa-report.json").read_text(encoding="utf-8"))
    return report, (out / "modele.en.md").read_text(encoding="utf-8"), qa


def test_issue9_item1_inline_code_is_kept_through_a_placeholder_engine(tmp_path: Path) -> None:
    # "large" -> "wide" is what Apertium did to the code before it was protected.
    engine = RewordingTranslator(words=(("Le modèle", "The model"), ("large", "wide")))
    report, english, qa = _run_code_article(tmp_path, engine)
    assert english == "THE MODEL `mistral-large-2` EST DISPONIBLE.\n"
    assert qa["rows"] == []
    assert report.qa.spans["code"] == {"kept": 1, "repaired": 0, "missing": 0}


def test_issue9_item1_inline_code_is_kept_through_apertium(
    require_apertium: None, tmp_path: Path
) -> None:
    report, english, qa = _run_code_article(tmp_path, None)
    assert english == "The model `mistral-large-2` is available.\n"
    assert qa["rows"] == []
    assert report.qa.spans["code"] == {"kept": 1, "repaired": 0, "missing": 0}


@pytest.mark.parametrize(
    ("words", "english", "flags"),
    [
        # The engine capitalised the code: repaired, and placed as code.
        ((("Le modèle mistral", "Mistral"),), "`mistral-large-2` EST DISPONIBLE.\n", []),
        # The engine translated the code: flagged, never passed off as the code.
        (
            (("large", "wide"),),
            "LE MODÈLE MISTRAL-WIDE-2 EST DISPONIBLE.\n",
            ["code-changed", "formatting-lost"],
        ),
    ],
)
def test_issue9_item1_inline_code_through_a_neural_engine_is_repaired_or_flagged(
    tmp_path: Path, words: tuple[tuple[str, str], ...], english: str, flags: list[str]
) -> None:
    engine = RewordingTranslator(words=words, uses_placeholders=False)
    _, written, qa = _run_code_article(tmp_path, engine)
    assert written == english
    assert [f["code"] for row in qa["rows"] for f in row["flags"]] == flags
    if flags:
        assert qa["rows"][0]["flags"][0]["detail"] == "mistral-large-2"


def test_issue9_item1_memory_entry_that_translated_the_code_is_translated_again(
    tmp_path: Path,
) -> None:
    words = (("Le modèle", "The model"), ("large", "wide"))
    # Before code was protected, the same engine saw the code and translated it.
    _, english, _ = _run_code_article(tmp_path, RewordingTranslator(words, False))
    assert "MISTRAL-WIDE-2" in english
    now, english, qa = _run_code_article(tmp_path, RewordingTranslator(words))
    assert (now.translated, now.memory_hits) == (1, 0)
    assert english == "THE MODEL `mistral-large-2` EST DISPONIBLE.\n"
    assert qa["rows"] == []
    again, _, _ = _run_code_article(tmp_path, RewordingTranslator(words))
    assert (again.translated, again.memory_hits) == (0, 1)


def test_issue9_item1_code_holding_sentence_ends_and_numbers_stays_whole_and_unflagged(
    tmp_path: Path,
) -> None:
    source = tmp_path / "code.md"
    source.write_text(
        "Appelez `fig.show(). Puis` ensuite. Le réglage `timeout: 3,5 %` reste.\n",
        encoding="utf-8",
    )
    engine = RewordingTranslator(words=(("Appelez", "Call"), ("Le réglage", "The setting")))
    report = run(RunConfig(sources=(source,), out_dir=tmp_path / "out"), engine=engine)
    # Never cut inside the code, never converted or flagged inside it.
    assert report.segments == 2
    english = (tmp_path / "out" / "code.en.md").read_text(encoding="utf-8")
    assert english == "CALL `fig.show(). Puis` ENSUITE. THE SETTING `timeout: 3,5 %` RESTE.\n"
    assert report.qa.flags == {}
    assert report.qa.spans["code"] == {"kept": 2, "repaired": 0, "missing": 0}


def test_qa_report_counts_every_row_though_only_flagged_rows_are_kept(tmp_path: Path) -> None:
    # The run keeps only what the QA report shows of each written article (its
    # flagged rows and verbatim blocks); the counts still cover every row.
    (tmp_path / "a.md").write_text(
        "# Titre\n\nLe chat dort. Il fait beau.\n\n```\ncode()\n```\n", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("Bonjour. Merci.", encoding="utf-8")
    report = run(
        RunConfig(sources=(tmp_path / "a.md", tmp_path / "b.txt"), out_dir=tmp_path / "o"),
        engine=IdentityTranslator(),
    )
    qa = json.loads((tmp_path / "o" / "qa-report.json").read_text(encoding="utf-8"))
    assert (report.qa.segments, qa["segments"], qa["flagged_segments"]) == (5, 5, 2)
    assert [row["segment_id"] for row in qa["rows"]] == ["a:p2:s1", "a:p2:s2"]
    assert qa["kept_as_is"] == {"a": ["code block (line 5)"]}


def _digest_as_first_written(aligned: AlignedDocument, label: str) -> str:
    """document_digest as it was first written: the whole article's JSON at once."""
    rows = [
        (
            row.segment.segment_id,
            row.segment.kind.value,
            row.segment.level,
            row.segment.text,
            row.english,
            row.origin == "reviewed",
            [str(flag) for flag in row.flags],
            repr(row.segment.inlines),
            repr(row.english_inlines),
        )
        for row in aligned.rows
    ]
    skeleton = repr(aligned.source.blocks) if aligned.source else ""
    payload = json.dumps(
        [OUTPUT_FORMAT, label, aligned.source_path.name, rows, skeleton], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _single_block(document: AlignedDocument) -> AlignedDocument:
    assert document.source is not None
    source = dataclasses.replace(document.source, blocks=document.source.blocks[:1])
    return dataclasses.replace(document, rows=document.rows[:1], source=source)


@pytest.mark.parametrize(
    "variant",
    [
        lambda d: d,
        lambda d: dataclasses.replace(d, source=None),
        _single_block,
        lambda d: dataclasses.replace(d, rows=()),
    ],
    ids=["whole", "no-source", "one-block", "no-rows"],
)
def test_document_digest_matches_the_digests_earlier_runs_recorded(variant) -> None:  # type: ignore[no-untyped-def]
    # The digest is now hashed row by row; an output written by an earlier version
    # must still be recognised as current (else every output is rewritten once).
    aligned = variant(rich_document())
    label = 'engine "x" \\ é\n'
    assert document_digest(aligned, label) == _digest_as_first_written(aligned, label)
