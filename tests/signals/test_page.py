# SPDX-License-Identifier: Apache-2.0
"""The page-evidence parser: what a site says about itself, from hostile bytes, never raising."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.signals.page import PLATFORMS, PageEvidence, parse_page

FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

NEWS = b"""<!doctype html><html lang="de"><head>
<meta property="og:type" content="website">
<meta property="og:site_name" content="Rhein-Neckar-Zeitung">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"NewsMediaOrganization","name":"RNZ"},{"@type":["WebSite"],"url":"/"}]}</script>
</head><body></body></html>"""


def test_reads_open_graph_json_ld_graph_and_lists() -> None:
    page = parse_page(NEWS)
    assert page.og_type == "website"
    assert page.site_name == "Rhein-Neckar-Zeitung"
    assert page.schema_types == ("NewsMediaOrganization", "WebSite")
    assert not page.empty


def test_reads_microdata_rdfa_generator_and_platforms() -> None:
    body = b"""<html><head><meta name="generator" content="WordPress 6.4.2">
    <meta name="generator" content="WooCommerce 8.1"><link href="/wp-content/themes/x.css">
    </head><body itemscope itemtype="https://schema.org/Store"><div typeof="schema:Product">
    </div></body></html>"""
    page = parse_page(body)
    assert page.generators == ("WordPress 6.4.2", "WooCommerce 8.1")
    assert "wordpress" in page.platforms and "woocommerce" in page.platforms
    assert page.schema_types == ("Store", "Product")


def test_broken_json_ld_still_yields_types_and_counts_a_problem() -> None:
    body = b'<script type="application/ld+json">{"@type": "BlogPosting", oops</script>'
    page = parse_page(body)
    assert page.schema_types == ("BlogPosting",)
    assert page.problems >= 1


def test_page_without_statements_is_empty() -> None:
    assert parse_page(b"<html><body><p>hello</p></body></html>").empty
    assert parse_page(b"") == PageEvidence()


@FAST
@given(st.binary(max_size=3000))
def test_never_raises_on_bytes(body: bytes) -> None:
    page = parse_page(body)
    assert isinstance(page.schema_types, tuple)
    assert set(page.platforms) <= set(PLATFORMS)


_PIECES = st.sampled_from([
    "<script type='application/ld+json'>", "</script>", '{"@type":', '"NewsArticle"', "[", "]",
    "{", "}", '"@graph":', "<meta property=og:type content=", "article>", "<meta name=generator",
    " content='WordPress'>", "itemtype='http://schema.org/", "Museum'", "<!--", "-->", "\x00",
    "<", ">", '"', "'", "\u00e9", "<html", "typeof=\"", "Blog\""])


@FAST
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_never_raises_on_markup_fragments(text: str) -> None:
    page = parse_page(text.encode("utf-8"))
    assert len(page.schema_types) <= 200
    assert all(t.isalpha() for t in page.schema_types)


@FAST
@given(st.integers(min_value=1, max_value=2000))
def test_deep_nesting_is_bounded(depth: int) -> None:
    blob = '{"a":' * depth + '{"@type":"Museum"}' + "}" * depth
    page = parse_page(f'<script type="application/ld+json">{blob}</script>'.encode())
    assert page.schema_types in ((), ("Museum",))


def test_reads_title_publisher_and_service_fingerprints() -> None:
    body = (b'<html><head><title>Ein Artikel &amp; mehr | Rhein-Neckar-Zeitung</title>'
            b'<script src="https://script.ioam.de/iam.js"></script>'
            b'<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
            b'{"@type": "Organization", "name": "RNZ Verlag GmbH"}}</script></head>'
            b'<body><button class="add-to-cart">x</button><div id="comments"></div></body>'
            b'</html>')
    page = parse_page(body)
    assert page.title == "Ein Artikel & mehr | Rhein-Neckar-Zeitung"
    assert page.publisher == "RNZ Verlag GmbH"
    assert {"infonline", "basket", "comments"} <= set(page.platforms)
    assert not parse_page(b"<html><title>Home</title></html>").empty


def test_a_page_that_names_a_platform_is_not_built_on_it() -> None:
    body = (b"<html><head><title>Notes</title></head><body><p>We moved our repository from "
            b"DSpace to EPrints; phpBB and Omeka are next.</p></body></html>")
    assert parse_page(body).platforms == ()


def test_reads_the_description_and_prefers_valid_utf8_over_a_wrong_meta_charset() -> None:
    body = ('<html><head><meta charset="windows-1251"><title>Куб — электронная библиотека'
            '</title><meta name="description" content="Книги по саморазвитию">'
            '</head></html>').encode()
    page = parse_page(body)
    assert page.title == "Куб — электронная библиотека"
    assert page.description == "Книги по саморазвитию"
    latin = '<meta charset="iso-8859-1"><title>Caf\xe9</title>'.encode("latin-1")
    assert parse_page(latin).title == "Café"
