# SPDX-License-Identifier: Apache-2.0
"""What the scan and the report take from the image red team.

``known_work_hits`` checks a scan's local image items against an index and returns one row
per (item, indexed work) match, keyed by ``item_id`` so the engine can join it onto the item
table. ``summarise_image_checks`` turns check results into what a report's red-team section
shows: each finding with the query and source thumbnails side by side (small PNGs), the
source's licence and owner, and, per market, the knowledge-base entries that bear on a
generated image reproducing a protected work (``data/redteam/image-authorities.yaml``).
A summary is a risk assessment for counsel's review, not legal advice.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import polars as pl
import pyarrow as pa
from PIL import Image

from clearance.errors import InputError, KnowledgeBaseError
from clearance.redteam.images.appearance import THUMB_SIDE, decode_thumbnail
from clearance.redteam.images.check import CheckResult, Match, OperatingPoint, check_images
from clearance.redteam.images.index import ImageIndex
from clearance.yamlio import load_yaml

__all__ = [
    "HITS_SCHEMA",
    "STATEMENT",
    "Authority",
    "ImageFinding",
    "ImageRedteamSummary",
    "image_authorities",
    "image_memorization_table",
    "known_work_hits",
    "summarise_image_checks",
]

STATEMENT = (
    "Image red-team findings are a risk assessment for counsel's review, not legal advice. "
    "A match says an output closely reproduces an indexed image; whether that infringes "
    "depends on the work, the use and the market."
)
HITS_SCHEMA = {
    "item_id": pl.String,
    "known_work_source": pl.String,
    "known_work_collection": pl.String,
    "method": pl.String,
    "score": pl.Float64,
    "distance": pl.Float64,
    "license": pl.String,
    "owner": pl.String,
}
_LAYERS = {"de": "eu", "fr": "eu", "it": "eu", "nl": "eu"}


@dataclass(frozen=True, slots=True)
class Authority:
    """A knowledge-base entry a finding points to, as the report cites it."""

    id: str
    market: str
    title: str
    citation: str
    status: str
    date: str
    source_url: str
    verified: bool


@dataclass(frozen=True, slots=True)
class ImageFinding:
    """One query image that reproduces one indexed work."""

    query: str
    source: str
    collection: str
    license: str | None
    owner: str | None
    url: str | None
    method: str
    score: float
    distance: float | None
    evidence: dict[str, object]
    query_thumbnail: bytes | None  # PNG
    source_thumbnail: bytes | None  # PNG


@dataclass(frozen=True, slots=True)
class ImageRedteamSummary:
    """Everything a report's image red-team section needs."""

    queries: int
    queries_matched: int
    unreadable: int
    findings: tuple[ImageFinding, ...]
    authorities: dict[str, tuple[Authority, ...]]
    missing_authorities: tuple[str, ...]
    knowledge_base_as_of: str
    index_records: int
    operating_point: dict[str, object]
    statement: str = STATEMENT
    notes: tuple[str, ...] = field(default=())

    def to_dict(self, thumbnails: bool = True) -> dict[str, object]:
        """Return the summary as JSON-ready data; thumbnails as base64 PNG when asked."""

        def png(data: bytes | None) -> str | None:
            return base64.b64encode(data).decode("ascii") if thumbnails and data else None

        return {
            "statement": self.statement,
            "queries": self.queries,
            "queries_matched": self.queries_matched,
            "unreadable": self.unreadable,
            "index_records": self.index_records,
            "operating_point": self.operating_point,
            "knowledge_base_as_of": self.knowledge_base_as_of,
            "findings": [
                {
                    "query": f.query,
                    "source": f.source,
                    "collection": f.collection,
                    "license": f.license,
                    "owner": f.owner,
                    "url": f.url,
                    "method": f.method,
                    "score": round(f.score, 4),
                    "distance": f.distance,
                    "evidence": f.evidence,
                    "query_thumbnail_png": png(f.query_thumbnail),
                    "source_thumbnail_png": png(f.source_thumbnail),
                }
                for f in self.findings
            ],
            "authorities": {
                market: [_authority_dict(a) for a in entries]
                for market, entries in self.authorities.items()
            },
            "missing_authorities": list(self.missing_authorities),
            "notes": list(self.notes),
        }


def _authority_dict(a: Authority) -> dict[str, object]:
    return {name: getattr(a, name) for name in Authority.__dataclass_fields__}


@functools.cache
def _authority_ids() -> dict[str, tuple[str, ...]]:
    path = resources.files("clearance") / "data" / "redteam" / "image-authorities.yaml"
    try:
        data = load_yaml(path.read_text("utf-8"), unique_keys=True)
    except Exception as exc:
        raise KnowledgeBaseError(
            f"cannot read the image authorities: {exc}", path=str(path)
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(i, str) for i in v) for v in data.values()
    ):
        raise KnowledgeBaseError("expected market: [entry ids]", path=str(path))
    return {str(k): tuple(v) for k, v in data.items()}


def image_authorities(markets: Sequence[str]) -> tuple[dict[str, tuple[Authority, ...]], list[str]]:
    """Return, per market asked, the knowledge-base entries for image findings, and missing ids.

    A layered market (de, fr, it, nl) also gets its parent's (eu) entries. An id listed in the
    data file but absent from the knowledge base is returned in the second value, not raised.
    """
    from clearance.law.kb import default_knowledge_base

    kb = default_knowledge_base()
    table = _authority_ids()
    out: dict[str, tuple[Authority, ...]] = {}
    missing: list[str] = []
    for market in markets:
        market = market.strip().lower()
        ids = list(table.get(market, ()))
        parent = _LAYERS.get(market)
        if parent:
            ids += [i for i in table.get(parent, ()) if i not in ids]
        found: list[Authority] = []
        for entry_id in ids:
            if entry_id not in kb:
                missing.append(entry_id)
                continue
            e = kb.get(entry_id)
            found.append(
                Authority(
                    e.id,
                    e.market,
                    e.title,
                    e.citation,
                    e.status,
                    e.date.isoformat(),
                    e.source_url,
                    e.verified,
                )  # fmt: skip
            )
        out[market] = tuple(found)
    return out, sorted(set(missing))


def _png(img: Image.Image) -> bytes:
    img = img.convert("RGB")
    img.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _query_png(image: bytes | str | Path | Image.Image | None) -> bytes | None:
    if image is None:
        return None
    try:
        if isinstance(image, Image.Image):
            return _png(image)
        source = io.BytesIO(image) if isinstance(image, bytes) else image
        with Image.open(source) as img:
            img.draft("RGB", (THUMB_SIDE * 2, THUMB_SIDE * 2))
            return _png(img)
    except Exception:  # the report still lists the finding without its picture
        return None


def summarise_image_checks(
    index: ImageIndex,
    results: Sequence[CheckResult],
    *,
    images: Mapping[str, bytes | str | Path | Image.Image] | None = None,
    markets: Sequence[str] = ("us", "eu", "uk"),
    operating_point: OperatingPoint | None = None,
) -> ImageRedteamSummary:
    """Return the report's view of ``results``: findings with thumbnail pairs and authorities.

    ``images`` maps a result's ``file`` to the query image (path, bytes or PIL image) for its
    thumbnail; when absent, ``file`` itself is tried as a path.
    """
    from clearance.law.kb import default_knowledge_base

    findings: list[ImageFinding] = []
    for result in results:
        if not result.matches:
            continue
        query_image = (images or {}).get(result.file)
        if query_image is None and Path(result.file).is_file():
            query_image = result.file
        query_png = _query_png(query_image)
        for m in result.matches:
            thumb = index.thumbnail(m.record)
            findings.append(
                ImageFinding(
                    query=result.file,
                    source=m.source,
                    collection=m.collection,
                    license=m.license,
                    owner=m.owner,
                    url=m.url,
                    method=m.method,
                    score=m.score,
                    distance=m.distance,
                    evidence=dict(m.to_dict()["evidence"]),  # type: ignore[call-overload]
                    query_thumbnail=query_png,
                    source_thumbnail=_png(decode_thumbnail(thumb)) if thumb else None,
                )
            )
    authorities, missing = image_authorities(markets)
    op = operating_point or OperatingPoint()
    return ImageRedteamSummary(
        queries=len(results),
        queries_matched=sum(1 for r in results if r.matches),
        unreadable=sum(1 for r in results if r.error),
        findings=tuple(findings),
        authorities=authorities,
        missing_authorities=tuple(missing),
        knowledge_base_as_of=default_knowledge_base().as_of.isoformat(),
        index_records=len(index),
        operating_point={k: getattr(op, k) for k in OperatingPoint.__dataclass_fields__},
    )


def known_work_hits(
    table: pa.Table | pl.DataFrame,
    index: ImageIndex,
    *,
    base_dir: Path | None = None,
    operating_point: OperatingPoint | None = None,
) -> pl.DataFrame:
    """Return one row per (item, indexed work) match for a scan's local image items.

    ``table`` has the canonical ``item_id`` and ``file_path`` columns (``modality`` narrows it
    to images when present); relative paths resolve against ``base_dir``. Items without a
    local file are skipped. Columns: HITS_SCHEMA; join on ``item_id``.
    """
    frame = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    if "item_id" not in frame.columns or "file_path" not in frame.columns:
        raise InputError("known_work_hits needs item_id and file_path columns")
    if "modality" in frame.columns:
        frame = frame.filter(pl.col("modality") == "image")
    queries: list[tuple[str, str | Path]] = []
    for item_id, raw in frame.select("item_id", "file_path").iter_rows():
        if not raw:
            continue
        path = Path(raw)
        if not path.is_absolute() and base_dir is not None and not path.exists():
            path = base_dir / path
        if path.is_file():
            queries.append((str(item_id), path))
    rows: list[dict[str, object]] = []
    for result in check_images(index, queries, operating_point):
        for m in result.matches:
            rows.append({
                "item_id": result.file, "known_work_source": m.source,
                "known_work_collection": m.collection, "method": m.method, "score": m.score,
                "distance": m.distance, "license": m.license, "owner": m.owner,
            })  # fmt: skip
    return pl.DataFrame(rows, schema=HITS_SCHEMA)


def image_memorization_table(results: Sequence[CheckResult]) -> pa.Table:
    """Return the memorisation table of image checks: one row per reproduced indexed source.

    Only reproduction is stated (``memorization`` true): generated images that match nothing
    were not aimed at any particular source, so they say nothing about the rest (which stay
    unknown, not false). ``item_id`` is the source id (a scan's item id when the index was
    built with ``--scan``), ``source`` the source's URL when known; the scan joins on either
    (``--memorization-table``). Same schema as the text red team's table.
    """
    from clearance.redteam.findings import MEMORIZATION_SCHEMA

    first: dict[str, Match] = {}
    outputs: dict[str, int] = {}
    methods: dict[str, set[str]] = {}
    for result in results:
        for m in result.matches:
            first.setdefault(m.source, m)
            outputs[m.source] = outputs.get(m.source, 0) + 1
            methods.setdefault(m.source, set()).add(m.method)
    rows = [{
        "source": m.url or source, "item_id": source, "category": None, "license": m.license,
        "probes": 0, "outputs_matching": outputs[source], "max_tokens": 0, "max_chars": 0,
        "memorization": True,
        "basis": f"{outputs[source]} generated image(s) reproduce it (matched by "
                 f"{', '.join(sorted(methods[source]))})",
    } for source, m in first.items()]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=MEMORIZATION_SCHEMA)
