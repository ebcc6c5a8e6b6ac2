# SPDX-License-Identifier: Apache-2.0
"""Decode an image once into the working forms every signature reads.

Images are untrusted (generated outputs, scraped works): decoding refuses decompression bombs
and anything over ``MAX_PIXELS``, reads only the first frame, applies the EXIF orientation,
and flattens transparency onto white. JPEGs are decoded at reduced scale (libjpeg's DCT
scaling) when that still leaves ``WORK_SIDE`` pixels on the longer side, which is most of the
cost saved on large photographs. The working image is at most ``WORK_SIDE`` pixels on its
longer side; the global hashes read a smaller copy (``HASH_SIDE``).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

__all__ = [
    "HASH_SIDE",
    "MAX_PIXELS",
    "WORK_SIDE",
    "Decoded",
    "decode",
    "trim_borders",
]

MAX_PIXELS = 200_000_000
WORK_SIDE = 512
HASH_SIDE = 256
_ORIENTATION = 0x0112
_BORDER_TOLERANCE = 14  # grey levels: a border is flat within JPEG noise
_BORDER_MIN_CONTENT = 0.25  # the content left inside a border keeps at least this share


@dataclass(frozen=True, slots=True)
class Decoded:
    """An image's working forms: RGB and grey at WORK_SIDE, RGB at HASH_SIDE, original size."""

    rgb: np.ndarray
    grey: np.ndarray
    small: np.ndarray
    width: int
    height: int


def _flatten(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return img if img.mode == "RGB" else img.convert("RGB")


def _shrink(img: Image.Image, side: int) -> Image.Image:
    if max(img.size) <= side:
        return img
    scale = side / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def decode(data: bytes | str | Path | Image.Image, work_side: int = WORK_SIDE) -> Decoded:
    """Return the working forms of an image given as bytes, a path or a PIL image.

    ``work_side`` caps the working image (the global hashes alone need only HASH_SIDE).

    Raises OSError or ValueError (the callers' "unreadable") when it cannot be decoded or is
    too large.
    """
    if isinstance(data, Image.Image):
        return _forms(data, data.width, data.height, work_side)
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(source) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ValueError(f"image too large ({width}x{height})")
            if img.format == "JPEG":
                img.draft("RGB", (work_side, work_side))
            img.load()
            return _forms(img, width, height, work_side)


def _forms(img: Image.Image, width: int, height: int, work_side: int) -> Decoded:
    orientation = img.getexif().get(_ORIENTATION, 1)
    if orientation in range(2, 9):
        img = ImageOps.exif_transpose(img)
        if orientation >= 5:  # the four orientations that swap the axes
            width, height = height, width
    work = _shrink(_flatten(img), work_side)
    rgb = np.ascontiguousarray(np.asarray(work, dtype=np.uint8))
    grey = np.ascontiguousarray(np.asarray(work.convert("L"), dtype=np.uint8))
    small = np.ascontiguousarray(np.asarray(_shrink(work, HASH_SIDE), dtype=np.uint8))
    return Decoded(rgb, grey, small, width, height)


def trim_borders(grey: np.ndarray) -> tuple[int, int, int, int] | None:
    """Return the (top, bottom, left, right) box inside flat borders, or None when there are none.

    A border is a run of edge rows or columns within a few grey levels of the corner colour;
    padding and letterboxing add them. None is returned when nothing is trimmed or when the
    content left would be under a quarter of the image.
    """
    h, w = grey.shape
    if h < 16 or w < 16:
        return None
    corners = np.array([grey[0, 0], grey[0, -1], grey[-1, 0], grey[-1, -1]], dtype=np.int16)
    edge = int(np.median(corners))
    differs = np.abs(grey.astype(np.int16) - edge) > _BORDER_TOLERANCE
    rows = np.flatnonzero(differs.mean(axis=1) > 0.02)
    cols = np.flatnonzero(differs.mean(axis=0) > 0.02)
    if len(rows) == 0 or len(cols) == 0:
        return None
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    if (bottom - top) * (right - left) >= 0.97 * h * w:
        return None
    if (bottom - top) * (right - left) < _BORDER_MIN_CONTENT * h * w:
        return None
    return top, bottom, left, right
