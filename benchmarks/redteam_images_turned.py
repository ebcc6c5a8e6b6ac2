# SPDX-License-Identifier: Apache-2.0
"""The PDQ radius of the turned and mirrored orientations: recall and false matches, both ways.

The robustness corpus (tests/redteam/images) under its ten edits plus three turned ones (a
quarter turn, a quarter turn at half size re-encoded as JPEG quality 30, a half turn), each
checked at ``turned_radius`` 31 (every orientation as wide as the query itself) and at the
default 15; prints recall per edit, false or wrong-source matches, candidates per query and
CPU seconds. The lookup rate behind the choice is in ``benchmarks/redteam_images.py --only
lookup``.

    .venv/bin/python benchmarks/redteam_images_turned.py
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clearance.redteam.images.check import OperatingPoint, check_images
from clearance.redteam.images.index import build_index
from clearance.redteam.images.sources import SourceItem
from tests.redteam.images.conftest import _indexed, _png, _work
from tests.redteam.images.corpus import load_corpus
from tests.redteam.images.transforms import TRANSFORMS, TURNED

EDITS = {**TRANSFORMS, **TURNED}


def main() -> None:
    corpus = [_work(im) for im in load_corpus()]
    works = [w for w in corpus if _indexed(w.name)]
    strangers = [w for w in corpus if not _indexed(w.name)]
    items = [SourceItem(w.name, "gcompris", data=_png(w.image)) for w in works]
    index, _ = build_index(items, workers=2, embedded=False)
    truth = {w.name for w in works}
    for radius in (31, OperatingPoint().turned_radius):
        op = OperatingPoint(turned_radius=radius)
        false = queries = candidates = 0
        recall = []
        started = time.process_time()
        for name, edit in EDITS.items():
            batch = []
            for w in works + strangers:
                seed = hashlib.sha256(f"{w.name}/{name}".encode()).hexdigest()
                batch.append((w.name, edit(w.image, random.Random(seed))))
            results = check_images(index, batch, op)
            hit = sum(1 for r in results
                      if r.file in truth and any(m.source == r.file for m in r.matches))
            false += sum(1 for r in results for m in r.matches
                         if r.file not in truth or m.source != r.file)
            queries += len(results)
            candidates += sum(r.candidates for r in results)
            recall.append(f"{name} {hit / len(truth):.1%}")
        print(f"turned_radius {radius}: {queries} queries, false or wrong-source {false}, "
              f"candidates per query {candidates / queries:.2f}, "
              f"{time.process_time() - started:.0f} CPU-s")
        print("  " + "; ".join(recall))


if __name__ == "__main__":
    main()
