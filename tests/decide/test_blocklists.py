# SPDX-License-Identifier: Apache-2.0
"""Blocklists: the shipped set loads from the category knowledge base with sourced groups,
duplicates nothing, and matches hosts, subdomains and URL prefixes, vectorised."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
import yaml

from clearance.decide.blocklists import default_blocklists, load_blocklist, match_blocklists
from clearance.enrich.categories import default_knowledge
from clearance.errors import KnowledgeBaseError

SHIPPED = Path(__file__).parents[2] / "src" / "clearance" / "data" / "blocklists"


def test_shipped_list_covers_the_shadow_library_category_without_repeating_it() -> None:
    (shadow,) = [b for b in default_blocklists() if b.id == "shadow-libraries"]
    kb = {d for d, (cat, _) in default_knowledge().domains.items() if cat == "shadow_library"}
    listed = {e.value for e in shadow.entries if e.kind == "domain"}
    assert kb <= listed
    raw = yaml.safe_load((SHIPPED / "shadow-libraries.yaml").read_text())
    own = {e.get("domain") for e in raw["entries"]} - {None}
    assert not own & kb, "entries repeat the category knowledge base"
    names = {e.group for e in shadow.entries}
    assert {"libgen", "z-library", "annas-archive", "sci-hub", "books3"} <= names


def test_every_verified_group_has_dated_sources() -> None:
    for path in SHIPPED.glob("*.yaml"):
        doc = yaml.safe_load(path.read_text())
        for group in doc["groups"]:
            if group.get("verified", True):
                assert group["sources"], f"{path.name}: {group['id']} has no source"
            for source in group["sources"]:
                assert source["url"].startswith(("https://", "http://"))
                assert isinstance(source["checked"], dt.date)
        for entry in default_blocklists()[0].entries:
            if entry.verified:
                assert entry.sources


def test_unverified_groups_say_so_in_the_hit() -> None:
    (shadow,) = default_blocklists()
    other = [e for e in shadow.entries if e.group == "other-piracy"]
    assert other and all(not e.verified for e in other)
    assert "unverified" in other[0].describe("shadow-libraries")


def test_matching_hosts_subdomains_and_prefixes() -> None:
    table = pa.table(
        {
            "host": [
                "libgen.rs",
                "www.libgen.rs",
                "notlibgen.rs",
                "huggingface.co",
                "huggingface.co",
                None,
                "sci-hub.se",
            ],
            "url": [
                "https://libgen.rs/book",
                "http://www.libgen.rs/",
                "https://notlibgen.rs/",
                "https://huggingface.co/datasets/the_pile_books3/resolve/main/b.jsonl",
                "https://huggingface.co/datasets/other",
                None,
                None,
            ],
        }
    )
    hits = match_blocklists(table).to_pylist()
    assert hits[0].startswith("shadow-libraries: libgen.rs [Library Genesis")
    assert hits[1] == hits[0]
    assert hits[2] is None and hits[4] is None and hits[5] is None
    assert "the_pile_books3" in hits[3] and "Books3" in hits[3]
    assert hits[6].startswith("shadow-libraries: sci-hub.se [Sci-Hub")


def test_text_lists_and_priority(tmp_path: Path) -> None:
    listed = tmp_path / "ours.txt"
    listed.write_text("# our own list\nExample.ORG\nhttps://cdn.example.net/private/  # prefix\n")
    ours = load_blocklist(listed)
    assert [(e.kind, e.value) for e in ours.entries] == [
        ("domain", "example.org"),
        ("url_prefix", "https://cdn.example.net/private/"),
    ]
    frame = pl.DataFrame(
        {
            "host": ["a.example.org", "cdn.example.net", "cdn.example.net"],
            "url": [
                "https://a.example.org/",
                "https://cdn.example.net/private/x",
                "https://cdn.example.net/public/x",
            ],
        }
    )
    assert match_blocklists(frame, [ours]).to_pylist() == [
        f"ours: example.org [user list; {listed}]",
        f"ours: https://cdn.example.net/private/ [user list; {listed}]",
        None,
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id: x\ntitle: t\ndescription: d\nchecked: 2026-01-01\ngroups:\n"
            "  - {id: g, label: G, sources: []}\n",
            "needs at least one source",
        ),
        (
            "id: x\ntitle: t\ndescription: d\nchecked: 2026-01-01\ninclude_category: nope\n"
            "groups: []\n",
            "unknown category",
        ),
        (
            "id: x\ntitle: t\ndescription: d\nchecked: 2026-01-01\ngroups: []\nentries:\n"
            "  - {domain: a.org, name: A, group: missing}\n",
            "unknown group",
        ),
        (
            "id: x\ntitle: t\ndescription: d\nchecked: 2026-01-01\ngroups:\n"
            "  - {id: g, label: G, verified: false, sources: []}\nentries:\n"
            "  - {domain: a.org, url_prefix: 'https://a.org/', name: A, group: g}\n",
            "exactly one of",
        ),
        (
            "id: x\ntitle: t\ndescription: d\nchecked: 2026-01-01\ngroups:\n"
            "  - {id: g, label: G, verified: false, sources: []}\nentries:\n"
            "  - {domain: a.org, name: A, group: g}\n  - {domain: A.org, name: A2, group: g}\n",
            "listed twice",
        ),
        ("id: [unclosed\n", "cannot read"),
    ],
)
def test_invalid_blocklists_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(text)
    with pytest.raises(KnowledgeBaseError, match=message) as info:
        load_blocklist(path)
    assert str(path) in str(info.value)


def test_a_million_rows_cost_one_lookup_per_host() -> None:
    hosts = ["libgen.rs", "example.com", "a.sci-hub.se", None] * 250_000
    table = pa.table({"host": hosts, "url": [None] * len(hosts)})
    hits = match_blocklists(table)
    assert len(hits) == 1_000_000
    assert hits.null_count == 500_000
