# SPDX-License-Identifier: Apache-2.0
"""Ranking, salience and recommendations, checked against the assessment table by hand."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pyarrow as pa
import pytest
from conftest import Scan, build_scan

from clearance.law import default_knowledge_base
from clearance.law.kb import LAYERS
from clearance.report import default_report_knowledge, rank_vulnerabilities
from clearance.report.knowledge import ReportKnowledge
from clearance.report.matrix import EXPOSURE_WEIGHTS
from clearance.report.recommendations import Situation, next_steps, recommend
from clearance.report.salience import applies_in, salience_for

AS_OF = dt.date(2026, 12, 1)


def hand_salience(category: str, market: str) -> float:
    """Salience by the formula in docs/reports.md, written out longhand."""
    kb = default_knowledge_base()
    table = default_report_knowledge().salience
    total = 1.0
    for link in table.categories.get(category, ()):
        entry = kb.get(link.id)
        same = (
            entry.market == market
            or LAYERS.get(entry.market) == market
            or (LAYERS.get(market) == entry.market)
        )
        if not same:
            continue
        years = (AS_OF - entry.date).days / 365.25
        recency = max(table.min_recency, 0.5 ** (years / table.half_life_years))
        verified = 1.0 if entry.verified else table.unverified_factor
        total += link.importance * table.status_weights[entry.status] * recency * verified
    return total


def hand_scores(scan: Scan) -> dict[str, float]:
    category = {r["item_id"]: r["category"] for r in scan.facts.to_pylist()}
    weight: dict[tuple[str, str], int] = defaultdict(int)
    for row in scan.assessment.to_pylist():
        weight[(category[row["item_id"]], row["market"])] += EXPOSURE_WEIGHTS[row["exposure"]]
    scores: dict[str, float] = defaultdict(float)
    for (cat, market), w in weight.items():
        scores[cat] += w * hand_salience(cat, market)
    return dict(scores)


@pytest.fixture
def mixed() -> Scan:
    return build_scan(
        240,
        categories=(
            "news_publisher",
            "stock_media",
            "shadow_library",
            "glam_archive",
            "government",
            "code_hosting",
        ),
    )


def test_top_three_agree_with_the_assessment(mixed: Scan) -> None:
    ranked = rank_vulnerabilities(mixed.facts, mixed.assessment, as_of=AS_OF, limit=3)
    scores = hand_scores(mixed)
    expected = sorted((c for c, s in scores.items() if s > 0), key=lambda c: -scores[c])
    assert [v.category for v in ranked] == expected
    for v in ranked:
        assert v.score == pytest.approx(scores[v.category], rel=1e-3)
        assert v.items == 40 and v.share == pytest.approx(40 / 240)
        assert sum(m.items for m in v.markets) == 40 * len(mixed.markets)
    top = ranked[:3]
    assert [v.rank for v in top] == [1, 2, 3]
    assert all(v.recommendations and v.authorities for v in top)
    assert all(not v.recommendations for v in ranked[3:])


def test_salience_follows_the_formula() -> None:
    kb = default_knowledge_base()
    cells = salience_for(
        default_report_knowledge(),
        kb,
        ["news_publisher", "adult"],
        ["us", "eu", "de", "jp", "sg"],
        AS_OF,
    )
    for (category, market), cell in cells.items():
        assert cell.score == pytest.approx(hand_salience(category, market), abs=1e-3)
    assert cells[("news_publisher", "us")].score > 2
    assert cells[("adult", "us")].score == 1.0
    assert cells[("news_publisher", "sg")].score == 1.0
    weights = [w.weight for w in cells[("news_publisher", "us")].authorities]
    assert weights == sorted(weights, reverse=True)


def test_member_state_authorities_count_for_the_eu() -> None:
    assert applies_in("de", "eu") and applies_in("eu", "de") and applies_in("us", "us")
    assert not applies_in("de", "fr") and not applies_in("uk", "eu")
    kb = default_knowledge_base()
    cells = salience_for(default_report_knowledge(), kb, ["media_entertainment"], ["eu"], AS_OF)
    ids = {w.entry.id for w in cells[("media_entertainment", "eu")].authorities}
    assert "de-case-gema-v-openai" in ids


def test_a_newer_as_of_lowers_salience() -> None:
    kb = default_knowledge_base()
    knowledge = default_report_knowledge()
    now = salience_for(knowledge, kb, ["stock_media"], ["uk"], AS_OF)
    later = salience_for(knowledge, kb, ["stock_media"], ["uk"], AS_OF.replace(year=2032))
    assert 1.0 < later[("stock_media", "uk")].score < now[("stock_media", "uk")].score


def test_pirate_sources_are_deleted_first(mixed: Scan) -> None:
    ranked = rank_vulnerabilities(mixed.facts, mixed.assessment, as_of=AS_OF, limit=None)
    shadow = next(v for v in ranked if v.category == "shadow_library")
    assert shadow.recommendations[0].action == "delete"
    assert "40 items" in shadow.recommendations[0].text
    actions = [r.action for r in shadow.recommendations]
    assert len(actions) == len(set(actions)) == 2
    assert any(a.id == "us-case-bartz-v-anthropic" for a in shadow.authorities)


def test_recommendations_fall_back_to_document() -> None:
    knowledge = default_report_knowledge()
    quiet = Situation(
        items=10, drivers={}, category="government", label="Government", worst="medium"
    )
    (only,) = recommend(knowledge, quiet, limit=1)
    assert only.action == "document" and "10 items" in only.text
    assert "{" not in only.text


def test_conditions_each_decide() -> None:
    knowledge = default_report_knowledge()
    base = {"items": 100, "category": "news_publisher", "label": "News publishers"}
    licensed = recommend(knowledge, Situation(drivers={}, worst="high", **base))  # type: ignore[arg-type]
    assert licensed[0].action == "seek_licences"
    lower = recommend(knowledge, Situation(drivers={}, worst="medium", **base))  # type: ignore[arg-type]
    assert all(r.action != "seek_licences" for r in lower)
    reserved = recommend(knowledge, Situation(drivers={"reserved": 30}, worst="medium", **base))  # type: ignore[arg-type]
    assert reserved[0].action == "honour_opt_outs" and "30 items (30%)" in reserved[0].text


def test_next_steps_use_dataset_drivers() -> None:
    knowledge: ReportKnowledge = default_report_knowledge()
    steps = next_steps(knowledge, Situation(items=50, drivers={"piracy": 2, "prohibited": 5}))
    assert steps[0].rule == "delete-pirated" and "2 items" in steps[0].text
    assert steps[1].rule == "remove-prohibited"
    assert len(steps) <= 5
    calm = next_steps(knowledge, Situation(items=50, drivers={}))
    assert [s.rule for s in calm] == ["reassess", "keep-record"]


def test_nothing_ranked_when_everything_is_low() -> None:
    facts = pa.table({"item_id": ["a", "b"], "category": ["government", "glam_archive"]})
    assessment = pa.table(
        {"item_id": ["a", "b"], "market": ["us", "us"], "exposure": ["low", "low"]}
    )
    assert rank_vulnerabilities(facts, assessment) == ()
