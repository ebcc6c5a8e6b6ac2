# SPDX-License-Identifier: Apache-2.0
"""The labelled corpus of real licence strings: accuracy and never-less-restrictive."""

from __future__ import annotations

from collections import Counter
from typing import Any

from license_expression import Licensing

from clearance.enrich.licenses import normalize_license
from clearance.enrich.licenses.conflicts import restrictiveness_of
from clearance.enrich.licenses.vocabulary import Vocabulary

_PLAIN = Licensing()


def _same(got: str, expected: str) -> bool:
    if got == expected:
        return True
    return " " in got and " " in expected and bool(_PLAIN.is_equivalent(got, expected))


def _restrictive(expected: str, vocab: Vocabulary) -> bool:
    entry = vocab.get(expected)
    if entry is None:
        return " " in expected  # expressions: checked through their score
    t = entry.terms
    return (
        t.non_commercial
        or t.share_alike
        or t.derivatives != "allowed"
        or entry.id in ("unknown", "all-rights-reserved")
    )


def test_corpus_is_large_and_varied(corpus: list[dict[str, Any]]) -> None:
    assert len(corpus) >= 500
    sources = Counter(row["source"] for row in corpus)
    assert len(sources) >= 10
    assert sum(n for s, n in sources.items() if s.startswith("dpi")) >= 300


def test_at_least_98_percent_exact(corpus: list[dict[str, Any]]) -> None:
    misses = []
    for row in corpus:
        got = normalize_license(row["raw"]).id
        if not _same(got, row["expected"]):
            misses.append((row["raw"][:80], row["expected"], got))
    accuracy = 1 - len(misses) / len(corpus)
    assert accuracy >= 0.98, misses[:20]


def test_no_restrictive_licence_comes_out_less_restrictive(
    corpus: list[dict[str, Any]], vocab: Vocabulary
) -> None:
    worse = []
    for row in corpus:
        if not _restrictive(row["expected"], vocab):
            continue
        got = normalize_license(row["raw"]).id
        if restrictiveness_of(got, vocab) < restrictiveness_of(row["expected"], vocab):
            worse.append((row["raw"][:80], row["expected"], got))
    assert worse == []
