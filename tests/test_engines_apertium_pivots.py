"""Finding Apertium and its pivots: a clear error when it is missing."""

from __future__ import annotations

import pytest

from translate_pipeline.engines import apertium
from translate_pipeline.errors import EngineError

pytestmark = pytest.mark.usefixtures("require_apertium")


def test_missing_apertium_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not apertium.is_available()
    with pytest.raises(EngineError, match="sudo apt-get install apertium apertium-fr-es"):
        apertium.ApertiumTranslator.load()
