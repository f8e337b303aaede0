"""Choosing among the pivots' Englishes, and the Apertium engine that runs them side by side.

The engine tests run a fake ``apertium`` (a shell script first on PATH) whose
modes rewrite the text with sed as each test says, so what each chain gives is
known; the real engine is tested in ``test_engines_apertium_*.py``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate_pipeline.engines import apertium
from translate_pipeline.engines.combine import choose, chrf
from translate_pipeline.errors import EngineError

# -- choose -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "candidates", "chosen"),
    [
        # the English two pivots agree on, over the odd one out
        ("Le chat dort.", ["A dog eats.", "The cat sleeps.", "The cat sleeps."], 1),
        # a candidate that lost a placeholder is never chosen, however agreed on
        ("Le ZQX0QZ dort.", ["The sleeps.", "The ZQX0QZ sleeps.", "The sleeps."], 1),
        # nor one that doubled it
        ("Le ZQX0QZ dort.", ["ZQX0QZ ZQX0QZ sleeps.", "ZQX0QZ ZQX0QZ sleeps.", "ZQX0QZ naps."], 2),
        # a date placeholder, and the marks Apertium may put on one, count the same
        ("Le ZQXT0QZ.", ["The.", "The *ZQXT0QZ.", "The."], 1),
        # the same English but for a word marked unknown: the unmarked one
        ("Il dort.", ["He *dorts.", "He dorts."], 1),
        # an empty English is not eligible
        ("Il dort.", ["", "", "He sleeps."], 2),
        # a tie goes to the earlier pivot
        ("Il dort.", ["He sleeps.", "He naps.", "It rests."], 0),
        # nothing eligible: the first pivot's, as with that pivot alone
        ("Le ZQX0QZ dort.", ["The sleeps.", "It sleeps."], 0),
        # one candidate is its own choice
        ("Il dort.", ["He sleeps."], 0),
    ],
)
def test_choose_keeps_the_agreed_english_that_kept_every_placeholder(
    source: str, candidates: list[str], chosen: int
) -> None:
    assert choose(source, candidates).index == chosen


def test_words_english_does_not_know_count_against_a_candidate() -> None:
    from translate_pipeline.engines.combine import unknown_english_words
    from translate_pipeline.english_lexicon import EnglishLexicon

    lexicon = EnglishLexicon.start()
    if lexicon is None:
        pytest.skip("Apertium's English analyser is not installed")
    try:
        candidates = ["The report of the court.", "The informe of the court."]
        unknown = [unknown_english_words(english, lexicon) for english in candidates]
    finally:
        lexicon.close()
    # names (capitalised) and marks aside, "informe" is the one word English lacks
    assert unknown == [0, 1]
    assert unknown_english_words("The *informe of Gripen.", None) == 0
    # two candidates agree with each other alike: the one English knows every word of wins
    assert choose("Le rapport du tribunal.", candidates, unknown=unknown).index == 0
    assert choose("Le rapport du tribunal.", candidates[::-1], unknown=unknown[::-1]).index == 1


@pytest.mark.parametrize(
    ("hypothesis", "reference"),
    [
        ("The cat sleeps on the mat.", "The cat is sleeping on the mat."),
        ("I hail the world.", "Hello world."),
        ("A", "A much longer reference sentence."),
        ("Completely different", "xyz"),
        ("Same words here.", "Same words here."),
    ],
)
def test_chrf_is_sacrebleus_sentence_chrf(hypothesis: str, reference: str) -> None:
    import sacrebleu

    expected = sacrebleu.sentence_chrf(hypothesis, [reference]).score
    assert chrf(hypothesis, reference) == pytest.approx(expected, abs=0.01)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abc ZQX0*.", max_size=30), min_size=1, max_size=5))
def test_choose_always_names_a_candidate(candidates: list[str]) -> None:
    choice = choose("Le ZQX0QZ dort.", candidates)
    assert 0 <= choice.index < len(candidates)
    assert len(choice.scores) == len(candidates)


# -- the engine, with a fake apertium -------------------------------------------------

ALL_MODES = "fr-es spa-eng fra-cat cat-spa cat-eng fr-eo eo-en"
FAKE_APERTIUM = """#!/bin/sh
if [ "$1" = "-l" ]; then for m in $FAKE_MODES; do echo "$m"; done; exit 0; fi
for mode; do :; done
echo "$*" >> "$FAKE_LOG"
[ -n "$FAKE_PIDS" ] && echo $$ >> "$FAKE_PIDS"
[ "$mode" = "$FAKE_HANG" ] && sleep 60
var=FAKE_$(echo "$mode" | tr '-' '_')
eval "script=\\${$var:-}"
if [ -n "$script" ]; then sed "$script"; else cat; fi
"""


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``apertium`` with every pivot's modes; returns the log of its calls."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "apertium"
    script.write_text(FAKE_APERTIUM, encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_MODES", ALL_MODES)
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "calls.log"))
    return tmp_path / "calls.log"


def test_every_installed_pivot_is_used_and_named_in_the_version(fake: Path) -> None:
    engine = apertium.ApertiumTranslator.load()
    assert engine.pivots == (
        ("fr-es", "spa-eng"),
        ("fra-cat", "cat-spa", "spa-eng"),
        ("fra-cat", "cat-eng"),
        ("fr-eo", "eo-en"),
    )
    assert engine.version.endswith(
        " pivots fr-es|spa-eng + fra-cat|cat-spa|spa-eng + fra-cat|cat-eng + fr-eo|eo-en"
    )


def test_only_the_base_pairs_installed_behaves_as_before(
    fake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODES", "fr-es spa-eng fra-cat cat-eng-not-here")
    engine = apertium.ApertiumTranslator.load()
    assert engine.pivots == (apertium.PIVOT,)
    assert "pivots" not in engine.version
    assert engine.translate_batch(["Le chat.", "Le chien."]) == ["Le chat.", "Le chien."]
    # one pipeline of two processes, only the second marking unknown words, as before
    # The two stages of the pipe start together, so either may log first.
    assert sorted(fake.read_text(encoding="utf-8").splitlines()) == ["-u fr-es", "spa-eng"]


def test_each_segment_gets_the_english_most_pivots_agree_on(
    fake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Through Spanish: "chat" -> "cat"; through Catalan (both ways): "chat" ->
    # "cat" and "chien" -> "hound"; through Esperanto: "chien" -> "dog".
    monkeypatch.setenv("FAKE_spa_eng", "s/chat/cat/")
    monkeypatch.setenv("FAKE_cat_spa", "s/chien/hound/")
    monkeypatch.setenv("FAKE_cat_eng", "s/chat/cat/;s/chien/hound/")
    monkeypatch.setenv("FAKE_eo_en", "s/chien/dog/")
    engine = apertium.ApertiumTranslator.load()
    assert engine.translate_batch(["Le chat.", "Le chien.", "Le loup."]) == [
        "Le cat.",  # three of four chains
        "Le hound.",  # two against one "Le chien." and one "Le dog."
        "Le loup.",  # all agree
    ]
    calls = fake.read_text(encoding="utf-8").splitlines()
    # the step two chains share runs once; only a chain's last step marks words
    assert sorted(calls) == sorted(
        [
            "-u fr-es",
            "-u fra-cat",
            "-u fr-eo",
            "spa-eng",
            "-u cat-spa",
            "cat-eng",
            "eo-en",
            "spa-eng",
        ]
    )


def test_a_pivot_that_loses_a_placeholder_is_not_chosen(
    fake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_spa_eng", "s/ZQX0QZ//")  # both chains ending in Spanish drop it
    monkeypatch.setenv("FAKE_eo_en", "s/dort/sleeps/")
    engine = apertium.ApertiumTranslator.load()
    assert engine.translate_batch(["ZQX0QZ dort."]) == ["ZQX0QZ dort."]


def test_a_chain_whose_boundaries_move_is_run_again_in_halves(
    fake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Through Esperanto, a segment holding "deux" merges with the next one.
    monkeypatch.setenv("FAKE_eo_en", "/deux/{N;N;s/\\n\\n/ /}")
    monkeypatch.setenv("FAKE_spa_eng", "s/un/one/;s/deux/two/;s/trois/three/")
    engine = apertium.ApertiumTranslator.load()
    assert engine.translate_batch(["un", "deux", "trois"]) == ["one", "two", "three"]


def test_the_time_limit_applies_to_each_pivot(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_HANG", "eo-en")
    engine = apertium.ApertiumTranslator.load(timeout_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(
        EngineError, match=r"did not finish a batch of 2 segments in 1 s \(fr-eo\|eo-en\)"
    ):
        engine.translate_batch(["Le chat.", "Le chien."])
    assert time.monotonic() - started < 10


def test_a_failing_pivot_is_named(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_cat_spa", "not a sed script")
    engine = apertium.ApertiumTranslator.load()
    with pytest.raises(
        EngineError, match=r"apertium cat-spa failed.*\(fra-cat\|cat-spa\|spa-eng\)"
    ):
        engine.translate_batch(["Le chat."])


def test_marked_spans_come_from_the_pivot_that_wrote_the_english(
    fake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_spa_eng", "s/chat/cat/")
    monkeypatch.setenv("FAKE_eo_en", "s/chat/pussy/")
    engine = apertium.ApertiumTranslator.load()
    marked = ["Le <b>chat</b> dort.", "Le <i>chat</i> dort."]
    assert engine.translate_marked_matching(marked, ["Le pussy dort.", "Le cat dort."]) == [
        "Le <b>pussy</b> dort.",
        "Le <i>cat</i> dort.",
    ]
    # without an English to match, the first pivot's, as before
    assert engine.translate_marked(marked[:1]) == ["Le <b>cat</b> dort."]


@pytest.mark.parametrize(
    ("french", "catalan", "fixed"),
    [
        # fra-cat carries the tag over the contraction: it goes back after it
        ("Le prix du <b>pain</b>.", "El preu <b>del pa</b>.", "El preu del <b>pa</b>."),
        ("Il parle au <i>ministre</i>.", "Parla <i>al ministre</i>.", "Parla al <i>ministre</i>."),
        # the contraction was inside the span in French: left there
        ("Il parle <b>du pain</b>.", "Parla <b>del pa</b>.", "Parla <b>del pa</b>."),
        # "du" ending another word is no contraction
        ("Le prix badu <b>pain</b>.", "El preu <b>del pa</b>.", "El preu <b>del pa</b>."),
        # tags that do not pair up in order: nothing moved
        ("du <b>pain</b> <i>x</i>", "<b>del pa</b>", "<b>del pa</b>"),
    ],
)
def test_tags_go_back_after_a_catalan_contraction(french: str, catalan: str, fixed: str) -> None:
    assert apertium.tags_after_contractions(french, catalan) == fixed


def test_ctrl_c_leaves_no_pivot_process_behind(fake: Path, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    pids = tmp_path / "pids"
    script = (
        "from translate_pipeline.engines import apertium\n"
        "apertium.ApertiumTranslator.load().translate_batch(['Le chat.'])\n"
    )
    env = {**os.environ, "FAKE_HANG": "fra-cat", "FAKE_PIDS": str(pids)}
    process = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    # the three first steps (fr-es, fra-cat, fr-eo) have started; fra-cat hangs
    while not (pids.exists() and len(pids.read_text().split()) == 3):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode != 0
    for pid in map(int, pids.read_text().split()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
