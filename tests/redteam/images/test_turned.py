# SPDX-License-Identifier: Apache-2.0
"""The turned and mirrored orientations are looked up within their own PDQ radius, and
quarter-turned copies are still found at the default one (by the keypoint tier)."""

from __future__ import annotations

from PIL import Image

from clearance.redteam.images.check import OperatingPoint, _global_candidates, check_images
from clearance.redteam.images.index import ImageIndex
from clearance.redteam.images.signatures import query_signature
from tests.redteam.images.conftest import Work


def test_turned_orientations_have_their_own_radius(index: ImageIndex, works: list[Work]) -> None:
    sources = index.records["source"].to_list()
    wide, tight = 0, 0
    for work in works[:12]:
        row = sources.index(work.name)
        sig = query_signature(work.image.transpose(Image.Transpose.ROTATE_90),
                              with_keypoints=False)
        for radius in (31, -1):
            cand = _global_candidates(index, [sig], OperatingPoint(turned_radius=radius))[0]
            hit = cand.get(row)
            turned = hit is not None and hit.pdq is not None and hit.pdq_variant != 0
            if turned:
                assert hit is not None and hit.pdq is not None and hit.pdq <= radius
            wide += turned and radius == 31
            tight += turned and radius == -1
    assert wide >= 6 and tight == 0


def test_quarter_turned_copies_are_found_at_the_default_operating_point(
    index: ImageIndex, works: list[Work]
) -> None:
    queries = [(w.name, w.image.transpose(Image.Transpose.ROTATE_90)) for w in works[:20]]
    results = check_images(index, queries)
    found = sum(1 for r in results if any(m.source == r.file for m in r.matches))
    assert found >= 19
    assert all(m.source == r.file for r in results for m in r.matches)
