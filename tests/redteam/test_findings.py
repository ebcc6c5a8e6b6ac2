# SPDX-License-Identifier: Apache-2.0
"""Findings in legal terms: licence duties, markets from the law rules, the section."""

from __future__ import annotations

from clearance.law import default_knowledge_base
from clearance.redteam.findings import license_duties, memorization_markets, memorization_table
from clearance.redteam.summary import AUTHORITIES, build_summary, render_html, render_markdown


def test_duties_follow_the_licence_vocabulary() -> None:
    gpl = license_duties("GPL-3.0-only")
    assert any("share-alike" in d for d in gpl.demands)
    assert any("notice" in d for d in gpl.demands)
    nc = license_duties("CC-BY-NC-4.0")
    assert "no commercial use" in nc.demands
    unknown = license_duties(None)
    assert unknown.license == "unknown" and unknown.demands == (
        "no reuse without the rightholder's permission",)


def test_markets_come_from_rules_that_fire_on_memorisation() -> None:
    markets = {m.market: m for m in memorization_markets("all-rights-reserved")}
    assert markets["de"].rule == "de-memorization-gema"
    assert "de-case-gema-v-openai" in markets["de"].citations
    assert "us-case-nyt-v-microsoft-openai" in markets["us"].citations
    assert "cn" not in markets  # no Chinese rule reads memorisation


def test_every_cited_authority_is_in_the_knowledge_base() -> None:
    kb = default_knowledge_base()
    assert all(kid in kb for kid, _ in AUTHORITIES)


def test_section_and_table_from_results() -> None:
    sources = [{"id": "a", "license": "MIT", "category": "code_hosting", "item_id": "i1"},
               {"id": "b", "license": None, "category": "news_publisher", "item_id": "i2"},
               {"id": "c", "license": "CC-BY-4.0", "category": "news_publisher",
                "item_id": "i3"}]
    match = {"source": "b", "tokens": 120, "chars": 700, "license": None,
             "excerpt": "<script>x|y</script>", "source_excerpt": "s"}
    results = [{"id": "o1", "matches": [match]}, {"id": "o2", "matches": []}]
    table = memorization_table(sources, results, probed={"a": 2, "b": 1}, threshold="t")
    assert table.column("memorization").to_pylist() == [False, True, None]
    s = build_summary(sources, results, threshold=">= 50 tokens", probed={"a": 2, "b": 1})
    assert [(c["category"], c["rate"]) for c in s.categories] == [("news_publisher", 1.0),
                                                                   ("code_hosting", 0.0)]
    md = render_markdown(s)
    assert "\\<script\\>x\\|y\\</script\\>" in md and "not legal advice" in md
    html = render_html(s)
    assert "<script>" not in html and "&lt;script&gt;" in html
