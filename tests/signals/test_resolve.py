# SPDX-License-Identifier: Apache-2.0
"""The resolver: documented precedence, agent scoping, layers, and the columnar helper."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.models import Signal
from clearance.signals.resolve import resolve, resolve_table, signal_set_key
from clearance.signals.vocab import PURPOSES, VERDICTS
from tests.fuzzing import budget


def sig(
    standard="x-robots-tag",
    purpose="ai_training",
    verdict="reserved",
    *,
    agent=None,
    location="header:x-robots-tag",
    contested=False,
    confidence=1.0,
) -> Signal:
    return Signal(
        standard=standard,
        purpose=purpose,
        verdict=verdict,
        location=location,
        excerpt=f"{standard} {verdict}",
        agent=agent,
        contested=contested,
        confidence=confidence,
    )


def test_nothing_is_unknown_never_permission() -> None:
    result = resolve([])
    assert set(result) == set(PURPOSES)
    for r in result.values():
        assert r.verdict == "unknown" and r.confidence == 0 and r.deciding == ()


def test_any_machine_readable_reservation_reserves_and_keeps_the_contradiction() -> None:
    permit = sig("tdmrep", verdict="not_reserved", location="header:tdm-reservation")
    reserve = sig("xmp-iptc", location="a.jpg#xmp:plus:DataMining", confidence=0.9)
    r = resolve([permit, reserve])["ai_training"]
    assert r.verdict == "reserved" and not r.contested and r.confidence == 0.9
    assert r.deciding == (reserve,) and r.contradicting == (permit,)
    assert r.rule == "machine-readable reservation"


def test_natural_language_alone_is_reserved_but_contested() -> None:
    nl = sig("natural-language", location="terms.html", contested=True, confidence=0.6)
    permit = sig("tdmrep", verdict="not_reserved", location="header:tdm-reservation")
    r = resolve([nl, permit])["ai_training"]
    assert r.verdict == "reserved" and r.contested and r.contradicting == (permit,)
    both = resolve([nl, sig()])["ai_training"]
    assert both.verdict == "reserved" and not both.contested and nl in both.deciding


def test_explicit_permission_without_reservation_is_not_reserved() -> None:
    permit = sig(verdict="not_reserved")
    unknown = sig("robots.txt", verdict="unknown", location="https://x/robots.txt")
    r = resolve([permit, unknown])["ai_training"]
    assert r.verdict == "not_reserved" and r.contradicting == (unknown,)
    only_unknown = resolve([unknown])["ai_training"]
    assert only_unknown.verdict == "unknown" and only_unknown.deciding == (unknown,)


def test_agent_scoping() -> None:
    gpt = sig(agent="GPTBot")
    assert resolve([gpt])["ai_training"].verdict == "unknown"
    assert resolve([gpt])["ai_training"].other_agents == (gpt,)
    assert resolve([gpt], agent="gptbot")["ai_training"].verdict == "reserved"
    assert resolve([gpt], agent="CCBot")["ai_training"].verdict == "unknown"
    star = sig(agent="*")
    assert resolve([star], agent="CCBot")["ai_training"].verdict == "reserved"


def test_specific_group_replaces_star_group_in_the_same_file_only() -> None:
    star = sig("robots.txt", agent=None, location="https://x/robots.txt#L2")
    allow_gpt = sig(
        "robots.txt", verdict="not_reserved", agent="GPTBot", location="https://x/robots.txt#L5"
    )
    r = resolve([star, allow_gpt], agent="GPTBot")["ai_training"]
    assert r.verdict == "not_reserved" and r.superseded == (star,)
    assert resolve([star, allow_gpt], agent="CCBot")["ai_training"].verdict == "reserved"
    # Headers combine instead: a general noai still binds GPTBot.
    general = sig()
    specific = sig(verdict="not_reserved", agent="GPTBot")
    assert resolve([general, specific], agent="GPTBot")["ai_training"].verdict == "reserved"


def test_purposes_are_independent() -> None:
    result = resolve([sig(purpose="search", verdict="not_reserved"), sig(purpose="genai_training")])
    assert result["search"].verdict == "not_reserved"
    assert result["genai_training"].verdict == "reserved"
    assert result["ai_training"].verdict == "unknown"


def test_resolve_table_is_columnar_in_order_and_resolves_each_key_once() -> None:
    sets = {
        "a.example": [sig()],
        "b.example": [sig(verdict="not_reserved")],
        "c.example": [sig("natural-language", location="t", contested=True)],
    }
    keys = pa.array(["a.example", "b.example", None, "a.example", "zzz", "c.example"])
    table = resolve_table(keys, sets)
    assert table["key"].to_list() == keys.to_pylist()
    assert table["ai_training"].to_list() == [
        "reserved",
        "not_reserved",
        "unknown",
        "reserved",
        "unknown",
        "reserved",
    ]
    assert table["ai_training_contested"].to_list() == [False, False, False, False, False, True]
    assert table["search"].to_list() == ["unknown"] * 6


def test_signal_set_key_is_order_insensitive_and_content_sensitive() -> None:
    a, b = sig(), sig(purpose="tdm")
    assert signal_set_key([a, b]) == signal_set_key([b, a])
    assert signal_set_key([a]) != signal_set_key([b])


signals = st.builds(
    sig,
    standard=st.sampled_from(["tdmrep", "robots.txt", "x-robots-tag", "natural-language"]),
    purpose=st.sampled_from(PURPOSES),
    verdict=st.sampled_from(VERDICTS),
    agent=st.sampled_from([None, "*", "GPTBot", "CCBot"]),
    location=st.sampled_from(
        [
            "header:tdm-reservation",
            "html:meta[name=robots]",
            "https://x/.well-known/tdmrep.json",
            "https://x/robots.txt#L3",
        ]
    ),
    contested=st.booleans(),
    confidence=st.floats(0.1, 1.0),
)


@budget(300, deadline=None)
@given(st.lists(signals, max_size=12), st.sampled_from([None, "GPTBot", "ccbot"]))
def test_invariants(sigs: list[Signal], agent: str | None) -> None:
    result = resolve(sigs, agent=agent)
    for purpose, r in result.items():
        kept = set(r.deciding) | set(r.contradicting) | set(r.superseded) | set(r.other_agents)
        mine = {s for s in sigs if s.purpose == purpose}
        assert kept == mine  # nothing is dropped
        if r.verdict == "unknown":
            assert all(s.verdict == "unknown" for s in r.deciding)
        if r.verdict == "not_reserved":
            assert not any(s.verdict == "reserved" for s in r.contradicting)
        if any(s.verdict == "reserved" for s in r.deciding):
            assert r.verdict == "reserved"


@pytest.mark.parametrize("agent", [None, "GPTBot"])
def test_to_dict_is_json_ready(agent: str | None) -> None:
    import json

    r = resolve([sig(agent=agent)], agent=agent)["ai_training"]
    json.dumps(r.to_dict())
