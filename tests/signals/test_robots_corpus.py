# SPDX-License-Identifier: Apache-2.0
"""Data-driven: 100+ robots.txt files written to mirror real shapes, with expected verdicts.

Each ``data/robots/corpus/<case>.txt`` has a ``<case>.expected.json`` holding the paths to
probe and, per path, the crawlers that may not fetch it (every other one may), where Google's
reference behaviour differs, the parse notes and the AI statements found. ``CLEARANCE_REGEN=1``
rewrites the expectations (keeping each case's paths); review the diff before committing.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from clearance.signals.robots import parse_robots
from clearance.signals.robots.verdicts import robots_signals

CORPUS = Path(__file__).parent / "data" / "robots" / "corpus"
CASES = sorted(p.stem for p in CORPUS.glob("*.txt"))
CRAWLERS = (
    "GPTBot",
    "ChatGPT-User",
    "OAI-SearchBot",
    "CCBot",
    "Google-Extended",
    "ClaudeBot",
    "anthropic-ai",
    "Applebot-Extended",
    "Bytespider",
    "PerplexityBot",
    "meta-externalagent",
    "Googlebot",
)


def observe(case: str, paths: list[str]) -> dict[str, Any]:
    """Return what the parser makes of one case: the shape of its expected file."""
    body = (CORPUS / f"{case}.txt").read_bytes()
    policy = parse_robots(body, url=f"https://{case.replace('_', '-')}.test/robots.txt")
    google = parse_robots(body, google_compat=True)
    verdicts: dict[str, list[str]] = {}
    differs: list[str] = []
    for path in paths:
        batch = {a: policy.allowed_many(a, [path])[0] for a in CRAWLERS}
        assert batch == {a: policy.allowed(a, path) for a in CRAWLERS}, path
        verdicts[path] = [a for a in CRAWLERS if not batch[a]]
        differs += [f"{a} {path}" for a in CRAWLERS if google.allowed(a, path) != batch[a]]
    statements = {
        "content-usage": [st.raw for st in policy.usage_statements()],
        "content-signal": [st.raw for st in policy.content_signal_statements()],
        "license": list(policy.license_urls),
    }
    signals = Counter(
        f"{s.standard} {s.purpose} {s.verdict}"
        for s in robots_signals(policy, "/")
        if s.standard != "robots.txt"
    )
    return {
        "paths": paths,
        "disallowed": verdicts,
        "google_compat_differs": differs,
        "notes": dict(sorted(Counter(n.code for n in policy.notes).items())),
        "statements": {k: v for k, v in statements.items() if v},
        "statement_signals": dict(sorted(signals.items())),
        "confidence": policy.confidence,
    }


def test_corpus_has_at_least_100_cases_of_each_kind() -> None:
    assert len(CASES) >= 100
    kinds = Counter(case.split("_", 1)[0] for case in CASES)
    assert kinds["news"] >= 30 and kinds["shop"] >= 20 and kinds["bad"] >= 25


@pytest.mark.parametrize("case", CASES)
def test_case(case: str) -> None:
    expected_path = CORPUS / f"{case}.expected.json"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    actual = observe(case, expected["paths"])
    if os.environ.get("CLEARANCE_REGEN") == "1":
        text = json.dumps(actual, indent=1, ensure_ascii=False) + "\n"
        expected_path.write_text(text, encoding="utf-8")
        expected = actual
    assert actual == expected
