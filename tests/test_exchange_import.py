"""Importing TMX and XLIFF files of other CAT tools into the memory (``translate import``)."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from translate_pipeline.cli import main
from translate_pipeline.memory import MachineKey, TranslationMemory

KEY = MachineKey("apertium", "apertium=3.8.3", "glossary-1")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def entries(path: Path) -> list[tuple[str, str, str, str, str]]:
    with TranslationMemory.open(path) as memory:
        return sorted(
            (e.source, e.target, e.origin, e.engine, e.engine_version)
            for e in memory.best_entries()
        )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("file_format", ["tmx", "xliff"])
def test_export_then_import_into_an_empty_memory_gives_the_same_entries(
    tmp_path: Path, file_format: str
) -> None:
    first = tmp_path / "first.sqlite"
    with TranslationMemory.open(first) as memory:
        memory.store_machine(
            [("Le chat dort.", "The cat sleeps."), ("Il pleut & « il vente ».", "It rains.")], KEY
        )
        memory.store_reviewed([("Le chat dort.", "The cat is asleep.")])
        memory.store_reviewed([("Bonjour <b>le</b> monde.", "Hello <b>world</b>.")])
    exported = tmp_path / f"memory.{file_format}"
    result = invoke(
        "export", "--memory", str(first), "--format", file_format, "--out", str(exported)
    )
    assert result.exit_code == 0, result.output

    second = tmp_path / "second.sqlite"
    result = invoke("import", str(exported), "--memory", str(second))

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{exported}: 3 units (2 reviewed, 1 machine): 3 added, "
        "0 already in the memory, 0 replaced, 0 conflicts\n"
    )
    assert entries(second) == entries(first)
    assert entries(second) == [
        ("Bonjour <b>le</b> monde.", "Hello <b>world</b>.", "reviewed", "", ""),
        ("Il pleut & « il vente ».", "It rains.", "machine", "apertium", "apertium=3.8.3"),
        ("Le chat dort.", "The cat is asleep.", "reviewed", "", ""),
    ]
    # Importing the same file again changes nothing, and says so.
    again = invoke("import", str(exported), "--memory", str(second))
    assert "0 added, 3 already in the memory, 0 replaced, 0 conflicts" in again.stdout


def test_tmx_round_trip_keeps_the_dates(tmp_path: Path) -> None:
    first = tmp_path / "first.sqlite"
    with TranslationMemory.open(first) as memory:
        memory.store_reviewed([("Le chat dort.", "The cat is asleep.")])
        stored = memory.best_entries().__next__()
    exported = tmp_path / "m.tmx"
    invoke("export", "--memory", str(first), "--out", str(exported))
    second = tmp_path / "second.sqlite"
    invoke("import", str(exported), "--memory", str(second))
    with TranslationMemory.open(second) as memory:
        assert [e.updated_at for e in memory.best_entries()] == [stored.updated_at]


XLIFF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="article.docx" source-language="fr-FR" target-language="en-US"
       datatype="plaintext" tool-id="Trados">
  <body>
   <group id="g1">
    <trans-unit id="1" approved="yes">
     <source>Le chat dort.</source><target>The cat is asleep.</target>
     <note>Checked with the author.</note>
    </trans-unit>
   </group>
   <trans-unit id="2"><source>Il pleut.</source><target state="final">It rains.</target>
   </trans-unit>
   <trans-unit id="3"><source>Il neige.</source>
     <target state="signed-off">It snows.</target></trans-unit>
   <trans-unit id="4"><source>Le vent <g id="1">souffle</g>.</source>
     <target state="translated">The wind <g id="1">blows</g>.</target></trans-unit>
   <trans-unit id="5"><source>Il gèle.</source>
     <target state="needs-review-translation">It freezes.</target></trans-unit>
   <trans-unit id="6"><source>Rien.</source></trans-unit>
   <trans-unit id="7"><source>Vide.</source><target state="new"></target></trans-unit>
   <trans-unit id="8"><source>Voir <x id="1"/>la page<ph id="2">&lt;br/&gt;</ph>.</source>
     <target state="final">See <x id="1"/>the page<ph id="2">&lt;br/&gt;</ph>.</target>
   </trans-unit>
  </body>
 </file>
 <file original="other.docx" source-language="de" target-language="en" datatype="plaintext">
  <body><trans-unit id="1"><source>Hallo.</source><target>Hello.</target></trans-unit></body>
 </file>
</xliff>
"""


def test_xliff_approved_and_final_units_become_reviewed(tmp_path: Path) -> None:
    xliff = write(tmp_path / "article.xlf", XLIFF_12)
    memory = tmp_path / "m.sqlite"

    result = invoke("import", str(xliff), "--memory", str(memory))

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{xliff}: 6 units (4 reviewed, 2 machine): 6 added, "
        "0 already in the memory, 0 replaced, 0 conflicts\n"
    )
    assert result.stderr == (
        "  1 units not French to English skipped\n"
        "  2 units without English skipped\n"
        "  2 texts had inline codes (tags, placeholders) removed: the memory keeps plain text\n"
        "  1 notes not kept: the memory has no place for notes\n"
    )
    assert entries(memory) == [
        ("Il gèle.", "It freezes.", "machine", "Trados", ""),
        ("Il neige.", "It snows.", "reviewed", "", ""),
        ("Il pleut.", "It rains.", "reviewed", "", ""),
        ("Le chat dort.", "The cat is asleep.", "reviewed", "", ""),
        ("Le vent souffle.", "The wind blows.", "machine", "Trados", ""),
        ("Voir la page.", "See the page.", "reviewed", "", ""),
    ]


def test_xliff_written_by_translate_toolkit_is_read(tmp_path: Path) -> None:
    from translate.storage.xliff import xlifffile

    store = xlifffile(sourcelanguage="fr", targetlanguage="en")
    approved = store.addsourceunit("Le chat dort.")
    approved.target = "The cat is asleep."
    approved.markapproved(True)
    draft = store.addsourceunit("Il pleut.")
    draft.target = "It rains."
    draft.markapproved(False)
    path = tmp_path / "toolkit.xliff"
    path.write_bytes(bytes(store))
    memory = tmp_path / "m.sqlite"

    result = invoke("import", str(path), "--memory", str(memory))

    assert result.exit_code == 0, result.output
    assert entries(memory) == [
        ("Il pleut.", "It rains.", "machine", "xliff", ""),
        ("Le chat dort.", "The cat is asleep.", "reviewed", "", ""),
    ]


XLIFF_2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="fr" trgLang="en">
 <file id="f1">
  <unit id="u1">
   <notes><note>Style: short.</note></notes>
   <segment state="final"><source>Le chat dort.</source><target>The cat is asleep.</target>
   </segment>
   <segment state="translated"><source>Il pleut.</source><target>It rains.</target></segment>
   <segment state="reviewed"><source>Il <pc id="1">neige</pc>.</source>
    <target>It <pc id="1">snows</pc>.</target></segment>
   <segment state="initial"><source>Rien.</source></segment>
  </unit>
 </file>
</xliff>
"""


def test_xliff_2_reviewed_and_final_segments_become_reviewed(tmp_path: Path) -> None:
    memory = tmp_path / "m.sqlite"
    result = invoke("import", str(write(tmp_path / "a.xliff", XLIFF_2)), "--memory", str(memory))
    assert result.exit_code == 0, result.output
    assert "3 units (2 reviewed, 1 machine): 3 added" in result.stdout
    assert "1 units without English skipped" in result.stderr
    assert "1 notes not kept" in result.stderr
    assert entries(memory) == [
        ("Il neige.", "It snows.", "reviewed", "", ""),
        ("Il pleut.", "It rains.", "machine", "xliff", ""),
        ("Le chat dort.", "The cat is asleep.", "reviewed", "", ""),
    ]


FOREIGN_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
 <header creationtool="OmegaT" creationtoolversion="6.0" segtype="sentence" o-tmf="OmegaT"
         adminlang="EN-US" srclang="FR-FR" datatype="plaintext"/>
 <body>
  <tu changedate="20260101T120000Z">
   <note>From the style guide.</note>
   <tuv xml:lang="FR-FR"><seg>Le <bpt i="1">&lt;b&gt;</bpt>chat<ept
 i="1">&lt;/b&gt;</ept> dort.</seg></tuv>
   <tuv xml:lang="EN-GB"><seg>The <bpt i="1">&lt;b&gt;</bpt>cat<ept
 i="1">&lt;/b&gt;</ept> sleeps.</seg></tuv>
  </tu>
  <tu><tuv lang="fr"><seg>Il pleut.</seg></tuv><tuv lang="en_US"><seg>It rains.</seg></tuv></tu>
  <tu><tuv xml:lang="de"><seg>Hallo.</seg></tuv><tuv xml:lang="en"><seg>Hello.</seg></tuv></tu>
  <tu><tuv xml:lang="fr"><seg>Seul.</seg></tuv></tu>
 </body>
</tmx>
"""


@pytest.mark.parametrize(
    ("options", "origin", "engine", "version"),
    [
        ((), "reviewed", "", ""),
        (("--as", "reviewed"), "reviewed", "", ""),
        (("--as", "machine"), "machine", "OmegaT", "6.0"),
    ],
)
def test_tmx_of_another_tool_is_reviewed_unless_imported_as_machine(
    tmp_path: Path, options: tuple[str, ...], origin: str, engine: str, version: str
) -> None:
    tmx = write(tmp_path / "omegat.tmx", FOREIGN_TMX)
    memory = tmp_path / "m.sqlite"

    result = invoke("import", str(tmx), "--memory", str(memory), *options)

    assert result.exit_code == 0, result.output
    reviewed = 2 if origin == "reviewed" else 0
    assert result.stdout == (
        f"{tmx}: 2 units ({reviewed} reviewed, {2 - reviewed} machine): 2 added, "
        "0 already in the memory, 0 replaced, 0 conflicts\n"
    )
    assert result.stderr == (
        "  1 units not French to English skipped\n"
        "  1 units without English skipped\n"
        "  2 texts had inline codes (tags, placeholders) removed: the memory keeps plain text\n"
        "  1 notes not kept: the memory has no place for notes\n"
    )
    assert entries(memory) == [
        ("Il pleut.", "It rains.", origin, engine, version),
        ("Le chat dort.", "The cat sleeps.", origin, engine, version),
    ]


def tmx_with_review(english: str, date: str) -> str:
    return f"""<tmx version="1.4"><header srclang="fr" creationtool="X"/><body>
<tu changedate="{date}"><tuv xml:lang="fr"><seg>Le chat dort.</seg></tuv>
<tuv xml:lang="en"><seg>{english}</seg></tuv></tu></body></tmx>"""


def test_an_older_review_in_a_tmx_does_not_replace_a_newer_one(tmp_path: Path) -> None:
    memory = tmp_path / "m.sqlite"
    with TranslationMemory.open(memory) as tm:
        tm.store_reviewed([("Le chat dort.", "The cat is asleep.")])
        entry_id = tm.list_entries().entries[0].entry_id
    older = write(tmp_path / "old.tmx", tmx_with_review("The cat sleeps.", "20200101T000000Z"))

    result = invoke("import", str(older), "--memory", str(memory))

    assert result.exit_code == 0, result.output
    assert "0 added, 0 already in the memory, 0 replaced, 1 conflicts" in result.stdout
    assert result.stderr == (
        f"  conflict, entry {entry_id} kept: 'Le chat dort.': the memory's review "
        "'The cat is asleep.' is not older than the file's 'The cat sleeps.'. "
        f"To take the file's: translate memory forget {entry_id} --reviewed-only, "
        "then import again\n"
    )
    assert entries(memory) == [("Le chat dort.", "The cat is asleep.", "reviewed", "", "")]

    # Following the advice takes the file's review.
    invoke("memory", "forget", str(entry_id), "--reviewed-only", "--memory", str(memory))
    invoke("import", str(older), "--memory", str(memory))
    assert entries(memory) == [("Le chat dort.", "The cat sleeps.", "reviewed", "", "")]


def test_a_newer_review_in_a_tmx_replaces_an_older_one_and_says_so(tmp_path: Path) -> None:
    memory = tmp_path / "m.sqlite"
    with TranslationMemory.open(memory) as tm:
        tm.store_reviewed([("Le chat dort.", "The cat is asleep.")])
        entry_id = tm.list_entries().entries[0].entry_id
    newer = write(tmp_path / "new.tmx", tmx_with_review("The cat naps.", "29990101T000000Z"))

    result = invoke("import", str(newer), "--memory", str(memory))

    assert "0 added, 0 already in the memory, 1 replaced, 0 conflicts" in result.stdout
    assert result.stderr == (
        f"  replaced entry {entry_id} (reviewed): 'Le chat dort.': "
        "'The cat is asleep.' -> 'The cat naps.'\n"
    )
    assert entries(memory) == [("Le chat dort.", "The cat naps.", "reviewed", "", "")]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "broken.tmx",
            '<tmx version="1.4"><body>\n<tu><tuv xml:lang="fr"><seg>x</tuv></tu></body></tmx>',
            # The middle is libxml2's own wording.
            "broken.tmx:2: not well-formed XML (Opening and ending tag mismatch: seg*). "
            "Fix the file or export it again from its tool",
        ),
        (
            "page.xlf",
            "<html><body>Not a memory</body></html>",
            "page.xlf: not a TMX or XLIFF file (its root element is <html>). "
            "Give a .tmx, .xlf or .xliff file exported by a CAT tool",
        ),
        (
            "noseg.tmx",
            '<tmx version="1.4"><body>\n<tu>\n<tuv xml:lang="fr"/></tu></body></tmx>',
            "noseg.tmx:3: a <tuv> without <seg>. Fix the file or export it again from its tool",
        ),
        (
            "nosource.xliff",
            '<xliff version="1.2"><file source-language="fr" target-language="en"><body>\n'
            '<trans-unit id="7"><target>x</target></trans-unit></body></file></xliff>',
            "nosource.xliff:2: trans-unit '7' has no <source>. "
            "Fix the file or export it again from its tool",
        ),
        (
            "german.tmx",
            '<tmx version="1.4"><body><tu><tuv xml:lang="de"><seg>Hallo</seg></tuv>'
            '<tuv xml:lang="en"><seg>Hello</seg></tuv></tu></body></tmx>',
            "german.tmx: no French-to-English unit with an English translation "
            "(1 in other languages, 0 without English). Nothing was imported",
        ),
        (
            "empty.tmx",
            '<tmx version="1.4"><header/><body/></tmx>',
            "empty.tmx: no French-to-English unit with an English translation "
            "(no translation unit at all). Nothing was imported",
        ),
    ],
)
def test_a_bad_file_is_refused_with_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / name, text)
    memory = tmp_path / "m.sqlite"

    result = invoke("import", name, "--memory", str(memory))

    assert result.exit_code == 1
    assert fnmatchcase(result.stderr, f"Error: {message}\n")
    assert entries(memory) == []


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    good = write(tmp_path / "good.tmx", tmx_with_review("The cat sleeps.", "20200101T000000Z"))
    missing = tmp_path / "missing.xlf"
    memory = tmp_path / "m.sqlite"

    result = invoke("import", str(missing), str(good), "--memory", str(memory))

    assert result.exit_code == 3
    assert result.stderr == f"Error: {missing}: no such file. Give a .tmx, .xlf or .xliff file\n"
    assert entries(memory) == [("Le chat dort.", "The cat sleeps.", "reviewed", "", "")]
