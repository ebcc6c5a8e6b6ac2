# SPDX-License-Identifier: Apache-2.0
"""The law engine: facts vocabulary, rule loading, combination semantics, as-of, columnar path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import FactsError, RuleError
from clearance.law.analyses.framework import ANALYSES, _shipped, load_analysis, run_analysis
from clearance.law.engine import all_markets, assess, prepare
from clearance.law.facts import BOOL_FACTS, ENUM_FACTS, Facts, load_facts, normalize_facts
from clearance.law.kb import MARKETS, default_knowledge_base
from clearance.law.rules import EXPOSURES, default_rules, load_rules
from clearance.law.table import analysis_table, assess_table

BASE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "scenarios" / "_base.yaml").read_text(encoding="utf-8")
)["facts"]
AS_OF = "2026-11-28"


# ---------------------------------------------------------------- the shipped data


def test_shipped_rules_cover_every_market() -> None:
    rules = default_rules()
    assert len(rules.rules) >= 60
    for market in MARKETS:
        assert any(r.market == market for r in rules.rules.values()) or market == "de", market
        assert assess(BASE, market, AS_OF).reasons, market


def test_every_citation_resolves_in_the_knowledge_base() -> None:
    kb = default_knowledge_base()
    cited: dict[str, set[str]] = {}
    for rule in default_rules().rules.values():
        for cid in rule.citations + rule.see_also:
            cited.setdefault(cid, set()).add(rule.id)
    for name in ANALYSES:
        for c in _shipped(name).considerations:
            for cid in c.citations:
                cited.setdefault(cid, set()).add(f"{name}:{c.id}")
    missing = {cid: sorted(users) for cid, users in cited.items() if cid not in kb}
    assert not missing, f"citations not in the knowledge base: {missing}"


def test_rules_take_effect_no_earlier_than_their_authorities() -> None:
    kb = default_knowledge_base()
    for rule in default_rules().rules.values():
        if rule.effective_from is None or not rule.citations:
            continue
        earliest = min(kb.get(c).effective_from or kb.get(c).date for c in rule.citations)
        assert rule.effective_from >= earliest, rule.id


def test_every_analysis_loads_and_names_its_markets() -> None:
    for name in ANALYSES:
        analysis = load_analysis(name)
        assert analysis.markets and analysis.questions and analysis.considerations


# ---------------------------------------------------------------- loader failure modes


def _write_rule_tree(root: Path, rule: dict[str, Any], name: str | None = None) -> Path:
    (root / "eu").mkdir(parents=True, exist_ok=True)
    (root / "bases.yaml").write_text(
        yaml.safe_dump({"bases": {"eu-dsm-art4": {"label": "Art. 4", "ground": "copyright"}}})
    )
    path = root / "eu" / f"{name or rule['id']}.yaml"
    path.write_text(yaml.safe_dump(rule), encoding="utf-8")
    return path


GOOD_RULE: dict[str, Any] = {
    "id": "eu-test-rule",
    "market": "eu",
    "title": "A test rule",
    "when": {"reservation": "reserved"},
    "effect": {"bases": {"eu-dsm-art4": "lost"}},
    "explanation": "Because the test says so.",
    "citations": ["eu-statute-dsm-art4"],
}


def test_a_good_rule_tree_loads(tmp_path: Path) -> None:
    _write_rule_tree(tmp_path, GOOD_RULE)
    assert set(load_rules(tmp_path).rules) == {"eu-test-rule"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"when": {"reservaton": "reserved"}}, "unknown fact"),
        ({"when": {"reservation": "maybe"}}, "not one of"),
        ({"when": {"piracy_source": "yes"}}, "true, false or unknown"),
        ({"when": {"collected_at": {"after": "2020-01-01"}}}, "before|on_or_after"),
        ({"effect": {"bases": {"eu-nonexistent": "lost"}}}, "bases not in bases.yaml"),
        ({"effect": {"bases": {"eu-dsm-art4": "gone"}}}, "effect.bases"),
        ({"effect": {"exposure": "high"}}, "go together"),
        ({"citations": []}, "must cite"),
        ({"replaces": ["eu-missing"]}, "replaces unknown"),
        ({"effective_from": "2025-01-01", "effective_to": "2024-01-01"}, "before"),
        ({"id": "eu-other-id"}, "does not match the file name"),
        ({"market": "de"}, "not its directory"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_bad_rule_names_its_file(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    path = _write_rule_tree(tmp_path, {**GOOD_RULE, **change}, name="eu-test-rule")
    with pytest.raises(RuleError) as err:
        load_rules(tmp_path)
    assert err.value.path == str(path)
    assert message in str(err.value)


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    _write_rule_tree(tmp_path, GOOD_RULE)
    (tmp_path / "all").mkdir()
    (tmp_path / "all" / "eu-test-rule.yaml").write_text(yaml.safe_dump(GOOD_RULE))
    with pytest.raises(RuleError):
        load_rules(tmp_path)


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    path = _write_rule_tree(tmp_path, GOOD_RULE)
    path.write_text("id: [unclosed\n")
    with pytest.raises(RuleError) as err:
        load_rules(tmp_path)
    assert err.value.path == str(path)


# ---------------------------------------------------------------- facts


def test_facts_vocabulary_is_enforced() -> None:
    with pytest.raises(FactsError, match="unknown fact keys"):
        normalize_facts({"purpse": "research"})
    with pytest.raises(FactsError, match="purpose"):
        normalize_facts({"purpose": "fun"})
    with pytest.raises(FactsError, match="collected_at"):
        normalize_facts({"collected_at": "last year"})
    with pytest.raises(FactsError, match="piracy_source"):
        normalize_facts({"piracy_source": "maybe"})


def test_facts_normalise_unknowns_and_accept_every_form() -> None:
    facts = Facts(purpose="research", piracy_source=False, collected_at="2024-05-06")
    norm = normalize_facts(facts)
    assert norm["purpose"] == "research" and norm["piracy_source"] == "false"
    assert norm["collected_at"] == dt.date(2024, 5, 6)
    assert norm["reservation"] == "unknown" and norm["memorization"] == "unknown"
    timestamp = normalize_facts({"collected_at": "2024-05-06T23:00:00Z", "memorization": "true"})
    assert timestamp["collected_at"] == dt.date(2024, 5, 6) and timestamp["memorization"] == "true"


def test_facts_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("- not a mapping\n")
    with pytest.raises(FactsError, match=str(path)):
        load_facts(path)
    path.write_text("purpose: fun\n")
    with pytest.raises(FactsError, match="facts.yaml"):
        load_facts(path)


def test_licence_facts_are_derived_from_the_licence_id() -> None:
    cc0 = prepare({"license_id": "CC0-1.0", "purpose": "genai_training"})
    assert cc0["license_permission"] == "allowed"
    arr = prepare({"license_id": "all-rights-reserved", "purpose": "genai_training"})
    assert arr["license_permission"] == "not_allowed"
    assert arr["terms_prohibit_training"] == "false"  # a notice, not a contractual ban
    tos = prepare({"license_id": "tos-prohibits-ml", "purpose": "genai_training"})
    assert tos["terms_prohibit_training"] == "true"
    assert prepare({})["license_permission"] == "unknown"


# ---------------------------------------------------------------- semantics


def test_unknown_market_is_refused() -> None:
    with pytest.raises(FactsError, match="unknown market"):
        assess(BASE, "xx")


def test_every_output_states_as_of_and_disclaimer() -> None:
    for market in all_markets():
        result = assess(BASE, market, dt.date(2026, 1, 1))
        assert result.as_of == "2026-01-01"
        assert result.kb_as_of == default_knowledge_base().as_of.isoformat()
        assert result.disclaimer == "Risk assessment, not legal advice."
        assert result.exposure in EXPOSURES
    assert assess(BASE, "eu").as_of == dt.date.today().isoformat()


def test_two_independent_high_grounds_make_critical() -> None:
    facts = {**BASE, "reservation": "reserved", "reservation_form": "machine_readable"}
    assert assess(facts, "eu", AS_OF).exposure == "high"
    both = {**facts, "personal_data": "special_category", "art9_condition": False}
    result = assess(both, "eu", AS_OF)
    assert result.exposure == "critical"
    assert dict(result.grounds) == {"copyright": "high", "personal_data": "high"}


def test_a_licence_cures_what_an_exception_cannot() -> None:
    facts = {**BASE, "reservation": "reserved", "reservation_form": "machine_readable"}
    assert assess({**facts, "license_permission": "allowed"}, "eu", AS_OF).exposure == "low"
    pirated = assess({**facts, "license_permission": "allowed", "piracy_source": True}, "eu")
    assert pirated.exposure == "critical"  # a licence does not cure a pirate source


def test_provisional_follows_the_status_of_the_authority() -> None:
    competing = assess({**BASE, "output_competes": True}, "us", AS_OF)
    assert competing.provisional  # Ross is on appeal
    assert not assess(BASE, "jp", AS_OF).provisional  # Art. 30-4 is statute in force
    assert not assess(BASE, "uk", AS_OF).provisional


def test_a_member_state_rule_replaces_the_eu_one() -> None:
    facts = {**BASE, "memorization": True}
    assert "eu-memorization" in assess(facts, "eu", AS_OF).reasons
    de = assess(facts, "de", AS_OF)
    assert "de-memorization-gema" in de.reasons and "eu-memorization" not in de.reasons


def test_as_of_moves_with_the_law() -> None:
    facts = {**BASE, "gpai_eu_market": True, "ai_act_documentation": False,
             "model_placed_at": "2025-09-01", "purpose": "genai_training"}  # fmt: skip
    by_date = {d: assess(facts, "eu", d).exposure for d in ("2025-06-01", "2026-03-01", AS_OF)}
    assert by_date == {"2025-06-01": "low", "2026-03-01": "medium", AS_OF: "high"}


def test_explain_steps_match_reasons() -> None:
    result = assess({**BASE, "reservation": "reserved", "reservation_form": "machine_readable"},
                    "de", AS_OF)  # fmt: skip
    assert tuple(s.rule_id for s in result.steps) == result.reasons
    assert all(s.citations for s in result.steps if s.market != "all")
    assert result.to_dict()["facts"]["collected_at"] == "2024-06-01"


_VALUES: dict[str, list[Any]] = {k: [*v, None] for k, v in ENUM_FACTS.items()}
_VALUES.update({k: [True, False, None] for k in BOOL_FACTS})
_VALUES["collected_at"] = ["2020-01-01", "2021-09-01", "2024-06-01", None]
_VALUES["model_placed_at"] = ["2024-06-01", "2025-10-01", None]
_VALUES["source_category"] = ["news_publisher", "stock_media", "government", None]
_KEYS = sorted(_VALUES)
#: The facts vocabulary of issue 6 (the other keys are additions; see docs/law-engine.md).
ISSUE_VOCABULARY = frozenset({
    "purpose", "org_type", "reservation", "reservation_form", "access", "piracy_source",
    "personal_data", "database_substantial_extraction", "collected_at",
    "retained_after_training", "memorization", "output_competes",
})  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries({k: st.sampled_from(_VALUES[k]) for k in _KEYS}),
    st.sampled_from(_KEYS),
    st.sampled_from(["eu", "de", "us", "uk", "jp", "sg", "cn", "kr", "il", "fr", "it"]),
)
def test_an_unknown_fact_never_beats_every_known_value(
    facts: dict[str, Any], key: str, market: str
) -> None:
    """Unknown never counts in the user's favour.

    For the issue's vocabulary: when some known value would give ``medium`` or worse, unknown
    gives at least ``medium`` (a deciding fact is unknown). For every key: unknown is never
    better than all known values.
    """
    rank = EXPOSURES.index
    unknown = rank(assess({**facts, key: None}, market, AS_OF).exposure)
    known = [rank(assess({**facts, key: v}, market, AS_OF).exposure)
             for v in _VALUES[key] if v is not None]  # fmt: skip
    assert unknown >= min(known)
    # Issue 12 calibration: where the item's licence grants the use, exposure follows the
    # licence; only a known fact raises it, except personal data, which no copyright licence
    # answers.
    licensed = facts.get("license_permission") == "allowed" and key != "personal_data"
    # Likewise for content the provider generated itself: no third party's work is in it, so
    # unknown access or provenance does not raise it (all-provider-generated).
    own = facts.get("provider_generated") is True and key != "personal_data"
    if key in ISSUE_VOCABULARY and not licensed and not own:
        assert unknown >= min(max(known), rank("medium")), (key, market)


# ---------------------------------------------------------------- the columnar path


def _sample_frame() -> pl.DataFrame:
    rows = [
        BASE,
        {**BASE, "reservation": "reserved", "reservation_form": "machine_readable"},
        {**BASE, "piracy_source": None, "collected_at": "2020-03-01"},
        {**BASE, "license_id": "CC0-1.0", "license_permission": None},
        {**BASE, "memorization": True, "collected_at": None},
        {**BASE, "personal_data": "special_category", "art9_condition": False},
    ] * 3
    iso = [{**r, "collected_at": None if r["collected_at"] is None else str(r["collected_at"])}
           for r in rows]  # fmt: skip
    return pl.DataFrame(
        [{**r, "item_id": f"i{n}"} for n, r in enumerate(iso)],
        schema_overrides={"collected_at": pl.String},
    )


@pytest.mark.parametrize("as_arrow", [False, True])
def test_assess_table_matches_assess_row_by_row(as_arrow: bool) -> None:
    frame = _sample_frame()
    markets = ["eu", "de", "us", "jp", "uk"]
    table = assess_table(frame.to_arrow() if as_arrow else frame, markets, as_of=AS_OF)
    assert table.num_rows == frame.height * len(markets)
    assert table.schema.metadata[b"disclaimer"] == b"Risk assessment, not legal advice."
    assert table.schema.metadata[b"as_of"] == AS_OF.encode()
    assert pa.types.is_dictionary(table.schema.field("exposure").type)
    got = pl.from_arrow(table)
    assert isinstance(got, pl.DataFrame)
    for row in got.iter_rows(named=True):
        raw = frame.row(row["row"], named=True)
        facts = {k: v for k, v in raw.items() if k != "item_id" and v is not None}
        want = assess(facts, row["market"], AS_OF)
        assert row["item_id"] == raw["item_id"]
        assert row["exposure"] == want.exposure, (raw, row["market"])
        assert row["reasons"] == ",".join(want.reasons)
        assert row["provisional"] == want.provisional


def test_assess_table_buckets_dates_and_reads_real_types() -> None:
    frame = pl.DataFrame({
        "collected_at": [dt.datetime(2020, 1, 1), dt.datetime(2020, 2, 1), None],
        "piracy_source": [False, False, None],
        "reservation": ["not_reserved"] * 3,
    })  # fmt: skip
    table = assess_table(frame, "eu", as_of=AS_OF)
    exposures = table.column("exposure").to_pylist()
    assert exposures[0] == exposures[1]  # the two 2020 dates share a combination


def test_assess_table_refuses_values_outside_the_vocabulary() -> None:
    with pytest.raises(FactsError, match="reservation"):
        assess_table(pl.DataFrame({"reservation": ["Reserved!"]}), ["eu"])
    with pytest.raises(FactsError, match="unknown market"):
        assess_table(pl.DataFrame({"reservation": ["reserved"]}), ["mars"])


def test_analysis_table_matches_run_analysis() -> None:
    frame = _sample_frame()
    table = analysis_table(frame, "fair_use", as_of=AS_OF)
    got = pl.from_arrow(table)
    assert isinstance(got, pl.DataFrame)
    for row in got.iter_rows(named=True):
        raw = frame.row(row["row"], named=True)
        facts = {k: v for k, v in raw.items() if k != "item_id" and v is not None}
        want = run_analysis("fair_use", facts, "us", AS_OF)
        assert (row["leaning"], row["strength"]) == (want.leaning, want.strength)


# ---------------------------------------------------------------- explain and the CLI


def _facts_file(tmp_path: Path, **extra: Any) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump({**BASE, **extra}), encoding="utf-8")
    return path


def test_law_explain_prints_the_chain_with_citations(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from clearance.cli import app

    facts = _facts_file(tmp_path, reservation="reserved", reservation_form="machine_readable")
    result = CliRunner().invoke(
        app, ["law", "explain", "--market", "eu", "--facts", str(facts), "--as-of", AS_OF]
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Reasoning chain:" in text and "eu-art4-reserved-machine-readable" in text
    assert "Cites eu-statute-dsm-art4: " in text and "Directive (EU) 2019/790" in text
    assert f"knowledge base as of {default_knowledge_base().as_of.isoformat()}" in text
    assert "Exposure: HIGH" in text and "Risk assessment, not legal advice." in text


def test_law_explain_json_and_errors(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from clearance.cli import app

    runner = CliRunner()
    facts = _facts_file(tmp_path, memorization=True)
    ok = runner.invoke(app, ["law", "explain", "-m", "de", "-f", str(facts), "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert data["exposure"] == "high" and data["provisional"] is True
    bad = _facts_file(tmp_path, purpose="fun")
    failed = runner.invoke(app, ["law", "explain", "-m", "eu", "-f", str(bad)])
    assert failed.exit_code == 1
    assert "FactsError" in failed.output


@pytest.mark.parametrize(
    ("command", "market", "expect"),
    [
        ("fair-use", "us", "Factor 4: effect on the potential market"),
        ("eu-tdm", "de", "Art. 4(3): no reservation at collection"),
        ("database-right", "eu", "substantial part of a protected database"),
        ("personal-data", "us", "Voice and likeness"),
    ],
)
def test_analysis_commands(tmp_path: Path, command: str, market: str, expect: str) -> None:
    from typer.testing import CliRunner

    from clearance.cli import app

    facts = _facts_file(tmp_path, output_competes=True, database_substantial_extraction=True)
    result = CliRunner().invoke(app, ["law", command, "-f", str(facts), "-m", market])
    assert result.exit_code == 0, result.output
    assert expect in result.output and "Risk assessment, not legal advice." in result.output
    assert "Overall: " in result.output


def test_law_assess_lists_every_market(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from clearance.cli import app

    result = CliRunner().invoke(app, ["law", "assess", "-f", str(_facts_file(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    import json

    assert {r["market"] for r in json.loads(result.stdout)} == set(all_markets())


def test_fair_use_leans_and_never_claims_certainty() -> None:
    lawful = run_analysis("fair_use", BASE, "us", AS_OF)
    competing = run_analysis("fair_use", {**BASE, "output_competes": True}, "us", AS_OF)
    assert lawful.leaning == "for_use" and competing.leaning == "against_use"
    for result in (lawful, competing):
        assert result.strength in {"weak", "moderate", "strong"}
        assert "not a prediction" in result.summary
        assert {q[0] for q in result.questions} == {"factor1", "factor2", "factor3", "factor4"}
    assert lawful.provisional and lawful.strength != "strong"  # district rulings only
    cited = set(lawful.citations) | set(competing.citations)
    assert {"us-case-campbell-v-acuff-rose", "us-case-warhol-v-goldsmith",
            "us-case-google-v-oracle", "us-case-authors-guild-v-google",
            "us-case-bartz-v-anthropic", "us-case-kadrey-v-meta",
            "us-case-thomson-reuters-v-ross"} <= cited  # fmt: skip


def test_eu_tdm_separates_art3_from_art4() -> None:
    reserved = {**BASE, "reservation": "reserved", "reservation_form": "machine_readable"}
    company = run_analysis("eu_tdm", reserved, "eu", AS_OF)
    research = run_analysis("eu_tdm", {**reserved, "org_type": "research_org",
                                       "purpose": "research"}, "eu", AS_OF)  # fmt: skip
    assert company.leaning == "against_use" and research.leaning == "for_use"
    with pytest.raises(FactsError, match="covers markets"):
        run_analysis("eu_tdm", BASE, "us")


_TABLE_VALUES: dict[str, list[Any]] = {
    **{k: _VALUES[k] for k in ("purpose", "org_type", "reservation", "reservation_form",
                               "access", "personal_data", "gdpr_basis", "license_permission")},
    **{k: [True, False, None] for k in ("piracy_source", "memorization", "output_competes",
                                        "retained_after_training", "gpai_eu_market",
                                        "ai_act_documentation", "terms_prohibit_training")},
    "license_id": ["CC0-1.0", "cc0-1.0", "CC-BY-4.0", "all-rights-reserved", "nonsense", None],
    "source_category": ["stock_media", "news_publisher", "blog_personal", None],
    "collected_at": ["2020-01-01", "2021-06-07", "2021-11-25", "2025-08-02", "garbage", None],
    "model_placed_at": ["2024-06-01", "2025-08-02", None],
}  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries({k: st.sampled_from(v) for k, v in _TABLE_VALUES.items()}),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([AS_OF, "2025-09-01", "2027-09-01"]),
)
def test_assess_table_agrees_with_assess_on_any_table(rows: list[dict[str, Any]], on: str) -> None:
    """Folding combinations into classes never changes a verdict (hostile dates read unknown)."""
    frame = pl.DataFrame(rows, schema={k: pl.Boolean if isinstance(v[0], bool) else pl.String
                                       for k, v in _TABLE_VALUES.items()})  # fmt: skip
    markets = ["eu", "de", "fr", "us", "jp", "uk", "kr", "cn"]
    table = pl.from_arrow(assess_table(frame, markets, as_of=on))
    assert isinstance(table, pl.DataFrame)
    for got in table.iter_rows(named=True):
        raw = rows[got["row"]]
        facts = {k: v for k, v in raw.items() if v is not None and v != "garbage"}
        want = assess(facts, got["market"], on)
        assert (got["exposure"], got["reasons"]) == (want.exposure, ",".join(want.reasons))
        assert got["bases"] == "; ".join(want.bases)


def test_every_fact_key_is_documented() -> None:
    from clearance.law.facts import FACT_KEYS

    doc = (Path(__file__).parents[2] / "docs" / "law-engine.md").read_text(encoding="utf-8")
    missing = [k for k in FACT_KEYS if f"`{k}`" not in doc]
    assert not missing, f"facts missing from docs/law-engine.md: {missing}"


def test_law_assess_table_writes_parquet(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from clearance.cli import app

    source, target = tmp_path / "facts.parquet", tmp_path / "law.parquet"
    _sample_frame().write_parquet(source)
    args = ["law", "assess-table", str(source), "-o", str(target), "--markets", "eu,us"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = pl.read_parquet(target)
    assert written.height == 2 * _sample_frame().height
    assert set(written["market"].cast(pl.String)) == {"eu", "us"}
    missing = CliRunner().invoke(app, ["law", "assess-table", str(tmp_path / "no.parquet"),
                                       "-o", str(target)])  # fmt: skip
    assert missing.exit_code == 1 and "InputError" in missing.output


def test_a_rule_never_applies_before_its_authorities() -> None:
    kb = default_knowledge_base()
    facts = {**BASE, "memorization": True, "personal_data": "ordinary", "gdpr_basis": "none"}
    nyt = kb.get("us-case-nyt-v-microsoft-openai")
    before = (nyt.effective_from or nyt.date) - dt.timedelta(days=1)
    assert "us-memorization" not in assess(facts, "us", before).reasons
    assert "us-memorization" in assess(facts, "us", AS_OF).reasons
    gdpr = kb.get("eu-regulation-gdpr-art6")
    early = (gdpr.effective_from or gdpr.date) - dt.timedelta(days=1)
    assert "eu-gdpr-no-basis" not in assess(facts, "eu", early).reasons


#: Condition dates that are boundaries of our own, not dates of an authority, and why.
OWN_BOUNDARIES = {dt.date(2022, 1, 1): "end of the 2021 crawl year the Hamburg ruling concerned"}


def test_every_encoded_date_is_an_authority_date() -> None:
    """No invented dates: each rule date is the date or start date of an authority it cites."""
    kb = default_knowledge_base()
    for rule in default_rules().rules.values():
        known = {d for c in rule.citations + rule.see_also
                 for d in (kb.get(c).date, kb.get(c).effective_from) if d}  # fmt: skip
        if rule.effective_from is not None:
            assert rule.effective_from in known, rule.id
        for spec in rule.when.values():
            for op in ("before", "on_or_after"):
                if isinstance(spec, dict) and op in spec:
                    day = dt.date.fromisoformat(str(spec[op]))
                    assert day in known or day in OWN_BOUNDARIES, (rule.id, day)


def test_every_analysis_date_is_an_authority_date() -> None:
    kb = default_knowledge_base()
    for name in ANALYSES:
        for c in _shipped(name).considerations:
            known = {d for x in c.citations for d in (kb.get(x).date, kb.get(x).effective_from)
                     if d}  # fmt: skip
            dates = [c.effective_from] if c.effective_from else []
            dates += [
                dt.date.fromisoformat(str(spec[op]))
                for spec in c.when.values()
                if isinstance(spec, dict)
                for op in ("before", "on_or_after")
                if op in spec
            ]
            for day in dates:
                assert day in known or day in OWN_BOUNDARIES or not c.citations, (c.id, day)


def test_every_law_engine_command_is_documented() -> None:
    from clearance.cli.law import law_app

    mine = {"explain", "assess", "assess-table", "fair-use", "eu-tdm", "database-right",
            "personal-data"}  # fmt: skip
    registered = {c.name for c in law_app.registered_commands}
    assert mine <= registered
    doc = (Path(__file__).parents[2] / "docs" / "law-engine.md").read_text(encoding="utf-8")
    assert all(f"clearance law {name}" in doc for name in mine)
