# SPDX-License-Identifier: Apache-2.0
"""Thumbnails, and whether a query looks like an indexed image once aligned onto it.

Each indexed image keeps a small JPEG thumbnail: the report shows it beside the query, and
the check uses it for a last test after the geometric one. The query is warped onto the
thumbnail by the similarity transform the keypoints found, and the two are compared by
normalised cross-correlation over the area they share (blurred slightly, so JPEG noise and
resampling do not count). Two photographs of the same building from nearby viewpoints can
share keypoints in a consistent arrangement; they rarely agree pixel for pixel.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

__all__ = ["THUMB_SIDE", "aligned_correlation", "decode_thumbnail", "encode_thumbnail"]

THUMB_SIDE = 128
_MIN_SHARED = 0.15  # share of the thumbnail the warped query must cover to be compared


def encode_thumbnail(rgb: np.ndarray) -> bytes:
    """Return a JPEG thumbnail (at most THUMB_SIDE pixels on its longer side) of an RGB array."""
    img = Image.fromarray(rgb)
    factor = max(img.size) // THUMB_SIDE
    if factor >= 2:  # integer box reduction first: most of the shrink for little work
        img = img.reduce(factor)
    img.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def decode_thumbnail(data: bytes) -> Image.Image:
    """Return the RGB image of a stored thumbnail."""
    with Image.open(io.BytesIO(data)) as img:
        return img.convert("RGB")


def aligned_correlation(
    query_grey: np.ndarray,
    transform: np.ndarray,
    indexed_work_size: tuple[int, int],
    thumbnail: bytes,
) -> float:
    """Return the correlation (-1..1) of the query warped onto the indexed image's thumbnail.

    ``transform`` (2x3) maps query working pixels to the indexed image's working pixels,
    whose (width, height) is ``indexed_work_size``. Returns -1 when they share too little area.
    """
    import cv2

    thumb = np.asarray(decode_thumbnail(thumbnail).convert("L"), dtype=np.float32)
    th, tw = thumb.shape
    width, height = indexed_work_size
    scale = np.array([[tw / max(1, width), 0.0], [0.0, th / max(1, height)]])
    affine = np.hstack([scale @ transform[:, :2], scale @ transform[:, 2:]])
    zoom = float(np.sqrt(abs(np.linalg.det(affine[:, :2]))))
    if not 0.01 <= zoom <= 100:
        return -1.0
    source: np.ndarray = query_grey.astype(np.float32)
    if zoom < 1:  # shrinking: blur first so the warp does not alias
        source = cv2.GaussianBlur(source, (0, 0), min(8.0, 0.5 / zoom))
    warped = cv2.warpAffine(source, affine, (tw, th), flags=cv2.INTER_LINEAR, borderValue=0)
    inside = cv2.warpAffine(
        np.ones(source.shape, np.float32), affine, (tw, th), flags=cv2.INTER_NEAREST
    )
    mask = inside > 0.5
    mask = cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    if mask.mean() < _MIN_SHARED:
        return -1.0
    a = cv2.GaussianBlur(warped, (0, 0), 1.0)[mask]
    b = cv2.GaussianBlur(thumb, (0, 0), 1.0)[mask]
    a = a - a.mean()
    b = b - b.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denom) if denom > 0 else -1.0
