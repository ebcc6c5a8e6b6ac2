# SPDX-License-Identifier: Apache-2.0
"""What the scan and the report take from the image red team."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
from PIL import Image, ImageOps

from clearance.law.kb import default_knowledge_base
from clearance.redteam.images.check import check_images
from clearance.redteam.images.findings import (
    HITS_SCHEMA,
    _authority_ids,
    image_authorities,
    known_work_hits,
    summarise_image_checks,
)
from clearance.redteam.images.index import ImageIndex
from tests.redteam.images.conftest import Work


def test_every_listed_authority_is_in_the_knowledge_base() -> None:
    kb = default_knowledge_base()
    listed = [i for ids in _authority_ids().values() for i in ids]
    assert listed and all(i in kb for i in listed)
    for market, ids in _authority_ids().items():
        assert all(kb.get(i).market == market for i in ids)


def test_layered_markets_get_the_eu_entries() -> None:
    found, missing = image_authorities(["de", "uk"])
    assert missing == []
    assert "eu-statute-infosoc-art2-art5" in [a.id for a in found["de"]]
    assert {a.id for a in found["uk"]} == {
        "uk-case-getty-v-stability",
        "uk-case-getty-v-stability-appeal",
    }


def test_summary_has_thumbnail_pairs_licence_owner_and_authorities(
    index: ImageIndex, works: list[Work], strangers: list[Work]
) -> None:
    copy = ImageOps.mirror(works[3].image)
    queries = {"out-1.png": copy, "out-2.png": strangers[1].image}
    results = check_images(index, list(queries.items()))
    summary = summarise_image_checks(index, results, images=queries, markets=["us", "uk"])
    assert (summary.queries, summary.queries_matched, summary.unreadable) == (2, 1, 0)
    (finding,) = summary.findings
    assert (finding.query, finding.source) == ("out-1.png", works[3].name)
    assert finding.license == works[3].license and finding.owner == (works[3].author or None)
    for png in (finding.query_thumbnail, finding.source_thumbnail):
        assert png is not None
        with Image.open(io.BytesIO(png)) as img:
            assert img.format == "PNG" and max(img.size) <= 128
    assert "us-case-andersen-v-stability-ai" in [a.id for a in summary.authorities["us"]]
    assert "uk-case-getty-v-stability" in [a.id for a in summary.authorities["uk"]]
    data = summary.to_dict()
    assert "not legal advice" in str(data["statement"])
    assert data["findings"][0]["source_thumbnail_png"]  # type: ignore[index]


def test_known_work_hits_join_on_item_id(
    tmp_path: Path, index: ImageIndex, works: list[Work], strangers: list[Work]
) -> None:
    works[5].image.resize((works[5].image.width // 2, works[5].image.height // 2)).save(
        tmp_path / "a.jpg"
    )
    strangers[2].image.save(tmp_path / "b.jpg")
    items = pl.DataFrame({
        "item_id": ["r0", "r1", "r2", "r3"],
        "file_path": ["a.jpg", "b.jpg", None, "gone.jpg"],
        "modality": ["image", "image", "image", "image"],
    })  # fmt: skip
    hits = known_work_hits(items, index, base_dir=tmp_path)
    assert dict(hits.schema) == HITS_SCHEMA
    assert hits.select("item_id", "known_work_source").rows() == [("r0", works[5].name)]
    joined = items.join(hits, on="item_id", how="left")
    assert joined.height == 4
