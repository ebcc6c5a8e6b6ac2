# SPDX-License-Identifier: Apache-2.0
"""Check query images against an index: which indexed works does each one reproduce?

Candidates come from three places: the exact SHA-256 of the query's bytes; the global hashes
(PDQ of the query's eight orientations and of the inside of any flat border, pHash of the
query and its mirror, each looked up within a radius in the multi-index); and the keypoint
vote index. Every candidate that has keypoints is then checked geometrically (the query
turned the way its hash matched, so a mirror image is compared as a mirror image), and,
where the index keeps a thumbnail, by the correlation of the aligned pixels.

A candidate is a match at the operating point when:

* its bytes are identical (``sha256``); or
* the geometric check passes: at least ``min_inliers`` keypoints agree on one similarity
  transform, with a plausible scale and, where a thumbnail exists, an aligned correlation of
  at least ``min_correlation``; or
* PDQ and pHash both agree within their radii (two independent hashes, for images too flat
  or too small for keypoints); or
* it is a known-works entry that only has a PDQ hash, and PDQ agrees within ``pdq_radius``
  (the ThreatExchange convention; nothing else can confirm it).

The defaults were chosen for precision, a false accusation being the expensive error; the
measured curve behind them is in ``docs/redteam.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from clearance.redteam.images import keypoints as kp
from clearance.redteam.images.appearance import aligned_correlation
from clearance.redteam.images.hashes import apply_dihedral
from clearance.redteam.images.index import ImageIndex
from clearance.redteam.images.signatures import QuerySignature, query_signature

__all__ = ["CheckResult", "Match", "OperatingPoint", "check_images", "check_signature"]

logger = logging.getLogger(__name__)

_REFLECTIONS = frozenset({4, 5, 6, 7})
_MIN_SCALE, _MAX_SCALE = 0.15, 6.0


@dataclass(frozen=True, slots=True)
class OperatingPoint:
    """The thresholds a check applies; the defaults favour precision.

    ``turned_radius`` is the PDQ radius for the query's seven turned and mirrored
    orientations (the query as it is keeps ``pdq_radius``). Kept tight because those seven
    lookups are most of the global tier's cost and add least: ``pdqhash``'s dihedral hashes lie
    18-34 bits from the hash of the actually turned or mirrored work on the robustness corpus,
    so at any radius they only propose candidates for the keypoint check, which the keypoint
    vote index (independent of orientation) proposes as well, and mirrored copies are found by
    pHash of the query's mirror image. Measured: ``benchmarks/redteam_images_turned.py``.
    """

    pdq_radius: int = 31
    turned_radius: int = 15
    phash_radius: int = 31
    min_quality: int = 50
    min_inliers: int = 30
    min_correlation: float = 0.5
    vote_candidates: int = 3
    min_votes: int = 12
    max_matches: int = 5
    keypoints: bool = True


@dataclass(frozen=True, slots=True)
class Match:
    """One indexed work a query reproduces, with the evidence."""

    record: int
    source: str
    collection: str
    license: str | None
    owner: str | None
    url: str | None
    score: float
    method: str
    distance: float | None
    pdq_distance: int | None = None
    phash_distance: int | None = None
    inliers: int | None = None
    correlation: float | None = None
    orientation: str | None = None
    transform: tuple[float, ...] | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the match as the JSON object ``check --json`` writes."""
        out: dict[str, object] = {
            "source": self.source,
            "collection": self.collection,
            "score": round(self.score, 4),
            "method": self.method,
            "distance": None if self.distance is None else int(self.distance),
            "license": self.license,
            "owner": self.owner,
        }
        if self.url:
            out["url"] = self.url
        evidence = {
            "pdq_distance": self.pdq_distance,
            "phash_distance": self.phash_distance,
            "inliers": self.inliers,
            "correlation": None if self.correlation is None else round(self.correlation, 3),
            "orientation": self.orientation,
        }
        out["evidence"] = {k: v for k, v in evidence.items() if v is not None}
        return out


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The matches of one query image (empty when nothing matches), or why it was not read."""

    file: str
    matches: tuple[Match, ...] = ()
    error: str | None = None
    sha256: str | None = None
    candidates: int = 0
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """Return the result as the JSON object ``check --json`` writes for one query."""
        out: dict[str, object] = {"file": self.file, "matches": [m.to_dict() for m in self.matches]}
        if self.error:
            out["error"] = self.error
        return out


@dataclass(slots=True)
class _Candidate:
    pdq: int | None = None
    pdq_variant: int = 0
    phash: int | None = None
    phash_mirror: bool = False
    exact: bool = False
    votes: int = 0


def _hash_score(distance: int) -> float:
    return 1.0 - distance / 128.0


def _global_candidates(
    index: ImageIndex, sigs: Sequence[QuerySignature], op: OperatingPoint
) -> list[dict[int, _Candidate]]:
    found: list[dict[int, _Candidate]] = [{} for _ in sigs]
    pdq_rows, pdq_owner, pdq_variant = [], [], []
    for q, sig in enumerate(sigs):
        if sig.pdq_quality < op.min_quality:
            continue
        for v, value in enumerate(sig.pdq):
            pdq_rows.append(value)
            pdq_owner.append(q)
            pdq_variant.append(v if v < 8 else 0)
    records = index.records
    quality = records["pdq_quality"].fill_null(100).to_numpy()
    listed = [
        (q, s.canonical_pdq)
        for q, s in enumerate(sigs)
        if s.canonical_pdq is not None and s.pdq_quality >= op.min_quality
    ]
    if listed and len(index.arrays["pdq"]):
        kinds = records["kind"].to_numpy()
        hits = index.pdq_index.radius_search(np.stack([h for _, h in listed]), op.pdq_radius)
        rec = np.asarray(index.arrays["pdq_record"])[hits.row]
        for qi, r, d in zip(hits.query.tolist(), rec.tolist(), hits.distance.tolist(), strict=True):
            if kinds[r] != "pdq":  # the full-size hash is only comparable with listed hashes
                continue
            cand = found[listed[qi][0]].setdefault(r, _Candidate())
            if cand.pdq is None or d < cand.pdq:
                cand.pdq, cand.pdq_variant = d, 0
    if pdq_rows and len(index.arrays["pdq"]):
        # the query as it is (and the inside of its borders) within pdq_radius; its seven
        # turned and mirrored orientations within turned_radius (see OperatingPoint)
        turned = np.array(pdq_variant) != 0
        for rows, radius in ((np.flatnonzero(~turned), op.pdq_radius),
                             (np.flatnonzero(turned), op.turned_radius)):
            if not len(rows):
                continue
            hits = index.pdq_index.radius_search(np.stack([pdq_rows[i] for i in rows]), radius)
            rec = np.asarray(index.arrays["pdq_record"])[hits.row]
            for qi, r, d in zip(rows[hits.query].tolist(), rec.tolist(), hits.distance.tolist(),
                                strict=True):
                if quality[r] < op.min_quality:
                    continue
                cand = found[pdq_owner[qi]].setdefault(r, _Candidate())
                if cand.pdq is None or d < cand.pdq:
                    cand.pdq, cand.pdq_variant = d, pdq_variant[qi]
    ph_rows, ph_owner, ph_mirror = [], [], []
    for q, sig in enumerate(sigs):
        for v, value in enumerate(sig.phash):
            ph_rows.append(value)
            ph_owner.append(q)
            ph_mirror.append(v == 1)
    if ph_rows and len(index.arrays["phash"]):
        hits = index.phash_index.radius_search(np.array(ph_rows), op.phash_radius)
        rec = np.asarray(index.arrays["phash_record"])[hits.row]
        for qi, r, d in zip(hits.query.tolist(), rec.tolist(), hits.distance.tolist(), strict=True):
            cand = found[ph_owner[qi]].setdefault(r, _Candidate())
            if cand.phash is None or d < cand.phash:
                cand.phash, cand.phash_mirror = d, ph_mirror[qi]
    return found


def check_signature(
    index: ImageIndex,
    sig: QuerySignature,
    op: OperatingPoint,
    global_found: dict[int, _Candidate] | None = None,
    name: str = "",
) -> CheckResult:
    """Return the matches of one query signature (global candidates computed if not given)."""
    found = global_found if global_found is not None else _global_candidates(index, [sig], op)[0]
    if sig.sha256:
        for r in index.by_sha256(sig.sha256):
            found.setdefault(r, _Candidate()).exact = True
    has_keypoints = op.keypoints and len(sig.keypoints) > 0 and index.arrays["kp_desc"].shape[0] > 0
    if has_keypoints:
        records, votes = index.votes.candidates(
            sig.keypoints.descriptors, op.vote_candidates, op.min_votes
        )
        for r, v in zip(records.tolist(), votes.tolist(), strict=True):
            found.setdefault(int(r), _Candidate()).votes = int(v)
    mirrored: kp.Keypoints | None = None
    matches: list[Match] = []
    kinds = index.records["kind"]
    for r, cand in found.items():
        kind = kinds[r]
        geometry: kp.Geometry | None = None
        correlation: float | None = None
        orientation = None
        if kind == "image" and op.keypoints and len(sig.keypoints):
            reflect = (cand.pdq is not None and cand.pdq_variant in _REFLECTIONS) or (
                cand.pdq is None and cand.phash is not None and cand.phash_mirror
            )
            query_kp = sig.keypoints
            if reflect:
                if mirrored is None:
                    mirrored = kp.extract(apply_dihedral(sig.grey, 5))
                query_kp = mirrored
                orientation = "mirrored"
            shape = (sig.grey.shape[0], sig.grey.shape[1])
            geometry = kp.verify(query_kp, index.keypoints(r), shape)
            if (
                geometry.transform is not None
                and geometry.inliers >= op.min_inliers
                and _MIN_SCALE <= geometry.scale <= _MAX_SCALE
            ):
                thumb = index.thumbnail(r)
                rec = index.records.row(r, named=True)
                if thumb is not None:
                    grey = apply_dihedral(sig.grey, 5) if reflect else sig.grey
                    correlation = aligned_correlation(
                        grey, geometry.transform, (rec["work_width"], rec["work_height"]), thumb
                    )
        match = _decide(index, r, cand, geometry, correlation, orientation, op)
        if match is not None:
            matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.source))
    return CheckResult(
        name, tuple(matches[: op.max_matches]), sha256=sig.sha256, candidates=len(found)
    )


def _decide(
    index: ImageIndex,
    r: int,
    cand: _Candidate,
    geometry: kp.Geometry | None,
    correlation: float | None,
    orientation: str | None,
    op: OperatingPoint,
) -> Match | None:
    rec = index.records.row(r, named=True)
    kind = rec["kind"]
    pdq_ok = cand.pdq is not None and cand.pdq <= op.pdq_radius
    phash_ok = cand.phash is not None and cand.phash <= op.phash_radius
    geometric = (
        geometry is not None
        and geometry.transform is not None
        and geometry.inliers >= op.min_inliers
        and _MIN_SCALE <= geometry.scale <= _MAX_SCALE
        and (correlation is None or correlation >= op.min_correlation)
    )
    kp_score = 0.0
    if geometric and geometry is not None:
        kp_score = 1.0 - 0.5 ** (geometry.inliers / op.min_inliers)
        if correlation is not None:
            kp_score *= 0.5 + 0.5 * max(0.0, correlation)
    if cand.exact:
        method, distance, score = "sha256", 0.0, 1.0
    elif geometric:
        if pdq_ok and cand.pdq is not None:
            method, distance = "pdq", float(cand.pdq)
        elif phash_ok and cand.phash is not None:
            method, distance = "phash", float(cand.phash)
        else:
            method, distance = "keypoints", None
        score = max(
            kp_score,
            _hash_score(cand.pdq) if pdq_ok and cand.pdq is not None else 0.0,
            _hash_score(cand.phash) if phash_ok and cand.phash is not None else 0.0,
        )
    elif pdq_ok and phash_ok and cand.pdq is not None and cand.phash is not None:
        method, distance = "pdq", float(cand.pdq)
        score = min(_hash_score(cand.pdq), _hash_score(cand.phash))
    elif kind == "pdq" and pdq_ok and cand.pdq is not None:
        method, distance, score = "pdq", float(cand.pdq), _hash_score(cand.pdq)
    else:
        return None
    transform = None
    if geometric and geometry is not None and geometry.transform is not None:
        transform = tuple(round(float(x), 4) for x in geometry.transform.ravel())
    return Match(
        record=r,
        source=rec["source"],
        collection=rec["collection"],
        license=rec["license"],
        owner=rec["owner"],
        url=rec["url"],
        score=float(score),
        method=method,
        distance=distance,
        pdq_distance=cand.pdq,
        phash_distance=cand.phash,
        inliers=geometry.inliers if geometry is not None and geometry.inliers else None,
        correlation=correlation,
        orientation=orientation,
        transform=transform,
    )


def check_images(
    index: ImageIndex,
    queries: Iterable[tuple[str, bytes | str | Path | Image.Image]],
    op: OperatingPoint | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[CheckResult]:
    """Return one result per query (name, image as bytes, path or PIL image), in order.

    A query that cannot be decoded gives a result with ``error`` set and no matches.
    """
    op = op or OperatingPoint()
    results: list[CheckResult] = []
    batch: list[tuple[str, QuerySignature]] = []

    def flush() -> None:
        if not batch:
            return
        found = _global_candidates(index, [s for _, s in batch], op)
        for (name, sig), cands in zip(batch, found, strict=True):
            results.append(check_signature(index, sig, op, cands, name))
        if progress:
            progress(len(batch))
        batch.clear()

    canonical = index.has_hash_only_pdq
    for name, data in queries:
        try:
            sig = query_signature(data, with_keypoints=op.keypoints, canonical=canonical)
        except Exception as exc:  # hostile input: any decoder failure is one unreadable query
            flush()
            results.append(CheckResult(name, error=f"cannot read the image: {exc}"))
            if progress:
                progress(1)
            continue
        batch.append((name, sig))
        if len(batch) >= 64:
            flush()
    flush()
    return results
