# SPDX-License-Identifier: Apache-2.0
"""The shipped source-category domain knowledge base loads, validates and covers what it must."""

from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "clearance" / "data"
DOMAINS_DIR = DATA / "categories" / "domains"
VOCABULARY = DATA / "categories" / "vocabulary.yaml"
PSL = DATA / "psl" / "public_suffix_list.dat"
NEWS_TOP100 = REPO.parent / "shared" / "data" / "robots-news-top100"

MIN_ENTRIES = 1000
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def valid_hostname(host: str) -> bool:
    """Return whether ``host`` is a lower-case ASCII host name with valid (A-label) labels."""
    if not host or len(host) > 253 or host != host.lower():
        return False
    labels = host.split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return False
    for label in labels:
        if not _LABEL.match(label):
            return False
        if label.startswith("xn--"):
            try:
                label.encode("ascii").decode("idna")
            except UnicodeError:
                return False
    return True


class DomainEntry(BaseModel):
    """One knowledge-base entry, as the YAML files spell it."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    domain: str
    name: str = Field(min_length=1)
    country: str = Field(pattern=r"^(?:[A-Z]{2}|INT)$")
    cdn_of: str | None = None
    generic: bool = False
    verified: bool = True

    @field_validator("domain")
    @classmethod
    def _domain_is_a_host(cls, value: str) -> str:
        if not valid_hostname(value):
            raise ValueError(f"not a lower-case A-label host name: {value!r}")
        return value


class DomainFile(BaseModel):
    """One ``domains/<category>.yaml`` file."""

    model_config = ConfigDict(extra="forbid", strict=True)

    category: str
    domains: list[DomainEntry] = Field(min_length=1)


def vocabulary_ids() -> set[str]:
    """Return the category ids of the shipped vocabulary."""
    doc = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    return set(doc["categories"])


@functools.cache
def load_all() -> dict[str, DomainFile]:
    """Return every shipped domain file, validated, keyed by file stem."""
    files: dict[str, DomainFile] = {}
    for path in sorted(DOMAINS_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            files[path.stem] = DomainFile.model_validate(raw)
        except ValidationError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{path.relative_to(REPO)}: {exc}")
    return files


def all_entries() -> list[tuple[str, DomainEntry]]:
    """Return (category, entry) for every entry of every file."""
    return [(f.category, e) for f in load_all().values() for e in f.domains]


def public_suffixes() -> tuple[set[str], set[str]]:
    """Return the exact (non-wildcard) rules of the bundled PSL: (ICANN section, all sections)."""
    icann: set[str] = set()
    every: set[str] = set()
    in_icann = False
    for line in PSL.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if "===BEGIN ICANN DOMAINS===" in line:
            in_icann = True
        elif "===END ICANN DOMAINS===" in line:
            in_icann = False
        if not line or line.startswith(("//", "*", "!")):
            continue
        rule = line.encode("idna").decode("ascii") if not line.isascii() else line
        every.add(rule)
        if in_icann:
            icann.add(rule)
    return icann, every


def test_one_file_per_category_named_by_its_id() -> None:
    ids = vocabulary_ids()
    files = load_all()
    assert set(files) == ids - {"unknown"}
    for stem, doc in files.items():
        assert doc.category == stem, f"{stem}.yaml declares category {doc.category!r}"


def test_country_no_is_not_read_as_a_boolean() -> None:
    # YAML 1.1 turns a bare NO (Norway) into False; strict validation must catch it.
    with pytest.raises(ValidationError):
        DomainEntry.model_validate({"domain": "nrk.no", "name": "NRK", "country": False})


def test_no_domain_is_listed_twice() -> None:
    counts = Counter(e.domain for _, e in all_entries())
    assert [d for d, n in counts.items() if n > 1] == []


def test_size_and_spread() -> None:
    entries = all_entries()
    assert len(entries) >= MIN_ENTRIES
    countries = Counter(e.country for _, e in entries)
    # worldwide, not only US: every region the issue names is represented
    for code in ("GB", "DE", "FR", "CN", "JP", "KR", "IN", "BR", "MX", "RU", "AE", "ZA", "NG"):
        assert countries[code] > 0, code
    assert countries["US"] < len(entries) / 2


def test_cdn_of_points_at_a_listed_domain() -> None:
    listed = {e.domain for _, e in all_entries()}
    for _, entry in all_entries():
        if entry.cdn_of is not None:
            assert entry.cdn_of in listed, f"{entry.domain}: cdn_of {entry.cdn_of} is not listed"
            assert entry.cdn_of != entry.domain


def test_icann_suffix_entries_are_government_namespaces_only() -> None:
    # A suffix such as co.uk would swallow a whole country's sites; the only ICANN suffixes
    # worth listing are namespaces reserved to one government (gc.ca, nic.in, nhs.uk).
    icann, _ = public_suffixes()
    wrong = [(c, e.domain) for c, e in all_entries() if e.domain in icann and c != "government"]
    assert wrong == []


@pytest.mark.parametrize(
    ("host", "category"),
    [
        ("pbs.twimg.com", "social_media"),
        ("i.pinimg.com", "social_media"),
        ("live.staticflickr.com", "creative_community"),
        ("upload.wikimedia.org", "encyclopedia_reference"),
        ("media.gettyimages.com", "stock_media"),
        ("images-wixmp-ed30a86b8c4ca887773594c2.wixmp.com", "creative_community"),
        ("i.redd.it", "forum_qa"),
        ("preview.redd.it", "forum_qa"),
        ("scontent-lhr8-1.cdninstagram.com", "social_media"),
        ("scontent.xx.fbcdn.net", "social_media"),
        ("i.ytimg.com", "social_media"),
        ("cdn.shopify.com", "ecommerce"),
        ("m.media-amazon.com", "ecommerce"),
        ("i.ebayimg.com", "ecommerce"),
        ("ae01.alicdn.com", "ecommerce"),
        ("thumbs.dreamstime.com", "stock_media"),
        ("c8.alamy.com", "stock_media"),
        ("t3.ftcdn.net", "stock_media"),
        ("image.shutterstock.com", "stock_media"),
        ("i.imgur.com", "image_file_hosting"),
        ("libgen.rs", "shadow_library"),
        ("the-eye.eu", "shadow_library"),
        ("annas-archive.org", "shadow_library"),
        ("eur-lex.europa.eu", "government"),
        ("www.who.int", "government"),
        ("arxiv.org", "academic"),
        ("www.si.edu", "glam_archive"),
        ("www.vam.ac.uk", "glam_archive"),
        ("raw.githubusercontent.com", "code_hosting"),
        ("plato.stanford.edu", "encyclopedia_reference"),
        ("auctions.yahoo.co.jp", "ecommerce"),
    ],
)
def test_platform_hosts_resolve_by_most_specific_suffix(host: str, category: str) -> None:
    by_domain = {e.domain: cat for cat, e in all_entries()}
    labels = host.split(".")
    suffixes = (".".join(labels[i:]) for i in range(len(labels)))
    found = next((by_domain[s] for s in suffixes if s in by_domain), None)
    assert found == category, host


def news_top100_sites() -> set[str]:
    """Return every ``website`` of the news top-100 captures (all months, both CSVs)."""
    csv.field_size_limit(2**31 - 1)
    sites: set[str] = set()
    for path in sorted(NEWS_TOP100.glob("*/*.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            for row in csv.DictReader(fh):
                for key, value in row.items():
                    if key and key.lower() == "website" and value and value.strip():
                        sites.add(value.strip().lower())
    return sites


@pytest.mark.skipif(not NEWS_TOP100.is_dir(), reason="../shared/data/robots-news-top100 absent")
def test_every_news_top100_site_is_listed() -> None:
    sites = news_top100_sites()
    assert len(sites) > 100
    _, suffixes = public_suffixes()
    # Two capture rows name a public suffix (com.in, za.com) instead of a site: not sites.
    artefacts = {s for s in sites if s in suffixes}
    assert artefacts <= {"com.in", "za.com"}
    listed = {e.domain: cat for cat, e in all_entries()}
    missing = sorted(s for s in sites - artefacts if s not in listed)
    assert missing == []
    news = sum(1 for s in sites - artefacts if listed[s] == "news_publisher")
    assert news >= 0.9 * len(sites - artefacts)
