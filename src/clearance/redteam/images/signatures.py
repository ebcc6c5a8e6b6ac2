# SPDX-License-Identifier: Apache-2.0
"""Every signature of one image, as the index files it and as a check reads a query.

An indexed image gets: its SHA-256; PDQ of the whole frame and of centre crops
(``CROP_SCALES``), with PDQ's quality score; a 256-bit pHash; up to ``MAX_KEYPOINTS`` ORB
keypoints; and a thumbnail. A query gets its SHA-256, PDQ of its eight dihedral variants
(mirror and quarter turns come free in one pass), pHash of itself and of its mirror image,
the same again for the content inside flat borders when it has some (padding, letterbox),
and its keypoints. The rotations live on the query side so the index stays one row per
image and crop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from clearance.redteam.images import keypoints as kp
from clearance.redteam.images.appearance import encode_thumbnail
from clearance.redteam.images.decode import HASH_SIDE, WORK_SIDE, decode, trim_borders
from clearance.redteam.images.hashes import bits_to_words, pdq, pdq_dihedral, phash_batch

__all__ = [
    "CROP_SCALES",
    "IndexSignature",
    "QuerySignature",
    "index_signature",
    "query_signature",
]

#: Centre crops (share of width and height kept) hashed beside the whole frame.
CROP_SCALES: tuple[float, ...] = (0.8,)


@dataclass(frozen=True, slots=True)
class IndexSignature:
    """What the index keeps of one image."""

    sha256: str | None
    width: int
    height: int
    work_width: int
    work_height: int
    pdq: np.ndarray  # (1 + len(CROP_SCALES), 4) uint64: whole frame, then each crop
    pdq_quality: int
    phash: np.ndarray  # (4,) uint64
    keypoints: kp.Keypoints
    thumbnail: bytes


@dataclass(frozen=True, slots=True)
class QuerySignature:
    """What a check reads of one query image."""

    sha256: str | None
    width: int
    height: int
    pdq: np.ndarray  # (8 or 9, 4): the dihedral variants, then the inside of the borders
    pdq_quality: int
    phash: np.ndarray  # (2 or 3, 4): the image, its mirror, the inside of the borders
    keypoints: kp.Keypoints
    grey: np.ndarray
    canonical_pdq: np.ndarray | None = None  # (4,): PDQ as known-works lists compute it


def _canonical_pdq(raw: bytes | None, data: bytes | str | Path | Image.Image) -> np.ndarray | None:
    """Return the PDQ hash ``decide.pdq`` computes (image at up to 1,024 pixels), or None."""
    import io

    from clearance.decide.pdq import hash_image

    if raw is None:
        if not isinstance(data, Image.Image):
            return None
        buf = io.BytesIO()
        data.save(buf, "PNG")
        raw = buf.getvalue()
    try:
        value, _ = hash_image(raw)
    except (OSError, ValueError):
        return None
    return np.frombuffer(bytes.fromhex(value), dtype=">u8").astype(np.uint64)


def _centre(pixels: np.ndarray, scale: float) -> np.ndarray:
    h, w = pixels.shape[:2]
    ch, cw = max(1, round(h * scale)), max(1, round(w * scale))
    top, left = (h - ch) // 2, (w - cw) // 2
    return np.ascontiguousarray(pixels[top : top + ch, left : left + cw])


def _read(data: bytes | str | Path | Image.Image) -> tuple[bytes | None, str | None]:
    if isinstance(data, Image.Image):
        return None, None  # no file bytes: no exact match
    raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    return raw, hashlib.sha256(raw).hexdigest()


def index_signature(
    data: bytes | str | Path | Image.Image, n_keypoints: int = kp.MAX_KEYPOINTS
) -> IndexSignature:
    """Return the signatures the index keeps of an image (bytes, path or PIL image).

    Raises OSError or ValueError when the image cannot be decoded.
    """
    raw, digest = _read(data)
    img = decode(raw if raw is not None else data, WORK_SIDE if n_keypoints > 0 else HASH_SIDE)
    whole, quality = pdq(img.small)
    hashes = [whole] + [pdq(_centre(img.small, scale))[0] for scale in CROP_SCALES]
    phash = bits_to_words(phash_batch([img.small]))[0]
    return IndexSignature(
        sha256=digest,
        width=img.width,
        height=img.height,
        work_width=img.grey.shape[1],
        work_height=img.grey.shape[0],
        pdq=np.stack(hashes),
        pdq_quality=quality,
        phash=phash,
        keypoints=kp.extract(img.grey, n_keypoints),
        thumbnail=encode_thumbnail(img.rgb),
    )


def query_signature(
    data: bytes | str | Path | Image.Image,
    with_keypoints: bool = True,
    canonical: bool = False,
) -> QuerySignature:
    """Return the signatures a check reads of a query image (bytes, path or PIL image).

    ``canonical`` adds the PDQ hash as ``decide.pdq`` computes it from the image at up to
    1,024 pixels, the form known-works lists carry (the working 256-pixel hash of the same
    image differs from it by 12-28 bits).

    Raises OSError or ValueError when the image cannot be decoded.
    """
    raw, digest = _read(data)
    img = decode(raw if raw is not None else data)
    turned, quality = pdq_dihedral(img.small)
    views = [img.small, np.ascontiguousarray(img.small[:, ::-1])]
    box = trim_borders(img.grey)
    if box is not None:
        top, bottom, left, right = box
        sy = img.small.shape[0] / img.grey.shape[0]
        sx = img.small.shape[1] / img.grey.shape[1]
        inner = np.ascontiguousarray(
            img.small[round(top * sy) : round(bottom * sy), round(left * sx) : round(right * sx)]
        )
        if min(inner.shape[:2]) >= 16:
            turned = np.vstack([turned, pdq(inner)[0][None, :]])
            views.append(inner)
    phash = bits_to_words(phash_batch(views))
    keypoints = kp.extract(img.grey) if with_keypoints else kp.empty()
    return QuerySignature(
        sha256=digest,
        width=img.width,
        height=img.height,
        pdq=turned,
        pdq_quality=quality,
        phash=phash,
        keypoints=keypoints,
        grey=img.grey,
        canonical_pdq=_canonical_pdq(raw, data) if canonical else None,
    )
