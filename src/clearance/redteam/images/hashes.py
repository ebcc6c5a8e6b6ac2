# SPDX-License-Identifier: Apache-2.0
"""Global perceptual hashes: PDQ with its eight dihedral variants, and a 256-bit pHash.

Both hashes are 256 bits held as four uint64 words (most significant bit first, the byte
order of the 64-hex-digit form PDQ tools exchange), so one multi-index structure serves both.

PDQ comes from Meta's reference code through ``pdqhash``; ``pdqhash.compute_dihedral`` returns
the hashes of the image's eight rotations and reflections in one pass, in the order of
``DIHEDRAL``. pHash is the classic DCT hash (as in the ``imagehash`` package: greyscale,
resize, 2-D DCT-II, the low-frequency block thresholded at its median) computed here for many
images at once as two matrix products; with ``hash_size=8`` it reproduces ``imagehash.phash``
bit for bit (``tests/redteam/images/test_hashes.py``), and the index uses ``hash_size=16``
(256 bits), as Thorn's ``perception`` benchmark does.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pdqhash  # type: ignore[import-untyped]
from PIL import Image

__all__ = [
    "DIHEDRAL",
    "PHASH_SIZE",
    "apply_dihedral",
    "bits_to_words",
    "hamming",
    "hex_to_words",
    "pdq",
    "pdq_dihedral",
    "phash",
    "phash_batch",
    "words_to_hex",
]

#: The eight orientations in ``pdqhash.compute_dihedral``'s order (numpy terms: rot90 counts
#: quarter turns anticlockwise).
DIHEDRAL: tuple[str, ...] = (
    "identity",
    "rot90",
    "rot180",
    "rot270",
    "flip_vertical",
    "flip_horizontal",
    "transpose",
    "antitranspose",
)
PHASH_SIZE = 16
_PHASH_FACTOR = 4
_WEIGHTS = (np.uint64(1) << np.arange(63, -1, -1, dtype=np.uint64)).astype(np.uint64)


def bits_to_words(bits: np.ndarray) -> np.ndarray:
    """Return (n, 256) booleans as (n, 4) uint64 words, most significant bit first."""
    bits = np.asarray(bits, dtype=np.uint64).reshape(len(bits), 4, 64)
    return np.asarray((bits * _WEIGHTS).sum(axis=2, dtype=np.uint64), dtype=np.uint64)


def words_to_hex(words: np.ndarray) -> list[str]:
    """Return (n, 4) uint64 hashes as 64-hex-digit strings."""
    big = np.ascontiguousarray(words, dtype=">u8")
    return [row.tobytes().hex() for row in big]


def hex_to_words(values: Sequence[str]) -> np.ndarray:
    """Return 64-hex-digit hashes as (n, 4) uint64; raise ValueError naming a bad value."""
    out = np.zeros((len(values), 4), dtype=np.uint64)
    for i, value in enumerate(values):
        text = value.strip().lower()
        if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
            raise ValueError(f"not a 256-bit hash (64 hex digits): {value!r}")
        out[i] = np.frombuffer(bytes.fromhex(text), dtype=">u8").astype(np.uint64)
    return out


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the Hamming distances between (..., 4) uint64 hash arrays (broadcasting)."""
    return np.asarray(np.bitwise_count(np.bitwise_xor(a, b)).sum(axis=-1, dtype=np.int32))


def pdq(rgb: np.ndarray) -> tuple[np.ndarray, int]:
    """Return the PDQ hash of an RGB uint8 image as (4,) uint64 words, and its quality."""
    bits, quality = pdqhash.compute(rgb)
    return bits_to_words(np.asarray(bits, dtype=np.uint8)[None, :])[0], int(quality)


def pdq_dihedral(rgb: np.ndarray) -> tuple[np.ndarray, int]:
    """Return the PDQ hashes of an RGB uint8 image's eight orientations, (8, 4), and quality."""
    hashes, quality = pdqhash.compute_dihedral(rgb)
    return bits_to_words(np.asarray(hashes, dtype=np.uint8)), int(quality)


def apply_dihedral(pixels: np.ndarray, variant: int) -> np.ndarray:
    """Return ``pixels`` turned as DIHEDRAL[variant] turns the image (rows first)."""
    out = {
        0: lambda p: p,
        1: lambda p: np.rot90(p, 1),
        2: lambda p: np.rot90(p, 2),
        3: lambda p: np.rot90(p, 3),
        4: lambda p: p[::-1],
        5: lambda p: p[:, ::-1],
        6: lambda p: np.swapaxes(p, 0, 1),
        7: lambda p: np.swapaxes(np.rot90(p, 2), 0, 1),
    }[variant](pixels)
    return np.ascontiguousarray(out)


@functools.cache
def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n, dtype=np.float64)[:, None]
    x = np.arange(n, dtype=np.float64)[None, :]
    return np.asarray(2.0 * np.cos(np.pi * (2.0 * x + 1.0) * k / (2.0 * n)))


def _grey_square(img: Image.Image | np.ndarray, side: int) -> np.ndarray:
    pil = img if isinstance(img, Image.Image) else Image.fromarray(img)
    return np.asarray(pil.convert("L").resize((side, side), Image.Resampling.LANCZOS), np.float64)


def phash_batch(
    images: Sequence[Image.Image | np.ndarray], hash_size: int = PHASH_SIZE
) -> np.ndarray:
    """Return the pHash bits of many images, (n, hash_size**2) booleans, row-major.

    Each image is reduced to grey at ``4 * hash_size`` pixels square (Lanczos, as imagehash
    does), all at once transformed by the DCT-II matrix on both sides, and the top-left
    ``hash_size`` square of coefficients compared with its median.
    """
    side = hash_size * _PHASH_FACTOR
    if not images:
        return np.zeros((0, hash_size * hash_size), dtype=bool)
    stack = np.stack([_grey_square(im, side) for im in images])
    basis = _dct_matrix(side)[:hash_size]
    low = basis @ stack @ basis.T
    flat = low.reshape(len(images), -1)
    return np.asarray(flat > np.median(flat, axis=1, keepdims=True))


def phash(img: Image.Image | np.ndarray) -> np.ndarray:
    """Return the 256-bit pHash of one image as (4,) uint64 words."""
    return np.asarray(bits_to_words(phash_batch([img]))[0])
