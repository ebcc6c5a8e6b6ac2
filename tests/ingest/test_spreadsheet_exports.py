# SPDX-License-Identifier: Apache-2.0
"""What spreadsheets write when asked for CSV: semicolons (locales with a decimal comma),
tabs or bars in a .csv file, and "Unicode text" in UTF-16 with a byte-order mark. Each reads
as the comma-separated UTF-8 file does; bytes that are not UTF-16 fail with the file named."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.errors import EncodingError, ManifestError, UnknownFormatError
from clearance.ingest.manifest import ManifestReader
from clearance.ingest.readers.base import Utf8FromUtf16
from clearance.ingest.readers.delimited import DELIMITERS, header_delimiter, read_delimited
from tests.ingest.conftest import CSV_TEXT


def _read(path: Path) -> list[dict[str, object]]:
    reader = ManifestReader(str(path))
    rows = [row for table in reader for row in table.select(
        ["url", "license_raw", "source_row"]).to_pylist()]
    assert reader.rows_read == reader.rows_accepted + reader.rows_rejected
    assert reader.rows_rejected == 0
    return rows


@pytest.fixture
def expected(tmp_path: Path) -> list[dict[str, object]]:
    path = tmp_path / "plain.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return _read(path)


def _with(delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerows(csv.reader(io.StringIO(CSV_TEXT)))
    return out.getvalue()


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_any_delimiter_in_a_csv_file(
    tmp_path: Path, expected: list[dict[str, object]], delimiter: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(_with(delimiter), encoding="utf-8")
    assert _read(path) == expected


def test_a_semicolon_file_without_extension_is_read_as_csv(
    tmp_path: Path, expected: list[dict[str, object]]
) -> None:
    path = tmp_path / "export"
    path.write_text(_with(";"), encoding="utf-8")
    assert _read(path) == expected


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("name", ["export.csv", "export.tsv", "export"])
def test_utf16_with_a_byte_order_mark(
    tmp_path: Path, expected: list[dict[str, object]], encoding: str, name: str
) -> None:
    path = tmp_path / name
    text = _with("\t" if name.endswith(".tsv") else ",")
    bom = "" if encoding == "utf-16" else "\ufeff"  # "utf-16" writes its own mark
    path.write_bytes((bom + text).encode(encoding))
    assert _read(path) == expected


def test_utf16_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes('{"url": "https://a.example/é.jpg", "license": "CC0"}\n'.encode("utf-16"))
    assert _read(path) == [{"url": "https://a.example/é.jpg", "license_raw": "CC0",
                            "source_row": 1}]


@pytest.mark.parametrize("tail", [b"h\x00\x00", b"\x00\xd8\n\x00"])  # odd length; lone surrogate
def test_bytes_that_are_not_utf16_name_the_file(tmp_path: Path, tail: bytes) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\xff\xfe" + "url\n".encode("utf-16-le") + tail)
    with pytest.raises(EncodingError, match=r"broken\.csv: not valid UTF-16"):
        list(read_delimited(path, delimiter=None))


names = st.text(st.characters(codec="utf-8", exclude_characters=',;\t|"\r\n\x00'),
                min_size=1, max_size=12)


@given(st.lists(names, min_size=1, max_size=8), st.sampled_from(DELIMITERS))
def test_a_header_tells_its_delimiter(columns: list[str], delimiter: str) -> None:
    line = delimiter.join(columns)
    assert header_delimiter(line) == (delimiter if len(columns) > 1 else ",")


@given(st.text(max_size=200))
def test_any_header_line_gives_one_of_the_delimiters(line: str) -> None:
    assert header_delimiter(line) in DELIMITERS


class _Trickle(io.BytesIO):
    """A file that hands out at most ``step`` bytes a read (cuts inside code units)."""

    def __init__(self, data: bytes, step: int) -> None:
        super().__init__(data)
        self.step = step

    def read(self, size: int | None = -1) -> bytes:
        return super().read(self.step)


@given(st.text(st.characters(codec="utf-16", exclude_categories=["Cs"]), max_size=300),
       st.sampled_from(["utf-16-le", "utf-16-be"]), st.integers(1, 7), st.integers(1, 5))
def test_utf16_reads_as_its_utf8_bytes_in_any_read_size(
    text: str, encoding: str, size: int, step: int
) -> None:
    raw = _Trickle(("\ufeff" + text).encode(encoding), step)
    stream = Utf8FromUtf16(raw, Path("x.csv"))
    got = b""
    while piece := stream.read(size):
        assert len(piece) <= size
        got += piece
    assert got == text.encode("utf-8")


@pytest.mark.parametrize("name", ["manifest.xlsx", "manifest.ODS"])
def test_a_workbook_is_refused_with_what_to_do(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04" + bytes(60))
    with pytest.raises(UnknownFormatError, match=r"save the sheet as CSV"):
        ManifestReader(str(path))


@pytest.mark.parametrize("text", ['[{"url": "https://a.example/x.jpg"}]',
                                  '\ufeff[\n  {"url": "https://a.example/x.jpg"}\n]\n'])
def test_a_json_array_is_refused_with_how_to_convert_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest\.json: line 1 opens a JSON array.*jq"):
        list(ManifestReader(str(path)))


def test_a_utf8_byte_order_mark_before_the_first_object(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"url": "https://a.example/x.jpg"}\n')
    assert _read(path) == [{"url": "https://a.example/x.jpg", "license_raw": None,
                            "source_row": 1}]
