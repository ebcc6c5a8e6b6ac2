# SPDX-License-Identifier: Apache-2.0
"""docs/security.md documents every reader limit with its default, and its required parts."""

from __future__ import annotations

from pathlib import Path

from clearance.ingest.limits import limits_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    assert isinstance(value, int)
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= size and value % size == 0:
            return f"{value // size} {unit}"
    return f"{value:,}"


def test_every_reader_limit_is_documented_with_its_default() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = {name: f"| `{name}` | {_shown(default)} |" for name, default, _ in limits_table()}
    missing = [name for name, row in rows.items() if row not in text]
    assert not missing, f"ReadLimits settings missing from docs/security.md: {missing}"


def test_the_security_page_has_its_parts() -> None:
    text = DOC.read_text(encoding="utf-8")
    for heading in (
        "## Threat model",
        "## Network fetches and the SSRF guard",
        "## robots.txt",
        "## Manifest readers",
        "## Media directories",
        "## Evidence verification",
        "## Terminal output",
        "## Reporting a vulnerability",
    ):
        assert heading in text, heading
