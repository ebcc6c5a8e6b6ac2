# SPDX-License-Identifier: Apache-2.0
"""Benchmark: the image red team against PDQ-only and pHash-only linear search, same run.

Three parts (all by default; ``--only`` picks some):

* ``hashing``: images per second on 2 worker processes, from 512-pixel JPEG files, for
  clearance's global tier (decode, PDQ of the frame and a centre crop with the eight
  orientations, 256-bit pHash, thumbnail), for its full index signature (plus 500 ORB
  keypoints), and for the peers: ``pdqhash`` alone on the decoded 512-pixel image and
  ``imagehash.phash`` alone.
* ``lookup``: queries per second against 1,000,000 indexed 256-bit hashes (random, with the
  corpus's real hashes planted among them) at radius 31: one hash per query through the
  multi-index, against a numpy linear scan (PDQ-only and pHash-only baselines); then whole
  images through the global tier (all eight PDQ orientations, pHash and its mirror), on
  2 processes. Every multi-index answer is compared with the linear scan's.
* ``robustness``: the robustness corpus (tests/redteam/images), recall per edit and false or
  wrong-source matches for clearance at its operating point and along the curve of its two
  keypoint thresholds, and for PDQ alone (radius 31, the ThreatExchange convention) and
  pHash alone (radius 31) as baselines.

Rates are given twice: by the wall clock, and as the rate the workers' CPU time implies for
two dedicated cores (the machine is shared; the wall clock includes other people's work).

    python benchmarks/redteam_images.py                 # everything
    python benchmarks/redteam_images.py --only lookup --hashes 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE  # noqa: E402


def _corpus_jpegs(count: int) -> list[Path]:
    """Return ``count`` 512-pixel JPEG files made from the corpus (cached), reusing images."""
    from PIL import Image

    from tests.redteam.images.corpus import load_corpus

    folder = CACHE / "redteam-images-512"
    folder.mkdir(parents=True, exist_ok=True)
    paths = sorted(folder.glob("*.jpg"))
    if len(paths) < 200:
        for im in load_corpus():
            with Image.open(io.BytesIO(im.data)) as img:
                rgb = img.convert("RGB")
            rgb.thumbnail((512, 512), Image.Resampling.LANCZOS)
            rgb.save(folder / (im.name.rsplit(".", 1)[0] + ".jpg"), quality=90)
        paths = sorted(folder.glob("*.jpg"))
    return [paths[i % len(paths)] for i in range(count)]


def _global(path: Path) -> int:
    from clearance.redteam.images.signatures import index_signature

    return len(index_signature(path.read_bytes(), n_keypoints=0).pdq)


def _full(path: Path) -> int:
    from clearance.redteam.images.signatures import index_signature

    return len(index_signature(path.read_bytes()).keypoints)


def _pdq_only(path: Path) -> int:
    import pdqhash  # type: ignore[import-untyped]
    from PIL import Image

    with Image.open(path) as img:
        pixels = np.asarray(img.convert("RGB"))
    return int(pdqhash.compute(pixels)[1])


def _phash_only(path: Path) -> int:
    import imagehash
    from PIL import Image

    with Image.open(path) as img:
        return len(str(imagehash.phash(img, hash_size=16)))


def _timed_chunk(fn: object, paths: list[Path]) -> float:
    started = time.process_time()
    for path in paths:
        fn(path)  # type: ignore[operator]
    return time.process_time() - started


def _rate(fn: object, paths: list[Path], workers: int = 2) -> dict[str, float]:
    """Return wall-clock images/s on ``workers`` processes, and the rate their CPU time implies
    for 2 dedicated cores (the machine is shared: the wall clock includes other people's work)."""
    chunks = [paths[i : i + 32] for i in range(0, len(paths), 32)]
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        cpu = sum(pool.map(_timed_chunk, [fn] * len(chunks), chunks))
    wall = time.perf_counter() - started
    return {"wall": round(len(paths) / wall, 1), "cpu_2_cores": round(2 * len(paths) / cpu, 1)}


def hashing(images: int) -> dict[str, object]:
    paths = _corpus_jpegs(images)
    _rate(_global, paths[:64])  # warm the page cache and the imports
    return {
        "clearance_global_images_per_s": _rate(_global, paths),
        "clearance_full_images_per_s": _rate(_full, paths[: images // 2]),
        "pdqhash_only_images_per_s": _rate(_pdq_only, paths),
        "imagehash_phash_only_images_per_s": _rate(_phash_only, paths),
    }


_STATE: dict[str, object] = {}


def _lookup_worker(args: tuple[str, int, int]) -> float:
    kind, start, stop = args
    index = _STATE["index"]
    queries = _STATE["queries"]
    started = time.process_time()
    if kind == "single":
        index.radius_search(queries[start:stop], 31)  # type: ignore[attr-defined]
    else:
        from clearance.redteam.images.check import OperatingPoint, _global_candidates

        _global_candidates(index, queries[start:stop], OperatingPoint())  # type: ignore[arg-type]
    return time.process_time() - started


def _parallel(kind: str, n: int, workers: int = 2) -> dict[str, float]:
    bounds = [(kind, i * n // workers, (i + 1) * n // workers) for i in range(workers)]
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:  # forked: the index is shared copy-on-write
        cpu = sum(pool.map(_lookup_worker, bounds))
    wall = time.perf_counter() - started
    return {"wall": round(n / wall, 1), "cpu_2_cores": round(2 * n / cpu, 1)}


def lookup(hashes: int, queries: int) -> dict[str, object]:
    import multiprocessing as mp

    import polars as pl

    from clearance.redteam.images.index import ImageIndex
    from clearance.redteam.images.mih import MultiIndex, linear_radius_search
    from clearance.redteam.images.signatures import index_signature, query_signature

    mp.set_start_method("fork", force=True)
    paths = _corpus_jpegs(200)[:200]
    real = [index_signature(p.read_bytes(), n_keypoints=0) for p in paths]
    rng = np.random.default_rng(2026)
    pdq = rng.integers(0, 2**63, size=(hashes, 4), dtype=np.uint64) * np.uint64(2)
    pdq ^= rng.integers(0, 2, size=(hashes, 4), dtype=np.uint64)
    phash = rng.integers(0, 2**63, size=(hashes, 4), dtype=np.uint64) * np.uint64(2)
    planted = rng.choice(hashes, len(real), replace=False)
    pdq[planted] = np.stack([s.pdq[0] for s in real])
    phash[planted] = np.stack([s.phash for s in real])
    out: dict[str, object] = {"indexed_hashes": hashes}

    started = time.perf_counter()
    mih = MultiIndex.build(pdq)
    out["build_seconds"] = round(time.perf_counter() - started, 2)
    single = pdq[rng.choice(planted, queries)].copy()
    flips = rng.integers(0, 32, queries)
    for row, k in zip(single, flips, strict=True):
        for bit in rng.choice(256, int(k), replace=False):
            row[bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)
    single[queries // 2 :] = rng.integers(
        0, 2**63, size=(queries - queries // 2, 4), dtype=np.uint64
    )
    _STATE.update(index=mih, queries=single)
    out["mih_pdq_queries_per_s"] = _parallel("single", queries)
    sample = single[:: max(1, queries // 40)]
    started, cpu = time.perf_counter(), time.process_time()
    slow = linear_radius_search(pdq, sample, 31, block=1)
    out["linear_pdq_only_queries_per_s"] = {
        "wall_1_process": round(len(sample) / (time.perf_counter() - started), 2),
        "cpu_2_cores": round(2 * len(sample) / (time.process_time() - cpu), 2),
    }
    fast = mih.radius_search(sample, 31)
    out["mih_equals_linear"] = bool(
        np.array_equal(fast.query, slow.query) and np.array_equal(fast.row, slow.row)
    )
    started, cpu = time.perf_counter(), time.process_time()
    linear_radius_search(phash, sample, 31, block=1)
    out["linear_phash_only_queries_per_s"] = {
        "wall_1_process": round(len(sample) / (time.perf_counter() - started), 2),
        "cpu_2_cores": round(2 * len(sample) / (time.process_time() - cpu), 2),
    }

    records = pl.DataFrame(
        {"record": np.arange(hashes, dtype=np.int32), "kind": ["image"] * hashes,
         "pdq_quality": np.full(hashes, 100, dtype=np.int16)}
    )  # fmt: skip
    arrays = {
        "pdq": pdq, "pdq_record": np.arange(hashes, dtype=np.int32), "phash": phash,
        "phash_record": np.arange(hashes, dtype=np.int32),
    }  # fmt: skip
    index = ImageIndex(records, arrays, b"", {})  # type: ignore[arg-type]
    started = time.perf_counter()
    index.pdq_index  # noqa: B018  (build both tables before timing)
    index.phash_index  # noqa: B018
    out["global_build_seconds"] = round(time.perf_counter() - started, 2)
    edited = []
    from PIL import Image, ImageOps

    for i in range(queries):
        with Image.open(paths[i % len(paths)]) as img:
            rgb = img.convert("RGB")
        if i % 3 == 1:
            rgb = ImageOps.mirror(rgb)
        elif i % 3 == 2:
            rgb = rgb.resize((rgb.width // 2, rgb.height // 2))
        edited.append(query_signature(rgb, with_keypoints=False))
        if len(edited) >= 2000:
            break
    n_images = len(edited)
    _STATE.update(index=index, queries=edited)
    out["global_tier_image_queries_per_s"] = _parallel("images", n_images)
    per_image = np.mean([len(s.pdq) + len(s.phash) for s in edited])
    out["hash_lookups_per_image_query"] = round(float(per_image), 2)
    return out


def robustness() -> dict[str, object]:
    from PIL import Image

    from clearance.redteam.images.check import OperatingPoint, _global_candidates, check_signature
    from clearance.redteam.images.index import build_index
    from clearance.redteam.images.signatures import query_signature
    from clearance.redteam.images.sources import SourceItem
    from tests.redteam.images.conftest import MAX_SIDE, _indexed
    from tests.redteam.images.corpus import load_corpus
    from tests.redteam.images.transforms import TARGETS, TRANSFORMS

    corpus = []
    for im in load_corpus():
        with Image.open(io.BytesIO(im.data)) as img:
            rgb = img.convert("RGB")
        rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        corpus.append((im.name, rgb))
    works = [(n, i) for n, i in corpus if _indexed(n)]
    items = []
    for name, img in works:
        buf = io.BytesIO()
        img.save(buf, "PNG", compress_level=1)
        items.append(SourceItem(name, "gcompris", data=buf.getvalue()))
    index, _ = build_index(items, workers=2, embedded=False)
    loose = OperatingPoint(min_inliers=4, min_correlation=-1.0, max_matches=50)
    rows: list[tuple[str, str | None, list[dict[str, object]]]] = []
    hashes: list[tuple[str, str | None, dict[str, tuple[int | None, int | None]]]] = []
    started = time.perf_counter()

    def run(transform: str, queries: list[tuple[str, Image.Image]]) -> None:
        sigs = [query_signature(img) for _, img in queries]
        found = _global_candidates(index, sigs, loose)
        for (name, _), sig, cands in zip(queries, sigs, found, strict=True):
            truth = name if _indexed(name) and transform != "unrelated" else None
            by_source = {index.records["source"][r]: (c.pdq, c.phash) for r, c in cands.items()}
            hashes.append((transform, truth, by_source))
            result = check_signature(index, sig, loose, dict(cands), name)
            rows.append((transform, truth, [m.to_dict() for m in result.matches]))

    for transform, fn in TRANSFORMS.items():
        queries = []
        for name, img in corpus:
            seed = hashlib.sha256(f"{name}/{transform}".encode()).hexdigest()
            queries.append((name, fn(img, random.Random(seed))))
        run(transform, queries)
    run("unrelated", [(n, i) for n, i in corpus if not _indexed(n)])
    seconds = time.perf_counter() - started

    def baseline(which: int, radius: int) -> dict[str, object]:
        per: dict[str, list[int]] = {}
        false = 0
        for transform, truth, by_source in hashes:
            near = {s for s, d in by_source.items() if d[which] is not None and d[which] <= radius}
            false += len(near - {truth})
            if truth is not None:
                hit = per.setdefault(transform, [0, 0])
                hit[0] += truth in near
                hit[1] += 1
        return {
            "recall": {t: round(h / n, 3) for t, (h, n) in per.items()},
            "false_or_wrong_source": false,
        }

    def accepts(m: dict[str, object], inliers: int, corr: float) -> bool:
        ev = m["evidence"]
        assert isinstance(ev, dict)
        pdq, ph = ev.get("pdq_distance"), ev.get("phash_distance")
        geo = (ev.get("inliers") or 0) >= inliers and (
            ev.get("correlation") is None or ev["correlation"] >= corr
        )
        both = pdq is not None and pdq <= 31 and ph is not None and ph <= 31
        return bool(geo or both or m["method"] == "sha256")

    def score(rule: object) -> dict[str, object]:
        per: dict[str, list[int]] = {}
        false = 0
        for transform, truth, matches in rows:
            kept = [m for m in matches if rule(m)]  # type: ignore[operator]
            false += sum(1 for m in kept if m["source"] != truth)
            if truth is not None:
                hit = per.setdefault(transform, [0, 0])
                hit[0] += any(m["source"] == truth for m in kept)
                hit[1] += 1
        recall = {t: round(h / n, 3) for t, (h, n) in per.items()}
        return {"recall": recall, "false_or_wrong_source": false}

    op = OperatingPoint()
    result: dict[str, object] = {
        "queries": len(rows),
        "indexed": len(works),
        "unrelated_images": len(corpus) - len(works),
        "seconds": round(seconds, 1),
        "targets": TARGETS,
        "operating_point": score(lambda m: accepts(m, op.min_inliers, op.min_correlation)),
        "pdq_only_31": baseline(0, 31),
        "phash_only_31": baseline(1, 31),
    }
    curve = []
    for inliers in (6, 8, 10, 12, 15, 20, 25, 30, 40, 60):
        for corr in (-1.0, 0.3, 0.5, 0.7):
            s = score(lambda m, i=inliers, c=corr: accepts(m, i, c))
            recall = s["recall"]
            assert isinstance(recall, dict)
            curve.append({
                "min_inliers": inliers, "min_correlation": corr,
                "false_or_wrong_source": s["false_or_wrong_source"],
                "min_recall": min(recall.values()), "caption": recall["caption"],
                "crop20": recall["crop20"],
            })  # fmt: skip
    result["curve"] = curve
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=("hashing", "lookup", "robustness"))
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--hashes", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=4000)
    args = parser.parse_args()
    parts = args.only or ["hashing", "lookup", "robustness"]
    report: dict[str, object] = {"loadavg_before": os.getloadavg(), "cpus": os.cpu_count()}
    if "hashing" in parts:
        report["hashing"] = hashing(args.images)
    if "lookup" in parts:
        report["lookup"] = lookup(args.hashes, args.queries)
    if "robustness" in parts:
        report["robustness"] = robustness()
    report["loadavg_after"] = os.getloadavg()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
