# SPDX-License-Identifier: Apache-2.0
"""Bad input: a clear error naming file, row and column, or a reject with its reason.

Whatever happens, rows read = rows accepted + rows rejected.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from clearance.engine.ingest import ingest_manifest
from clearance.errors import (
    ClearanceError,
    ColumnMappingError,
    EmptyManifestError,
    EncodingError,
    MalformedRowError,
    ManifestError,
    UnknownFormatError,
)
from clearance.ingest.manifest import ManifestReader
from tests.fuzzing import budget
from tests.ingest.conftest import run

HEADER = "url,license,crawl_date,size,sha256,modality,personal_data,language,channel\n"
GOOD = "https://a.example.com/1.jpg,CC0,2025-01-01,10,{sha},image,false,en,licensed\n".format(
    sha="a" * 64
)

# (case, bad row, column named in the error, reason fragment)
ROW_CASES = [
    ("url", "not a url,CC0,2025-01-01,10,,,,,\n", "url", "not an absolute URL"),
    ("no-host", "https://exa mple.com/x.jpg,CC0,2025-01-01,10,,,,,\n", "url", "no valid host name"),
    ("nothing", ",CC0,2025-01-01,10,,,,,\n", "url", "neither url nor file_path"),
    (
        "date",
        "https://a.example.com/2.jpg,,next tuesday,10,,,,,\n",
        "crawl_date",
        "not a date or time",
    ),
    ("size", "https://a.example.com/2.jpg,,,-5,,,,,\n", "size", "non-negative whole number"),
    ("sha", "https://a.example.com/2.jpg,,,,xyz,,,,\n", "sha256", "not 64 hex digits"),
    ("modality", "https://a.example.com/2.jpg,,,,,hologram,,,\n", "modality", "not one of"),
    (
        "personal",
        "https://a.example.com/2.jpg,,,,,,maybe,,\n",
        "personal_data",
        "not true/false/unknown",
    ),
    ("language", "https://a.example.com/2.jpg,,,,,,,English!,\n", "language", "BCP-47"),
    ("channel", "https://a.example.com/2.jpg,,,,,,,,stolen\n", "channel", "not one of"),
    ("nul", "https://a.example.com/2.jpg,CC\x000,,,,,,,\n", "license", "NUL byte"),
    ("fields", "https://a.example.com/2.jpg,CC0\n", None, "expected 9 fields, found 2"),
]


def _write(tmp_path: Path, bad: str) -> Path:
    path = tmp_path / "m.csv"
    path.write_text(HEADER + GOOD + bad + GOOD, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("case", "bad", "column", "fragment"), ROW_CASES, ids=[c[0] for c in ROW_CASES]
)
def test_malformed_row_fails_naming_file_row_and_column(
    tmp_path: Path, case: str, bad: str, column: str | None, fragment: str
) -> None:
    path = _write(tmp_path, bad)
    with pytest.raises(MalformedRowError) as caught:
        ingest_manifest(path)
    err = caught.value
    assert err.path == str(path)
    assert err.row == 2
    assert err.column == column
    assert fragment in str(err)
    assert "m.csv" in str(err) and "row 2" in str(err)


@pytest.mark.parametrize(
    ("case", "bad", "column", "fragment"), ROW_CASES, ids=[c[0] for c in ROW_CASES]
)
def test_malformed_row_is_skipped_into_rejects(
    tmp_path: Path, case: str, bad: str, column: str | None, fragment: str
) -> None:
    path = _write(tmp_path, bad)
    rejects = tmp_path / "rejects.jsonl"
    summary = run(path, on_error="skip", rejects_path=rejects)
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (3, 2, 1)
    [line] = rejects.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["source_file"] == str(path)
    assert record["source_row"] == 2
    assert record["column"] == column
    assert fragment in record["reason"]
    assert record["kind"] == "malformed"


def test_jsonl_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(
        '{"url": "https://a.example.com/x"}\n{"url": \n[1, 2]\n\n'
        '{"url": "https://b.example.com/y"}\n',
        encoding="utf-8",
    )
    with pytest.raises(MalformedRowError, match=r"m.jsonl, row 2: invalid JSON"):
        ingest_manifest(path)
    summary = run(path, on_error="skip")
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (4, 2, 2)
    assert "expected a JSON object, found list" in summary.reject_reasons


@pytest.mark.parametrize("name", ["m.csv", "m.jsonl", "m.parquet", "m.bin"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(EmptyManifestError, match=rf"{name}: the file is empty \(0 bytes\)"):
        ingest_manifest(path)


def test_header_only_and_blank_jsonl(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text("url,license\n")
    with pytest.raises(EmptyManifestError, match="header but no records"):
        ingest_manifest(tmp_path / "h.csv")
    (tmp_path / "b.jsonl").write_text("\n\n  \n")
    with pytest.raises(EmptyManifestError, match="no JSON records"):
        ingest_manifest(tmp_path / "b.jsonl")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmptyManifestError, match="no files"):
        ingest_manifest(tmp_path / "empty")


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "url,creator\nhttps://a.example.com/1,Ana\n"
        "https://a.example.com/2,Jos\u00e9 M\u00fcller\n".encode("latin-1")
    )
    with pytest.raises(EncodingError, match=r"latin1.csv: line 3 is not valid utf-8"):
        ingest_manifest(path)


def test_truncated_gzip(tmp_path: Path) -> None:
    body = "".join(f'{{"url": "https://h{i}.example.com/{i}.jpg"}}\n' for i in range(20000))
    data = gzip.compress(body.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ManifestError, match="cut.jsonl.gz: compressed stream is truncated"):
        ingest_manifest(path)


def test_nul_bytes_in_jsonl_line(tmp_path: Path) -> None:
    path = tmp_path / "nul.jsonl"
    path.write_bytes(b'{"url": "https://a.example.com/1"}\n{"url": "https://a\x00"}\n')
    with pytest.raises(MalformedRowError, match="row 2: NUL byte"):
        ingest_manifest(path)
    assert run(path, on_error="skip").rows_rejected == 1


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "blob.dat"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnknownFormatError, match="blob.dat: cannot tell the format"):
        ingest_manifest(path)


def test_corrupt_parquet_and_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 100)
    with pytest.raises(ManifestError, match="bad.parquet: not a readable Parquet file"):
        ingest_manifest(path)
    with pytest.raises(ManifestError, match="no such file or directory"):
        ingest_manifest(tmp_path / "missing.csv")


def test_mapping_names_a_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    with pytest.raises(ColumnMappingError, match="no column 'LINK'"):
        ingest_manifest(path, mapping={"url": "LINK"})


def test_duplicate_header_names(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("url,url\nhttps://a.example.com,https://b.example.com\n")
    with pytest.raises(ManifestError, match="duplicate column name 'url'"):
        ingest_manifest(path)


@budget(60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=60), max_size=15))
def test_random_csv_never_crashes_and_always_reconciles(tmp_path: Path, body: list[str]) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text("url,license\n" + "\n".join(body) + "\n", encoding="utf-8")
    try:
        summary = ingest_manifest(path, on_error="skip")
    except ClearanceError:
        return
    assert summary.rows_read == summary.rows_accepted + summary.rows_rejected


@budget(40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=400))
def test_random_bytes_give_a_clear_error_or_a_reconciled_read(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(blob)
    try:
        summary = ingest_manifest(path, on_error="skip")
    except ClearanceError:
        return
    assert summary.rows_read == summary.rows_accepted + summary.rows_rejected


@pytest.mark.parametrize("data", [b"\x1f\x8b\x08", b"\x1f\x8b", b"BZh9"])
def test_a_tar_shard_cut_inside_its_compressed_header_names_the_file(
    tmp_path: Path, data: bytes
) -> None:
    """tarfile.is_tarfile let gzip's EOFError out, which the CLI showed as a bare 'Aborted'."""
    path = tmp_path / "cut.tar"
    path.write_bytes(data)
    with pytest.raises(ManifestError, match="cut.tar"):
        list(ManifestReader(str(path)))
