# SPDX-License-Identifier: Apache-2.0
"""Synthetic, deterministic policy histories for the demo's non-news hosts.

Each host gets one profile, chosen by a hash of its name; a profile says, month by month,
what the host's robots.txt, tdmrep.json, ai.txt and home page answered. The demo's personal
blogs get home pages that state what they are (generator, Open Graph, schema.org ``Blog``),
so the demo's categories rest on evidence rather than coming out ``unknown``. Realistic in form
(AI-crawler blocks, TDMRep, noai headers, ai.txt, Content-Signal, Content-Usage, RSL,
4xx/5xx/redirects, policies that appear or are lifted) but invented: the snapshot marks every
such record ``Clearance-Synthetic: true``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = [
    "BASE_ROBOTS",
    "PROFILES",
    "Doc",
    "home_page",
    "synthetic_documents",
    "synthetic_profile",
]

_AI_BLOCK = (
    "User-agent: GPTBot\nDisallow: /\n\nUser-agent: CCBot\nDisallow: /\n\n"
    "User-agent: Google-Extended\nDisallow: /\n\nUser-agent: ClaudeBot\nDisallow: /\n\n"
    "User-agent: PerplexityBot\nDisallow: /\n\n"
)
BASE_ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /search\n"
PROFILES = (
    "open",
    "ai-block-from-2025-08",
    "tdmrep",
    "noai-header",
    "ai-txt",
    "content-signal",
    "content-usage-from-2026-03",
    "robots-404",
    "robots-5xx-spells",
    "redirect-to-www",
    "rsl",
    "ai-block-lifted-2025-09",
)


@dataclass(frozen=True, slots=True)
class Doc:
    """One archived answer: path, status (None: failed capture), body, extra headers."""

    path: str
    status: int | None  # None: failed capture
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "text/plain; charset=utf-8"


def synthetic_profile(host: str) -> str:
    """Return the synthetic policy profile a (non-news) demo host gets, stable per name."""
    digest = hashlib.sha256(host.encode()).digest()
    return PROFILES[int.from_bytes(digest[:4], "big") % len(PROFILES)]


#: How the demo's synthetic personal blogs mark themselves up (one style per host, by hash):
#: the generator meta and assets of the platform, Open Graph, and schema.org JSON-LD, as
#: blogs on these platforms publish them.
_BLOG_STYLES = (
    ('<meta name="generator" content="WordPress 6.5.2">'
     '<link rel="stylesheet" href="/wp-content/themes/twentytwentyfour/style.css">',
     "website", '{"@type": "Blog", "name": "%s", "author": {"@type": "Person"}}'),
    ('<meta name="generator" content="Ghost 5.82">', "website",
     '{"@graph": [{"@type": "WebSite", "name": "%s"}, {"@type": "Blog", "name": "%s"}]}'),
    ('<link rel="stylesheet" href="https://static1.squarespace.com/static/site.css">',
     "website", '{"@type": "Blog", "name": "%s"}'),
    ('<meta name="generator" content="Hugo 0.125.4">', "blog",
     '{"@type": "Blog", "name": "%s", "publisher": {"@type": "Person", "name": "%s"}}'),
)


def _site_name(host: str) -> str:
    head = host.split(".")[0]
    return head[:1].upper() + head[1:]


def home_page(host: str, kind: str | None) -> Doc | None:
    """Return the synthetic home page of a demo host of ``kind`` (``blog``), else None.

    The page says what the site is the way real sites do (generator, ``og:type``,
    ``og:site_name``, schema.org ``Blog``); the scan reads it as page evidence.
    """
    if kind != "blog":
        return None
    name = _site_name(host)
    digest = hashlib.sha256(f"style|{host}".encode()).digest()
    head, og_type, json_ld = _BLOG_STYLES[digest[0] % len(_BLOG_STYLES)]
    ld = json_ld.replace("%s", name)
    body = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{name} | photos and notes</title>{head}"
        f'<meta property="og:type" content="{og_type}">'
        f'<meta property="og:site_name" content="{name}">'
        f'<script type="application/ld+json">{{"@context": "https://schema.org", '
        f"{ld[1:-1]}}}</script></head><body><h1>{name}</h1><p>Photos, notes and the odd "
        f"recipe.</p></body></html>\n"
    )
    return Doc("/", 200, body.encode(), content_type="text/html; charset=utf-8")


def synthetic_documents(host: str, month: str, kind: str | None = None) -> list[Doc]:
    """Return what a synthetic host answered in a month (document path, status, body).

    ``kind`` (``blog``) adds the site's home page with its own statements about itself.
    """
    profile = synthetic_profile(host)
    late = month >= "2025-08"
    robots = BASE_ROBOTS
    docs: list[Doc] = []
    if profile == "ai-block-from-2025-08" and late:
        robots = _AI_BLOCK + BASE_ROBOTS
    elif profile == "ai-block-lifted-2025-09" and month < "2025-09":
        robots = _AI_BLOCK + BASE_ROBOTS
    elif profile == "content-signal":
        robots = (
            "# As a condition of accessing this website, you agree to abide by the "
            "following content signals.\nUser-agent: *\nContent-Signal: search=yes, "
            "ai-train=no, ai-input=no\nAllow: /\n"
        )
    elif profile == "content-usage-from-2026-03" and month >= "2026-03":
        robots = "User-agent: *\nContent-Usage: train-ai=n\nAllow: /\n"
    elif profile == "rsl":
        robots = BASE_ROBOTS + f"License: https://{host}/license.xml\n"
        docs.append(
            Doc(
                "/license.xml",
                200,
                (
                    b'<rsl xmlns="https://rslstandard.org/rsl">\n  <content url="/">\n'
                    b"    <license>\n"
                    b'      <prohibits type="usage">ai-train</prohibits>\n    </license>\n'
                    b"  </content>\n</rsl>\n"
                ),
                content_type="application/rsl+xml",
            )
        )
    if profile == "robots-404":
        docs.append(Doc("/robots.txt", 404, b"<h1>Not Found</h1>", content_type="text/html"))
    elif profile == "robots-5xx-spells" and month in ("2025-04", "2025-05", "2026-04"):
        docs.append(Doc("/robots.txt", 503, b"Service Unavailable"))
    elif profile == "redirect-to-www" and not host.startswith("www."):
        docs.append(Doc("/robots.txt", 301, b"", (("Location", f"https://www.{host}/robots.txt"),)))
    else:
        docs.append(Doc("/robots.txt", 200, robots.encode()))
    if profile == "tdmrep":
        body = (
            b'[{"location": "/", "tdm-reservation": 1, '
            b'"tdm-policy": "https://' + host.encode() + b'/tdm-policy.json"}]'
        )
        docs.append(Doc("/.well-known/tdmrep.json", 200, body, content_type="application/json"))
    else:
        docs.append(Doc("/.well-known/tdmrep.json", 404, b"", content_type="text/html"))
    if profile == "ai-txt":
        docs.append(
            Doc(
                "/ai.txt",
                200,
                b"# Spawning AI\n# Prevent datasets from using the "
                b"following file types\n\nUser-Agent: *\nDisallow: *.jpg\nDisallow: "
                b"*.jpeg\nDisallow: *.png\nDisallow: *.gif\nDisallow: *.webp\n",
            )
        )
    else:
        docs.append(Doc("/ai.txt", 404, b"", content_type="text/html"))
    home = home_page(host, kind)
    if profile == "noai-header":
        docs.append(
            Doc(
                "/",
                200,
                home.body if home is not None else b"",
                (("X-Robots-Tag", "noai, noimageai"),),
                content_type="text/html; charset=utf-8",
            )
        )
    elif home is not None:
        docs.append(home)
    return docs
