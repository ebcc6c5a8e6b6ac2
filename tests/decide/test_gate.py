# SPDX-License-Identifier: Apache-2.0
"""The gate: precedence, default tier, reasons, waivers (active, expired, by selector), the
built-in rules, missing columns, and agreement with a plain per-row reading of the policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.decide.conditions import parse_when
from clearance.decide.gate import apply_policy, decide_tiers
from clearance.decide.policy import BUILTIN_RULES, TIERS, Policy, load_policy, load_waivers
from clearance.errors import PolicyError
from tests.decide.reference import reference

POLICIES = Path(__file__).parent / "data" / "policies"
AS_OF = "2026-11-28"


def policy() -> Policy:
    return load_policy(POLICIES / "policy_valid.yaml")


def table(rows: list[dict[str, Any]]) -> pl.DataFrame:
    base = {
        "item_id": None,
        "category": "news_publisher",
        "dataset_name": "web",
        "acquisition_channel": "public_dataset",
        "license_permission": "unknown",
        "exposure_eu": "low",
        "blocklist": None,
        "known_work": None,
        "takedown": None,
    }
    return pl.DataFrame([{**base, **r} for r in rows])


def test_precedence_default_and_reasons() -> None:
    rows = [
        {"item_id": "i0"},  # nothing holds: default restricted
        {"item_id": "i1", "acquisition_channel": "licensed", "license_permission": "allowed"},
        {
            "item_id": "i2",
            "category": "stock_media",
            "acquisition_channel": "licensed",
            "license_permission": "allowed",
        },  # restricted beats approved
        {"item_id": "i3", "category": "stock_media", "exposure_eu": "critical"},
        {"item_id": "i4", "category": "shadow_library"},
    ]
    outcome = decide_tiers(table(rows), policy(), as_of=AS_OF)
    got = outcome.table.to_pylist()
    assert [r["tier"] for r in got] == [
        "restricted",
        "approved",
        "restricted",
        "prohibited",
        "prohibited",
    ]
    assert got[0]["tier_reasons"] == ["default: no rule matched; policy default is restricted"]
    assert got[1]["tier_reasons"] == ["licensed: licensed and allowed"]
    assert got[2]["tier_reasons"] == [
        "stock-media: stock agency preview",
        "licensed: licensed and allowed",
    ]
    assert got[3]["tier_reasons"][:2] == [
        "stock-media: stock agency preview",
        "eu-critical: EU critical",
    ]
    assert outcome.counts == {"approved": 1, "restricted": 2, "prohibited": 2}
    assert outcome.rule_hits["stock-media"] == 2 and outcome.rule_hits["licensed"] == 2
    meta = outcome.table.schema.metadata
    assert meta[b"policy"] == b"valid-test" and meta[b"as_of"] == AS_OF.encode()
    assert json.loads(meta[b"expired_waivers"]) == ["w-old"]
    assert b"not legal advice" in meta[b"disclaimer"]


def test_active_waiver_lifts_its_rule_for_selected_items_only() -> None:
    rows = [
        {"item_id": "a", "category": "stock_media", "dataset_name": "licensed-stock"},
        {"item_id": "b", "category": "stock_media", "dataset_name": "scraped"},
    ]
    outcome = decide_tiers(table(rows), policy(), as_of=AS_OF)
    first, second = outcome.table.to_pylist()
    assert first["tier"] == "restricted"  # rule waived: falls to the default tier
    assert first["tier_reasons"][0].startswith("default: no rule matched")
    assert any(
        r.startswith(
            "stock-media: waived by w-stock-licensed (counsel@example.com, until 2030-12-31)"
        )
        for r in first["tier_reasons"]
    )
    assert second["tier_reasons"] == ["stock-media: stock agency preview"]
    assert outcome.waived == {"stock-media": 1}


def test_waiver_after_expiry_is_ignored_and_reported() -> None:
    rows = [
        {
            "item_id": "x",
            "exposure_eu": "critical",
            "dataset_name": "licensed-stock",
            "category": "stock_media",
        }
    ]
    before = decide_tiers(table(rows), policy(), as_of="2030-12-31")
    after = decide_tiers(table(rows), policy(), as_of="2031-01-01")
    assert before.table["tier"].to_pylist() == ["prohibited"]  # eu-critical: w-old long expired
    assert [w.id for w in before.expired_waivers] == ["w-old"]
    assert "w-stock-licensed" not in [w.id for w in before.expired_waivers]
    assert {w.id for w in after.expired_waivers} == {"w-old", "w-stock-licensed"}
    assert after.waived == {}
    assert not any("waived" in r for r in after.table["tier_reasons"][0].as_py())


def test_waivers_from_a_file_apply_by_item_id() -> None:
    pol = load_waivers(POLICIES / "waivers_extra.yaml", policy())
    rows = [
        {"item_id": "i3", "exposure_eu": "critical"},
        {"item_id": "i4", "exposure_eu": "critical"},
    ]
    tiers = apply_policy(table(rows), pol, as_of=AS_OF)["tier"].to_pylist()
    assert tiers == ["restricted", "prohibited"]


def test_builtin_rules_hold_under_any_policy_and_quote_the_hit() -> None:
    rows = [
        {"item_id": "k", "known_work": "getty: sha256 Photo 1"},
        {"item_id": "t", "takedown": "td-1,td-2"},
        {"item_id": "b", "blocklist": "shadow-libraries: libgen.rs [Library Genesis]"},
    ]
    got = decide_tiers(table(rows), policy(), as_of=AS_OF).table.to_pylist()
    assert [r["tier"] for r in got] == ["prohibited"] * 3
    assert got[0]["tier_reasons"][0] == (
        "builtin.known-work: matches a known protected work (getty: sha256 Photo 1)"
    )
    assert got[1]["tier_reasons"][0].endswith("(td-1,td-2)")
    assert "libgen.rs" in got[2]["tier_reasons"][0]
    assert [r.id for r in BUILTIN_RULES][:2] == ["builtin.known-work", "builtin.takedown"]


def test_blocklist_hit_can_be_waived_item_by_item_but_takedowns_cannot(tmp_path: Path) -> None:
    extra = tmp_path / "waivers.yaml"
    extra.write_text(
        "waivers:\n"
        "  - {id: w-bl, rule: builtin.blocklist, items: {item_id: [b]}, reason: our own mirror "
        "of a public-domain scan, author: counsel, expires: 2030-01-01}\n"
        "  - {id: w-all, items: {item_id: [t]}, reason: all rules, author: counsel, "
        "expires: 2030-01-01}\n"
    )
    pol = load_waivers(extra, policy())
    rows = [{"item_id": "b", "blocklist": "x: y"}, {"item_id": "t", "takedown": "td-9"}]
    got = decide_tiers(table(rows), pol, as_of=AS_OF).table.to_pylist()
    assert got[0]["tier"] == "restricted"  # the default once the hit is waived
    assert got[1]["tier"] == "prohibited"  # an item-only waiver never lifts a takedown
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "waivers:\n  - {id: w, rule: builtin.blocklist, reason: everything, "
        "author: a, expires: 2030-01-01}\n"
    )
    with pytest.raises(PolicyError, match="item by item"):
        load_waivers(bad, policy())


def test_missing_columns_are_unknown_and_reported() -> None:
    frame = pl.DataFrame({"item_id": ["a"], "exposure_eu": ["low"]})
    outcome = decide_tiers(frame, policy(), as_of=AS_OF)
    assert "category" in outcome.missing_columns and "known_work" in outcome.missing_columns
    assert outcome.table["tier"].to_pylist() == ["restricted"]


def test_a_market_that_was_not_assessed_is_an_error() -> None:
    frame = pl.DataFrame({"item_id": ["a"], "category": ["news_publisher"]})
    with pytest.raises(PolicyError, match="market 'eu' was not assessed"):
        decide_tiers(frame, policy(), as_of=AS_OF)


def test_exposure_max_and_provisional_any_are_derived(tmp_path: Path) -> None:
    doc = tmp_path / "p.yaml"
    doc.write_text(
        "id: derived\ntitle: t\nversion: 1\nsummary: s\ndefault_tier: approved\n"
        "rules:\n  - {id: worst, tier: prohibited, reason: worst market high, "
        "when: {exposure_max: {at_least: high}}}\n"
        "  - {id: prov, tier: restricted, reason: provisional, "
        "when: {provisional_any: true}}\n"
    )
    frame = pl.DataFrame(
        {
            "exposure_eu": ["low", "low", "medium"],
            "exposure_us": ["low", "high", None],
            "provisional_eu": [False, False, True],
            "provisional_us": [False, False, False],
        }
    )
    tiers = apply_policy(frame, load_policy(doc), as_of=AS_OF)["tier"].to_pylist()
    assert tiers == ["approved", "prohibited", "prohibited"]  # null exposure is never low


def test_many_rows_share_few_patterns_and_keep_row_order() -> None:
    rows = [
        {"item_id": f"i{i}", "category": ["stock_media", "news_publisher"][i % 2]}
        for i in range(5000)
    ]
    out = apply_policy(table(rows), policy(), as_of=AS_OF)
    assert out.num_rows == 5000
    assert int(out.schema.metadata[b"patterns"]) <= 3
    assert out["tier_reasons"].to_pylist()[:2] == [
        ["stock-media: stock agency preview"],
        ["default: no rule matched; policy default is restricted"],
    ]


def test_empty_table_gives_empty_columns() -> None:
    out = apply_policy(table([{"item_id": "a"}]).clear(), policy(), as_of=AS_OF)
    assert out.num_rows == 0 and out.column_names == ["tier", "tier_reasons"]


# --- property: the gate equals a plain per-row reading of the precedence ---------------------


def _reference_tier(pol: Policy, row: dict[str, Any]) -> str:
    held = []
    for rule in (*BUILTIN_RULES, *pol.rules):
        if not reference(parse_when(rule.when), row):
            continue
        waived = False
        for w in pol.waivers:
            if w.expires.isoformat() < AS_OF or not (
                w.rule == rule.id or (w.rule is None and rule.waivable)
            ):
                continue
            if rule.id == "builtin.blocklist" and w.items is None:
                continue
            if w.items is None or reference(parse_when(w.items), row):
                waived = True
        if not waived:
            held.append(rule.tier)
    if not held:
        return pol.default_tier
    return max(held, key=TIERS.index)


gate_rows = st.fixed_dictionaries(
    {
        "item_id": st.sampled_from(["i1", "i3", "i7"]),
        "category": st.sampled_from(["stock_media", "shadow_library", "news_publisher", None]),
        "dataset_name": st.sampled_from(["licensed-stock", "web", None]),
        "acquisition_channel": st.sampled_from(["licensed", "public_dataset", None]),
        "license_permission": st.sampled_from(["allowed", "not_allowed", "unknown", None]),
        "exposure_eu": st.sampled_from(["low", "medium", "high", "critical", None]),
        "blocklist": st.sampled_from([None, "l: e"]),
        "known_work": st.sampled_from([None, None, "k: sha256 w"]),
        "takedown": st.sampled_from([None, None, "td-1"]),
    }
)


@settings(max_examples=120, deadline=None)
@given(st.lists(gate_rows, min_size=1, max_size=20))
def test_gate_agrees_with_per_row_precedence(rows: list[dict[str, Any]]) -> None:
    pol = load_waivers(POLICIES / "waivers_extra.yaml", policy())
    frame = pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})
    got = apply_policy(frame, pol, as_of=AS_OF)["tier"].to_pylist()
    assert got == [_reference_tier(pol, r) for r in rows]


def test_expired_waiver_fixture_is_ignored_and_reported() -> None:
    pol = load_policy(POLICIES / "policy_expired_waiver.yaml")
    rows = [{"item_id": "a", "category": "stock_media", "dataset_name": "licensed-stock"}]
    on_the_day = decide_tiers(table(rows), pol, as_of="2025-12-31")
    after = decide_tiers(table(rows), pol, as_of="2026-01-01")
    assert on_the_day.table["tier"].to_pylist() == ["approved"]  # still in force that day
    assert on_the_day.expired_waivers == ()
    assert after.table["tier"].to_pylist() == ["restricted"]
    assert [w.id for w in after.expired_waivers] == ["w-lapsed"]
    assert json.loads(after.table.schema.metadata[b"expired_waivers"]) == ["w-lapsed"]
