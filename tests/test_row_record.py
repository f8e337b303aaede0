"""The per-row record kept on disk: the same JSON as the dictionaries it replaces."""

from __future__ import annotations

import json

import pytest

from translate_pipeline.row_record import RowRecord


@pytest.mark.parametrize("rows", [0, 1, 3, 2000])
def test_the_record_is_the_json_of_its_dictionaries(rows: int) -> None:
    fingerprints = {f"article-é:p{n}:s{n % 3}": f"{n:012x}" for n in range(rows)}
    shown = {key: [value[:6], 'ü"-' + value] for key, value in fingerprints.items()}
    head = {"version": 1, "digest": "abc-123"}
    with RowRecord() as record:
        for key in fingerprints:
            record.add(key, fingerprints[key], shown[key])
        expected = json.dumps({**head, "rows": fingerprints, "shown": shown}, separators=(",", ":"))
        assert record.as_json(head) == expected
        # Read again (the files are read from their start each time).
        assert "".join(record.json_pieces(head)) == expected
        assert record.as_json({}) == json.dumps(
            {"rows": fingerprints, "shown": shown}, separators=(",", ":")
        )
