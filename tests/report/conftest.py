# SPDX-License-Identifier: Apache-2.0
"""Hand-built facts and assessment tables shaped as docs in /notes' scan contract describes."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pytest

from clearance.enrich.categories import category_ids

LEVELS = ("low", "medium", "high", "critical")
SIX = ("us", "eu", "uk", "jp", "cn", "sg")
SIXTEEN = (
    "us",
    "eu",
    "de",
    "uk",
    "jp",
    "cn",
    "sg",
    "kr",
    "in",
    "ca",
    "au",
    "il",
    "br",
    "ch",
    "hk",
    "tw",
)
# Exposure odds per category (low, medium, high, critical): enforcing owners lean high.
ODDS = {
    "news_publisher": (1, 2, 6, 1),
    "stock_media": (0, 1, 5, 2),
    "shadow_library": (0, 0, 1, 6),
    "social_media": (2, 4, 3, 1),
    "glam_archive": (8, 2, 0, 0),
    "government": (8, 1, 1, 0),
}
REASONS = {
    "low": ["all-licence-allowed"],
    "medium": ["eu-art4-reservation-unknown", "all-provenance-unknown"],
    "high": ["eu-art4-reserved-machine-readable"],
    "critical": ["all-piracy-source"],
}


@dataclass
class Scan:
    facts: pa.Table
    assessment: pa.Table
    markets: tuple[str, ...]


def build_scan(
    n_items: int,
    categories: Sequence[str] = ("news_publisher", "stock_media", "glam_archive", "government"),
    markets: Sequence[str] = SIX,
    *,
    seed: int = 7,
    tiers: bool = True,
) -> Scan:
    """Return a facts and an assessment table with ``n_items`` items spread over categories."""
    rnd = random.Random(seed)
    ids, cats, urls, sizes, piracy, reservation, now, lic, pdata = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    for i in range(n_items):
        cat = categories[i % len(categories)]
        ids.append(f"item-{i:06d}")
        cats.append(cat)
        urls.append(f"https://{cat.replace('_', '-')}.example/{i}.jpg")
        sizes.append(None if i % 11 == 5 else 1000 + (i % 7) * 250_000)
        piracy.append(cat == "shadow_library")
        res = rnd.choice(["reserved", "not_reserved", "unknown"])
        reservation.append(res)
        now.append("reserved" if res == "reserved" or i % 9 == 0 else res)
        lic.append(rnd.choice(["allowed", "not_allowed", "unknown", "conditional"]))
        pdata.append(rnd.choice([None, False, True]))
    facts = pa.table(
        {
            "item_id": ids,
            "url": urls,
            "category": cats,
            "size_bytes": pa.array(sizes, pa.int64()),
            "collected_at": pa.array(
                [dt.datetime(2024, 5, 1, tzinfo=dt.UTC)] * n_items, pa.timestamp("us", "UTC")
            ),
            "license_permission": lic,
            "reservation": reservation,
            "reservation_now": now,
            "reservation_form": ["machine_readable"] * n_items,
            "piracy_source": piracy,
            "blocklist": pa.array([None] * n_items, pa.string()),
            "known_work": pa.array([None] * n_items, pa.string()),
            "takedown": pa.array(
                ["req-1" if i == 3 else None for i in range(n_items)], pa.string()
            ),
            "personal_data": pa.array(pdata, pa.bool_()),
            "personal_data_class": ["unknown"] * n_items,
            "terms_prohibit_training": pa.array([None] * n_items, pa.bool_()),
        }
    )
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "item_id",
            "market",
            "exposure",
            "provisional",
            "bases",
            "reasons",
            "citations",
            "tier",
            "tier_reasons",
        )
    }
    for i, cat in enumerate(cats):
        odds = ODDS.get(cat, (3, 3, 2, 1))
        levels = []
        for m in markets:
            level = rnd.choices(LEVELS, weights=odds)[0]
            levels.append(level)
            cols["item_id"].append(ids[i])
            cols["market"].append(m)
            cols["exposure"].append(level)
            cols["provisional"].append(level == "high" and m in ("us", "eu"))
            cols["bases"].append(["fair use (arguable)"])
            cols["reasons"].append(REASONS[level])
            cols["citations"].append(["eu-statute-dsm-art4"] if m == "eu" else [])
        worst = max(levels, key=LEVELS.index) if levels else "low"
        tier = {"critical": "prohibited", "high": "restricted"}.get(worst, "approved")
        for _ in markets:
            cols["tier"].append(tier)
            cols["tier_reasons"].append([] if tier == "approved" else [f"policy-{tier}"])
    assessment = pa.table(
        {
            "item_id": pa.array(cols["item_id"], pa.string()),
            "market": pa.array(cols["market"], pa.string()),
            "exposure": pa.array(cols["exposure"], pa.string()),
            "provisional": pa.array(cols["provisional"], pa.bool_()),
            "bases": pa.array(cols["bases"], pa.list_(pa.string())),
            "reasons": pa.array(cols["reasons"], pa.list_(pa.string())),
            "citations": pa.array(cols["citations"], pa.list_(pa.string())),
            **(
                {
                    "tier": pa.array(cols["tier"], pa.string()),
                    "tier_reasons": pa.array(cols["tier_reasons"], pa.list_(pa.string())),
                }
                if tiers
                else {}
            ),
        }
    ).replace_schema_metadata(
        {"as_of": "2026-12-01", "kb_as_of": "2026-11-28", "policy": "eu-ready-commercial"}
    )
    return Scan(facts=facts, assessment=assessment, markets=tuple(markets))


@pytest.fixture
def small_scan() -> Scan:
    return build_scan(120)


@pytest.fixture
def every_category() -> Scan:
    return build_scan(18 * 16 * 3, categories=category_ids(), markets=SIXTEEN)
