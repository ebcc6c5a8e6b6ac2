# SPDX-License-Identifier: Apache-2.0
"""docs/authorship.md documents every fact key, contribution, evidence item, duty kind and
regurgitation level, and its leaning tables match what the shipped rules give."""

from __future__ import annotations

import re
from pathlib import Path

from clearance.law.authorship import AUTHORSHIP_MARKETS, CONTRIBUTIONS, EVIDENCE, assess_authorship
from clearance.law.authorship.facts import WORK_FACT_KEYS
from clearance.law.output_duties import REGURGITATION_LEVELS

DOC = (Path(__file__).parents[3] / "docs" / "authorship.md").read_text(encoding="utf-8")
SHORT = {
    "P": "protectable",
    "part": "partially_protectable",
    "no": "unprotectable",
    "?": "uncertain",
}


def test_every_key_and_value_is_documented() -> None:
    for word in (*WORK_FACT_KEYS, *CONTRIBUTIONS, *EVIDENCE, *REGURGITATION_LEVELS):
        assert f"`{word}`" in DOC, word


def test_leaning_tables_match_the_rules() -> None:
    for work_type in ("image", "invention"):
        header = f"| {work_type} | " + " | ".join(m.upper() for m in AUTHORSHIP_MARKETS) + " |"
        assert header in DOC, header
        for contribution in CONTRIBUTIONS:
            start = DOC.index(header)
            row = re.search(rf"^\| {contribution} \| (.+) \|$", DOC[start:], re.M)
            assert row, (work_type, contribution)
            cells = [c.strip() for c in row.group(1).split("|")]
            for market, cell in zip(AUTHORSHIP_MARKETS, cells, strict=True):
                facts = {"work_type": work_type, "human_contribution": contribution}
                got = assess_authorship(facts, market, "2026-12-05").leaning
                assert SHORT[cell] == got, (work_type, contribution, market)
