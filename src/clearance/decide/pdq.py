# SPDX-License-Identifier: Apache-2.0
"""PDQ perceptual hashes of images (Meta's 256-bit hash, via the ``pdqhash`` bindings).

PDQ hashes of near-identical images (re-encoded, resized, lightly edited) differ in few bits;
ThreatExchange treats a Hamming distance of 31 or less as a match, the default here. A hash
comes with a quality score 0-100; featureless images (flat colour) score low and match each
other, so hashes below ``min_quality`` are not used for matching. Hashes are written as 64
hex digits, most significant bit first, the form other PDQ tools exchange.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "DEFAULT_MIN_QUALITY",
    "DEFAULT_THRESHOLD",
    "PdqResult",
    "hash_files",
    "hash_image",
    "hex_to_words",
    "nearest",
]

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 31
DEFAULT_MIN_QUALITY = 50
_HEX = re.compile(r"^[0-9a-f]{64}$")
_MAX_SIDE = 1024  # decode large images at most this big: PDQ works on a 64x64 downsample
_MAX_PIXELS = 200_000_000


@dataclass(frozen=True, slots=True)
class PdqResult:
    """Hashes of a batch of files: hex (None where unreadable), quality, and problem counts."""

    hashes: list[str | None]
    quality: list[int | None]
    unreadable: int
    missing: int


def hash_image(data: bytes | str | Path) -> tuple[str, int]:
    """Return the PDQ hash (64 hex digits) and quality of an image given as bytes or a path.

    Raises OSError or ValueError when the image cannot be decoded.
    """
    import io
    import warnings

    import pdqhash  # type: ignore[import-untyped]
    from PIL import Image

    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(source) as img:
            if img.width * img.height > _MAX_PIXELS:
                raise ValueError(f"image too large ({img.width}x{img.height})")
            img.draft("RGB", (_MAX_SIDE, _MAX_SIDE))
            rgb = img.convert("RGB")
            if max(rgb.size) > _MAX_SIDE:
                rgb.thumbnail((_MAX_SIDE, _MAX_SIDE))
            pixels = np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
    bits, quality = pdqhash.compute(pixels)
    packed = np.packbits(np.asarray(bits, dtype=np.uint8))
    return packed.tobytes().hex(), int(quality)


def hash_files(paths: Sequence[str | None], base_dir: Path | None = None) -> PdqResult:
    """Return the PDQ hashes of image files; relative paths resolve against ``base_dir``.

    Files that are missing or cannot be decoded give None and are counted; nothing raises.
    """
    hashes: list[str | None] = []
    quality: list[int | None] = []
    unreadable = missing = 0
    for raw in paths:
        if not raw:
            hashes.append(None)
            quality.append(None)
            missing += 1
            continue
        path = Path(raw)
        if not path.is_absolute() and base_dir is not None and not path.exists():
            path = base_dir / path
        if not path.is_file():
            hashes.append(None)
            quality.append(None)
            missing += 1
            continue
        try:
            value, score = hash_image(path)
        except Exception as exc:  # hostile input: any decoder failure is one unreadable file
            logger.debug("PDQ: cannot hash %s: %s", path, exc)
            hashes.append(None)
            quality.append(None)
            unreadable += 1
            continue
        hashes.append(value)
        quality.append(score)
    return PdqResult(hashes, quality, unreadable, missing)


def hex_to_words(values: Sequence[str]) -> np.ndarray:
    """Return hex hashes as an (n, 4) uint64 array; raise ValueError naming a bad value."""
    out = np.zeros((len(values), 4), dtype=np.uint64)
    for i, value in enumerate(values):
        text = value.strip().lower()
        if not _HEX.match(text):
            raise ValueError(f"not a PDQ hash (64 hex digits): {value!r}")
        out[i] = np.frombuffer(bytes.fromhex(text), dtype=">u8").astype(np.uint64)
    return out


def nearest(
    query: np.ndarray, listed: np.ndarray, chunk: int = 4096
) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each query hash, the smallest Hamming distance to a listed hash and its index.

    Both arrays are (n, 4) uint64; the work is done in chunks of ``chunk`` queries so memory
    stays bounded by ``chunk x len(listed)``.
    """
    n = len(query)
    best = np.full(n, 257, dtype=np.int32)
    where = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(listed) == 0:
        return best, where
    step = max(1, min(chunk, (1 << 24) // max(1, len(listed))))
    for start in range(0, n, step):
        block = query[start : start + step]
        dist = np.bitwise_count(block[:, None, :] ^ listed[None, :, :]).sum(axis=2, dtype=np.int32)
        where[start : start + step] = dist.argmin(axis=1)
        best[start : start + step] = dist.min(axis=1)
    return best, where
