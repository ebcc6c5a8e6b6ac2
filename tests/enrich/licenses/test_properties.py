# SPDX-License-Identifier: Apache-2.0
"""Property tests: the normaliser never raises and is idempotent on its own output."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clearance.enrich.licenses import normalize_license
from clearance.enrich.licenses.permissions import VERDICT_RANK, license_permits
from clearance.enrich.licenses.schema import USES

FAST = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

_WORDS = st.sampled_from(
    [
        "cc",
        "by",
        "nc",
        "nd",
        "sa",
        "4.0",
        "3.0",
        "2",
        "creative",
        "commons",
        "license",
        "mit",
        "apache",
        "gpl",
        "and",
        "or",
        "with",
        "(",
        ")",
        "/",
        ",",
        "-",
        "http://",
        "creativecommons.org",
        "licenses",
        "all",
        "rights",
        "reserved",
        "public",
        "domain",
        "©",
        "copyright",
        "<a",
        "rel=",
        '"license"',
        "href=",
        "license:",
        "other",
        "\n",
        "llama3",
        "xmpRights:UsageTerms",
        "research",
        "only",
        "GPL-2.0+",
        "Classpath-exception-2.0",
        "unknown",
        "LicenseRef-clearance-gemma",
    ]
)
licenceish = st.lists(_WORDS, max_size=12).map(" ".join)
cc_urls = st.builds(
    lambda scheme, code, ver, tail: f"{scheme}creativecommons.org/licenses/{code}/{ver}{tail}",
    st.sampled_from(["", "http://", "https://", "https://www.", "//"]),
    st.sampled_from(["by", "by-sa", "by-nc", "by-nc-sa", "by-nd", "by-nc-nd", "by-nd-nc", "zz"]),
    st.sampled_from(["1.0", "2.0", "2.1", "2.5", "3.0", "4.0", "9.9", ""]),
    st.sampled_from(["", "/", "/deed.en", "/legalcode", "/de/", "/igo/legalcode.fr", "/?x#y"]),
)
anything = st.one_of(st.text(max_size=300), licenceish, cc_urls)


@FAST
@given(anything)
@example("(AND OTHER")  # boolean.py asserted on this once
@example("MIT AND AND MIT")
def test_never_raises_and_is_well_formed(value: str) -> None:
    found = normalize_license(value)
    assert found.id and 0.0 <= found.confidence <= 1.0 and found.evidence


@FAST
@given(anything)
def test_idempotent_on_its_own_output(value: str) -> None:
    first = normalize_license(value)
    again = normalize_license(first.id)
    assert again.id == first.id, (value, first, again)


@FAST
@given(anything, st.sampled_from(USES))
def test_permissions_are_total_and_unknown_is_never_allowed(value: str, use: str) -> None:
    found = normalize_license(value)
    permission = license_permits(found.id, use)
    assert permission.verdict in VERDICT_RANK
    if found.id in ("unknown", "all-rights-reserved", "tos-prohibits-ml"):
        assert permission.verdict != "allowed"


def test_idempotent_on_every_corpus_output(corpus: list[dict[str, Any]]) -> None:
    for row in corpus:
        first = normalize_license(row["raw"]).id
        assert normalize_license(first).id == first, row["raw"]
