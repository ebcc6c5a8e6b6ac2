# SPDX-License-Identifier: Apache-2.0
"""A deterministic, realistic manifest of a start-up's scraped image training set.

"Acme AI" scraped social media, news sites, artist portfolios, stock-photo previews,
Wikimedia and Flickr, public-domain archives, blogs and shops, picked up a few covers from a
shadow library, licensed one collection, and generated a synthetic one. URLs follow the real
platforms' shapes; the news portion sits on the real top-100 news sites; licence strings are
as messy as in the wild. Column names are the foreign ones clearance must recognise (``key``,
``url``, ``caption``, ``license``, ``crawl_date``, ...). Generation is vectorised (Polars), so
10M rows take seconds; the same seed gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

__all__ = ["SEGMENTS", "Segment", "demo_hosts", "generate_manifest", "news_sites", "write_manifest"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One source of the scrape: URL template(s), share of rows, and its metadata habits."""

    name: str
    share: float
    hosts: tuple[str, ...]
    template: str  # placeholders: {host} {a} {b} {c} {slug} {user} {y} {m} {d} {hex}
    licenses: tuple[tuple[str | None, float], ...] = ((None, 1.0),)
    channel: str = "provider_crawl"
    dataset: str = "acme-web-images"
    creators: bool = False
    personal_share: float = 0.0  # share of rows flagged personal_data=true
    screened: bool = False  # the source documents that it holds no personal data (false)
    url: bool = True  # False: a local path (file_path), no URL


_NONE = ((None, 0.85), ("?", 0.15))
SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "twitter",
        0.08,
        ("pbs.twimg.com",),
        "https://{host}/media/{hex12}.jpg",
        _NONE,
        personal_share=0.3,
    ),
    Segment(
        "pinterest",
        0.06,
        ("i.pinimg.com",),
        "https://{host}/originals/{h2}/{h2b}/{h2c}/{hex32}.jpg",
        _NONE,
    ),
    Segment(
        "instagram",
        0.03,
        ("scontent-lhr8-1.cdninstagram.com", "scontent.cdninstagram.com"),
        "https://{host}/v/t51.2885-15/{a}_{b}_n.jpg",
        _NONE,
        personal_share=0.6,
    ),
    Segment("reddit", 0.03, ("i.redd.it", "preview.redd.it"), "https://{host}/{hex13}.jpg", _NONE),
    Segment(
        "tumblr",
        0.02,
        ("64.media.tumblr.com",),
        "https://{host}/{hex32}/tumblr_{hex12}_1280.jpg",
        _NONE,
    ),
    Segment(
        "news",
        0.14,
        (),
        "https://{host}/{y}/{m}/{d}/{section}/{slug}.html",
        ((None, 0.8), ("All rights reserved", 0.1), ("© {y} the publisher", 0.1)),
    ),
    Segment(
        "deviantart",
        0.05,
        ("images-wixmp-ed30a86b8c4ca887773594c2.wixmp.com",),
        "https://{host}/f/{uuid}/{d7}-{slug}-fullview.jpg",
        (
            (None, 0.4),
            ("All Rights Reserved", 0.35),
            ("CC BY-NC-ND 3.0", 0.15),
            ("Attribution-NonCommercial-NoDerivs 3.0 Unported", 0.1),
        ),
        creators=True,
    ),
    Segment(
        "artstation",
        0.05,
        ("cdna.artstation.com", "cdnb.artstation.com"),
        "https://{host}/p/assets/images/images/0{a3}/{b3}/{c3}/large/{user}-{slug}.jpg",
        ((None, 0.6), ("All rights reserved", 0.3), ("© {user}", 0.1)),
        creators=True,
    ),
    Segment(
        "behance",
        0.02,
        ("mir-s3-cdn-cf.behance.net",),
        "https://{host}/project_modules/1400/{hex6}{a}.jpg",
        (
            (None, 0.5),
            ("All Rights Reserved", 0.3),
            ("Creative Commons Attribution-NonCommercial 4.0", 0.2),
        ),
        creators=True,
    ),
    Segment(
        "pixiv",
        0.02,
        ("i.pximg.net",),
        "https://{host}/img-original/img/{y}/{m}/{d}/{hh}/{mm}/{ss}/{a}_p0.png",
        ((None, 1.0),),
        creators=True,
    ),
    Segment(
        "getty",
        0.03,
        ("media.gettyimages.com",),
        "https://{host}/id/{a}/photo/{slug}.jpg?s=612x612&w=gi&k=20&c={hex12}",
        (("© Getty Images", 0.6), ("Rights-managed", 0.2), (None, 0.2)),
    ),
    Segment(
        "shutterstock",
        0.03,
        ("image.shutterstock.com", "www.shutterstock.com"),
        "https://{host}/image-photo/{slug}-600w-{a}.jpg",
        (("Royalty-free (Standard License)", 0.5), (None, 0.5)),
    ),
    Segment(
        "adobe_stock",
        0.02,
        ("t3.ftcdn.net", "t4.ftcdn.net"),
        "https://{host}/jpg/0{a1}/{b2}/{c2}/{d2}/360_F_{a}_{hex12}.jpg",
        ((None, 1.0),),
    ),
    Segment(
        "alamy",
        0.02,
        ("c8.alamy.com",),
        "https://{host}/comp/{HEX7}/{slug}-{HEX7}.jpg",
        (("Editorial use only", 0.3), (None, 0.7)),
    ),
    Segment(
        "dreamstime",
        0.01,
        ("thumbs.dreamstime.com",),
        "https://{host}/b/{slug}-{a}.jpg",
        ((None, 1.0),),
    ),
    Segment(
        "123rf",
        0.01,
        ("previews.123rf.com",),
        "https://{host}/images/{user}/{user}2101/{user}210100{a3}/{a}-{slug}.jpg",
        (("Royalty Free", 0.5), (None, 0.5)),
    ),
    Segment(
        "wikimedia",
        0.07,
        ("upload.wikimedia.org",),
        "https://{host}/wikipedia/commons/thumb/{h1}/{h1}{h1b}/{Slug}.jpg/800px-{Slug}.jpg",
        (
            ("CC BY-SA 4.0", 0.3),
            ("cc-by-sa-3.0", 0.15),
            ("Public domain", 0.15),
            ("CC0", 0.1),
            ("https://creativecommons.org/licenses/by/2.0", 0.1),
            ("GFDL", 0.05),
            ("Creative Commons Attribution-Share Alike 2.5 Generic", 0.15),
        ),
        creators=True,
    ),
    Segment(
        "flickr",
        0.05,
        ("live.staticflickr.com", "farm66.staticflickr.com"),
        "https://{host}/65535/{a}_{hex10}_b.jpg",
        (
            ("http://creativecommons.org/licenses/by-nc-sa/2.0/", 0.25),
            ("https://creativecommons.org/licenses/by/2.0/", 0.2),
            ("http://creativecommons.org/licenses/by-nd/2.0/", 0.1),
            ("All Rights Reserved", 0.3),
            ("No known copyright restrictions", 0.15),
        ),
        creators=True,
    ),
    Segment(
        "met",
        0.02,
        ("images.metmuseum.org",),
        "https://{host}/CRDImages/ep/original/DT{a4}.jpg",
        (("Public Domain", 0.7), ("CC0 1.0", 0.3)),
        channel="public_dataset",
        dataset="met-open-access",
        screened=True,
    ),
    Segment(
        "loc",
        0.02,
        ("tile.loc.gov",),
        "https://{host}/storage-services/service/pnp/ppmsca/{a5}/{a5}v.jpg",
        (("No known restrictions on publication", 0.8), ("public domain", 0.2)),
        channel="public_dataset",
        dataset="loc-free-to-use",
        screened=True,
    ),
    Segment(
        "internet_archive",
        0.02,
        ("archive.org", "ia800300.us.archive.org"),
        "https://{host}/download/{slug}{a3}/{slug}.jpg",
        (("Public Domain Mark 1.0", 0.5), (None, 0.5)),
    ),
    Segment(
        "nga",
        0.01,
        ("api.nga.gov",),
        "https://{host}/iiif/{uuid}/full/!800,800/0/default.jpg",
        (("CC0", 1.0),),
        channel="public_dataset",
        dataset="nga-open-access",
        screened=True,
    ),
    Segment(
        "smithsonian",
        0.01,
        ("ids.si.edu",),
        "https://{host}/ids/deliveryService?id=NMNH-{a}",
        (("CC0", 0.8), ("Usage conditions apply", 0.2)),
    ),
    Segment(
        "blogs",
        0.08,
        (),
        "https://{host}/wp-content/uploads/{y}/{m}/{slug}.jpg",
        ((None, 0.7), ("Copyright © {y}", 0.2), ("CC BY 4.0", 0.1)),
        creators=True,
    ),
    Segment(
        "amazon",
        0.02,
        ("m.media-amazon.com",),
        "https://{host}/images/I/{hex11}._AC_SL1500_.jpg",
        ((None, 1.0),),
    ),
    Segment(
        "ebay",
        0.01,
        ("i.ebayimg.com",),
        "https://{host}/images/g/{hex16}/s-l1600.jpg",
        ((None, 1.0),),
    ),
    Segment(
        "shopify",
        0.01,
        ("cdn.shopify.com",),
        "https://{host}/s/files/1/0{a3}/{a4}/products/{slug}.jpg",
        ((None, 1.0),),
    ),
    Segment(
        "shadow_library",
        0.01,
        ("libgen.is", "library.lol"),
        "https://{host}/covers/{a3}000/{hex32}-g.jpg",
        ((None, 1.0),),
    ),
    Segment(
        "licensed",
        0.03,
        (),
        "s3://acme-licensed/stock-partner-2025/{a}.jpg",
        (("Licensed: Acme / stock partner data licence 2025", 1.0),),
        channel="licensed",
        dataset="stock-partner-licensed",
        screened=True,
        url=False,
    ),
    Segment(
        "synthetic",
        0.02,
        (),
        "synthetic/sdxl/batch-{a1}/{a}.png",
        (("CreativeML Open RAIL++-M (model output)", 1.0),),
        channel="synthetic",
        dataset="acme-synthetic",
        screened=True,
        url=False,
    ),
)

_WORDS = (
    "sunset city portrait river mountain forest cat dog street market festival harbor "
    "bridge garden winter summer abstract vintage family wedding beach night coffee "
    "robot dragon castle ocean flower bird train skyline neon desert snow village "
    "lighthouse studio concept character landscape fantasy"
).split()
_SECTIONS = (
    "world politics business sport culture science technology health opinion travel"
).split()
_BLOG_HOSTS = (
    tuple(
        f"{a}{b}.{tld}"
        for a, b, tld in (
            ("bluefern", "studio", "com"),
            ("little", "kitchenstories", "com"),
            ("north", "trails", "net"),
            ("urban", "sketchers", "org"),
            ("quiet", "lens", "co.uk"),
            ("atelier", "marin", "fr"),
            ("kaffee", "undkuchen", "de"),
            ("viaggi", "lenti", "it"),
            ("fotos", "delsur", "es"),
            ("tokyo", "snaps", "jp"),
            ("maple", "leafdiaries", "ca"),
            ("outback", "notes", "com.au"),
        )
    )
    + tuple(f"photoblog{i}.wordpress.com" for i in range(1, 9))
    + tuple(f"travelnotes{i}.blogspot.com" for i in range(1, 5))
)


def news_sites() -> list[str]:
    """Return the 100 real news domains the news portion is spread over (rank order)."""
    text = resources.files("clearance").joinpath("data/demo/news_sites.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _news_hosts() -> tuple[str, ...]:
    return tuple(f"www.{site}" for site in news_sites())


def demo_hosts() -> dict[str, list[str]]:
    """Return the demo's URL hosts per segment (news and blog hosts included)."""
    out: dict[str, list[str]] = {}
    for seg in SEGMENTS:
        if not seg.url:
            continue
        hosts = (
            _news_hosts()
            if seg.name == "news"
            else _BLOG_HOSTS
            if seg.name == "blogs"
            else seg.hosts
        )
        out[seg.name] = list(hosts)
    return out


def _hex(rng: np.random.Generator, n: int, width: int, upper: bool = False) -> pl.Series:
    table = np.frombuffer(b"0123456789ABCDEF" if upper else b"0123456789abcdef", dtype=np.uint8)
    digits = rng.integers(0, 16, size=(n, width), dtype=np.uint8)
    chars = table[digits]
    return pl.Series(chars.view(f"S{width}").ravel()).cast(pl.String)


def _choice(
    rng: np.random.Generator, options: Sequence[str], n: int, zipf: bool = False
) -> pl.Series:
    if zipf:
        weights = 1.0 / np.arange(1, len(options) + 1) ** 0.9
        idx = rng.choice(len(options), size=n, p=weights / weights.sum())
    else:
        idx = rng.integers(0, len(options), size=n)
    return pl.Series(idx).replace_strict(dict(enumerate(options)), return_dtype=pl.String)


def _segment_frame(seg: Segment, n: int, rng: np.random.Generator) -> pl.DataFrame:
    hosts = (
        _news_hosts() if seg.name == "news" else _BLOG_HOSTS if seg.name == "blogs" else seg.hosts
    )
    w1, w2 = _choice(rng, _WORDS, n), _choice(rng, _WORDS, n)
    users = pl.Series(
        [
            f"{w}{k}"
            for w, k in zip(
                _choice(rng, _WORDS, n).to_list(), rng.integers(1, 999, n), strict=False
            )
        ]
    )
    start = datetime(2025, 2, 1, tzinfo=UTC).timestamp()
    end = datetime(2026, 6, 30, tzinfo=UTC).timestamp()
    when = rng.uniform(start, end, n)
    dates = pl.Series((when * 1e6).astype(np.int64)).cast(pl.Datetime("us", "UTC"))
    fields = {
        "host": _choice(rng, hosts, n, zipf=seg.name == "news")
        if hosts
        else pl.repeat("", n, eager=True),
        "a": pl.Series(rng.integers(10**7, 10**9, n)).cast(pl.String),
        "b": pl.Series(rng.integers(10**14, 10**15, n)).cast(pl.String),
        "a1": pl.Series(rng.integers(1, 9, n)).cast(pl.String),
        "a3": pl.Series(rng.integers(100, 999, n)).cast(pl.String),
        "a4": pl.Series(rng.integers(1000, 9999, n)).cast(pl.String),
        "a5": pl.Series(rng.integers(10000, 99999, n)).cast(pl.String),
        "b2": pl.Series(rng.integers(10, 99, n)).cast(pl.String),
        "b3": pl.Series(rng.integers(100, 999, n)).cast(pl.String),
        "c2": pl.Series(rng.integers(10, 99, n)).cast(pl.String),
        "c3": pl.Series(rng.integers(100, 999, n)).cast(pl.String),
        "d2": pl.Series(rng.integers(10, 99, n)).cast(pl.String),
        "d7": pl.Series(rng.integers(10**6, 10**7, n)).cast(pl.String),
        "slug": w1 + "-" + w2 + "-" + pl.Series(rng.integers(1, 99999, n)).cast(pl.String),
        "Slug": w1.str.to_titlecase()
        + "_"
        + w2
        + "_"
        + pl.Series(rng.integers(1, 9999, n)).cast(pl.String),
        "user": users,
        "section": _choice(rng, _SECTIONS, n),
        "hex6": _hex(rng, n, 6),
        "hex10": _hex(rng, n, 10),
        "hex11": _hex(rng, n, 11),
        "hex12": _hex(rng, n, 12),
        "hex13": _hex(rng, n, 13),
        "hex32": _hex(rng, n, 32),
        "HEX7": _hex(rng, n, 7, upper=True),
        "h1": _hex(rng, n, 1),
        "h1b": _hex(rng, n, 1),
        "hex16": _hex(rng, n, 16),
        "h2": _hex(rng, n, 2),
        "h2b": _hex(rng, n, 2),
        "h2c": _hex(rng, n, 2),
        "uuid": _hex(rng, n, 8)
        + "-"
        + _hex(rng, n, 4)
        + "-"
        + _hex(rng, n, 4)
        + "-"
        + _hex(rng, n, 4)
        + "-"
        + _hex(rng, n, 12),
        "y": dates.dt.year().cast(pl.String),
        "m": dates.dt.month().cast(pl.String).str.zfill(2),
        "d": dates.dt.day().cast(pl.String).str.zfill(2),
        "hh": pl.Series(rng.integers(10, 23, n)).cast(pl.String),
        "mm": pl.Series(rng.integers(10, 59, n)).cast(pl.String),
        "ss": pl.Series(rng.integers(10, 59, n)).cast(pl.String),
    }
    frame = pl.DataFrame(fields)
    template = seg.template
    names = []
    pieces = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        pieces.append(before)
        names.append(name)
    pieces.append(rest)
    fmt = "{}".join(p.replace("{", "").replace("}", "") for p in pieces)
    location = frame.select(pl.format(fmt, *[pl.col(c) for c in names]).alias("x"))["x"]
    probs = np.array([p for _, p in seg.licenses], dtype=float)
    pick = rng.choice(len(seg.licenses), size=n, p=probs / probs.sum())
    license_col = pl.Series(pick).replace_strict(
        {i: lic for i, (lic, _) in enumerate(seg.licenses)}, return_dtype=pl.String
    )
    license_col = pl.DataFrame({"l": license_col, "y": fields["y"], "u": users}).select(
        pl.col("l")
        .str.replace("{y}", pl.col("y"), literal=True)
        .str.replace("{user}", pl.col("u"), literal=True)
    )["l"]
    known_date = rng.random(n) < 0.93
    personal = pl.Series(rng.random(n) < seg.personal_share)
    return pl.DataFrame(
        {
            "url": location if seg.url else pl.repeat(None, n, dtype=pl.String, eager=True),
            "file_path": pl.repeat(None, n, dtype=pl.String, eager=True) if seg.url else location,
            "caption": w1 + " " + w2,
            "license": license_col,
            "author": users if seg.creators else pl.repeat(None, n, dtype=pl.String, eager=True),
            "crawl_date": pl.Series(np.where(known_date, (when * 1e6).astype(np.int64), 0))
            .cast(pl.Datetime("us", "UTC"))
            .dt.strftime("%Y-%m-%dT%H:%M:%SZ")
            .zip_with(pl.Series(known_date), pl.repeat(None, n, dtype=pl.String, eager=True)),
            "size": pl.Series(rng.lognormal(11.5, 0.8, n).astype(np.int64)).cast(pl.String),
            "sha256": _hex(rng, n, 64),
            "dataset": pl.repeat(seg.dataset, n, eager=True),
            "dataset_version": pl.repeat("2026.06", n, eager=True),
            "channel": pl.repeat(seg.channel, n, eager=True),
            "personal_data": pl.repeat("true", n, eager=True).zip_with(
                personal,
                pl.repeat("false" if seg.screened else None, n, dtype=pl.String, eager=True),
            ),
            "segment": pl.repeat(seg.name, n, eager=True),
        }
    )


def generate_manifest(rows: int = 100_000, seed: int = 2026) -> pl.DataFrame:
    """Return the demo manifest: ``rows`` rows, shuffled, with keys ``acme-<n>``."""
    rng = np.random.default_rng(seed)
    shares = np.array([s.share for s in SEGMENTS])
    counts = np.floor(shares / shares.sum() * rows).astype(int)
    counts[0] += rows - counts.sum()
    frames = [
        _segment_frame(seg, int(k), rng) for seg, k in zip(SEGMENTS, counts, strict=False) if k
    ]
    frame = pl.concat(frames)
    order = rng.permutation(frame.height)
    frame = frame[order]
    return frame.with_columns(
        (pl.lit("acme-") + pl.int_range(0, frame.height).cast(pl.String).str.zfill(8)).alias("key")
    ).select("key", pl.exclude("key"))


def write_manifest(path: Path, rows: int = 100_000, seed: int = 2026) -> Path:
    """Write the demo manifest as Parquet, CSV or JSON Lines (by extension); return the path."""
    frame = generate_manifest(rows, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix in (".jsonl", ".ndjson"):
        frame.write_ndjson(path)
    else:
        frame.write_parquet(path, compression="zstd", row_group_size=1 << 20)
    return path
