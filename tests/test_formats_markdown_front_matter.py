"""The front matter's text fields: translated as scalars of their own kind, the rest kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from translate_pipeline.align import align_document
from translate_pipeline.document import BlockKind
from translate_pipeline.formats.markdown import english_markdown, read_markdown_document
from translate_pipeline.formats.markdown.front_matter import scalar
from translate_pipeline.segmenter import SentenceSplitter, segment_document

YAML_ARTICLE = """---
title: Les modèles ouverts changent la donne
date: 2024-03-01
description: "Un article sur l'IA : ce qu'il faut savoir"
summary: 'L''Europe investit'
tags: [IA, Europe]
slug: modeles-ouverts
subtitle: |
  Deux lignes
  de texte
---

# Titre

Le texte de l'article.
"""

TOML_ARTICLE = """+++
title = 'Les modèles ouverts'
description = "Un article"
draft = false
+++

Le texte.
"""


def english_of(path: Path, translate: dict[str, str]) -> str:
    document = read_markdown_document(path)
    segments = segment_document(document, SentenceSplitter())
    return english_markdown(
        align_document(
            document, segments, {s.text: translate.get(s.text, s.text) for s in segments}
        )
    )


def test_yaml_title_and_descriptions_are_blocks_and_other_fields_are_kept(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text(YAML_ARTICLE, encoding="utf-8")
    document = read_markdown_document(source)
    fields = [
        (b.text, b.kind, b.line) for b in document.blocks if b.place.container == "front matter"
    ]
    assert fields == [
        ("Les modèles ouverts changent la donne", BlockKind.HEADING, 2),
        ("Un article sur l'IA : ce qu'il faut savoir", BlockKind.PARAGRAPH, 4),
        ("L'Europe investit", BlockKind.PARAGRAPH, 5),
    ]
    # The multi-line subtitle cannot be rewritten safely: kept, and named.
    assert document.unrepresented == (
        "line 8: front matter 'subtitle' kept untranslated (not a one-line text value)",
    )
    assert document.verbatim_blocks[0].verbatim == "front matter"
    # Untranslated, the article comes back byte for byte.
    assert english_of(source, {}) == YAML_ARTICLE


def test_english_front_matter_is_valid_yaml_with_the_english_values(tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    source = tmp_path / "a.md"
    source.write_text(YAML_ARTICLE, encoding="utf-8")
    english = english_of(
        source,
        {
            "Les modèles ouverts changent la donne.": "x",
            "Les modèles ouverts changent la donne": "Open models: a game changer",
            "Un article sur l'IA : ce qu'il faut savoir": 'An "AI" article',
            "L'Europe investit": "Europe's investing",
        },
    )
    front = english.split("---\n")[1]
    data = yaml.safe_load(front)
    assert data["title"] == "Open models: a game changer"
    assert data["description"] == 'An "AI" article'
    assert data["summary"] == "Europe's investing"
    # Everything else in the front matter is byte-identical.
    for line in ("date: 2024-03-01", "tags: [IA, Europe]", "slug: modeles-ouverts", "  de texte"):
        assert f"\n{line}\n" in front


def test_toml_front_matter_title_is_translated_and_stays_valid_toml(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text(TOML_ARTICLE, encoding="utf-8")
    english = english_of(
        source, {"Les modèles ouverts": "Open models' rise", "Un article": "An article"}
    )
    data = tomllib.loads(english.split("+++\n")[1])
    assert data == {"title": "Open models' rise", "description": "An article", "draft": False}
    assert english_of(source, {}) == TOML_ARTICLE


@pytest.mark.parametrize(
    ("text", "style", "written"),
    [
        ("Open models", "yaml", "Open models"),
        ("AI: the deal", "yaml", '"AI: the deal"'),
        ("# hashtag", "yaml", '"# hashtag"'),
        ("yes", "yaml", '"yes"'),
        ("2024", "yaml", '"2024"'),
        ("Europe's", "yaml'", "'Europe''s'"),
        ('a "b" \\ c', 'yaml"', '"a \\"b\\" \\\\ c"'),
        ("Open models", "toml'", "'Open models'"),
        ("Europe's", "toml'", '"Europe\'s"'),
        ("two\nlines", "yaml", "two lines"),
    ],
)
def test_scalar_reads_back_as_the_text(text: str, style: str, written: str) -> None:
    assert scalar(text, style) == written
