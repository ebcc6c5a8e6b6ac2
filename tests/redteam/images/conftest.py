# SPDX-License-Identifier: Apache-2.0
"""The robustness corpus (Debian's gcompris-qt-data), split into indexed works and strangers."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass

import pytest
from PIL import Image

from clearance.redteam.images.index import ImageIndex, build_index
from clearance.redteam.images.sources import SourceItem
from tests.redteam.images.corpus import CorpusImage, load_corpus

MAX_SIDE = 640  # the check works at 512 pixels; larger originals only cost time here


@dataclass(frozen=True, slots=True)
class Work:
    """A corpus image as the tests use it: its name, licence, author and pixels."""

    name: str
    license: str
    author: str
    image: Image.Image


def _indexed(name: str) -> bool:
    """Two thirds of the corpus are indexed works; the rest are unrelated images."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % 3 != 0


def _work(im: CorpusImage) -> Work:
    with Image.open(io.BytesIO(im.data)) as img:
        rgb = img.convert("RGB")
    rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return Work(im.name, im.license, im.author, rgb)


@pytest.fixture(scope="session")
def corpus() -> list[Work]:
    try:
        images = load_corpus()
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{exc} (scripts/test installs it)")
    return [_work(im) for im in images]


@pytest.fixture(scope="session")
def works(corpus: list[Work]) -> list[Work]:
    return [w for w in corpus if _indexed(w.name)]


@pytest.fixture(scope="session")
def strangers(corpus: list[Work]) -> list[Work]:
    return [w for w in corpus if not _indexed(w.name)]


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


@pytest.fixture(scope="session")
def index(works: list[Work]) -> ImageIndex:
    items = [
        SourceItem(
            w.name, "gcompris", license=w.license, owner=w.author or None, data=_png(w.image)
        )
        for w in works
    ]
    built, stats = build_index(items, workers=2, embedded=False)
    assert stats.unreadable == 0
    return built
