# SPDX-License-Identifier: Apache-2.0
"""Index sources: directories, WebDataset shards, a scan's facts, known-works lists, metadata."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import InputError
from clearance.redteam.images.hashes import words_to_hex
from clearance.redteam.images.run import gather_items
from clearance.redteam.images.signatures import index_signature
from clearance.redteam.images.sources import (
    from_directory,
    from_known_works,
    from_scan,
    from_shard,
    read_metadata,
)
from tests.redteam.images.conftest import Work


def _jpeg(work: Work) -> bytes:
    buf = io.BytesIO()
    work.image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def test_directory_ids_are_relative_paths(tmp_path: Path, corpus: list[Work]) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.jpg").write_bytes(_jpeg(corpus[0]))
    (tmp_path / "two.PNG").write_bytes(_jpeg(corpus[1]))
    (tmp_path / "notes.txt").write_text("not an image")
    items = list(from_directory(tmp_path, "works"))
    assert [i.source for i in items] == ["a/b/one.jpg", "two.PNG"]
    assert {i.collection for i in items} == {"works"}


def test_shard_samples_carry_their_json_licence_and_owner(
    tmp_path: Path, corpus: list[Work]
) -> None:
    shard = tmp_path / "shard-000.tar"
    with tarfile.open(shard, "w") as tar:
        _add(tar, "000001.jpg", _jpeg(corpus[0]))
        _add(
            tar,
            "000001.json",
            json.dumps(
                {"license": "CC-BY-4.0", "author": "Ann", "url": "https://example.org/1"}
            ).encode(),
        )
        _add(tar, "000001.txt", b"a caption")
        _add(tar, "000002.png", _jpeg(corpus[1]))
        _add(tar, "000002.json", b"{not json")
    items = list(from_shard(shard))
    assert [(i.source, i.license, i.owner, i.url) for i in items] == [
        ("shard-000.tar/000001", "CC-BY-4.0", "Ann", "https://example.org/1"),
        ("shard-000.tar/000002", None, None, None),
    ]
    assert items[0].data == _jpeg(corpus[0])


def test_broken_shard_is_an_input_error(tmp_path: Path) -> None:
    shard = tmp_path / "bad.tar"
    shard.write_bytes(b"\x00" * 100 + b"garbage")
    with pytest.raises(InputError, match="bad.tar"):
        list(from_shard(shard))


def test_scan_items_local_files_only(tmp_path: Path, corpus: list[Work]) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "x.jpg").write_bytes(_jpeg(corpus[2]))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("unused")
    scan = tmp_path / "scan"
    scan.mkdir()
    pl.DataFrame(
        {
            "item_id": ["i1", "i2", "i3"],
            "file_path": ["img/x.jpg", None, "img/missing.jpg"],
            "source_file": [str(manifest)] * 3,
            "modality": ["image", "image", "image"],
            "license_id": ["CC-BY-4.0", None, None],
            "license_raw": [None, None, None],
            "creator": ["Bo", None, None],
            "url": [None, "https://example.org/2.jpg", None],
        }
    ).write_parquet(scan / "facts.parquet")
    items, remote = from_scan(scan)
    assert [(i.source, i.license, i.owner) for i in items] == [("i1", "CC-BY-4.0", "Bo")]
    assert remote == 2
    with pytest.raises(InputError, match="not a scan output"):
        from_scan(tmp_path / "img")


def test_known_works_list_becomes_hash_only_items(tmp_path: Path, corpus: list[Work]) -> None:
    pdq = words_to_hex(index_signature(corpus[0].image).pdq[:1])[0]
    listed = tmp_path / "getty.csv"
    listed.write_text(
        "kind,hash,work,rightsholder\n"
        f"pdq,{pdq},Harbour at dusk,Example Images Ltd\n"
        f"sha256,{'ab' * 32},Portrait 7,Example Images Ltd\n"
    )
    items = from_known_works(listed)
    assert [(i.source, i.collection, i.owner, i.pdq is not None, i.sha256) for i in items] == [
        ("Harbour at dusk", "getty", "Example Images Ltd", True, None),
        ("Portrait 7", "getty", "Example Images Ltd", False, "ab" * 32),
    ]


def test_metadata_file_and_defaults_fill_licence_and_owner(
    tmp_path: Path, corpus: list[Work]
) -> None:
    (tmp_path / "imgs").mkdir()
    for n in range(3):
        (tmp_path / "imgs" / f"{n}.jpg").write_bytes(_jpeg(corpus[n]))
    meta = tmp_path / "meta.csv"
    meta.write_text("path,licence,copyright\n0.jpg,CC0-1.0,Cy\n1.jpg,,Di\n")
    items, _ = gather_items([tmp_path / "imgs"], metadata=meta, license="proprietary", owner="Us")
    assert [(i.source, i.license, i.owner) for i in items] == [
        ("0.jpg", "CC0-1.0", "Cy"),
        ("1.jpg", "proprietary", "Di"),
        ("2.jpg", "proprietary", "Us"),
    ]


def test_gather_refuses_what_it_cannot_index(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="no such file"):
        gather_items([tmp_path / "missing"])
    with pytest.raises(InputError, match="not an image directory"):
        gather_items([tmp_path / "notes.txt"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_metadata_reader_never_crashes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "meta.csv"
    path.write_text(text, encoding="utf-8")
    try:
        table = read_metadata(path)
    except InputError as exc:
        assert "meta.csv" in str(exc)
    else:
        assert all(isinstance(k, str) for k in table)


#: Compressed-stream magic numbers: random bytes after them reach the decompressors' header
#: readers, where CPython raised TypeError (gzip header cut after 3 bytes) and EOFError.
MAGIC = [b"", b"\x1f\x8b", b"\x1f\x8b\x08", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd"]


@pytest.mark.parametrize("data", [b"\x1f\x8b\x08", b"\x1f\x8b", b"\x1f\x8b\x08\x04" + bytes(6),
                                  b"BZh9", b"\xfd7zXZ\x00\x00"])
def test_a_cut_compressed_header_is_an_input_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "cut.tar"
    path.write_bytes(data)
    with pytest.raises(InputError, match="cut.tar"):
        list(from_shard(path))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(MAGIC), st.binary(max_size=2000))
def test_shard_reader_never_crashes(tmp_path: Path, magic: bytes, data: bytes) -> None:
    data = magic + data
    path = tmp_path / "fuzz.tar"
    path.write_bytes(data)
    try:
        list(from_shard(path))
    except InputError as exc:
        assert "fuzz.tar" in str(exc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=4000),
    st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"RIFF"]),
)
def test_hostile_query_bytes_give_an_error_result(data: bytes, magic: bytes) -> None:
    from clearance.redteam.images.check import check_images
    from clearance.redteam.images.index import build_index

    empty, _ = build_index([])
    (result,) = check_images(empty, [("q", magic + data)])
    assert result.matches == () and (result.error is None) == (result.sha256 is not None)
