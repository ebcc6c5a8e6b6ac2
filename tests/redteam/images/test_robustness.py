# SPDX-License-Identifier: Apache-2.0
"""The robustness suite: every indexed work under ten edits, and unrelated images as negatives.

Recall is the share of edited copies whose matches include their own source at the default
operating point; any match to another source (for an edited copy) or to anything (for an
unrelated image, edited or not) is a false accusation, and the suite allows none.
"""

from __future__ import annotations

import hashlib
import random

import pytest

from clearance.redteam.images.check import CheckResult, check_images
from clearance.redteam.images.index import ImageIndex
from tests.redteam.images.conftest import Work
from tests.redteam.images.transforms import TARGETS, TRANSFORMS


def _edited(work: Work, transform: str):  # type: ignore[no-untyped-def]
    seed = hashlib.sha256(f"{work.name}/{transform}".encode()).hexdigest()
    return TRANSFORMS[transform](work.image, random.Random(seed))


@pytest.fixture(scope="module")
def results(
    index: ImageIndex, works: list[Work], strangers: list[Work]
) -> dict[str, list[tuple[str | None, CheckResult]]]:
    out: dict[str, list[tuple[str | None, CheckResult]]] = {}
    for transform in TRANSFORMS:
        queries = [(w.name, _edited(w, transform)) for w in works + strangers]
        truth = {w.name: w.name for w in works}
        checked = check_images(index, queries)
        out[transform] = [(truth.get(r.file), r) for r in checked]
    plain = check_images(index, [(w.name, w.image) for w in strangers])
    out["unrelated"] = [(None, r) for r in plain]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("transform", list(TRANSFORMS))
def test_recall_per_transform(
    transform: str, results: dict[str, list[tuple[str | None, CheckResult]]]
) -> None:
    copies = [(truth, r) for truth, r in results[transform] if truth is not None]
    found = sum(1 for truth, r in copies if any(m.source == truth for m in r.matches))
    recall = found / len(copies)
    missed = [truth for truth, r in copies if not any(m.source == truth for m in r.matches)]
    assert len(copies) >= 130
    assert recall >= TARGETS[transform], f"{transform}: recall {recall:.3f}; missed {missed}"


@pytest.mark.slow
def test_no_false_or_wrong_source_matches(
    results: dict[str, list[tuple[str | None, CheckResult]]],
) -> None:
    false = []
    queries = 0
    for transform, rows in results.items():
        for truth, r in rows:
            queries += 1
            assert r.error is None
            false += [(transform, r.file, m.source) for m in r.matches if m.source != truth]
    assert queries >= 2000
    assert false == []
