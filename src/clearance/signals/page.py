# SPDX-License-Identifier: Apache-2.0
"""What a site says about itself on a page: Open Graph, schema.org types, generator, platform.

:func:`parse_page` reads one HTML capture (bytes; it never fetches) and returns a
:class:`PageEvidence`: ``og:type`` and ``og:site_name``, the schema.org types the page declares
(JSON-LD ``@type`` anywhere in the document, ``@graph`` included; microdata ``itemtype``;
RDFa ``typeof``), the ``<title>``, the name of the publisher a JSON-LD block states, the
``<meta name="generator">`` values, and the platforms recognised from their fingerprints:
content-management and shop systems (asset paths, script names, generator strings), the
audience-measurement and recommendation services publishers embed (INFOnline, Chartbeat,
Parse.ly, Outbrain, ...), a shopping basket, and blog-style comment forms.
These are facts about the page; which source category they point to is decided in
``clearance.enrich.page_categories``. Everything is read with bounded scans over at most
:data:`~clearance.signals.html.MAX_HTML_BYTES`; hostile input never raises, it lowers the
count of what could be read (``problems``).
"""

from __future__ import annotations

import codecs
import html
import json
import re
from dataclasses import dataclass

from clearance.signals.html import MAX_HTML_BYTES, decode_html, parse_html

__all__ = ["PLATFORMS", "PageEvidence", "parse_page"]

_JSON_LD = re.compile(
    r"""<script\b[^>]{0,300}?type\s*=\s*["']?application/ld\+json["']?[^>]{0,300}>(.{0,200000}?)"""
    r"""</script""",
    re.IGNORECASE | re.DOTALL,
)
_ITEMTYPE = re.compile(
    r"""\b(?:itemtype|typeof|vocab)\s*=\s*["']\s*(?:https?://)?(?:www\.)?schema\.org/?([A-Za-z]{2,60})""",
    re.IGNORECASE,
)
_TYPEOF = re.compile(r"""\btypeof\s*=\s*["'](?:schema:)?([A-Z][A-Za-z]{1,60})["']""")
_TYPE_NAME = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:schema\.org/|schema:)?([A-Za-z][A-Za-z]{1,60})$"
)
_TITLE = re.compile(r"<title\b[^>]{0,200}>([^<]{0,500})</title", re.IGNORECASE)
_ORG_NAME = re.compile(
    r'"(?:publisher|author|creator|provider|sourceOrganization)"\s*:\s*\{[^{}]{0,300}?'
    r'"name"\s*:\s*"([^"]{1,120})"'
)
_MAX_JSON_BLOCKS = 50
_MAX_TYPES = 200

#: Platform id -> fingerprints (lower-case substrings of the page or of its generator meta).
#: Only fingerprints that the platform's own assets or markup carry (asset paths, class and
#: script names, generator strings), never the platform's bare name: a blog post that mentions
#: DSpace or phpBB is neither.
PLATFORMS: dict[str, tuple[str, ...]] = {
    "wordpress": ("/wp-content/", "/wp-includes/", "generator:wordpress"),
    "woocommerce": ("woocommerce-", "generator:woocommerce", "wc-block"),
    "shopify": ("cdn.shopify.com", "shopify.theme", "generator:shopify"),
    "magento": ("mage/cookies", "data-mage-init", "/static/frontend/", "generator:magento"),
    "prestashop": ("generator:prestashop", "prestashop = ", "var prestashop"),
    "shopware": ("generator:shopware", "/bundles/storefront/", "/themes/frontend/"),
    "bigcommerce": ("cdn11.bigcommerce.com", "generator:bigcommerce"),
    "salesforce-commerce": ("demandware.static", "/on/demandware.store/"),
    "opencart": ("catalog/view/theme/", "index.php?route=product/", "generator:opencart"),
    "oxid": ("generator:oxid", "oxid esales"),
    "wix": ("static.wixstatic.com", "generator:wix.com"),
    "squarespace": ("static1.squarespace.com", "generator:squarespace"),
    "jimdo": ("jimdo.com", "jimdosite.com", "generator:jimdo"),
    "blogger": ("www.blogger.com/static", "generator:blogger", "blogger.com/feeds"),
    "ghost": ("generator:ghost",),
    "substack": ("substackcdn.com",),
    "tumblr": ("assets.tumblr.com", "generator:tumblr"),
    "hugo": ("generator:hugo",),
    "jekyll": ("generator:jekyll",),
    "discourse": ("generator:discourse",),
    "phpbb": ("generator:phpbb", "viewtopic.php?", "/styles/prosilver/", "phpbb_"),
    "vbulletin": ("generator:vbulletin", "vbulletin_"),
    "xenforo": ("generator:xenforo", "data-xf-init", "/js/xf/"),
    "mybb": ("generator:mybb", "mybb.com"),
    "invision": ("generator:invision", "invisioncommunity.com", "ipsapp"),
    "smf": ("generator:simple machines", "simple machines forum", "smf_scripturl"),
    "flarum": ("generator:flarum", "flarum.core"),
    "mediawiki": ("generator:mediawiki", "/load.php?lang=", "mw-content-text"),
    "dspace": ("generator:dspace", "/bitstream/handle/", "/themes/mirage", "ds-app"),
    "eprints": ("generator:eprints", "/style/auto.css", "ep_tm_"),
    "ojs": ("generator:open journal systems", "pkp_structure", "/index.php/index/"),
    "omeka": ("generator:omeka", "/application/asset/", "/plugins/omeka"),
    "islandora": ("/modules/contrib/islandora", "islandora_"),
    "contentdm": ("/digital/collection/", "cdm-"),
    "newspack": ("newspack-", "/newspack/"),
    "arc-publishing": ("fusion-metadata", "/pf/dist/", "arcpublishing"),
    "drupal": ("generator:drupal", "/sites/default/files/", "drupal-settings-json"),
    "joomla": ("generator:joomla",),
    "typo3": ("generator:typo3", "typo3temp/", "typo3conf/"),
    "government-site-builder": ("generator:government site builder",),
    # audience measurement and recommendation services publishers embed (not shops or blogs)
    "infonline": ("script.ioam.de", "iomm.ioam.de", "iam.js", "ivw.js", "de.ioam.de"),
    "chartbeat": ("static.chartbeat.com", "chartbeat.js"),
    "parsely": ("cdn.parsely.com", "parsely-page", "d1z2jf7jlzjs58.cloudfront.net"),
    "outbrain": ("widgets.outbrain.com", "outbrainjs"),
    "taboola": ("cdn.taboola.com",),
    "piano": ("cdn.tinypass.com", "experience.piano.io"),
    "dpa-credit": ("(dpa)", "foto: dpa", "copyright dpa", "dpa-infocom"),
    # a shopping basket: the one thing every shop has and other sites do not
    "basket": ("add-to-cart", "addtocart", "in den warenkorb", "warenkorb anzeigen",
               "ajouter au panier", "add to basket", "/checkout/cart", "minicart",
               "mini-cart", "/warenkorb"),
    # comments under posts, as blog engines render them
    "comments": ("id=\"respond\"", "comment-reply-link", "id=\"comments\"", "commentform",
                 "schreibe einen kommentar", "leave a reply", "laisser un commentaire"),
}


@dataclass(frozen=True, slots=True)
class PageEvidence:
    """The site's own statements on one page (empty tuples when it makes none)."""

    og_type: str | None = None
    site_name: str | None = None
    title: str | None = None
    description: str | None = None  # how the site describes itself (meta / og:description)
    publisher: str | None = None
    schema_types: tuple[str, ...] = ()
    generators: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    problems: int = 0
    source: str | None = None  # where the page came from, as a reason should cite it

    @property
    def empty(self) -> bool:
        """Return True when the page states nothing this module reads."""
        return not (
            self.og_type or self.site_name or self.schema_types or self.platforms or self.title
            or self.publisher
        )


def _types_in(value: object, found: list[str], depth: int = 0) -> None:
    """Collect ``@type`` values of a JSON-LD value, walking nested objects and lists."""
    if depth > 12 or len(found) >= _MAX_TYPES:
        return
    if isinstance(value, dict):
        kind = value.get("@type")
        for one in kind if isinstance(kind, list) else [kind]:
            if isinstance(one, str):
                m = _TYPE_NAME.match(one.strip())
                if m:
                    found.append(m.group(1))
        for key, inner in value.items():
            if key != "@type" and isinstance(inner, dict | list):
                _types_in(inner, found, depth + 1)
    elif isinstance(value, list):
        for inner in value[:200]:
            _types_in(inner, found, depth + 1)


def _json_ld_types(text: str) -> tuple[list[str], int]:
    found: list[str] = []
    problems = 0
    for n, m in enumerate(_JSON_LD.finditer(text)):
        if n >= _MAX_JSON_BLOCKS:
            problems += 1
            break
        raw = m.group(1).strip().removeprefix("<!--").removesuffix("-->").strip()
        raw = raw.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            problems += 1
            found += [t.group(1) for t in re.finditer(r'"@type"\s*:\s*"([A-Za-z]{2,60})"', raw)]
            continue
        _types_in(data, found)
    return found, problems


def _clean(value: str) -> str | None:
    text = " ".join(html.unescape(value).split())[:300]
    return text or None


def _valid_utf8(body: bytes) -> bool:
    """Return True when ``body`` has non-ASCII bytes and all of them form valid UTF-8 (a cut
    at the end of the window is allowed): such bytes are UTF-8, whatever a page declares."""
    if body.isascii():
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


def parse_page(body: bytes, *, charset: str | None = None) -> PageEvidence:
    """Return what an HTML page states about its site; never raises on any bytes."""
    if charset is None and _valid_utf8(body[:MAX_HTML_BYTES]):
        charset = "utf-8"  # valid UTF-8 with non-ASCII bytes is UTF-8, whatever <meta> says
    doc = parse_html(body, charset=charset)
    text, _ = decode_html(body[:MAX_HTML_BYTES], charset)
    og_type = site_name = description = og_description = None
    generators: list[str] = []
    for attr, key, content in doc.metas:
        value = " ".join(content.split())[:200]
        if not value:
            continue
        if key == "og:type" and og_type is None:
            og_type = value.lower()
        elif key in ("og:site_name", "application-name") and site_name is None:
            site_name = value
        elif attr == "name" and key == "generator":
            generators.append(value)
        elif key == "description" and description is None:
            description = value
        elif key == "og:description" and og_description is None:
            og_description = value
    types, problems = _json_ld_types(text)
    types += [m.group(1) for m in _ITEMTYPE.finditer(text, 0, len(text))][:_MAX_TYPES]
    types += [m.group(1) for m in _TYPEOF.finditer(text)][:_MAX_TYPES]
    lowered = text[:MAX_HTML_BYTES].lower()
    probe = lowered + "\n" + "\n".join(f"generator:{g.lower()}" for g in generators)
    platforms = tuple(
        name for name, marks in PLATFORMS.items() if any(mark in probe for mark in marks)
    )
    title = _TITLE.search(text, 0, min(len(text), 400_000))
    publisher = _ORG_NAME.search(text, 0, min(len(text), MAX_HTML_BYTES))
    return PageEvidence(
        og_type=og_type,
        site_name=site_name,
        title=_clean(title.group(1)) if title else None,
        description=_clean(description or og_description or ""),
        publisher=_clean(publisher.group(1)) if publisher else None,
        schema_types=tuple(dict.fromkeys(types))[:_MAX_TYPES],
        generators=tuple(dict.fromkeys(generators))[:20],
        platforms=platforms,
        problems=doc.problems + problems,
    )
