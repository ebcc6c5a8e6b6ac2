# SPDX-License-Identifier: Apache-2.0
"""Every reader yields the same canonical rows, streaming, with exact row numbers."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from clearance.ingest.manifest import ManifestReader
from clearance.ingest.schema import SCHEMA
from tests.ingest.conftest import CSV_TEXT, run

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
MP3 = b"ID3\x03" + b"\x00" * 40


def _rows(source: object, **kwargs: object) -> pa.Table:
    reader = ManifestReader(source, **kwargs)  # type: ignore[arg-type]
    tables = list(reader)
    assert reader.rows_read == reader.rows_accepted + reader.rows_rejected
    return pa.concat_tables(tables)


def _same_three(table: pa.Table) -> None:
    assert table.schema == SCHEMA
    assert table["url"].to_pylist()[0] == "https://pbs.twimg.com/media/a.jpg"
    assert table["host"].to_pylist() == ["pbs.twimg.com", "upload.wikimedia.org", "www.nytimes.com"]
    assert table["registrable_domain"].to_pylist() == ["twimg.com", "wikimedia.org", "nytimes.com"]
    assert table["license_raw"].to_pylist() == ["CC-BY 4.0", "CC0", None]
    stamps = [t.isoformat() for t in table["collected_at"].to_pylist()]
    assert stamps == [
        "2025-03-01T10:00:00+00:00",
        "2025-04-01T00:00:00+00:00",
        "2024-05-01T10:40:00+00:00",
    ]
    assert table["modality"].to_pylist() == ["image", "image", "text"]


def test_csv(csv_file: Path) -> None:
    table = _rows(csv_file)
    _same_three(table)
    assert table["source_row"].to_pylist() == [1, 2, 3]
    assert table["item_id"].to_pylist() == ["r0", "r1", "r2"]


def test_tsv_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "m.tsv"
    path.write_text(
        'url\tcaption\nhttps://a.example.com/x.png\t"two\nlines"\n'
        "https://b.example.com/y.png\tok\n",
        encoding="utf-8",
    )
    table = _rows(path)
    assert table.num_rows == 2
    assert table["source_row"].to_pylist() == [1, 2]


@pytest.mark.parametrize("compression", ["plain", "gz", "zst"])
def test_jsonl(tmp_path: Path, compression: str) -> None:
    lines = [
        json.dumps(
            {
                "url": r.split(",")[0],
                "license": r.split(",")[2] or None,
                "crawl_date": r.split(",")[3],
            }
        )
        for r in CSV_TEXT.splitlines()[1:]
    ]
    data = ("\n".join(lines) + "\n").encode()
    path = tmp_path / "m.jsonl"
    if compression == "gz":
        path = tmp_path / "m.jsonl.gz"
        data = gzip.compress(data)
    elif compression == "zst":
        path = tmp_path / "m.jsonl.zst"
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    _same_three(_rows(path))


def test_parquet_file_dir_and_glob(tmp_path: Path, csv_file: Path) -> None:
    frame = pl.read_csv(csv_file, infer_schema=False)
    (tmp_path / "d").mkdir()
    frame.write_parquet(tmp_path / "d" / "part-0.parquet")
    frame.write_parquet(tmp_path / "d" / "part-1.parquet")
    _same_three(_rows(tmp_path / "d" / "part-0.parquet"))
    both = _rows(tmp_path / "d")
    assert both.num_rows == 6
    assert both["item_id"].to_pylist() == [f"r{i}" for i in range(6)]
    assert _rows(str(tmp_path / "d" / "part-*.parquet")).num_rows == 6


def test_parquet_typed_columns(tmp_path: Path) -> None:
    table = pa.table(
        {
            "url": ["https://a.example.org/1.jpg", "https://a.example.org/2.jpg"],
            "size": pa.array([10, 20], pa.int32()),
            "ts": pa.array([0, 86_400_000_000], pa.timestamp("us")),
            "pii": [True, None],
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    out = _rows(tmp_path / "t.parquet", mapping={"collected_at": "ts", "personal_data": "pii"})
    assert out["size_bytes"].to_pylist() == [10, 20]
    assert out["personal_data"].to_pylist() == [True, None]
    assert out["collected_at"].to_pylist()[1].isoformat() == "1970-01-02T00:00:00+00:00"


def test_img2dataset_parquet_excludes_failed_downloads(tmp_path: Path) -> None:
    pq.write_table(
        pa.table(
            {
                "url": [
                    "https://i.pinimg.com/a.jpg",
                    "https://i.pinimg.com/b.jpg",
                    "https://x.org/c",
                ],
                "caption": ["a", "b", "c"],
                "key": ["000000000", "000000001", "000000002"],
                "status": ["success", "failed_to_download", "success"],
                "error_message": [None, "HTTP Error 404", None],
            }
        ),
        tmp_path / "00000.parquet",
    )
    summary = run(tmp_path, on_error="fail")
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (3, 2, 1)
    assert summary.modalities == {"image": 2}
    assert any("failed_to_download" in r for r in summary.reject_reasons)


def _tar(path: Path, samples: list[tuple[str, dict[str, object], bytes]]) -> None:
    with tarfile.open(path, "w") as tar:
        for key, meta, media in samples:
            for name, data in (
                (f"{key}.jpg", media),
                (f"{key}.json", json.dumps(meta).encode()),
                (f"{key}.txt", b"caption"),
            ):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


def test_webdataset_tar(tmp_path: Path) -> None:
    _tar(
        tmp_path / "00000.tar",
        [
            (
                "000000000",
                {
                    "url": "https://live.staticflickr.com/1/2_b.jpg",
                    "key": "000000000",
                    "status": "success",
                },
                JPEG,
            ),
            ("000000001", {"url": "https://i.redd.it/x.jpg", "key": "000000001"}, PNG),
        ],
    )
    table = _rows(tmp_path / "00000.tar")
    assert table["item_id"].to_pylist() == ["000000000", "000000001"]
    assert table["content_sha256"].to_pylist() == [
        hashlib.sha256(JPEG).hexdigest(),
        hashlib.sha256(PNG).hexdigest(),
    ]
    assert table["size_bytes"].to_pylist() == [len(JPEG), len(PNG)]
    assert table["modality"].to_pylist() == ["image", "image"]
    assert table["file_path"].to_pylist()[0].endswith("00000.tar!/000000000.jpg")


def test_truncated_tar_is_a_clear_error(tmp_path: Path) -> None:
    _tar(tmp_path / "full.tar", [("0", {"url": "https://a.b.com/x"}, JPEG * 100)])
    data = (tmp_path / "full.tar").read_bytes()
    (tmp_path / "cut.tar").write_bytes(data[:700])
    from clearance.errors import ManifestError

    with pytest.raises(ManifestError, match="cut.tar.*truncated or corrupt"):
        _rows(tmp_path / "cut.tar")


def test_media_directory(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.bin").write_bytes(PNG)
    (tmp_path / "img" / "b.jpg").write_bytes(JPEG)
    (tmp_path / "song.mp3").write_bytes(MP3)
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / ".hidden").write_bytes(b"x")
    table = _rows(tmp_path)
    by_path = {
        Path(p).name: m
        for p, m in zip(table["file_path"].to_pylist(), table["modality"].to_pylist(), strict=False)
    }
    assert by_path == {"a.bin": "image", "b.jpg": "image", "song.mp3": "audio", "notes.txt": "text"}
    assert hashlib.sha256(PNG).hexdigest() in table["content_sha256"].to_pylist()
    assert table["url"].null_count == table.num_rows
    assert table["host"].null_count == table.num_rows


def test_hf_save_to_disk_and_dataset_object(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict(
        {
            "url": ["https://pbs.twimg.com/media/a.jpg", "https://i.redd.it/b.jpg"],
            "license": ["cc-by-4.0", None],
        }
    )
    ds.info.license = "cc-by-4.0"
    ds.save_to_disk(str(tmp_path / "saved"))
    table = _rows(tmp_path / "saved")
    assert table["url"].to_pylist() == [
        "https://pbs.twimg.com/media/a.jpg",
        "https://i.redd.it/b.jpg",
    ]
    assert table["dataset_license"].to_pylist() == ["cc-by-4.0", "cc-by-4.0"]
    assert _rows(ds)["host"].to_pylist() == ["pbs.twimg.com", "i.redd.it"]
    split = datasets.DatasetDict({"train": ds, "test": ds})
    split.save_to_disk(str(tmp_path / "dict"))
    assert _rows(tmp_path / "dict").num_rows == 4


def test_hf_image_feature_is_hashed(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    features = datasets.Features({"image": datasets.Image(), "url": datasets.Value("string")})
    ds = datasets.Dataset.from_dict(
        {"image": [{"bytes": PNG, "path": "a.png"}], "url": ["https://x.example.com/a.png"]},
        features=features,
    )
    table = _rows(ds)
    assert table["content_sha256"].to_pylist() == [hashlib.sha256(PNG).hexdigest()]
    assert table["modality"].to_pylist() == ["image"]


def test_arrow_and_polars_objects() -> None:
    frame = pl.DataFrame({"image_url": ["https://i.pinimg.com/originals/a.jpg"]})
    assert _rows(frame)["host"].to_pylist() == ["i.pinimg.com"]
    assert _rows(frame.to_arrow())["url"].to_pylist() == ["https://i.pinimg.com/originals/a.jpg"]


def test_laion_and_datacomp_column_names(tmp_path: Path) -> None:
    pq.write_table(
        pa.table(
            {
                "SAMPLE_ID": [7],
                "URL": ["https://a.example.com/x.jpg"],
                "TEXT": ["t"],
                "LICENSE": ["?"],
                "LANGUAGE": ["en"],
            }
        ),
        tmp_path / "laion.parquet",
    )
    summary = run(tmp_path / "laion.parquet")
    assert summary.column_mapping == {
        "item_id": "SAMPLE_ID",
        "url": "URL",
        "license_raw": "LICENSE",
        "language": "LANGUAGE",
    }
    pq.write_table(
        pa.table({"uid": ["u1"], "url": ["https://b.example.com/y.jpg"], "text": ["t"]}),
        tmp_path / "datacomp.parquet",
    )
    assert run(tmp_path / "datacomp.parquet").column_mapping == {"item_id": "uid", "url": "url"}


def test_user_mapping_overrides_aliases(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("link,img,rights\nhttps://a.com/page,https://cdn.a.com/i.png,CC0\n")
    summary = run(path, mapping={"url": "img", "license_raw": "rights"})
    assert summary.column_mapping["url"] == "img"
    assert summary.top_domains == [("a.com", 1)]


def test_batches_stay_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write("url\n")
        for i in range(5000):
            handle.write(f"https://h{i % 50}.example.com/{i}.jpg\n")
    reader = ManifestReader(path, batch_rows=1000)
    sizes = [t.num_rows for t in reader]
    assert max(sizes) <= 1000 and sum(sizes) == 5000
