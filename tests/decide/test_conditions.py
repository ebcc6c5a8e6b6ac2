# SPDX-License-Identifier: Apache-2.0
"""The condition language: each operator's meaning, unknowns never favourable, and the compiled
Polars expression agreeing with a plain per-row reading on random tables and conditions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.decide.conditions import columns_of, parse_when, to_expr
from tests.decide.reference import LEVELS, reference

TABLE = pl.DataFrame(
    {
        "reservation": ["reserved", "not_reserved", None, "unknown"],
        "piracy_source": [True, False, None, False],
        "url": ["https://a.example/x", "http://b.example/y", None, "https://a.example/z"],
        "category_confidence": [0.9, 0.2, None, 0.5],
        "collected_at": [
            dt.datetime(2020, 1, 1),
            dt.datetime(2024, 6, 1),
            None,
            dt.datetime(2023, 1, 1),
        ],
        "license_conditions": [["attribution"], ["attribution", "share_alike"], None, []],
        "exposure_eu": ["low", "high", None, "critical"],
    },
    schema_overrides={"collected_at": pl.Datetime("us", "UTC")},
)


def hits(when: dict[str, Any], table: pl.DataFrame = TABLE) -> list[bool]:
    return table.select(to_expr(parse_when(when), table.schema).alias("x"))["x"].to_list()


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({"reservation": "reserved"}, [True, False, False, False]),
        ({"reservation": ["reserved", "unknown"]}, [True, False, True, True]),
        ({"reservation": {"not": ["reserved"]}}, [False, True, True, True]),
        ({"piracy_source": True}, [True, False, False, False]),
        ({"piracy_source": "unknown"}, [False, False, True, False]),
        ({"url": {"starts_with": "https://a."}}, [True, False, False, True]),
        ({"url": {"contains": "b.ex"}}, [False, True, False, False]),
        ({"url": {"matches": "/[xz]$"}}, [True, False, False, True]),
        ({"url": {"present": False}}, [False, False, True, False]),
        ({"category_confidence": {"lt": 0.6}}, [False, True, False, True]),
        ({"category_confidence": {"lt": 0.6, "or_unknown": True}}, [False, True, True, True]),
        ({"category_confidence": {"gte": 0.5, "lte": 0.9}}, [True, False, False, True]),
        ({"collected_at": {"before": "2023-06-01"}}, [True, False, False, True]),
        (
            {"collected_at": {"on_or_after": "2023-06-01", "or_unknown": True}},
            [False, True, True, False],
        ),
        ({"license_conditions": {"contains": "share_alike"}}, [False, True, False, False]),
        (
            {"license_conditions": {"contains_any": ["share_alike", "attribution"]}},
            [True, True, False, False],
        ),
        (
            {"license_conditions": {"contains_all": ["share_alike", "attribution"]}},
            [False, True, False, False],
        ),
        ({"license_conditions": {"empty": True}}, [False, False, True, True]),
        ({"exposure_eu": {"at_least": "high"}}, [False, True, True, True]),
        ({"exposure_eu": {"at_most": "medium"}}, [True, False, False, False]),
        ({"exposure_eu": ["unknown"]}, [False, False, True, False]),
        (
            {"any": [{"reservation": "reserved"}, {"exposure_eu": "critical"}]},
            [True, False, False, True],
        ),
        ({"not": {"reservation": "reserved"}}, [False, True, True, True]),
        ({"reservation": "not_reserved", "exposure_eu": "high"}, [False, True, False, False]),
        (
            {"all": [{"url": {"present": True}}, {"piracy_source": False}]},
            [False, True, False, True],
        ),
    ],
)
def test_operator_semantics(when: dict[str, Any], expected: list[bool]) -> None:
    assert hits(when) == expected


def test_list_columns_may_be_comma_separated_text() -> None:
    table = pl.DataFrame({"license_conditions": ["attribution,share_alike", "", None]})
    assert hits({"license_conditions": {"contains": "share_alike"}}, table) == [True, False, False]


def test_booleans_stored_as_text_are_read_alike() -> None:
    table = pl.DataFrame({"piracy_source": ["true", "false", None]})
    assert hits({"piracy_source": True}, table) == [True, False, False]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ({}, "non-empty mapping"),
        ([], "non-empty mapping"),
        ({"nope": 1}, "unknown column 'nope'"),
        ({"reservation": "maybe"}, "'maybe' is not one of"),
        ({"reservation": []}, "empty list"),
        ({"reservation": {"at_least": "high"}}, "unknown operator"),
        ({"exposure_eu": {"at_least": "huge"}}, "at_least takes one of"),
        ({"category_confidence": "high"}, "expected a number"),
        ({"category_confidence": {"gt": True}}, "expected a number"),
        ({"collected_at": "2020-01-01"}, "use an operator"),
        ({"collected_at": {"before": "soon"}}, "YYYY-MM-DD"),
        ({"url": {"matches": "("}}, "invalid regular expression"),
        ({"url": {"starts_with": ""}}, "non-empty string"),
        ({"url": {"or_unknown": True}}, "no operator"),
        ({"url": {"present": "yes"}}, "present must be true or false"),
        ({"any": []}, "non-empty list"),
        ({"any": {"url": {"present": True}}}, "non-empty list"),
        ({"license_conditions": {"contains_any": [1]}}, "list of strings"),
        ({"license_conditions": {"empty": "yes"}}, "true or false"),
        ({"piracy_source": "perhaps"}, "true, false or unknown"),
        ({"exposure_zz": "high"}, "unknown column"),
    ],
)
def test_invalid_conditions_raise_value_error(when: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_when(when)


def test_columns_of_collects_nested_columns() -> None:
    node = parse_when(
        {
            "any": [{"url": {"present": True}}, {"not": {"exposure_eu": "low"}}],
            "reservation": "reserved",
        }
    )
    assert columns_of(node) == {"url", "exposure_eu", "reservation"}


# --- property: the compiled expression equals a plain per-row reading ------------------------


reservations = st.sampled_from(["reserved", "not_reserved", "unknown", None])
levels = st.sampled_from([*LEVELS, None])
urls = st.sampled_from(["https://a.example/x", "http://b.example/y", "", None])
numbers = st.one_of(st.none(), st.floats(0, 1, allow_nan=False))
dates = st.one_of(st.none(), st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2030, 1, 1)))
lists = st.one_of(
    st.none(), st.lists(st.sampled_from(["attribution", "share_alike", "nc"]), max_size=3)
)
rows = st.fixed_dictionaries(
    {
        "reservation": reservations,
        "piracy_source": st.one_of(st.none(), st.booleans()),
        "url": urls,
        "category_confidence": numbers,
        "collected_at": dates,
        "license_conditions": lists,
        "exposure_eu": levels,
    }
)

leaf = st.one_of(
    st.builds(
        lambda v: {"reservation": v},
        st.lists(st.sampled_from(["reserved", "not_reserved", "unknown"]), min_size=1),
    ),
    st.builds(
        lambda v: {"reservation": {"not": v}},
        st.lists(st.sampled_from(["reserved", "unknown"]), min_size=1),
    ),
    st.builds(lambda v: {"piracy_source": v}, st.sampled_from([True, False, "unknown"])),
    st.builds(lambda v: {"url": {"starts_with": v}}, st.sampled_from(["https://", "http://b"])),
    st.builds(lambda v: {"url": {"present": v}}, st.booleans()),
    st.builds(
        lambda op, v, u: {"category_confidence": {op: v, "or_unknown": u}},
        st.sampled_from(["gt", "gte", "lt", "lte"]),
        st.floats(0, 1),
        st.booleans(),
    ),
    st.builds(
        lambda op, d, u: {"collected_at": {op: d.isoformat(), "or_unknown": u}},
        st.sampled_from(["before", "on_or_after"]),
        st.dates(dt.date(2015, 1, 1), dt.date(2030, 1, 1)),
        st.booleans(),
    ),
    st.builds(
        lambda op, v: {"license_conditions": {op: v}},
        st.sampled_from(["contains_any", "contains_all"]),
        st.lists(st.sampled_from(["attribution", "share_alike"]), min_size=1),
    ),
    st.builds(lambda v: {"license_conditions": {"empty": v}}, st.booleans()),
    st.builds(
        lambda op, v: {"exposure_eu": {op: v}},
        st.sampled_from(["at_least", "at_most"]),
        st.sampled_from(LEVELS),
    ),
)
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
    ),
    max_leaves=5,
)

SCHEMA = {
    "reservation": pl.String,
    "piracy_source": pl.Boolean,
    "url": pl.String,
    "category_confidence": pl.Float64,
    "collected_at": pl.Datetime("us"),
    "license_conditions": pl.List(pl.String),
    "exposure_eu": pl.String,
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, min_size=1, max_size=12), conditions)
def test_compiled_expression_agrees_with_per_row_reading(
    data: list[dict[str, Any]], when: dict[str, Any]
) -> None:
    table = pl.DataFrame(data, schema=SCHEMA)
    node = parse_when(when)
    got = table.select(to_expr(node, table.schema).alias("x"))["x"].to_list()
    assert got == [reference(node, row) for row in data]


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_parser_never_crashes_on_hostile_input(value: Any) -> None:
    try:
        parse_when(value)
    except ValueError:
        pass
