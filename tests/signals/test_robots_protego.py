# SPDX-License-Identifier: Apache-2.0
"""Differential test against protego (Scrapy's parser) on the hand-written corpus.

Wherever the two disagree the reason is known and written down here; a new disagreement
fails the test until it is explained (docs/benchmarks.md lists the classes on real files).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.signals.robots import parse_robots

protego = pytest.importorskip("protego")

CORPUS = Path(__file__).parent / "data" / "robots" / "corpus"
AGENTS = ("GPTBot", "CCBot", "ClaudeBot", "Applebot-Extended", "PerplexityBot", "Googlebot")

# case -> why clearance (RFC 9309) and protego answer differently there
EXPLAINED = {
    "bad_bom_and_crlf": "byte-order mark: clearance skips it, protego's first line keeps it",
    "bad_nul_bytes": "'User-agent: *\\x00' is the global group for clearance (flagged)",
    "news_blocks_everyone_but_search": "protego applies 'Applebot' to Applebot-Extended",
    "news_versioned_tokens": "'GPTBot/1.0' names GPTBot for clearance (flagged), for Google",
    "shop_magento": "protego ranks rules by their quoted length ('?' and '=' escaped)",
    "shop_query_parameters": "escaped ':/' in a query equal the literal ones (RFC Figure 4)",
    "shop_wildcards_01": "'/*%3F*' is an escaped '?' in a path, not a query (RFC 3986 §2.2)",
    "shop_wildcards_04": "'/*%3F*' is an escaped '?' in a path, not a query (RFC 3986 §2.2)",
    "shop_wildcards_05": "'/*%3F*' is an escaped '?' in a path, not a query (RFC 3986 §2.2)",
}


def disagreements(case: str) -> list[str]:
    body = (CORPUS / f"{case}.txt").read_bytes()
    paths = json.loads((CORPUS / f"{case}.expected.json").read_text(encoding="utf-8"))["paths"]
    ours = parse_robots(body)
    theirs = protego.Protego.parse(body.decode("utf-8", "replace"))
    out = []
    for path in paths:
        url = "https://h.test" + (path if path.startswith("/") else "/" + path)
        for agent in AGENTS:
            if ours.allowed(agent, path) != theirs.can_fetch(url, agent):
                out.append(f"{agent} {path}")
    return out


@pytest.mark.parametrize("case", sorted(p.stem for p in CORPUS.glob("*.txt")))
def test_agrees_with_protego_or_the_difference_is_explained(case: str) -> None:
    found = disagreements(case)
    if case in EXPLAINED:
        assert found, f"{case} no longer differs: drop it from EXPLAINED"
    else:
        assert found == [], f"{case}: unexplained disagreements with protego: {found[:5]}"
