# SPDX-License-Identifier: Apache-2.0
"""Benchmark: the red-team text index against a suffix array (pydivsufsort) and MinHash
(datasketch), in the same run.

    .venv/bin/python benchmarks/redteam_text.py --size-mb 1000 --query-gb 10

The corpus is text drawn word by word from the vocabulary of real documents (the Python
documentation and the licence texts Debian ships) with their word frequencies, cut into
documents of 1-8 KB: no 50-word span repeats by chance, so every fingerprint is a real one.
It is written once as JSON Lines (reused by later runs with the same ``--dir``) and indexed
from the file, as a user would. For the peers, the same bytes are used:
pydivsufsort builds the suffix array of the first ``--sa-mb`` MB (int32 pointers, as
infini-gram's byte-level index does), datasketch computes 128-permutation MinHash signatures
of 5-word shingles for the documents of the first ``--minhash-mb`` MB; their rates are
extrapolated linearly to the full size and printed as such. Queries are 1,000-word outputs:
half copy a 300-word span of an indexed document inside unrelated words, half copy nothing.
The ``--query-gb`` index is the 1 GB corpus indexed that many times, copy i with its letters
rotated by i: the same statistics, no text shared between copies, no 10 GB file on disk.
Wall times move with the machine's load; CPU seconds (this process and its workers) do not,
and are printed beside them. Prints the ratios and os.getloadavg().
"""

from __future__ import annotations

import argparse
import glob
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import orjson

from clearance.redteam.api import index_corpora
from clearance.redteam.text.build import build_index
from clearance.redteam.text.corpus import Source
from clearance.redteam.text.index import TextIndex


def vocabulary() -> tuple[list[bytes], np.ndarray]:
    """Return the words of real documents and their frequencies."""
    files = glob.glob("/usr/share/doc/python3*/html/_sources/**/*.txt", recursive=True)
    files += glob.glob("/usr/share/common-licenses/*")
    counts: Counter[str] = Counter()
    for f in files:
        try:
            counts.update(Path(f).read_text(encoding="utf-8", errors="replace").split())
        except IsADirectoryError:
            continue
    words = [w.encode("utf-8") for w, _ in counts.most_common(200_000)]
    freq = np.array([c for _, c in counts.most_common(200_000)], dtype=np.float64)
    return words, freq / freq.sum()


class Generator:
    """Text of realistic word frequencies (inverse-CDF sampling, tens of MB/s)."""

    def __init__(self, seed: int) -> None:
        self.words, p = vocabulary()
        self.cdf = np.cumsum(p)
        self.rng = np.random.default_rng(seed)

    def text(self, n_words: int) -> bytes:
        ids = np.searchsorted(self.cdf, self.rng.random(n_words) * self.cdf[-1])
        ids = np.minimum(ids, len(self.words) - 1)
        w = self.words
        return b" ".join([w[i] for i in ids.tolist()])


def documents(size: int, seed: int = 1, prefix: str = "doc") -> Iterator[Source]:
    """Yield generated documents of 1-8 KB until ``size`` bytes."""
    gen = Generator(seed)
    made = 0
    n = 0
    while made < size:
        block = gen.text(2_000_000).decode("utf-8", "replace")
        at = 0
        while at < len(block) - 9000 and made < size:
            cut = block.find(" ", at + int(gen.rng.integers(1000, 8000)))
            yield Source(f"{prefix}{n:09d}", block[at:cut], license="CC-BY-4.0",
                         category="web")
            made += cut - at
            n += 1
            at = cut + 1


def make_corpus(path: Path, size: int, seed: int = 1) -> Path:
    """Write (once) a JSON Lines corpus of ``size`` bytes of text; return its path."""
    done = path.with_suffix(".done")
    if done.exists() and int(done.read_text()) == size:
        return path
    t = time.perf_counter()
    with path.open("wb") as fh:
        for s in documents(size, seed, prefix=f"s{seed}-"):
            fh.write(orjson.dumps({"id": s.id, "text": s.text, "license": s.license,
                                   "category": s.category}) + b"\n")
    done.write_text(str(size))
    print(f"corpus {path.name}: {size / 1e6:,.0f} MB written in {time.perf_counter() - t:.0f} s")
    return path


def first_texts(path: Path, size: int) -> list[str]:
    """Return the texts of the corpus's first ``size`` bytes."""
    out, n = [], 0
    with path.open("rb") as fh:
        for line in fh:
            text = orjson.loads(line)["text"]
            out.append(text)
            n += len(text)
            if n >= size:
                break
    return out


def rss_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, kids_kb) / 1024


def cpu_seconds() -> float:
    """Return the CPU time (user + system) of this process and its reaped children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def rotated(corpus: Path, copies: int) -> Iterator[Source]:
    """Yield the corpus ``copies`` times, copy i with its letters rotated by i (a bijection:
    the same word lengths and frequencies, different words, no text shared between copies)."""
    lower = "abcdefghijklmnopqrstuvwxyz"
    for i in range(copies):
        table = str.maketrans(lower + lower.upper(),
                              lower[i:] + lower[:i] + (lower[i:] + lower[:i]).upper())
        with corpus.open("rb") as fh:
            for line in fh:
                row = orjson.loads(line)
                yield Source(f"r{i}-{row['id']}", row["text"].translate(table),
                             license=row["license"], category=row["category"])


def bench_ours(corpus: Path | Iterator[Source], out: Path, workers: int) -> dict[str, float]:
    shutil.rmtree(out, ignore_errors=True)
    cpu = cpu_seconds()
    t = time.perf_counter()
    if isinstance(corpus, Path):
        stats = index_corpora([corpus], out, workers=workers)
    else:
        stats = build_index(corpus, out, workers=workers)
    secs = time.perf_counter() - t
    return {"seconds": secs, "bytes": stats.input_bytes, "index_bytes": stats.index_bytes,
            "mb_s": stats.input_bytes / 1e6 / secs, "ratio": stats.index_bytes / stats.input_bytes,
            "cpu": cpu_seconds() - cpu}


def bench_sa(corpus: Path, size: int) -> dict[str, float]:
    import pydivsufsort  # type: ignore[import-untyped]

    raw = "\n".join(first_texts(corpus, size)).encode("utf-8")
    data = np.frombuffer(raw, dtype=np.uint8).copy()
    cpu = cpu_seconds()
    t = time.perf_counter()
    sa = pydivsufsort.divsufsort(data)
    secs = time.perf_counter() - t
    return {"seconds": secs, "bytes": data.shape[0], "mb_s": data.shape[0] / 1e6 / secs,
            "ratio": (sa.nbytes + data.shape[0]) / data.shape[0], "cpu": cpu_seconds() - cpu}


def bench_minhash(corpus: Path, size: int) -> dict[str, float]:
    from datasketch import MinHash  # type: ignore[import-untyped]

    docs = first_texts(corpus, size)
    total = sum(len(d) for d in docs)
    t = time.perf_counter()
    for d in docs:
        words = d.split()
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(words[i : i + 5]).encode() for i in range(len(words) - 4)])
    secs = time.perf_counter() - t
    return {"seconds": secs, "bytes": total, "mb_s": total / 1e6 / secs,
            "ratio": len(docs) * 128 * 8 / total}


def bench_queries(index: TextIndex, n: int, seed: int = 7) -> dict[str, float]:
    gen = Generator(seed + 100)
    rng = np.random.default_rng(seed)
    rows = index.shards[0].table["id"].slice(0, 5000).to_pylist()
    lat: list[float] = []
    cpu: list[float] = []
    found = 0
    for i in range(n):
        noise = gen.text(1000).decode("ascii", "replace").split()
        if i % 2 == 0:
            src = rows[int(rng.integers(len(rows)))]
            words = index.source_text(src).split()
            while len(words) < 320:
                src = rows[int(rng.integers(len(rows)))]
                words = index.source_text(src).split()
            a = int(rng.integers(0, len(words) - 300))
            noise[350:650] = words[a : a + 300]
        text = " ".join(noise[:1000])
        t, c = time.perf_counter(), time.process_time()
        matches = index.check(text)
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        found += bool(matches) and i % 2 == 0
    lat.sort()
    cpu.sort()
    return {"p50_ms": statistics.median(lat) * 1e3, "p99_ms": lat[int(0.99 * (n - 1))] * 1e3,
            "cpu_p50_ms": statistics.median(cpu) * 1e3,
            "cpu_p99_ms": cpu[int(0.99 * (n - 1))] * 1e3, "found": found / (n // 2 + n % 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size-mb", type=float, default=1000)
    ap.add_argument("--sa-mb", type=float, default=512)
    ap.add_argument("--minhash-mb", type=float, default=50)
    ap.add_argument("--query-gb", type=float, default=0, help="also build an index of this "
                    "many GB (the 1 GB corpus under that many letter rotations) and time "
                    "queries over it (0: query the --size-mb index)")
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dir", default=None, help="where to build (default: a temp dir)")
    args = ap.parse_args()
    root = Path(args.dir or tempfile.mkdtemp(prefix="clearance-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"load before: {os.getloadavg()}  cores: {os.cpu_count()}")
    size = int(args.size_mb * 1e6)
    if size:
        build_and_peers(args, root, size)
    query(args, root)


def build_and_peers(args: argparse.Namespace, root: Path, size: int) -> None:
    """Time our build of ``size`` bytes, the suffix array and MinHash on the same corpus."""
    corpus = make_corpus(root / f"corpus-{args.size_mb:g}MB.jsonl", size)
    print(f"load before the build: {os.getloadavg()}")
    ours = bench_ours(corpus, root / "index", args.workers)
    print(f"ours   build {ours['bytes'] / 1e6:,.0f} MB in {ours['seconds']:.1f} s = "
          f"{ours['mb_s']:.1f} MB/s ({args.workers} workers; {ours['cpu']:.0f} CPU-s, i.e. "
          f"{ours['cpu'] / 2:.0f} s on 2 idle cores); index {ours['ratio']:.3f} B/B; "
          f"peak RSS {rss_mb():,.0f} MB")
    if args.sa_mb:
        sa = bench_sa(corpus, int(args.sa_mb * 1e6))
        sa_full = sa["seconds"] * size / sa["bytes"]
        print(f"divsufsort SA {sa['bytes'] / 1e6:,.0f} MB in {sa['seconds']:.1f} s = "
              f"{sa['mb_s']:.1f} MB/s (1 thread, {sa['cpu']:.0f} CPU-s); text+SA "
              f"{sa['ratio']:.1f} B/B; extrapolated to {size / 1e6:,.0f} MB: {sa_full:.0f} s; "
              f"SA/ours {sa_full / ours['seconds']:.2f}x wall, "
              f"{sa['cpu'] * size / sa['bytes'] / ours['cpu']:.2f}x CPU")
    if args.minhash_mb:
        mh = bench_minhash(corpus, int(args.minhash_mb * 1e6))
        mh_full = mh["seconds"] * size / mh["bytes"]
        print(f"datasketch MinHash {mh['bytes'] / 1e6:,.0f} MB in {mh['seconds']:.1f} s = "
              f"{mh['mb_s']:.2f} MB/s (1 thread); signatures {mh['ratio']:.3f} B/B; "
              f"extrapolated to {size / 1e6:,.0f} MB: {mh_full:.0f} s; "
              f"MinHash/ours {mh_full / ours['seconds']:.2f}x")


def query(args: argparse.Namespace, root: Path) -> None:
    """Time 1,000-word queries over the --size-mb index or a --query-gb one."""
    qdir = root / "index"
    if args.query_gb:
        qdir = root / "qindex"
        base = make_corpus(root / "corpus-1000MB.jsonl", int(1000e6))
        copies = max(1, round(args.query_gb))
        big = bench_ours(rotated(base, copies), qdir, args.workers)
        print(f"query index {big['bytes'] / 1e9:,.2f} GB built in {big['seconds']:.0f} s = "
              f"{big['mb_s']:.1f} MB/s ({big['cpu']:.0f} CPU-s); index {big['ratio']:.3f} B/B")
    docs = sorted(glob.glob("/usr/share/doc/python3*/html/_sources"))
    if docs:  # the size of an index of real prose (the generated text compresses worse)
        real = bench_ours(Path(docs[-1]), root / "real", args.workers)
        print(f"real text (Python docs) {real['bytes'] / 1e6:,.1f} MB: index "
              f"{real['ratio']:.3f} B/B")
        shutil.rmtree(root / "real")
    q = bench_queries(TextIndex(qdir), args.queries)
    print(f"query 1,000 words over {qdir.name}: p50 {q['p50_ms']:.1f} ms, p99 "
          f"{q['p99_ms']:.1f} ms wall; CPU p50 {q['cpu_p50_ms']:.1f} ms, p99 "
          f"{q['cpu_p99_ms']:.1f} ms; copied spans found {q['found'] * 100:.1f}%")
    print(f"load after: {os.getloadavg()}")
    if not args.dir:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
