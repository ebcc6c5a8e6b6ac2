# SPDX-License-Identifier: Apache-2.0
"""The labelled URL sets are well formed, honest (no knowledge-base domain) and independent."""

from __future__ import annotations

import csv
import functools
import ipaddress
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from clearance.enrich.psl import default_psl
from tests.enrich.test_category_data import all_entries, valid_hostname, vocabulary_ids

DATA = Path(__file__).resolve().parent / "data"
DEV = DATA / "labelled_urls_dev.csv"
HELD_OUT = DATA / "labelled_urls.csv"
MIN_ROWS = {DEV.name: 200, HELD_OUT.name: 350}


@functools.cache
def read_set(path: Path) -> tuple[dict[str, str], ...]:
    """Return the rows of one labelled CSV, checking its header on the way."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["url", "category", "note"], path.name
        rows = tuple(reader)
    for n, row in enumerate(rows, start=2):
        assert None not in row and all(v is not None for v in row.values()), f"{path.name}:{n}"
    return rows


def host_of(url: str) -> str:
    """Return the lower-case host of an absolute http(s) URL."""
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https"), url
    assert parts.hostname, url
    return parts.hostname


def registrable(url: str) -> str:
    """Return the registrable domain (eTLD+1) of a URL by the bundled Public Suffix List."""
    _, domain = default_psl().split(host_of(url))
    assert domain is not None, url
    return domain


@functools.cache
def kb_domains() -> frozenset[str]:
    """Return every domain listed in the knowledge base."""
    return frozenset(entry.domain for _, entry in all_entries())


def kb_overlap(domain: str) -> list[str]:
    """Return knowledge-base entries equal to, above or below a registrable domain."""
    labels = domain.split(".")
    parents = {".".join(labels[i:]) for i in range(len(labels))}
    return sorted(d for d in kb_domains() if d in parents or d.endswith("." + domain))


BOTH = pytest.mark.parametrize("path", [DEV, HELD_OUT], ids=["dev", "held_out"])


@BOTH
def test_rows_are_well_formed(path: Path) -> None:
    ids = vocabulary_ids() - {"unknown"}
    for row in read_set(path):
        host = host_of(row["url"])
        assert row["url"] == row["url"].strip() and " " not in row["url"], row["url"]
        assert valid_hostname(host), row["url"]
        with pytest.raises(ValueError):
            ipaddress.ip_address(host)
        assert row["category"] in ids, row
        assert row["note"].strip(), row


@BOTH
def test_size_and_realistic_mix(path: Path) -> None:
    rows = read_set(path)
    assert len(rows) >= MIN_ROWS[path.name]
    counts = Counter(row["category"] for row in rows)
    # every category except unknown is represented, and none dominates
    assert set(counts) == vocabulary_ids() - {"unknown"}
    assert max(counts.values()) <= 0.25 * len(rows)
    # a scraped web dataset is mostly companies, shops, news and blogs
    common = ("corporate_other", "ecommerce", "news_publisher", "blog_personal")
    assert sum(counts[c] for c in common) >= 0.5 * len(rows)


@BOTH
def test_no_duplicate_urls(path: Path) -> None:
    urls = [row["url"] for row in read_set(path)]
    assert [u for u, n in Counter(urls).items() if n > 1] == []


@BOTH
def test_no_row_is_covered_by_the_knowledge_base(path: Path) -> None:
    leaked = {
        row["url"]: overlap
        for row in read_set(path)
        if (overlap := kb_overlap(registrable(row["url"])))
    }
    assert leaked == {}


def test_dev_and_held_out_sets_share_no_domain() -> None:
    dev = {registrable(row["url"]) for row in read_set(DEV)}
    held_out = {registrable(row["url"]) for row in read_set(HELD_OUT)}
    assert sorted(dev & held_out) == []


def test_overlap_check_catches_parents_and_children() -> None:
    # the guard the two sets rely on must itself work
    assert kb_overlap("twimg.com") == ["twimg.com"]
    assert "wordpress.com" in kb_overlap("wordpress.com")
    assert kb_overlap("yahoo.co.jp")[:1] == ["auctions.yahoo.co.jp"]
    assert kb_overlap("example-unlisted-site.org") == []
