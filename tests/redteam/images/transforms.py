# SPDX-License-Identifier: Apache-2.0
"""The edits of the robustness suite: what a generated near-copy of a work may have undergone.

Each transform takes an RGB image and a seeded ``random.Random`` (for offsets, colours and
words) and returns the edited RGB image. The parameters follow the issue and the Thorn
``perception`` benchmark where it names them:

=============  ============================================================================
resize         scaled to half its width and height (Lanczos)
jpeg30         re-encoded as JPEG at quality 30
greyscale      converted to luminance (kept as RGB)
brightness     brightness raised by 30%
crop5          5% of the width and of the height cut away, split at random between the sides
crop20         the same with 20%
rotate3        rotated 3 degrees about the centre, same canvas, black corners
mirror         flipped left to right
padding        a solid border of 10% of the width/height on every side (black, white or grey)
caption        a strip of 15% of the height added below, with a line of text in it
=============  ============================================================================
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

Transform = Callable[[Image.Image, random.Random], Image.Image]

_WORDS = (
    "sunset", "over", "the", "old", "harbour", "when", "you", "see", "it", "limited", "edition",
    "photo", "of", "the", "day", "generated", "with", "love", "morning", "walk", "classic",
)  # fmt: skip


def resize(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.resize((max(1, img.width // 2), max(1, img.height // 2)), Image.Resampling.LANCZOS)


def jpeg30(img: Image.Image, rng: random.Random) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=30)
    buf.seek(0)
    with Image.open(buf) as out:
        return out.convert("RGB")


def greyscale(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.convert("L").convert("RGB")


def brightness(img: Image.Image, rng: random.Random) -> Image.Image:
    return ImageEnhance.Brightness(img).enhance(1.3)


def _crop(img: Image.Image, rng: random.Random, fraction: float) -> Image.Image:
    cut_w, cut_h = round(img.width * fraction), round(img.height * fraction)
    left, top = rng.randint(0, cut_w), rng.randint(0, cut_h)
    return img.crop((left, top, left + img.width - cut_w, top + img.height - cut_h))


def crop5(img: Image.Image, rng: random.Random) -> Image.Image:
    return _crop(img, rng, 0.05)


def crop20(img: Image.Image, rng: random.Random) -> Image.Image:
    return _crop(img, rng, 0.20)


def rotate3(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.rotate(3, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(0, 0, 0))


def mirror(img: Image.Image, rng: random.Random) -> Image.Image:
    return ImageOps.mirror(img)


def padding(img: Image.Image, rng: random.Random) -> Image.Image:
    colour = rng.choice([(0, 0, 0), (255, 255, 255), (128, 128, 128)])
    pad_w, pad_h = round(img.width * 0.10), round(img.height * 0.10)
    return ImageOps.expand(img, border=(pad_w, pad_h, pad_w, pad_h), fill=colour)


def caption(img: Image.Image, rng: random.Random) -> Image.Image:
    strip = max(12, round(img.height * 0.15))
    background, ink = rng.choice([((255, 255, 255), (0, 0, 0)), ((0, 0, 0), (255, 255, 255))])
    out = Image.new("RGB", (img.width, img.height + strip), background)
    out.paste(img, (0, 0))
    text = " ".join(rng.choice(_WORDS) for _ in range(6)).upper()
    font = ImageFont.load_default(size=max(8, round(strip * 0.5)))
    ImageDraw.Draw(out).text((strip // 4, img.height + strip // 4), text, fill=ink, font=font)
    return out


TRANSFORMS: dict[str, Transform] = {
    "resize": resize,
    "jpeg30": jpeg30,
    "greyscale": greyscale,
    "brightness": brightness,
    "crop5": crop5,
    "caption": caption,
    "padding": padding,
    "crop20": crop20,
    "rotate3": rotate3,
    "mirror": mirror,
}


def quarter_turn(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.transpose(Image.Transpose.ROTATE_90)


def half_turn(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.transpose(Image.Transpose.ROTATE_180)


def quarter_turn_half_jpeg30(img: Image.Image, rng: random.Random) -> Image.Image:
    return jpeg30(resize(quarter_turn(img, rng), rng), rng)


#: Turned copies (the turned-radius measurement, benchmarks/redteam_images_turned.py).
TURNED: dict[str, Transform] = {
    "quarter_turn": quarter_turn,
    "quarter_turn_half_jpeg30": quarter_turn_half_jpeg30,
    "half_turn": half_turn,
}
#: Recall the issue asks for: 95% on the common edits, 60% on the harder ones.
TARGETS: dict[str, float] = {
    "resize": 0.95,
    "jpeg30": 0.95,
    "greyscale": 0.95,
    "brightness": 0.95,
    "crop5": 0.95,
    "caption": 0.95,
    "padding": 0.95,
    "crop20": 0.60,
    "rotate3": 0.60,
    "mirror": 0.60,
}
