# SPDX-License-Identifier: Apache-2.0
"""Index builds: long sources across segments and batches, workers, resume after a kill."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from clearance.redteam.text import build as build_mod
from clearance.redteam.text.build import build_index
from clearance.redteam.text.corpus import Source, iter_corpus
from clearance.redteam.text.index import TextIndex
from clearance.redteam.text.thresholds import Threshold
from clearance.redteam.text.tokens import normalize, tokenize
from tests.redteam.conftest import python_docs


def _long_source() -> Source:
    docs = sorted((python_docs() / "library").glob("*.rst.txt"))[:60]
    return Source("library-joined", "\n".join(p.read_text(encoding="utf-8") for p in docs))


def test_spans_across_segment_and_batch_boundaries_are_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_mod, "SEGMENT_CHARS", 2000)
    monkeypatch.setattr(build_mod, "BATCH_CHARS", 30000)
    src = _long_source()
    build_index([src], tmp_path / "index", workers=0)
    index = TextIndex(tmp_path / "index")
    shard = index.shards[0]
    assert shard.segments.shape[0] > 100  # many segments, many batches
    text = src.text
    rng = random.Random(3)
    bounds = [int(c) for c in shard.segments["char"][1:]]
    tested = 0
    for cut in rng.sample(bounds, 60):
        piece = text[max(0, cut - 120) : cut + 120]  # a span across the boundary
        query = " ".join(piece.split()[1:-1])
        if len(tokenize(normalize(query))) < 25:  # under the 20-token guarantee with margin
            continue
        tested += 1
        found = index.check(query, Threshold(min_tokens=10, preset=None))
        assert found and found[0].source == "library-joined", cut
        m = found[0]
        assert m.source_start < cut < m.source_end, cut
    assert tested >= 30
    assert index.source_text("library-joined") == text


def test_workers_and_one_process_build_the_same_index(tmp_path: Path) -> None:
    sources = list(iter_corpus(python_docs() / "howto"))
    build_index(sources, tmp_path / "one", workers=0)
    build_index(sources, tmp_path / "two", workers=2)
    for name in ("fp_lo.npy", "fp_pos.npy", "fp_buckets.npy", "segments.npy", "text.zst"):
        assert (tmp_path / "one" / "shard-0000" / name).read_bytes() == \
            (tmp_path / "two" / "shard-0000" / name).read_bytes(), name


def test_a_shard_left_by_a_killed_build_is_redone(tmp_path: Path) -> None:
    sources = list(iter_corpus(python_docs() / "howto"))
    build_index(sources[:5], tmp_path / "index", workers=0)
    half = tmp_path / "index" / "shard-0001"
    shutil.copytree(tmp_path / "index" / "shard-0000", half)
    (half / "shard.json").unlink()  # as if killed before the completion marker
    stats = build_index(sources, tmp_path / "index", workers=0)
    assert stats.shard == "shard-0001" and stats.sources_skipped == 5
    index = TextIndex(tmp_path / "index")
    assert index.n_sources == len(sources)


def test_a_scans_facts_point_at_the_items_text(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    scan = tmp_path / "scan"
    (scan / "items").mkdir(parents=True)
    docs = sorted((python_docs() / "tutorial").glob("*.rst.txt"))[:3]
    for p in docs:
        (scan / "items" / p.name).write_bytes(p.read_bytes())
    pq.write_table(pa.table({
        "item_id": ["i1", "i2", "i3", "i4"],
        "file_path": [f"items/{p.name}" for p in docs] + ["items/missing.txt"],
        "license_effective_id": ["PSF-2.0", "CC-BY-4.0", None, None],
        "category": ["encyclopedia_reference", "blog_personal", None, None],
        "url": ["https://docs.python.org/3/tutorial/x.html", None, None, None],
        "creator": ["PSF", None, None, None],
    }), scan / "facts.parquet")
    sources = list(iter_corpus(scan))
    assert [s.id for s in sources] == ["i1", "i2", "i3"]  # the missing file is skipped
    first = sources[0]
    assert (first.item_id, first.license, first.category, first.author) == (
        "i1", "PSF-2.0", "encyclopedia_reference", "PSF")
    assert first.text == docs[0].read_text(encoding="utf-8")
