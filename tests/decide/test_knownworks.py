# SPDX-License-Identifier: Apache-2.0
"""Known works: exact SHA-256 lists, PDQ perceptual matches within a Hamming distance, the list
formats, and hostile images and lists that must not crash the gate."""

from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from clearance.decide.knownworks import load_known_works, match_known_works
from clearance.decide.pdq import hash_files, hash_image, hex_to_words, nearest
from clearance.errors import InputError


def draw(path: Path, seed: int, size: tuple[int, int] = (480, 360)) -> Path:
    """Write a picture of random shapes (enough structure for a high PDQ quality)."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", size, (250, 250, 245))
    pen = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = int(rng.integers(0, size[0])), int(rng.integers(0, size[1]))
        w, h = int(rng.integers(20, 140)), int(rng.integers(20, 140))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            pen.ellipse([x, y, x + w, y + h], fill=colour)
        else:
            pen.rectangle([x, y, x + w, y + h], fill=colour)
    img.save(path, quality=92)
    return path


def distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


@pytest.fixture()
def images(tmp_path: Path) -> dict[str, Path]:
    original = draw(tmp_path / "original.jpg", 7)
    smaller = tmp_path / "copy_small.jpg"
    with Image.open(original) as img:
        img.resize((320, 240)).save(smaller, quality=60)
    other = draw(tmp_path / "other.jpg", 8)
    flat = tmp_path / "flat.png"
    Image.new("RGB", (200, 200), (128, 128, 128)).save(flat)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return {
        "original": original,
        "smaller": smaller,
        "other": other,
        "flat": flat,
        "broken": broken,
    }


def test_pdq_hash_is_stable_robust_and_discriminating(images: dict[str, Path]) -> None:
    value, quality = hash_image(images["original"])
    assert len(value) == 64 and quality >= 50
    assert hash_image(images["original"].read_bytes()) == (value, quality)
    copy, _ = hash_image(images["smaller"])
    other, _ = hash_image(images["other"])
    assert distance(value, copy) <= 31 < distance(value, other)
    assert hash_image(images["flat"])[1] < 50


def test_hex_form_is_the_bit_vector_most_significant_bit_first(images: dict[str, Path]) -> None:
    import pdqhash

    with Image.open(images["original"]) as img:
        bits, _ = pdqhash.compute(np.asarray(img.convert("RGB"), dtype=np.uint8))
    expected = f"{int(''.join(str(int(b)) for b in bits), 2):064x}"
    assert hash_image(images["original"])[0] == expected


def test_hashing_files_counts_what_it_cannot_read(images: dict[str, Path]) -> None:
    result = hash_files(
        ["original.jpg", str(images["broken"]), "absent.jpg", None],
        base_dir=images["original"].parent,
    )
    assert result.hashes[0] is not None and result.hashes[1:] == [None, None, None]
    assert result.unreadable == 1 and result.missing == 2


def test_sha256_and_pdq_matches(tmp_path: Path, images: dict[str, Path]) -> None:
    secret = b"a protected photograph's bytes"
    digest = hashlib.sha256(secret).hexdigest()
    listed = tmp_path / "getty.csv"
    listed.write_text(
        "kind,hash,work\n"
        f"sha256,SHA256:{digest.upper()},Photo 17\n"
        f"pdq,{hash_image(images['original'])[0]},Painting 3\n"
    )
    works = load_known_works(listed)
    assert works.name == "getty" and len(works.pdq_works) == 1
    items = pl.DataFrame(
        {
            "content_sha256": [digest, None, None, None, None, None],
            "modality": ["text", "image", "image", "image", "image", "text"],
            "file_path": [
                None,
                "copy_small.jpg",
                "other.jpg",
                "flat.png",
                "broken.jpg",
                "original.jpg",
            ],
        }
    )
    found = match_known_works(items, [works], base_dir=images["original"].parent)
    hits = found.column.to_pylist()
    assert hits[0] == "getty: sha256 Photo 17"
    assert hits[1] is not None and hits[1].startswith("getty: pdq distance ")
    assert hits[1].endswith(" Painting 3")
    assert hits[2:] == [None, None, None, None]  # other image, flat, broken, not an image
    assert (found.sha256_hits, found.pdq_hits, found.unreadable, found.low_quality) == (1, 1, 1, 1)


def test_a_precomputed_pdq_column_is_used(tmp_path: Path, images: dict[str, Path]) -> None:
    value = hash_image(images["original"])[0]
    listed = tmp_path / "list.txt"
    listed.write_text(f"# works\npdq:{value}\nsha256:{'0' * 64}\n")
    flipped = f"{int(value, 16) ^ 0b111:064x}"  # three bits away
    items = pl.DataFrame({"modality": ["image", "image"], "pdq": [flipped, None]})
    hits = match_known_works(items, [load_known_works(listed)]).column.to_pylist()
    assert hits == [f"list: pdq distance 3 {value[:16]}", None]
    assert match_known_works(items, [load_known_works(listed)], threshold=2).column.null_count == 2


def test_other_list_formats(tmp_path: Path) -> None:
    digest = "ab" * 32
    (tmp_path / "a.jsonl").write_text(f'{{"sha256": "{digest}", "work": "W"}}\n')
    pl.DataFrame({"sha256": [digest], "pdq": [None]}).write_parquet(tmp_path / "b.parquet")
    (tmp_path / "c.tsv").write_text(f"sha256\twork\n{digest}\tW\n")
    for name in ("a.jsonl", "b.parquet", "c.tsv"):
        works = load_known_works(tmp_path / name)
        assert works.sha256["sha256"].to_list() == [digest], name


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.csv", "kind,hash\nsha256,xyz\n", "row 1: not a SHA-256"),
        ("bad.csv", "kind,hash\nsha256," + "a" * 64 + "\nmd5,abc\n", "row 2: kind 'md5'"),
        ("bad.csv", "kind,hash\npdq,1234\n", "not a PDQ hash"),
        ("bad.csv", "title\nx\n", "needs 'kind' and 'hash'"),
        ("bad.txt", "just a line\n", "sha256:<hex>"),
        ("bad.jsonl", "{not json\n", "cannot read"),
    ],
)
def test_invalid_lists_name_the_file(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError, match=message) as info:
        load_known_works(path)
    assert str(path) in str(info.value)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, (1 << 256) - 1), min_size=1, max_size=6),
    st.lists(st.integers(0, (1 << 256) - 1), min_size=1, max_size=6),
)
def test_nearest_equals_brute_force_popcount(query: list[int], listed: list[int]) -> None:
    q = hex_to_words([f"{v:064x}" for v in query])
    table = hex_to_words([f"{v:064x}" for v in listed])
    best, where = nearest(q, table, chunk=2)
    for i, v in enumerate(query):
        dists = [bin(v ^ w).count("1") for w in listed]
        assert best[i] == min(dists)
        assert dists[where[i]] == min(dists)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=600))
def test_hostile_image_bytes_never_crash_the_batch(data: bytes) -> None:
    try:
        value, quality = hash_image(data)
    except Exception as exc:  # decoder errors are expected; hash_files turns them into counts
        assert not isinstance(exc, (SystemExit, KeyboardInterrupt))
        return
    assert len(value) == 64 and 0 <= quality <= 100


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_hostile_text_lists_raise_input_error_only(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.txt"
        path.write_text(text, encoding="utf-8")
        try:
            load_known_works(path)
        except InputError:
            pass


def test_png_bytes_in_memory_hash_like_the_file(tmp_path: Path, images: dict[str, Path]) -> None:
    buffer = io.BytesIO()
    with Image.open(images["original"]) as img:
        img.save(buffer, format="PNG")
    (tmp_path / "same.png").write_bytes(buffer.getvalue())
    assert hash_image(buffer.getvalue()) == hash_image(tmp_path / "same.png")
