# SPDX-License-Identifier: Apache-2.0
"""docs/fetch.md documents every fetch setting and every outcome."""

from __future__ import annotations

from pathlib import Path

from clearance.config import settings_table
from clearance.fetch.client import OUTCOMES

DOC = Path(__file__).resolve().parents[2] / "docs" / "fetch.md"


def test_every_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for cls, name, _, _ in settings_table() if f"`{name}`" not in text]
    assert not missing, f"undocumented FetchConfig settings: {missing}"


def test_every_outcome_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert not [o for o in OUTCOMES if f"`{o}`" not in text]
