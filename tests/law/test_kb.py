# SPDX-License-Identifier: Apache-2.0
"""The law knowledge base: the whole shipped set validates, the loader names bad files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clearance.cli import app
from clearance.errors import InputError, RuleError
from clearance.law.kb import (
    ENTRY_TYPES,
    MARKETS,
    SHIPPED_ROOT,
    STATUSES,
    TOPICS,
    LawEntry,
    check_knowledge_base,
    default_knowledge_base,
    load_knowledge_base,
    read_entry,
)

DATA = Path(__file__).parent / "data" / "kb"
VALID = DATA / "valid"
BROKEN = DATA / "broken"
SHIPPED_FILES = sorted(SHIPPED_ROOT.glob("*/*.yaml"))
runner = CliRunner()

# Authorities the issue names; rules elsewhere cite these ids, so they must stay.
REQUIRED_IDS = [
    "us-case-bartz-v-anthropic",
    "us-settlement-bartz-v-anthropic",
    "us-case-kadrey-v-meta",
    "us-case-thomson-reuters-v-ross",
    "us-case-thomson-reuters-v-ross-appeal",
    "us-report-usco-part3-training",
    "us-case-nyt-v-microsoft-openai",
    "us-case-campbell-v-acuff-rose",
    "us-case-warhol-v-goldsmith",
    "us-case-google-v-oracle",
    "us-case-authors-guild-v-google",
    "eu-statute-dsm-art2",
    "eu-statute-dsm-art3",
    "eu-statute-dsm-art4",
    "eu-statute-dsm-art7",
    "eu-statute-dsm-art15",
    "eu-regulation-ai-act-art50",
    "eu-regulation-ai-act-art53",
    "eu-guidance-gpai-code-of-practice",
    "eu-guidance-training-content-template",
    "de-statute-urhg-s44b",
    "de-statute-urhg-s60d",
    "de-case-kneschke-v-laion-lg-hamburg",
    "de-case-kneschke-v-laion-olg-hamburg",
    "de-case-gema-v-openai",
    "uk-statute-cdpa-s29a",
    "uk-case-getty-v-stability",
    "jp-statute-copyright-art30-4",
    "jp-guidance-aca-ai-copyright",
    "cn-regulation-interim-measures-genai",
    "cn-case-ultraman-guangzhou",
    "cn-case-ultraman-lora-hangzhou",
    "sg-statute-copyright-act-s244",
]


def _raw(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


# --- the shipped set -------------------------------------------------------------------------


def test_shipped_set_has_no_problems() -> None:
    entries, problems = check_knowledge_base(SHIPPED_ROOT)
    assert [str(p) for p in problems] == []
    assert len(entries) == len(SHIPPED_FILES)


def test_shipped_set_is_large_and_covers_all_16_markets() -> None:
    kb = default_knowledge_base()
    assert len(kb) >= 120
    by_market: dict[str, list[LawEntry]] = {}
    for entry in kb:
        by_market.setdefault(entry.market, []).append(entry)
    assert set(MARKETS) <= set(by_market), set(MARKETS) - set(by_market)
    for market in MARKETS:
        kinds = {e.type for e in by_market[market]}
        # every market has written law (or a bill / official policy) and something applying it
        assert kinds & {"statute", "regulation", "bill", "treaty", "report"}, market
        assert len(by_market[market]) >= 3, market


def test_required_authorities_are_present() -> None:
    kb = default_knowledge_base()
    missing = [i for i in REQUIRED_IDS if i not in kb]
    assert missing == []


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_entry_file_is_named_by_id_and_filed_by_market(path: Path) -> None:
    raw = _raw(path)
    assert raw["id"] == path.stem
    assert raw["market"] == path.parent.name
    assert path.read_text(encoding="utf-8").startswith("# SPDX-License-Identifier: Apache-2.0")


def test_ids_are_unique_across_markets() -> None:
    stems = [p.stem for p in SHIPPED_FILES]
    assert len(stems) == len(set(stems))


def test_every_entry_has_a_source_and_a_check_date() -> None:
    kb = default_knowledge_base()
    for e in kb:
        assert e.source_url.startswith(("https://", "http://")), e.id
        assert isinstance(e.checked, dt.date) and e.checked <= kb.as_of, e.id
        assert e.date <= e.checked, e.id
        if e.effective_from and e.effective_to:
            assert e.effective_from <= e.effective_to, e.id


def test_unverified_entries_say_what_is_unconfirmed() -> None:
    kb = default_knowledge_base()
    unverified = [e for e in kb if not e.verified]
    assert unverified, "expected some entries flagged unverified"
    for e in unverified:
        assert e.notes and len(e.notes.strip()) > 20, e.id


def test_related_ids_resolve_and_pending_appeals_link_back() -> None:
    kb = default_knowledge_base()
    for e in kb:
        for rel in e.related:
            assert rel in kb, (e.id, rel)
    assert (
        "de-case-kneschke-v-laion-olg-hamburg"
        in kb.get("de-case-kneschke-v-laion-lg-hamburg").related
    )


def test_vocabularies_are_the_agreed_ones() -> None:
    assert set(TOPICS) == {
        "training", "tdm_exception", "fair_use", "database_right", "personal_data",
        "publicity", "output_infringement", "authorship", "transparency", "ai_act",
    }  # fmt: skip
    assert set(STATUSES) == {
        "in_force",
        "pending",
        "decided",
        "appealed",
        "settled",
        "proposed",
        "repealed",
    }
    assert set(ENTRY_TYPES) == {
        "statute",
        "regulation",
        "case",
        "guidance",
        "treaty",
        "bill",
        "settlement",
        "report",
    }


# --- the loader on fixtures ------------------------------------------------------------------


def test_valid_fixture_loads() -> None:
    kb = load_knowledge_base(VALID)
    assert len(kb) == 1
    entry = kb.get("us-case-example-v-example")
    assert entry.checked == dt.date(2026, 11, 28)
    assert kb.as_of == dt.date(2026, 11, 28)


BROKEN_CASES = sorted(p.name for p in BROKEN.iterdir())


@pytest.mark.parametrize("case", BROKEN_CASES)
def test_broken_file_raises_rule_error_naming_it(case: str) -> None:
    root = BROKEN / case
    bad = next(p for p in sorted(root.rglob("*")) if p.is_file())
    with pytest.raises(RuleError) as info:
        load_knowledge_base(root)
    err = info.value
    assert err.path is not None
    expected = bad.parent if case == "unknown_market_dir" else bad
    assert Path(err.path) == expected
    assert str(expected) in str(err)


def test_broken_entry_messages_say_what_is_wrong() -> None:
    cases = {
        "missing_source_url": "source_url",
        "impossible_date": "date",
        "integer_date": "ISO date",
        "unknown_topic": "topics",
        "related_missing": "us-case-does-not-exist",
        "duplicate_key": "duplicate key",
        "unverified_without_notes": "unconfirmed",
        "status_does_not_fit_type": "does not fit",
        "id_not_file_name": "file name",
        "market_not_directory": "directory",
        "unknown_field": "holdng",
        "not_utf8": "UTF-8",
        "scheme_primary_confirmed": "never confirmed",
        "cited_primary_without_note": "primary_note naming",
        "primary_basis_without_url": "primary_basis needs a primary_url",
    }
    for case, needle in cases.items():
        with pytest.raises(RuleError) as info:
            load_knowledge_base(BROKEN / case)
        assert needle in str(info.value), (case, str(info.value))


def test_missing_directory_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="not found"):
        load_knowledge_base(tmp_path / "nope")
    with pytest.raises(RuleError, match="no entries"):
        load_knowledge_base(tmp_path)


def test_problems_are_counted_not_just_the_first(tmp_path: Path) -> None:
    for case in ("bad_yaml", "unknown_topic"):
        shutil.copytree(BROKEN / case / "us", tmp_path / "us", dirs_exist_ok=True)
        src = tmp_path / "us" / "us-case-example-v-example.yaml"
        src.rename(tmp_path / "us" / f"us-case-{case.replace('_', '-')}.yaml")
    _, problems = check_knowledge_base(tmp_path)
    assert len(problems) == 2
    with pytest.raises(RuleError, match="and 1 more problems"):
        load_knowledge_base(tmp_path)


# --- queries ---------------------------------------------------------------------------------


def test_select_layers_member_states_on_the_eu() -> None:
    kb = default_knowledge_base()
    de = kb.select(market="de", topic="tdm_exception")
    markets = {e.market for e in de}
    assert markets == {"de", "eu"}
    assert {e.market for e in kb.select(market="de", layers=False)} == {"de"}
    assert all(e.status == "pending" for e in kb.select(status="pending"))
    assert [e.date for e in de] == sorted(e.date for e in de)


@pytest.mark.parametrize(
    "kwargs", [{"market": "zz"}, {"topic": "vibes"}, {"status": "won"}, {"type": "tweet"}]
)
def test_select_refuses_values_outside_the_vocabulary(kwargs: dict[str, str]) -> None:
    with pytest.raises(InputError, match="unknown"):
        default_knowledge_base().select(**kwargs)


def test_get_unknown_id_suggests_near_ids() -> None:
    with pytest.raises(InputError, match="eu-statute-dsm-art4"):
        default_knowledge_base().get("eu-statute-dsm-art-4")


def test_timeline_is_ordered_and_bounded() -> None:
    kb = default_knowledge_base()
    events = kb.timeline(since=dt.date(2025, 1, 1), until=dt.date(2026, 12, 31))
    assert events and [e.date for e in events] == sorted(e.date for e in events)
    assert all(dt.date(2025, 1, 1) <= e.date <= dt.date(2026, 12, 31) for e in events)
    art53 = [e for e in kb.timeline(market="eu") if e.entry_id == "eu-regulation-ai-act-art53"]
    assert {(e.event, e.date) for e in art53} >= {("applies_from", dt.date(2025, 8, 2))}


def test_in_effect_follows_the_effective_window() -> None:
    entry = default_knowledge_base().get("eu-regulation-ai-act-art53")
    assert not entry.in_effect(dt.date(2025, 8, 1))
    assert entry.in_effect(dt.date(2025, 8, 2))


# --- property-based: the entry parser never crashes on hostile input ------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _text | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=400))
def test_read_entry_on_arbitrary_bytes_raises_only_rule_error(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "us" / "us-case-fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    try:
        read_entry(path)
    except RuleError as exc:
        assert exc.path == str(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mutation=st.dictionaries(st.sampled_from(list(LawEntry.model_fields)), _yaml_values, max_size=3)
)
def test_read_entry_on_mutated_entries_raises_only_rule_error(
    tmp_path: Path, mutation: dict[str, object]
) -> None:
    data = _raw(VALID / "us" / "us-case-example-v-example.yaml")
    data.update(mutation)
    path = tmp_path / "us" / "us-case-example-v-example.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        entry = read_entry(path)
    except RuleError as exc:
        assert exc.path == str(path)
    else:
        assert LawEntry.model_validate(entry.to_dict()) == entry


# --- the CLI -----------------------------------------------------------------------------------


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_cli_cases_states_as_of_date_and_disclaimer() -> None:
    result = runner.invoke(app, ["law", "cases", "--market", "jp"])
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert f"as of {default_knowledge_base().as_of.isoformat()}" in out
    assert "not legal advice" in out
    shown = len(default_knowledge_base().select(market="jp"))
    assert f"{shown} of {len(default_knowledge_base())} entries" in out
    assert "jp-statute" in out  # ids may be folded across lines in a narrow terminal


def test_cli_cases_json_filters() -> None:
    result = runner.invoke(
        app,
        ["law", "cases", "--market", "us", "--topic", "fair_use", "--status", "pending", "--json"],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == default_knowledge_base().as_of.isoformat()
    assert "not legal advice" in doc["disclaimer"]
    assert doc["entries"]
    for e in doc["entries"]:
        assert e["market"] == "us" and e["status"] == "pending" and "fair_use" in e["topics"]


def test_cli_show_prints_citation_source_and_check_date() -> None:
    result = runner.invoke(app, ["law", "show", "de-case-kneschke-v-laion-olg-hamburg", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["citation"].endswith("5 U 104/24")
    assert doc["source_url"].startswith("https://")
    assert doc["checked"] and "not legal advice" in doc["disclaimer"]
    text = runner.invoke(app, ["law", "show", "eu-statute-dsm-art4"])
    assert text.exit_code == 0
    flat = _flat(text.output)
    assert "Directive (EU) 2019/790" in flat and "not legal advice" in flat
    assert "cited by" in flat  # the German transposition points back at it


def test_cli_show_unknown_id_exits_1() -> None:
    result = runner.invoke(app, ["law", "show", "xx-case-nothing"])
    assert result.exit_code == 1


def test_cli_timeline_json_and_bad_dates() -> None:
    result = runner.invoke(
        app, ["law", "timeline", "--market", "eu", "--since", "2026-01-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    dates = [ev["date"] for ev in doc["events"]]
    assert dates == sorted(dates) and all(d >= "2026-01-01" for d in dates)
    assert "not legal advice" in doc["disclaimer"]
    bad = runner.invoke(app, ["law", "timeline", "--since", "last week"])
    assert bad.exit_code == 1
    table = runner.invoke(app, ["law", "timeline", "--market", "uk"])
    assert table.exit_code == 0 and "not legal advice" in _flat(table.output)


def test_cli_rejects_unknown_market_and_broken_kb() -> None:
    assert runner.invoke(app, ["law", "cases", "--market", "zz"]).exit_code == 1
    result = runner.invoke(app, ["law", "cases", "--kb", str(BROKEN / "bad_yaml")])
    assert result.exit_code == 1
