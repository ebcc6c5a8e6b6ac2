# SPDX-License-Identifier: Apache-2.0
"""Real robots.txt files: the 4,231 of the protego corpus never crash the parser, and the
2026-06 capture of the top-100 news sites gives pinned verdicts and comment reservations.

The data lives outside the repository (``../shared/data/``); the tests skip when it is absent.
Expectations are regenerated with ``CLEARANCE_REGEN=1`` and then reviewed by hand.
"""

from __future__ import annotations

import csv
import json
import os
import tarfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from clearance.signals.robots import parse_robots
from clearance.signals.robots.verdicts import comment_signals, robots_signals

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
CORPUS = SHARED / "robots-protego-corpus.tar.gz"
NEWS = SHARED / "robots-news-top100" / "2026-06" / "robots_txt.csv"
EXPECTED = Path(__file__).parent / "data" / "robots"
AGENTS = ("GPTBot", "CCBot", "Google-Extended", "ClaudeBot", "Applebot-Extended")
REGEN = os.environ.get("CLEARANCE_REGEN") == "1"


def _check(name: str, actual: Any) -> None:
    path = EXPECTED / name
    if REGEN:
        path.write_text(json.dumps(actual, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected


@pytest.fixture(scope="module")
def corpus() -> dict[str, bytes]:
    if not CORPUS.exists():
        pytest.skip(f"shared data not present: {CORPUS}")
    out = {}
    with tarfile.open(CORPUS) as tar:
        for member in tar:
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is not None:
                out[member.name.rsplit("/", 1)[-1]] = handle.read()
    return out


def test_protego_corpus_parses_without_a_crash(corpus: dict[str, bytes]) -> None:
    assert len(corpus) == 4231
    notes: Counter[str] = Counter()
    states: Counter[str] = Counter()
    gptbot_root: Counter[str] = Counter()
    groups = rules = 0
    for host, body in corpus.items():
        for google in (False, True):
            policy = parse_robots(body, url=f"https://{host}/robots.txt", google_compat=google)
            verdicts = policy.allowed_many("GPTBot", ["/", "/index.html", "/search?q=x"])
            assert verdicts[0] == policy.allowed("GPTBot", "/")
            if google:
                continue
            states[policy.state] += 1
            notes.update(n.code for n in policy.notes)
            groups += len(policy.groups)
            rules += sum(len(g.rules) for g in policy.groups)
            gptbot_root["allowed" if verdicts[0] else "disallowed"] += 1
            if host.endswith(("0", "5")):  # signals for a fifth of the files: enough, and fast
                robots_signals(policy, "/", agents=["GPTBot", "CCBot"])
    _check(
        "protego_corpus.expected.json",
        {
            "files": len(corpus),
            "states": dict(states),
            "groups": groups,
            "rules": rules,
            "notes": dict(sorted(notes.items())),
            "gptbot_root": dict(gptbot_root),
        },
    )


def _news() -> dict[str, str]:
    if not NEWS.exists():
        pytest.skip(f"shared data not present: {NEWS}")
    csv.field_size_limit(1 << 30)
    with NEWS.open(newline="", encoding="utf-8") as fh:
        return {row["Website"]: row["robots"] or "" for row in csv.DictReader(fh)}


def _site_verdicts(body: str, site: str) -> dict[str, Any]:
    if not body.strip():
        # the capture failed: nothing is known (an empty 200 would mean "no rules")
        return {"agents": dict.fromkeys(AGENTS, "unknown"), "comments": []}
    policy = parse_robots(body.encode("utf-8"), url=f"https://{site}/robots.txt")
    agents = {}
    for signal in robots_signals(policy, "/", agents=list(AGENTS)):
        if signal.purpose == "ai_training" and signal.agent in AGENTS:
            agents[signal.agent] = signal.verdict
    comments = sorted({s.purpose for s in comment_signals(policy)})
    return {"agents": agents, "comments": comments}


def test_news_top100_2026_06_verdicts_and_comment_reservations() -> None:
    sites = _news()
    assert len(sites) == 100
    actual = {site: _site_verdicts(body, site) for site, body in sorted(sites.items())}
    _check("news_top100_2026_06.expected.json", actual)
    # spot checks, read off the files by hand
    assert actual["nytimes.com"]["agents"]["GPTBot"] == "reserved"
    assert actual["nytimes.com"]["comments"]  # "text and data mining ... Art. 4" in prose
    assert actual["ndtv.com"]["agents"]["GPTBot"] == "unknown"  # empty capture
    assert actual["yahoo.com"]["agents"]["CCBot"] == "reserved"
    reserved = sum(1 for v in actual.values() if v["agents"]["GPTBot"] == "reserved")
    assert 40 <= reserved <= 95
