# SPDX-License-Identifier: Apache-2.0
"""Real photographs and graphics for the image red team's robustness suite.

The images come from Debian's ``gcompris-qt-data`` package (the GCompris educational suite's
data, installed by ``scripts/test`` when missing). GCompris packs each activity's files in a
Qt resource file (``/usr/share/gcompris-qt/rcc/<activity>.rcc``) beside a README per folder
stating each image's author, source and licence. Only images whose README says Public
Domain, CC0 or CC-BY (attribution only) are used; GPL and share-alike images are left out.
The chosen files are listed with their licences in ``data/corpus.tsv`` (written by
``python tests/redteam/images/corpus.py --write-list``) and described in ``data/README.md``.

scikit-image's and matplotlib's sample images are deliberately not used: they are kept back
for an independent check of the operating point.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import struct
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

RCC_DIR = Path("/usr/share/gcompris-qt/rcc")
DEBIAN_PACKAGE = "gcompris-qt-data"
LIST = Path(__file__).resolve().parent / "data" / "corpus.tsv"
ACTIVITIES = (
    "categorization",
    "erase",
    "explore_farm_animals",
    "explore_monuments",
    "explore_world_animals",
    "explore_world_music",
    "solar_system",
)
PERMISSIVE = re.compile(r"^(public domain|cc0|cc-by[- ]\d)", re.IGNORECASE)
MIN_SIDE = 200
IMAGE_SUFFIXES = (".webp", ".jpg", ".jpeg", ".png")


@dataclass(frozen=True, slots=True)
class CorpusImage:
    """One image of the corpus: where it is packed, its licence and author, its bytes."""

    activity: str
    path: str
    license: str
    author: str
    source: str
    data: bytes

    @property
    def name(self) -> str:
        """Return a short unique file name: activity and path below ``resource/``."""
        tail = self.path.split("/resource/", 1)[-1]
        return f"{self.activity}__{tail.replace('/', '__')}"


def read_rcc(path: Path) -> Iterator[tuple[str, bytes]]:
    """Yield (path, bytes) for every file in a Qt resource (.rcc) file, formats 1 to 3."""
    blob = path.read_bytes()
    if blob[:4] != b"qres":
        raise ValueError(f"{path}: not a Qt resource file")
    version, tree, data, names = struct.unpack(">IIII", blob[4:20])
    node = 22 if version >= 2 else 14

    def name_at(offset: int) -> str:
        (length,) = struct.unpack(">H", blob[names + offset : names + offset + 2])
        start = names + offset + 6
        return blob[start : start + 2 * length].decode("utf-16-be")

    def walk(index: int, prefix: str) -> Iterator[tuple[str, bytes]]:
        at = tree + index * node
        name_offset, flags = struct.unpack(">IH", blob[at : at + 6])
        name = name_at(name_offset) if index else ""
        if flags & 2:  # directory
            count, first = struct.unpack(">II", blob[at + 6 : at + 14])
            below = f"{prefix}{name}/" if name else prefix
            for child in range(first, first + count):
                yield from walk(child, below)
            return
        (data_offset,) = struct.unpack(">I", blob[at + 10 : at + 14])
        start = data + data_offset
        (size,) = struct.unpack(">I", blob[start : start + 4])
        raw = blob[start + 4 : start + 4 + size]
        if flags & 1:
            raw = zlib.decompress(raw[4:])
        elif flags & 4:
            return  # zstd-compressed entries: never images in this package
        yield prefix + name, raw

    yield from walk(0, "")


def _licences(readme: str) -> dict[str, tuple[str, str, str]]:
    """Return {file (relative to the README's folder): (licence, author, source)}."""
    found: dict[str, tuple[str, str, str]] = {}
    for block in re.split(r"\n\s*\n", readme.replace("\r\n", "\n")):
        licence = re.search(r"^License:\s*(.+)$", block, re.MULTILINE)
        if licence is None or "Files:" not in block:
            continue
        author = re.search(r"^Copyright:\s*(.*)$", block, re.MULTILINE)
        source = re.search(r"^Source:\s*(\S+)", block, re.MULTILINE)
        for name in block.split("Files:", 1)[1].split():
            found[name] = (
                licence.group(1).strip(),
                author.group(1).strip() if author else "",
                source.group(1).strip() if source else "",
            )
    return found


def scan_package(rcc_dir: Path = RCC_DIR) -> list[CorpusImage]:
    """Return every permissively licensed image of at least MIN_SIDE pixels, deduplicated by
    bytes and by source page."""
    from PIL import Image

    images: list[tuple[int, CorpusImage]] = []
    seen: set[str] = set()
    for activity in ACTIVITIES:
        entries = dict(read_rcc(rcc_dir / f"{activity}.rcc"))
        readmes = {
            str(PurePosixPath(name).parent): _licences(raw.decode("utf-8", "replace"))
            for name, raw in entries.items()
            if PurePosixPath(name).name.upper().startswith("README")
        }
        for name, raw in sorted(entries.items()):
            if not name.lower().endswith(IMAGE_SUFFIXES):
                continue
            terms = None
            for folder, table in readmes.items():
                if name.startswith(folder + "/"):
                    terms = table.get(name[len(folder) + 1 :]) or terms
            if terms is None or not PERMISSIVE.match(terms[0]):
                continue
            with Image.open(io.BytesIO(raw)) as img:
                if min(img.size) < MIN_SIDE:
                    continue
                pixels = img.width * img.height
            digest = hashlib.sha256(raw).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            images.append((pixels, CorpusImage(activity, name, *terms, raw)))
    # The same photograph (same source page) packed twice: keep the larger copy.
    best: dict[str, tuple[int, CorpusImage]] = {}
    for pixels, im in images:
        key = im.source or im.path
        if key not in best or pixels > best[key][0]:
            best[key] = (pixels, im)
    keep = {id(im) for _, im in best.values()}
    return [im for _, im in images if id(im) in keep]


def write_list(images: list[CorpusImage], path: Path = LIST) -> None:
    """Write the corpus list (activity, path, licence, author, source, sha256) as TSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter="\t", lineterminator="\n")
        out.writerow(["activity", "path", "license", "author", "source", "sha256"])
        for im in images:
            digest = hashlib.sha256(im.data).hexdigest()
            out.writerow([im.activity, im.path, im.license, im.author, im.source, digest])


def load_corpus(rcc_dir: Path = RCC_DIR, listed: Path = LIST) -> list[CorpusImage]:
    """Return the listed images read from the installed package, in list order.

    Raises FileNotFoundError when the package is not installed and ValueError when fewer
    than 95% of the listed images are found (a different package version).
    """
    if not rcc_dir.is_dir():
        raise FileNotFoundError(f"{rcc_dir} is missing: install Debian's {DEBIAN_PACKAGE}")
    with listed.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    wanted = {(r["activity"], r["path"]): r for r in rows}
    found: dict[tuple[str, str], CorpusImage] = {}
    for activity in sorted({r["activity"] for r in rows}):
        for name, raw in read_rcc(rcc_dir / f"{activity}.rcc"):
            row = wanted.get((activity, name))
            if row is not None:
                found[(activity, name)] = CorpusImage(
                    activity, name, row["license"], row["author"], row["source"], raw
                )
    if len(found) < 0.95 * len(rows):
        raise ValueError(
            f"only {len(found)} of the {len(rows)} listed images are in {rcc_dir}: "
            f"another version of {DEBIAN_PACKAGE}?"
        )
    return [found[k] for k in wanted if k in found]


if __name__ == "__main__":
    if "--write-list" in sys.argv:
        chosen = scan_package()
        write_list(chosen)
        print(f"{len(chosen)} images listed in {LIST}")
