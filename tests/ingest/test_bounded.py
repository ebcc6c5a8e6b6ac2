# SPDX-License-Identifier: Apache-2.0
"""Bounded readers (issue 20, failures 4 and 8): bombs refused, lines and members capped,
tar members streamed, media directories hold regular files only, one bad line is one reject.

Every read that finishes reconciles: rows read = rows accepted + rows rejected.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import tracemalloc
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from clearance.engine.ingest import ingest_manifest
from clearance.errors import ClearanceError, EncodingError, MalformedRowError, ManifestError
from clearance.ingest.limits import ReadLimits
from clearance.ingest.manifest import ManifestReader
from clearance.models import IngestSummary
from tests.fuzzing import budget

MIB = 1 << 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def _reconciled(summary: IngestSummary) -> IngestSummary:
    assert summary.rows_read == summary.rows_accepted + summary.rows_rejected
    return summary


def _gzip_bomb(path: Path, head: bytes, mib: int, byte: bytes = b"a") -> None:
    """A gzip file expanding to ``mib`` MiB: one compressed MiB repeated (as a bomb is built)."""
    block = gzip.compress(byte * MIB, compresslevel=9)
    path.write_bytes(gzip.compress(head) + block * mib)


def _zstd_bomb(path: Path, head: bytes, mib: int) -> None:
    block = zstandard.ZstdCompressor(level=19).compress(b"\x00" * MIB)
    path.write_bytes(zstandard.ZstdCompressor().compress(head) + block * mib)


# ---- decompression ----------------------------------------------------------------------


def test_csv_gz_bomb_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bomb.csv.gz"
    _gzip_bomb(path, b"url,license\nhttps://a.example.com/1,CC0\n", 4096)  # 4 GiB from 4 MB
    assert path.stat().st_size < 5 * MIB
    for on_error in ("fail", "skip"):
        with pytest.raises(ManifestError, match=r"bomb.csv.gz: decompression bomb refused"):
            ingest_manifest(path, on_error=on_error)  # type: ignore[arg-type]


def test_jsonl_zst_bomb_of_one_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.zst"
    _zstd_bomb(path, b'{"url": "https://a.example.com/1"}\n{"url": "', 4096)
    assert path.stat().st_size < MIB
    with pytest.raises(ManifestError, match="decompression bomb refused"):
        ingest_manifest(path, on_error="skip")


def test_a_line_over_the_limit_is_one_reject_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl.zst"
    body = (
        b'{"url": "https://a.example.com/1"}\n{"url": "https://a.example.com/'
        + b"x" * (40 * MIB)
        + b'"}\n{"url": "https://a.example.com/3"}\n'
    )
    path.write_bytes(zstandard.ZstdCompressor(level=1).compress(body))
    limits = ReadLimits(max_line_bytes=MIB, max_ratio=10**6)
    tracemalloc.start()
    try:
        summary = _reconciled(ingest_manifest(path, on_error="skip", limits=limits))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (3, 2, 1)
    assert any(r.startswith("line longer than 1,048,576 bytes") for r in summary.reject_reasons)
    assert peak < 32 * MIB  # one block and one line: never the 40 MiB line
    with pytest.raises(MalformedRowError, match="row 2: line longer than"):
        ingest_manifest(path, limits=limits)


def test_csv_line_over_the_limit_rejects_its_record_only(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    long = "https://a.example.com/" + "y" * 5000
    path.write_text(
        f"url,license\nhttps://a.example.com/1,CC0\n{long},CC0\nhttps://a.example.com/3,CC0\n"
    )
    summary = _reconciled(
        ingest_manifest(path, on_error="skip", limits=ReadLimits(max_line_bytes=1000))
    )
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (3, 2, 1)


def test_a_normal_compressed_manifest_passes_the_ratio_check(tmp_path: Path) -> None:
    rows = "".join(f"https://h{i % 50}.example.com/{i}.jpg,CC-BY-4.0\n" for i in range(200_000))
    path = tmp_path / "m.csv.gz"
    path.write_bytes(gzip.compress(("url,license\n" + rows).encode()))
    limits = ReadLimits(ratio_floor_bytes=MIB)  # checked from the first MiB on
    summary = _reconciled(ingest_manifest(path, limits=limits))
    assert summary.rows_accepted == 200_000


# ---- encoding and binary columns --------------------------------------------------------


def test_one_invalid_utf8_line_rejects_that_row_only(tmp_path: Path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_bytes(
        b"url,license\nhttps://a.example.com/1,CC0\nhttps://a.example.com/\xff,CC0\n"
        b"https://a.example.com/3,CC0\n"
    )
    jsonl = tmp_path / "m.jsonl"
    jsonl.write_bytes(b'{"url": "https://a.example.com/1"}\n{"url": "\xc3("}\n{"url": "x"}\n')
    summary = _reconciled(ingest_manifest(csv, on_error="skip"))
    assert (summary.rows_accepted, summary.rows_rejected) == (2, 1)
    assert list(summary.reject_reasons) == ["not valid utf-8"]
    summary = _reconciled(ingest_manifest(jsonl, on_error="skip"))
    assert summary.rows_rejected == 2 and "not valid utf-8" in summary.reject_reasons
    with pytest.raises(EncodingError, match="m.csv: line 3 is not valid utf-8"):
        ingest_manifest(csv)  # --on-error fail still stops at the line


def test_invalid_utf8_inside_a_big_block_keeps_line_numbers(tmp_path: Path) -> None:
    lines = [f'{{"url": "https://a.example.com/{i}"}}'.encode() for i in range(30_000)]
    lines[20_000] = b'{"url": "https://a.example.com/\xe9"}'
    path = tmp_path / "m.jsonl"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    rejects = tmp_path / "rejects.jsonl"
    summary = _reconciled(ingest_manifest(path, on_error="skip", rejects_path=rejects))
    assert summary.rows_rejected == 1
    assert json.loads(rejects.read_text())["source_row"] == 20_001


def test_binary_url_column_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bin.parquet"
    urls = [b"https://a.example.com/1", b"\xff\xfe\x00bin", None, b"https://a.example.com/4"]
    pq.write_table(pa.table({"url": pa.array(urls, pa.binary()), "note": [b"\x80"] * 4}), path)
    with pytest.raises(MalformedRowError) as caught:
        ingest_manifest(path)
    assert (caught.value.path, caught.value.row, caught.value.column) == (str(path), 2, "url")
    assert "not UTF-8 text" in str(caught.value)
    rejects = tmp_path / "rejects.jsonl"
    summary = _reconciled(ingest_manifest(path, on_error="skip", rejects_path=rejects))
    assert (summary.rows_accepted, summary.rows_rejected) == (2, 2)  # row 3: no url at all
    first = json.loads(rejects.read_text().splitlines()[0])
    assert "\\\\xff" in first["raw"]  # shown escaped, never as raw bytes


# ---- tar shards -------------------------------------------------------------------------


def _member(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _shard(path: Path, members: list[tuple[str, bytes]], mode: str = "w") -> Path:
    with tarfile.open(path, mode) as tar:  # type: ignore[call-overload]
        for name, data in members:
            _member(tar, name, data)
    return path


def _meta(i: int) -> bytes:
    return json.dumps({"url": f"https://a.example.com/{i}.jpg"}).encode()


def test_tar_members_are_streamed_and_hashed(tmp_path: Path) -> None:
    big = JPEG + os.urandom(48 * MIB)
    path = _shard(tmp_path / "s.tar", [("0.jpg", big), ("0.json", _meta(0))])
    tracemalloc.start()
    try:
        table = pa.concat_tables(list(ManifestReader(path)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table["content_sha256"].to_pylist() == [hashlib.sha256(big).hexdigest()]
    assert table["size_bytes"].to_pylist() == [len(big)]
    assert table["modality"].to_pylist() == ["image"]
    assert peak < 16 * MIB  # the old reader held the whole 48 MiB member


def test_duplicate_members_and_returning_keys_are_reported(tmp_path: Path) -> None:
    path = _shard(
        tmp_path / "dup.tar",
        [
            ("0.json", _meta(0)),
            ("0.jpg", JPEG),
            ("0.jpg", JPEG + b"other"),  # a second version of the same member
            ("1.json", _meta(1)),
            ("1.jpg", JPEG),
            ("2.json", _meta(2)),
            ("1.txt", b"caption"),  # key 1 comes back
        ],
    )
    summary = _reconciled(ingest_manifest(path, on_error="skip"))
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (4, 2, 2)
    reasons = " ".join(summary.reject_reasons)
    assert "duplicate member '0.jpg'" in reasons and "comes back" in reasons
    with pytest.raises(MalformedRowError, match="row 1: duplicate member"):
        ingest_manifest(path)


def test_member_over_the_size_limit_is_rejected_unread(tmp_path: Path) -> None:
    path = _shard(
        tmp_path / "s.tar",
        [("0.jpg", JPEG * 100), ("0.json", _meta(0)), ("1.jpg", JPEG), ("1.json", _meta(1)),
         ("2.json", b"{" * 3000)],
    )
    limits = ReadLimits(max_member_bytes=4000, max_line_bytes=2000)
    summary = _reconciled(ingest_manifest(path, on_error="skip", limits=limits))
    assert (summary.rows_accepted, summary.rows_rejected) == (1, 2)
    reasons = " ".join(summary.reject_reasons)
    assert "over max_member_bytes" in reasons and "over max_line_bytes" in reasons


def _sparse_member(name: str, realsize: int, stored: bytes) -> bytes:
    """An old-GNU sparse member header (type 'S') and its data: ``realsize`` once expanded.

    Sizes are written as 11 octal digits, so ``realsize`` must stay under 8 GiB.
    """
    info = tarfile.TarInfo(name)
    info.size = len(stored)
    info.type = tarfile.GNUTYPE_SPARSE
    header = bytearray(info.tobuf(tarfile.GNU_FORMAT))
    struct = b"%011o\0%011o\0" % (realsize - len(stored), len(stored))  # one data run at the end
    header[386 : 386 + 24] = struct
    header[483:495] = b"%011o\0" % realsize
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header[:512])
    padding = b"\0" * (-len(stored) % 512)
    return bytes(header) + stored + padding


def test_sparse_member_is_rejected_never_expanded(tmp_path: Path) -> None:
    path = tmp_path / "sparse.tar"
    good = io.BytesIO()
    with tarfile.open(fileobj=good, mode="w") as tar:
        _member(tar, "1.jpg", JPEG)
        _member(tar, "1.json", _meta(1))
    body = _sparse_member("0.jpg", 7 << 30, b"x" * 100) + good.getvalue()
    path.write_bytes(body)
    assert path.stat().st_size < 16 * 1024  # 7 GiB once expanded
    summary = _reconciled(ingest_manifest(path, on_error="skip"))
    assert (summary.rows_accepted, summary.rows_rejected) == (1, 1)
    assert any("sparse" in r for r in summary.reject_reasons)


def test_tar_gz_bomb_is_refused(tmp_path: Path) -> None:
    info = tarfile.TarInfo("0.jpg")
    info.size = 2 << 30
    header = info.tobuf(tarfile.GNU_FORMAT)
    path = tmp_path / "bomb.tar.gz"
    path.write_bytes(gzip.compress(header) + gzip.compress(b"\0" * MIB, 9) * 2048)
    with pytest.raises(ManifestError, match="decompression bomb refused"):
        ingest_manifest(path, on_error="skip")


def test_tar_zst_shards_are_read(tmp_path: Path) -> None:
    raw = _shard(tmp_path / "s.tar", [("0.jpg", JPEG), ("0.json", _meta(0))]).read_bytes()
    path = tmp_path / "s.tar.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(raw))
    summary = _reconciled(ingest_manifest(path))
    assert summary.rows_accepted == 1


names = st.sampled_from(["0", "1", "2", "a/0", "a/1"])
exts = st.sampled_from(["jpg", "json", "txt", "png", "cls"])
payloads = st.one_of(st.binary(max_size=80), st.builds(_meta, st.integers(0, 9)))


@budget(60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(names, exts, payloads), max_size=12), st.sampled_from(["w", "w:gz"]))
def test_random_shards_never_crash_and_always_reconcile(
    tmp_path: Path, members: list[tuple[str, str, bytes]], mode: str
) -> None:
    path = tmp_path / ("fuzz.tar" if mode == "w" else "fuzz.tar.gz")
    _shard(path, [(f"{n}.{e}", d) for n, e, d in members], mode)
    try:
        _reconciled(ingest_manifest(path, on_error="skip"))
    except ClearanceError:
        pass


@budget(40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600), st.sampled_from(["gz", "zst", "raw-deflate"]))
def test_random_compressed_bytes_give_a_clear_error_or_a_reconciled_read(
    tmp_path: Path, blob: bytes, kind: str
) -> None:
    if kind == "gz":
        data = gzip.compress(blob)[: max(10, len(blob))]
    elif kind == "zst":
        data = zstandard.ZstdCompressor().compress(blob)
    else:
        data = b"\x1f\x8b" + zlib.compress(blob)  # gzip magic, wrong container
    path = tmp_path / "fuzz.jsonl.gz"
    path.write_bytes(data)
    try:
        _reconciled(ingest_manifest(path, on_error="skip"))
    except ClearanceError:
        pass


# ---- media directories ------------------------------------------------------------------


@pytest.fixture()
def media(tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "sub").mkdir(parents=True)
    (root / "a.jpg").write_bytes(JPEG)
    (root / "sub" / "b.jpg").write_bytes(JPEG + b"b")
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(JPEG + b"secret")
    os.mkfifo(root / "pipe.jpg")
    os.symlink("/dev/zero", root / "zero.jpg")
    os.symlink(outside, root / "out.jpg")
    os.symlink(root / "a.jpg", root / "inside.jpg")
    os.symlink(tmp_path, root / "loop")
    os.symlink(root / "missing.jpg", root / "broken.jpg")
    return root


def test_media_directory_reads_regular_files_only(media: Path) -> None:
    rejects = media.parent / "rejects.jsonl"
    summary = _reconciled(ingest_manifest(media, on_error="skip", rejects_path=rejects))
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (8, 3, 5)
    by_file = {
        Path(json.loads(line)["raw"]).name: json.loads(line)["reason"]
        for line in rejects.read_text().splitlines()
    }
    assert "FIFO" in by_file["pipe.jpg"]
    assert "leaving the directory" in by_file["zero.jpg"]
    assert "leaving the directory" in by_file["out.jpg"]
    assert "not followed" in by_file["loop"]
    assert "broken" in by_file["broken.jpg"]


def test_links_leaving_the_directory_are_read_when_asked(media: Path) -> None:
    limits = ReadLimits(follow_symlinks=True)
    reader = ManifestReader(media, on_error="skip", limits=limits)
    table = pa.concat_tables(list(reader))
    assert any("link to a character device" in r for r in reader.rejects.reasons)
    digests = dict(zip([Path(p).name for p in table["file_path"].to_pylist()],
                       table["content_sha256"].to_pylist(), strict=True))
    assert digests["out.jpg"] == hashlib.sha256(JPEG + b"secret").hexdigest()
    assert digests["inside.jpg"] == digests["a.jpg"]
    assert "zero.jpg" not in digests and "pipe.jpg" not in digests


@pytest.mark.parametrize("name", ["m.csv", "m.jsonl"])
def test_a_scan_skips_the_undecodable_row_and_splits_the_rest(tmp_path: Path, name: str) -> None:
    from clearance.engine.scan import ScanConfig, run_scan

    rows = [b"https://upload.wikimedia.org/wikipedia/commons/a/ab/X.jpg",
            b"https://a.example.com/caf\xe9.jpg", b"https://b.example.com/ok.jpg"]
    if name.endswith(".csv"):
        body = b"url,license\n" + b"".join(r + b",CC0\n" for r in rows)
    else:
        body = b"".join(b'{"url": "' + r + b'", "license": "CC0"}\n' for r in rows)
    manifest = tmp_path / name
    manifest.write_bytes(body)
    result = run_scan(ScanConfig(manifest=str(manifest), out=tmp_path / "out", markets=("us",),
                                 reports=False))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 2, 1)
    split = [p for p in (tmp_path / "out").iterdir() if p.stem in ("approved", "restricted",
                                                                   "prohibited")]
    header = 1 if name.endswith(".csv") else 0
    assert sum(max(0, len(p.read_bytes().splitlines()) - header) for p in split) == 2
