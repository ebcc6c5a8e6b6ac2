# SPDX-License-Identifier: Apache-2.0
"""TDMRep: every example of the spec (file, headers, HTML meta), the layers, hostile input."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from clearance.signals.detect import scan_bytes
from clearance.signals.pattern import PathPattern
from clearance.signals.resolve import resolve
from clearance.signals.tdmrep import (
    combine_layers,
    parse_tdmrep_json,
    tdmrep_from_headers,
    tdmrep_from_meta,
)
from tests.fuzzing import budget


def verdicts(signals):
    return {s.purpose: s.verdict for s in signals}


# -- spec: TDM header field in HTTP responses ------------------------------------------------


def test_spec_header_example_reserved_without_policy() -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nDate: Wed, 14 Jul 2021 12:07:48 GMT\r\n"
        b"Content-type: image/jpg\r\ntdm-reservation: 1\r\n\r\n"
    )
    report = scan_bytes(raw, name="response.http")
    tdm = [s for s in report.signals if s.standard == "tdmrep"]
    assert verdicts(tdm)["tdm"] == "reserved"
    assert all(s.location == "header:tdm-reservation" for s in tdm)
    assert not any("tdm-policy" in n for s in tdm for n in s.notes)


def test_spec_header_example_with_policy() -> None:
    headers = [
        ("Content-type", "text/html"),
        ("tdm-reservation", "1"),
        ("tdm-policy", "https://provider.com/policies/policy.json"),
    ]
    report = tdmrep_from_headers(headers)
    assert verdicts(report.signals) == {
        "tdm": "reserved",
        "ai_training": "reserved",
        "genai_training": "reserved",
        "ai_inference": "reserved",
    }
    assert "tdm-policy: https://provider.com/policies/policy.json" in report.signals[0].notes


def test_header_names_are_case_insensitive_and_zero_is_not_reserved() -> None:
    report = tdmrep_from_headers({"TDM-Reservation": " 0 "})
    assert set(verdicts(report.signals).values()) == {"not_reserved"}


def test_policy_with_zero_is_not_processed() -> None:
    report = tdmrep_from_headers({"tdm-reservation": "0", "tdm-policy": "https://p/x"})
    assert any("not processed" in n for n in report.signals[0].notes)


# -- spec: TDM file on the origin server --------------------------------------------------------


def test_spec_file_example_opt_out_everything() -> None:
    body = b'[\n {\n "location": "/",\n "tdm-reservation": 1\n }\n]'
    parsed = parse_tdmrep_json(body, url="https://provider.com/.well-known/tdmrep.json")
    for path in ("/", "/index.html", "/a/b/c.pdf"):
        assert verdicts(parsed.evaluate(path).signals)["tdm"] == "reserved"
    assert parsed.problems == 0


SPEC_THREE_GROUPS = json.dumps(
    [
        {"location": "/directory-a/", "tdm-reservation": 1},
        {
            "location": "/directory-b/html/",
            "tdm-reservation": 1,
            "tdm-policy": "https://provider.com/policies/policy.json",
        },
        {"location": "/directory-b/images/*.jpg", "tdm-reservation": 0},
    ]
).encode()


def test_spec_file_example_three_groups() -> None:
    parsed = parse_tdmrep_json(SPEC_THREE_GROUPS)
    a = parsed.evaluate("https://provider.com/directory-a/report.pdf")
    assert verdicts(a.signals)["tdm"] == "reserved"
    b = parsed.evaluate("https://provider.com/directory-b/html/page.html")
    assert verdicts(b.signals)["tdm"] == "reserved"
    assert any("policy.json" in n for n in b.signals[0].notes)
    c = parsed.evaluate("https://provider.com/directory-b/images/cat.jpg")
    assert verdicts(c.signals)["tdm"] == "not_reserved"
    d = parsed.evaluate("https://provider.com/directory-b/images/cat.png")
    assert d.signals == ()  # no rule matches: unset -> unknown
    assert resolve(d.signals)["tdm"].verdict == "unknown"


def test_first_matching_entry_wins_not_the_longest() -> None:
    rules = [
        {"location": "/img/*.jpg", "tdm-reservation": 0},
        {"location": "/", "tdm-reservation": 1},
    ]
    parsed = parse_tdmrep_json(json.dumps(rules).encode())
    assert verdicts(parsed.evaluate("/img/a.jpg").signals)["tdm"] == "not_reserved"
    swapped = parse_tdmrep_json(json.dumps(rules[::-1]).encode())
    assert verdicts(swapped.evaluate("/img/a.jpg").signals)["tdm"] == "reserved"


def test_no_match_is_unset() -> None:
    parsed = parse_tdmrep_json(b'[{"location":"/a/","tdm-reservation":1}]')
    report = parsed.evaluate("/b/x")
    assert report.signals == () and any("no rule matches" in n for n in report.notes)


def test_spec_percent_encoded_special_character() -> None:
    parsed = parse_tdmrep_json(b'[{"location":"/path/foo-%24","tdm-reservation":1}]')
    assert verdicts(parsed.evaluate("https://provider.com/path/foo-$").signals)["tdm"] == "reserved"


def test_dollar_anchors_and_star_matches() -> None:
    assert PathPattern("/this/path/exactly$").matches("/this/path/exactly")
    assert not PathPattern("/this/path/exactly$").matches("/this/path/exactly/more")
    assert PathPattern("/this/*/then").matches("/this/a/b/then/x")
    assert not PathPattern("/this/*/then").matches("/that/a/then")
    assert PathPattern("/a%7Eb").matches("/a~b")  # unreserved escapes decoded
    assert not PathPattern("/Dir/").matches("/dir/x")  # case-sensitive


def test_invalid_values_count_as_unset() -> None:
    for bad in ('"yes"', "2", "true", "null", '"1.0"', "-1"):
        parsed = parse_tdmrep_json(f'[{{"location":"/","tdm-reservation":{bad}}}]'.encode())
        report = parsed.evaluate("/x")
        assert report.signals == (), bad
        assert parsed.problems >= 1


def test_string_digit_and_missing_brackets_are_flagged_leniencies() -> None:
    parsed = parse_tdmrep_json(b'{"location":"/","tdm-reservation":"1"}')
    signals = parsed.evaluate("/x").signals
    assert verdicts(signals)["tdm"] == "reserved"
    assert signals[0].confidence < 1.0
    assert any("brackets" in n for n in parsed.notes)


def test_bad_files_never_raise() -> None:
    for body in (
        b"",
        b"not json",
        b"[[[[" * 10000,
        b"42",
        b'["x", {"tdm-reservation": 1}]',
        b"\xff\xfe\x00garbage",
    ):
        parsed = parse_tdmrep_json(body)
        assert parsed.evaluate("/").signals == ()
        assert parsed.problems >= 1


# -- spec: HTML meta, and the processing priority ----------------------------------------------


def test_spec_html_meta_example() -> None:
    html = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="tdm-reservation" content="1">
<meta name="tdm-policy" content="https://provider.com/policies/policy.json">
<title>Document title</title></head><body>...</body></html>"""
    report = scan_bytes(html, name="page.html")
    tdm = [s for s in report.signals if s.standard == "tdmrep"]
    assert verdicts(tdm)["tdm"] == "reserved"
    assert tdm[0].location.startswith("html:")
    assert any("policy.json" in n for n in tdm[0].notes)


def test_meta_protocol_error_is_unknown() -> None:
    report = tdmrep_from_meta(["yes"], [])
    assert report.signals == () and report.problems == 1
    assert resolve(report.signals)["tdm"].verdict == "unknown"


def test_header_supersedes_file() -> None:
    file_signals = parse_tdmrep_json(b'[{"location":"/","tdm-reservation":1}]').evaluate("/a")
    header = tdmrep_from_headers({"tdm-reservation": "0"})
    result = resolve([*file_signals.signals, *header.signals])["tdm"]
    assert result.verdict == "not_reserved"
    assert [s.location for s in result.superseded] == ["/.well-known/tdmrep.json"]


def test_html_supersedes_header() -> None:
    header = tdmrep_from_headers({"tdm-reservation": "0"})
    meta = tdmrep_from_meta(["1"], [])
    assert resolve([*header.signals, *meta.signals])["tdm"].verdict == "reserved"


def test_absence_or_invalid_in_a_later_layer_never_resets() -> None:
    file_signals = parse_tdmrep_json(b'[{"location":"/","tdm-reservation":1}]').evaluate("/a")
    invalid_header = tdmrep_from_headers({"tdm-reservation": "maybe"})
    assert invalid_header.signals == ()
    effective, superseded = combine_layers([*file_signals.signals, *invalid_header.signals])
    assert {s.verdict for s in effective} == {"reserved"} and superseded == []


def test_embedded_pdf_xmp_supersedes_html() -> None:
    meta = tdmrep_from_meta(["1"], [])
    embedded = tdmrep_from_meta(["0"], [], location="doc.pdf#xmp:tdm:reservation")
    assert resolve([*meta.signals, *embedded.signals])["tdm"].verdict == "not_reserved"


# -- hostile input --------------------------------------------------------------------------


@budget(200, deadline=None)
@given(st.binary(max_size=4096))
def test_tdmrep_json_never_crashes_on_bytes(body: bytes) -> None:
    parsed = parse_tdmrep_json(body)
    parsed.evaluate("/any/path")


rule = st.fixed_dictionaries(
    {
        "location": st.one_of(st.text(max_size=30), st.integers(), st.none()),
        "tdm-reservation": st.one_of(
            st.integers(-2, 3), st.text(max_size=3), st.booleans(), st.none()
        ),
    }
)


@budget(200, deadline=None)
@given(st.lists(rule, max_size=20), st.text(max_size=40))
def test_tdmrep_rules_never_crash_and_only_valid_values_emit(rules: list, path: str) -> None:
    parsed = parse_tdmrep_json(json.dumps(rules).encode())
    report = parsed.evaluate("/" + path)
    assert all(s.verdict in ("reserved", "not_reserved") for s in report.signals)


@budget(300, deadline=None)
@given(st.text(alphabet="/ab*$%24~", max_size=60), st.text(alphabet="/ab$%~", max_size=200))
def test_path_patterns_are_total(pattern: str, path: str) -> None:
    PathPattern(pattern).matches(path)


def test_pathological_pattern_is_fast_enough_to_finish() -> None:
    pattern = PathPattern("/" + "a*" * 2000 + "b$")
    assert not pattern.matches("/" + "a" * 100_000)
