# SPDX-License-Identifier: Apache-2.0
"""Labelled corpora of real strings from sources the first corpus did not use.

``unseen_develop.jsonl`` was used while fixing classes of misses (twice: its second part holds
new strings of the classes the first held-back half missed); ``unseen_regression.jsonl`` is
the first held-back half, scored once and then, its misses being known, turned into a
regression set; ``heldback.jsonl`` is a fresh held-back set from yet other sources, labelled
before the normaliser was run on it and scored once, then (its misses known) developed on;
``heldback2.jsonl`` is a second fresh held-back set from other sources again, labelled before
any run and scored once; ``develop3.jsonl`` holds the development strings of the fourth pass
(ecosystem vocabularies: Debian DEP-5 fields, PyPI metadata and classifiers, Maven / npm /
NuGet / Zenodo / CKAN names and URLs); ``heldback3.jsonl`` is the third fresh held-back set
(docs/licenses.md records every figure), developed on in pass 5 with ``develop4.jsonl``
(the statement reader, DEP-5 local and ambiguous names); ``heldback4.jsonl`` is the fourth
fresh held-back set, scored once after that pass, then developed on in pass 6 with
``develop5.jsonl`` (pointers to licence files, GNU boilerplate, statements beside a pointer).
The floors of the sets developed on are their development figures (they only rise);
``heldback5.jsonl`` is the fifth fresh held-back set, scored once after pass 6 (its floor is its
first-scored figure: 79.7 %, 25 less restrictive), then developed on in pass 7 with
``develop6.jsonl`` (local names with '/', '~' or a prefix, "public domain" in fragments,
assumptions, statements about part of a work, GNU exception and option lines);
``heldback6.jsonl`` is the sixth fresh held-back set, scored once after pass 7 (88.9 %, 8 less
restrictive), then developed on in pass 8 (its floor is its development figure);
``heldback7.jsonl`` is the seventh fresh held-back set, scored once after pass 8 (its floor is
its first-scored figure: 78.5 %, 10 less restrictive; it is not among the noise property's
inputs, which would tune on it).
The floors guard against regressions; the held-back floor is its measured figure, not a
target. Also the property the acceptance asks for: noise around an input never makes the
result less restrictive.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from license_expression import Licensing

from clearance.enrich.licenses import normalize_license
from clearance.enrich.licenses.conflicts import restrictiveness_of
from clearance.enrich.licenses.vocabulary import default_vocabulary

DATA = Path(__file__).parent / "data"
_PLAIN = Licensing()


def _rows(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _same(got: str, expected: str) -> bool:
    return got == expected or (
        " " in got and " " in expected and bool(_PLAIN.is_equivalent(got, expected)))


@pytest.mark.parametrize(("name", "floor"), [("unseen_develop.jsonl", 0.99),
                                              ("develop3.jsonl", 0.99),
                                              ("develop4.jsonl", 0.99),
                                              ("develop5.jsonl", 0.99),
                                              ("develop6.jsonl", 0.99),
                                              ("unseen_regression.jsonl", 0.99),
                                              ("heldback.jsonl", 0.98),
                                              ("heldback2.jsonl", 0.89),
                                              ("heldback3.jsonl", 0.964),
                                              ("heldback4.jsonl", 0.925),
                                              ("heldback5.jsonl", 0.923),
                                              ("heldback6.jsonl", 0.954),
                                              ("heldback7.jsonl", 0.785)])
def test_exact_share(name: str, floor: float) -> None:
    rows = _rows(name)
    misses = [(r["raw"][:60], r["expected"], got) for r in rows
              if not _same(got := normalize_license(r["raw"]).id, r["expected"])]
    share = 1 - len(misses) / len(rows)
    print(f"\n{name}: {len(rows) - len(misses)}/{len(rows)} exact ({share:.1%})")
    assert share >= floor, misses[:10]


# held back: results less restrictive than the label when each set was scored (see
# data/heldback*_first_score.txt); the bounds keep that from getting worse
@pytest.mark.parametrize(("name", "allowed"), [("unseen_develop.jsonl", 0),
                                               ("develop3.jsonl", 0),
                                               ("develop4.jsonl", 0),
                                               ("develop5.jsonl", 0),
                                               ("develop6.jsonl", 0),
                                               ("unseen_regression.jsonl", 0),
                                               ("heldback.jsonl", 0),
                                               ("heldback2.jsonl", 4),
                                               ("heldback3.jsonl", 2),
                                               ("heldback4.jsonl", 1),
                                               ("heldback5.jsonl", 2),
                                               ("heldback6.jsonl", 0),
                                               ("heldback7.jsonl", 10)])
def test_never_less_restrictive_than_the_label(name: str, allowed: int) -> None:
    vocab = default_vocabulary()
    worse = [r["raw"] for r in _rows(name)
             if restrictiveness_of(normalize_license(r["raw"]).id, vocab)
             < restrictiveness_of(r["expected"], vocab)]
    print(f"\n{name}: {len(worse)} less restrictive than the label")
    assert len(worse) <= allowed, worse


_SETS = ("unseen_develop.jsonl", "unseen_regression.jsonl", "heldback.jsonl", "heldback2.jsonl",
         "develop3.jsonl", "develop4.jsonl", "heldback3.jsonl", "heldback4.jsonl",
         "develop5.jsonl", "heldback5.jsonl", "develop6.jsonl")
_CLEAN = sorted({r["raw"] for name in _SETS for r in _rows(name) if len(r["raw"]) < 120})
_NOISES = ["", " ", "  ", "\n", "\t", '"', "'", "License: ", "Licence: ", "license: ", "(", ")",
           ".", ";", "**", "`", "- ", "* "]
_NOISE = st.sampled_from(_NOISES)


def test_noise_glued_after_an_input_never_makes_it_less_restrictive() -> None:
    """Every input with the noises that glue to its last word (deterministic; the random
    property below covers the other pairs). Every input x every pair of noises was also run
    exhaustively while this was written (docs/licenses.md)."""
    vocab = default_vocabulary()
    worse = []
    for clean in _CLEAN:
        plain = restrictiveness_of(normalize_license(clean).id, vocab)
        for after in ("License: ", ")", ".", ";", "**"):
            noisy = normalize_license(clean + after).id
            if restrictiveness_of(noisy, vocab) < plain:
                worse.append((clean, after, noisy))
    assert worse == []


@settings(max_examples=500, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_CLEAN), _NOISE, _NOISE)
def test_noise_around_an_input_never_makes_it_less_restrictive(
    clean: str, before: str, after: str
) -> None:
    vocab = default_vocabulary()
    plain = normalize_license(clean).id
    noisy = normalize_license(f"{before}{clean}{after}").id
    assert restrictiveness_of(noisy, vocab) >= restrictiveness_of(plain, vocab), (plain, noisy)
