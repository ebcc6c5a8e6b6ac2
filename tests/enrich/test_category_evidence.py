# SPDX-License-Identifier: Apache-2.0
"""Categories from a site's own statements and from the user's overrides."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from clearance.enrich.annotate import Categorizer
from clearance.enrich.hosts import split_url_host
from clearance.enrich.overrides import load_category_overrides
from clearance.enrich.page_categories import default_page_rules
from clearance.errors import InputError
from clearance.signals.page import PageEvidence, parse_page


def _table(urls: list[str]) -> pa.Table:
    parts = [split_url_host(u) for u in urls]
    return pa.table({"url": urls, "host": [p.host for p in parts],
                     "registrable_domain": [p.registrable_domain for p in parts]})


@pytest.mark.parametrize(("page", "category"), [
    (PageEvidence(schema_types=("NewsMediaOrganization",)), "news_publisher"),
    (PageEvidence(schema_types=("CollegeOrUniversity", "WebSite")), "academic"),
    (PageEvidence(platforms=("shopify",)), "ecommerce"),
    (PageEvidence(platforms=("phpbb",)), "forum_qa"),
    (PageEvidence(schema_types=("GovernmentOrganization",)), "government"),
    (PageEvidence(site_name="Stadtmuseum Berlin", schema_types=("Museum",)), "glam_archive"),
    (PageEvidence(og_type="video.movie"), "media_entertainment"),
    (PageEvidence(schema_types=("Blog",), platforms=("wordpress",)), "blog_personal"),
])
def test_page_statements_decide(page: PageEvidence, category: str) -> None:
    assert default_page_rules().decide(page).category == category


def test_weak_or_tied_statements_decide_nothing() -> None:
    assert default_page_rules().decide(PageEvidence(platforms=("wordpress",))).category is None
    assert default_page_rules().decide(PageEvidence(og_type="website")).category is None


def test_no_evidence_is_unknown_and_page_evidence_decides() -> None:
    urls = ["https://quietlens-example.com/a/b", "https://zeitung-x.example/a"]
    plain = Categorizer()(_table(urls[:1]))
    assert plain["category"].to_pylist() == ["unknown"]
    assert plain["category_confidence"].to_pylist() == [0.0]
    pages = {"quietlens-example.com": parse_page(
        b'<meta name="generator" content="Blogger"><script type="application/ld+json">'
        b'{"@type":"Blog"}</script>')}
    got = Categorizer(pages=pages)(_table(urls[:1]))
    assert got["category"].to_pylist() == ["blog_personal"]
    assert got["category_reason"][0].as_py().startswith("page:")
    assert got["category_confidence"][0].as_py() > 0.6


def test_overrides_win_over_everything(tmp_path: Path) -> None:
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text("domain,category,note\nbbc.co.uk,corporate_other,test\n"
                        "https://www.example.org/blog/,blog_personal,\n"
                        "example.org,ecommerce,\n", encoding="utf-8")
    overrides = load_category_overrides(csv_file)
    urls = ["https://news.bbc.co.uk/x", "https://example.org/blog/post",
            "https://shop.example.org/p/1", "https://www.ox.ac.uk/"]
    got = Categorizer(overrides=overrides)(_table(urls))
    assert got["category"].to_pylist() == [
        "corporate_other", "blog_personal", "ecommerce", "academic"]
    reasons = got["category_reason"].to_pylist()
    assert reasons[0] == "override:mine.csv:bbc.co.uk"
    assert reasons[1] == "override:mine.csv:example.org/blog/"
    assert got["category_confidence"].to_pylist()[:3] == [1.0, 1.0, 1.0]


def test_yaml_overrides_and_errors_name_file_and_row(tmp_path: Path) -> None:
    good = tmp_path / "c.yaml"
    good.write_text("example.com: stock_media\nexample.net/media/: stock_media\n", "utf-8")
    loaded = load_category_overrides(good)
    assert loaded.for_host("img.example.com") is not None
    assert loaded.for_url("http://www.example.net/media/1.jpg") is not None
    bad = tmp_path / "bad.csv"
    bad.write_text("domain,category\nexample.com,newz\n", "utf-8")
    with pytest.raises(InputError, match=r"bad\.csv: row 2: unknown category 'newz'"):
        load_category_overrides(bad)
    clash = tmp_path / "clash.yaml"
    clash.write_text("- {domain: a.com, category: adult}\n- {domain: a.com, category: academic}\n",
                     "utf-8")
    with pytest.raises(InputError, match="entry 2"):
        load_category_overrides(clash)
    with pytest.raises(InputError, match="cannot read"):
        load_category_overrides(tmp_path / "missing.csv")


@pytest.mark.parametrize(("page", "category"), [
    (PageEvidence(site_name="Hundesportverein Querfurt e.V."), "corporate_other"),
    (PageEvidence(title="Ein Beitrag – Mein Fashionblog aus Köln", platforms=("wordpress",)),
     "blog_personal"),
    (PageEvidence(site_name="Bundesministerium der Justiz"), "government"),
    (PageEvidence(title="Startseite | Hertie School"), "academic"),
    (PageEvidence(og_type="article", platforms=("infonline", "chartbeat")), "news_publisher"),
    (PageEvidence(generators=("Government Site Builder",),
                  platforms=("government-site-builder",)), "government"),
])
def test_name_words_and_publisher_services_decide(page: PageEvidence, category: str) -> None:
    assert default_page_rules().decide(page).category == category


def test_a_headline_word_in_the_title_does_not_count() -> None:
    # only the title's last segment names the site; "News" is this page's section
    decided = default_page_rules().decide(PageEvidence(title="News - Site Update - Love Hina"))
    assert decided.category is None


def test_a_path_rule_must_outweigh_the_site_statement() -> None:
    # the site names itself a federation (2.5); a /news/ path (2.0) does not outweigh that
    pages = {"wienbadminton-example.at": PageEvidence(site_name="Wiener Badminton Verband")}
    got = Categorizer(pages=pages)(_table(["https://wienbadminton-example.at/news/1"]))
    assert got["category"].to_pylist() == ["corporate_other"]


def test_open_graph_business_type_is_a_business() -> None:
    decided = default_page_rules().decide(PageEvidence(og_type="business.business"))
    assert decided.category == "corporate_other"


def test_a_generic_platform_alone_decides_nothing_even_with_host_evidence() -> None:
    """A corporate home page on WordPress is not a blog: WordPress alone (or a comment form
    alone) neither decides on the page nor tips the weaker host-evidence threshold."""
    alone = PageEvidence(og_type="website", platforms=("wordpress",), title="Trioplast")
    assert default_page_rules().decide(alone).category is None
    assert _categorised("https://trioplast-example.com/", alone) == "unknown"
    both = PageEvidence(platforms=("wordpress", "comments"), schema_types=("Person",))
    assert default_page_rules().decide(both).category == "blog_personal"


@pytest.mark.parametrize(("page", "category"), [
    (PageEvidence(title="Интернет-магазин Fozzy", description="Тысячи товаров по низким ценам"),
     "ecommerce"),
    (PageEvidence(title="Kleinanzeigen - gebraucht kaufen und verkaufen"), "ecommerce"),
    (PageEvidence(title="Forum Famili", description="Envie de bébé | Grossesse | forum"),
     "forum_qa"),
    (PageEvidence(title="БЕЛОРУССКИЕ НОВОСТИ", description="последние новости, газета"),
     "news_publisher"),
])
def test_the_sites_own_description_counts(page: PageEvidence, category: str) -> None:
    assert _categorised("https://site-example.net/", page) == category


def _categorised(url: str, page: PageEvidence) -> str:
    part = split_url_host(url)
    assert part.host is not None
    table = pa.table({"url": [url], "host": [part.host],
                      "registrable_domain": [part.registrable_domain]})
    return str(Categorizer(pages={part.host: page})(table)["category"][0])
