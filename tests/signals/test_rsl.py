# SPDX-License-Identifier: Apache-2.0
"""RSL 1.0: the License: directive and the licence document, with hostile XML."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.signals.robots import parse_robots
from clearance.signals.rsl import parse_rsl, rsl_signals
from tests.fuzzing import budget

NS = 'xmlns="https://rslstandard.org/rsl"'


def verdicts(doc: bytes, resource: str = "/") -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s in rsl_signals(parse_rsl(doc, url="https://ex.com/license.xml"), resource):
        out.setdefault(s.purpose, set()).add(s.verdict)
    return out


SPEC_EXAMPLE = f"""<rsl {NS}>
  <content url="/" server="https://license.example/olp">
    <license>
      <permits type="usage">search ai-index</permits>
      <prohibits type="usage">ai-train</prohibits>
      <payment type="crawl"><amount currency="USD">0.015</amount></payment>
    </license>
  </content>
</rsl>""".encode()


def test_the_license_directive_is_read_from_robots_txt() -> None:
    body = b"User-agent: *\nContent-Usage: train-ai=n\nLicense: https://ex.com/license.xml\n"
    policy = parse_robots(body)
    assert policy.license_urls == ("https://ex.com/license.xml",)
    assert policy.allowed("x", "/") is True  # a License line is not a rule


def test_spec_example_document() -> None:
    doc = parse_rsl(SPEC_EXAMPLE)
    assert doc.valid and not doc.problems
    (content,) = doc.contents
    assert content.url == "/" and content.server == "https://license.example/olp"
    assert content.licenses[0].permits == {"usage": ("search", "ai-index")}
    assert content.licenses[0].payments == ("crawl",)
    got = verdicts(SPEC_EXAMPLE)
    assert got["ai_training"] == {"reserved"} and got["genai_training"] == {"reserved"}
    assert got["search"] == {"reserved"}  # permitted, but only under a licence from the server


def test_example_1_prohibited_training_for_every_path() -> None:
    doc = (
        f'<rsl {NS}><content url="/"><license><prohibits type="usage">ai-train</prohibits>'
        "</license></content></rsl>"
    )
    for path in ("/", "/any/article", "https://ex.com/x?y=1"):
        assert verdicts(doc.encode(), path) == {
            "ai_training": {"reserved"},
            "genai_training": {"reserved"},
        }


def test_example_2_permitted_against_a_subscription_is_licensable() -> None:
    doc = (
        f'<rsl {NS}><content url="/"><license><permits type="usage">ai-train</permits>'
        '<payment type="subscription"/></license></content></rsl>'
    )
    signals = rsl_signals(parse_rsl(doc.encode()), "/a")
    assert {s.verdict for s in signals} == {"reserved"}
    assert all("licensable" in s.notes[0] for s in signals)


def test_example_3_free_permission_of_all_on_a_path() -> None:
    doc = (
        f'<rsl {NS}><content url="/open/"><license><permits type="usage">all</permits>'
        '<payment type="free"/></license></content></rsl>'
    )
    inside = verdicts(doc.encode(), "/open/paper.pdf")
    assert set(inside) == {"tdm", "ai_training", "genai_training", "ai_inference", "search"}
    assert all(v == {"not_reserved"} for v in inside.values())
    assert verdicts(doc.encode(), "/closed/x") == {}  # no content element covers it: unknown


def test_example_4_a_licence_server_means_a_licence_is_needed_even_if_free() -> None:
    doc = (
        f'<rsl {NS}><content url="/research/" server="https://olp.ex"><license>'
        '<permits type="usage">ai-input</permits><payment type="free"/></license></content></rsl>'
    )
    signals = rsl_signals(parse_rsl(doc.encode()), "/research/a")
    assert [(s.purpose, s.verdict) for s in signals] == [("ai_inference", "reserved")]
    assert "https://olp.ex" in signals[0].notes[0]


def test_example_5_a_broken_reference_gives_no_signal() -> None:
    for body in (b"<html><body>404 Not Found</body></html>", b"not xml at all", b""):
        doc = parse_rsl(body)
        assert not doc.valid and doc.problems
        assert rsl_signals(doc, "/") == []


def test_prohibition_beats_permission_and_patterns_follow_rfc_9309() -> None:
    doc = f"""<rsl {NS}>
      <content url="/*.pdf$"><license>
        <permits type="usage">ai-all</permits><prohibits type="usage">ai-train</prohibits>
      </license></content>
      <content url="/"><license><permits type="usage">search</permits></license></content>
    </rsl>""".encode()
    pdf = verdicts(doc, "/papers/a.pdf")
    assert pdf["ai_training"] == {"reserved"}
    assert pdf["ai_inference"] == {"not_reserved"}
    assert "search" not in pdf  # the longer, more specific content element decides
    assert verdicts(doc, "/papers/a.pdf?x=1") == {"search": {"not_reserved"}}


def test_full_url_content_must_be_on_the_same_origin() -> None:
    doc = (
        f'<rsl {NS}><content url="https://ex.com/news/"><license>'
        '<prohibits type="usage">all</prohibits></license></content></rsl>'
    )
    assert verdicts(doc.encode(), "https://ex.com/news/1")["tdm"] == {"reserved"}
    assert verdicts(doc.encode(), "https://other.org/news/1") == {}


def test_commercial_users_not_permitted_means_reserved_for_us() -> None:
    doc = (
        f'<rsl {NS}><content url="/"><license><permits type="usage">ai-train</permits>'
        '<permits type="user">non-commercial education</permits></license></content></rsl>'
    )
    signals = rsl_signals(parse_rsl(doc.encode()), "/")
    assert {s.verdict for s in signals} == {"reserved"}
    assert all(s.confidence < 1 for s in signals)


def test_attribution_only_is_free() -> None:
    doc = (
        f'<rsl {NS}><content url="/"><license><permits type="usage">ai-input</permits>'
        '<payment type="attribution"/></license></content></rsl>'
    )
    (signal,) = rsl_signals(parse_rsl(doc.encode()), "/")
    assert signal.verdict == "not_reserved" and "attribution" in signal.notes[0]


def test_a_missing_namespace_is_read_with_a_problem_and_lower_confidence() -> None:
    doc = (
        b'<rsl><content url="/"><license><prohibits>ai-train</prohibits></license></content></rsl>'
    )
    parsed = parse_rsl(doc)
    assert parsed.valid and parsed.problems
    signals = rsl_signals(parsed, "/")
    assert signals and all(s.confidence < 1 for s in signals)


def test_entity_expansion_dtds_and_external_entities_are_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
    <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
    <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
    <rsl><content url="/">&lol3;</content></rsl>"""
    external = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rsl>&x;</rsl>'
    for body in (bomb, external):
        doc = parse_rsl(body)
        assert not doc.valid and rsl_signals(doc, "/") == []


def test_deep_nesting_and_size_are_bounded() -> None:
    deep = b"<rsl>" + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</rsl>"
    parse_rsl(deep)  # no recursion error
    huge = b"<rsl>" + b" " * (3 * 1024 * 1024) + b"</rsl>"
    assert not parse_rsl(huge).valid


@budget(300, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_any_bytes_never_raise(body: bytes) -> None:
    doc = parse_rsl(body)
    rsl_signals(doc, "/x")


@budget(100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["all", "ai-all", "ai-train", "ai-input", "ai-index", "search", "zz"]),
        max_size=4,
    ),
    st.lists(st.sampled_from(["all", "ai-all", "ai-train", "ai-input", "search"]), max_size=3),
)
def test_a_prohibited_usage_is_never_reported_as_not_reserved(
    permits: list[str], prohibits: list[str]
) -> None:
    doc = (
        f'<rsl {NS}><content url="/"><license><permits type="usage">{" ".join(permits)}'
        f'</permits><prohibits type="usage">{" ".join(prohibits)}</prohibits></license>'
        "</content></rsl>"
    ).encode()
    from clearance.signals.rsl import RSL_USAGE_PURPOSES

    barred = {p for token in prohibits for p in RSL_USAGE_PURPOSES[token]}
    for s in rsl_signals(parse_rsl(doc), "/"):
        if s.purpose in barred:
            assert s.verdict == "reserved"
