# SPDX-License-Identifier: Apache-2.0
"""The image red team's report section: findings with thumbnails side by side.

``clearance redteam images report INDEX RESULTS.jsonl`` reads what ``check --json`` wrote,
finds each matched source's thumbnail in the index and the query image where it still is, and
renders :func:`summarise_image_checks`'s view as Markdown, an HTML section (thumbnails inline
as PNG data URIs, every string escaped) or JSON. A risk assessment for counsel's review, not
legal advice.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from pathlib import Path

from clearance.errors import InputError
from clearance.redteam.images.check import CheckResult, Match
from clearance.redteam.images.findings import ImageRedteamSummary, summarise_image_checks
from clearance.redteam.images.index import ImageIndex, load_index

__all__ = ["image_report", "read_check_results", "render_html", "render_markdown"]

FORMATS = ("html", "md", "json")


def read_check_results(path: Path, index: ImageIndex) -> list[CheckResult]:
    """Return the results ``check --json`` wrote to ``path`` (JSON Lines), matched to records.

    Raises InputError naming the file and line for a line that is not a check result, or a
    source the index does not hold (the results belong to another index).
    """
    records = {str(s): i for i, s in enumerate(index.records["source"].to_list())}
    results: list[CheckResult] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the check results: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            matches = []
            for m in data.get("matches", ()):
                source = str(m["source"])
                if source not in records:
                    raise InputError(f"{path}, line {number}: source {source!r} is not in this "
                                     "index (results of another index?)")
                ev = m.get("evidence") or {}
                matches.append(Match(
                    record=records[source], source=source, collection=str(m.get("collection", "")),
                    license=m.get("license"), owner=m.get("owner"), url=m.get("url"),
                    score=float(m["score"]), method=str(m["method"]),
                    distance=None if m.get("distance") is None else float(m["distance"]),
                    pdq_distance=ev.get("pdq_distance"), phash_distance=ev.get("phash_distance"),
                    inliers=ev.get("inliers"), correlation=ev.get("correlation"),
                    orientation=ev.get("orientation"),
                ))  # fmt: skip
            results.append(CheckResult(str(data["file"]), tuple(matches), data.get("error")))
        except InputError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}, line {number}: not a check result ({exc})") from exc
    return results


def _png_uri(data: bytes | None) -> str | None:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii") if data else None


def render_markdown(s: ImageRedteamSummary, *, level: int = 2) -> str:
    """Return the section as Markdown (findings as a table; thumbnails only in HTML)."""
    h = "#" * level

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = [f"{h} IP red team: generated images that reproduce indexed works", "",
             f"{s.queries_matched} of {s.queries} generated images reproduce an indexed work "
             f"({s.index_records} indexed). {s.statement}", ""]
    if s.findings:
        lines += ["| generated image | reproduces | licence | owner | method | score |",
                  "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {cell(f.query)} | {cell(f.url or f.source)} | {cell(f.license or 'unknown')} "
                  f"| {cell(f.owner or 'unknown')} | {cell(f.method)} | {f.score:.2f} |"
                  for f in s.findings]
        lines.append("")
    lines += [f"{h}# Authorities", ""]
    for market, entries in s.authorities.items():
        for a in entries:
            flag = "" if a.verified else " (unverified)"
            lines.append(f"- {market.upper()}: [{cell(a.title)}]({a.source_url}), "
                         f"{cell(a.citation)} ({a.status}, {a.date}){flag}")
    lines += ["", f"Knowledge base as of {s.knowledge_base_as_of}."]
    lines += [f"_{n}_" for n in s.notes]
    return "\n".join(lines) + "\n"


def render_html(s: ImageRedteamSummary) -> str:
    """Return the section as an HTML fragment with query and source thumbnails side by side."""
    e = html.escape

    def img(data: bytes | None, alt: str) -> str:
        uri = _png_uri(data)
        return f"<img src='{uri}' alt='{e(alt)}'>" if uri else f"<span>{e(alt)}: no image</span>"

    cards = "".join(
        "<article class='finding'><div class='pair'>"
        f"<figure>{img(f.query_thumbnail, 'generated image')}"
        f"<figcaption>{e(f.query)}</figcaption></figure>"
        f"<figure>{img(f.source_thumbnail, 'indexed work')}"
        f"<figcaption>{e(f.url or f.source)}</figcaption></figure></div>"
        f"<p>licence: {e(f.license or 'unknown')}; owner: {e(f.owner or 'unknown')}; "
        f"method: {e(f.method)}; score {f.score:.2f}"
        + ("" if f.distance is None else f"; distance {f.distance:g}") + "</p></article>"
        for f in s.findings)
    auth = "".join(
        f"<li>{e(market.upper())}: <a href='{e(a.source_url)}'>{e(a.title)}</a>, "
        f"{e(a.citation)} ({e(a.status)}, {e(a.date)}){'' if a.verified else ' (unverified)'}</li>"
        for market, entries in s.authorities.items() for a in entries)
    return (
        "<section class='redteam-images'>"
        "<h2>IP red team: generated images that reproduce indexed works</h2>"
        f"<p>{s.queries_matched} of {s.queries} generated images reproduce an indexed work "
        f"({s.index_records} indexed). {e(s.statement)}</p>{cards}"
        f"<h3>Authorities</h3><ul>{auth}</ul>"
        f"<p>Knowledge base as of {e(s.knowledge_base_as_of)}.</p>"
        + "".join(f"<p class='note'>{e(n)}</p>" for n in s.notes) + "</section>"
    )


_PAGE = ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
         "<title>Image red team</title><style>body{{font-family:sans-serif;max-width:60rem;"
         "margin:2rem auto}}.pair{{display:flex;gap:1rem}}figure{{margin:0}}"
         "img{{width:160px;height:auto;border:1px solid #999}}figcaption{{font-size:.8rem;"
         "word-break:break-all;max-width:160px}}</style></head><body>{body}</body></html>")


def image_report(index_path: Path, results_path: Path, *, fmt: str = "html",
                 markets: Sequence[str] = ("us", "eu", "uk")) -> str:
    """Return the report of ``results_path`` against the index at ``index_path``."""
    if fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    index = load_index(index_path)
    results = read_check_results(results_path, index)
    summary = summarise_image_checks(index, results, markets=markets)
    if fmt == "json":
        return json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return render_markdown(summary)
    return _PAGE.format(body=render_html(summary))
