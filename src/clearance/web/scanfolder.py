# SPDX-License-Identifier: Apache-2.0
"""The one adapter between the web app and a scan folder's files.

Every page and API endpoint reads a scan through :class:`ScanFolder`, never the files
directly, so a change of the scan contract is absorbed here. Absent files, columns and keys
are tolerated: the value is ``None`` and the page says "not available" rather than failing.

Files read (``FIELDS_READ`` lists the columns and keys): ``summary.json``, ``scan.json``,
``clearance-complete.json``, ``runs/<time>/``, ``facts.parquet``, ``assessment.parquet``,
``signals.parquet``, ``evidence/snapshots.json`` and the ``disclosures/`` folder.

The tables are loaded once into small in-memory frames (the columns the pages list) and
reloaded when a file's modification time changes, e.g. after ``clearance assess``.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from clearance.errors import InputError
from clearance.web.scan_fields import EXPOSURE_LEVELS, FIELDS_READ, PRESUMED

__all__ = ["EXPOSURE_LEVELS", "FIELDS_READ", "ScanFolder", "open_scans"]

logger = logging.getLogger(__name__)

def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        logger.warning("%s: cannot read: %s", path.name, exc)
        return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def _strings(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with categorical/enum columns as plain strings."""
    return frame.with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, slots=True)
class _Index:
    """The in-memory frames the lists read; rebuilt when the files change."""

    items: pl.DataFrame  # pos, item_id, url, category, host
    rows: pl.DataFrame  # pos, market, exposure, provisional, tier
    stamp: tuple[float, float]


class ScanFolder:
    """One scan folder, read tolerantly; ``sid`` is its id in URLs."""

    def __init__(self, path: str | Path, sid: str) -> None:
        self.path = Path(path)
        self.sid = sid
        self._lock = threading.Lock()
        self._index: _Index | None = None
        self._json: dict[str, tuple[float, Any]] = {}
        self._memo: dict[str, tuple[tuple[float, ...], Any]] = {}

    def _cached(self, key: str, files: tuple[str, ...], compute: Any) -> Any:
        """Return ``compute()``, recomputed only when one of ``files`` changed."""
        stamp = tuple(_mtime(self.path / f) for f in files)
        hit = self._memo.get(key)
        if hit is None or hit[0] != stamp:
            hit = (stamp, compute())
            self._memo[key] = hit
        return hit[1]

    # ---- JSON files -----------------------------------------------------------------------

    def _cached_json(self, relative: str) -> Any:
        path = self.path / relative
        stamp = _mtime(path)
        hit = self._json.get(relative)
        if hit is None or hit[0] != stamp:
            hit = (stamp, _read_json(path) if stamp >= 0 else None)
            self._json[relative] = hit
        return hit[1]

    def summary(self) -> dict[str, Any] | None:
        """Return summary.json as written (None when absent or unreadable)."""
        data = self._cached_json("summary.json")
        return data if isinstance(data, dict) else None

    def config(self) -> dict[str, Any]:
        """Return the scan's configuration: scan.json, else summary.json's ``configuration``."""
        data = self._cached_json("scan.json")
        if isinstance(data, dict):
            return data
        summary = self.summary() or {}
        conf = summary.get("configuration")
        return conf if isinstance(conf, dict) else {}

    def completion(self) -> dict[str, Any] | None:
        """Return clearance-complete.json (None: no marker, the scan may be incomplete)."""
        data = self._cached_json("clearance-complete.json")
        return data if isinstance(data, dict) else ({} if data is not None else None)

    def runs(self) -> list[str]:
        """Return the names of the later assess runs (``runs/<time>/``), oldest first."""
        root = self.path / "runs"
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if p.is_dir())

    def title(self) -> str:
        """Return a display name: the manifest's or the folder's."""
        manifest = self.config().get("manifest")
        return f"{self.path.name} ({Path(str(manifest)).name})" if manifest else self.path.name

    def markets(self) -> list[str]:
        """Return the assessed markets in the scan's order."""
        summary = self.summary() or {}
        found = list((summary.get("markets") or {}).keys())
        if not found:
            found = [str(m) for m in (self.config().get("markets") or [])]
        if not found and self.has("assessment.parquet"):
            found = self.index().rows["market"].unique(maintain_order=True).to_list()
        return found

    def has(self, name: str) -> bool:
        """Return True when the scan folder holds ``name``."""
        return (self.path / name).exists()

    def columns(self, name: str) -> list[str]:
        """Return the column names of one of the Parquet files ([] when absent)."""
        found: list[str] = self._cached(f"columns:{name}", (name,), lambda: self._columns(name))
        return found

    def _columns(self, name: str) -> list[str]:
        try:
            return list(pq.read_schema(self.path / name).names)
        except (OSError, ValueError):
            return []

    def table_meta(self, name: str) -> dict[str, str]:
        """Return the schema metadata of a Parquet file as text (empty when absent)."""
        found: dict[str, str] = self._cached(f"meta:{name}", (name,), lambda: self._meta(name))
        return found

    def _meta(self, name: str) -> dict[str, str]:
        try:
            meta = pq.read_schema(self.path / name).metadata or {}
        except (OSError, ValueError):
            return {}
        return {k.decode(): v.decode("utf-8", "replace") for k, v in meta.items()}

    # ---- the in-memory index --------------------------------------------------------------

    def index(self) -> _Index:
        """Return the frames the lists read, (re)loading them when the files changed."""
        stamp = (_mtime(self.path / "facts.parquet"), _mtime(self.path / "assessment.parquet"))
        with self._lock:
            if self._index is None or self._index.stamp != stamp:
                self._index = self._load_index(stamp)
            return self._index

    def _load_index(self, stamp: tuple[float, float]) -> _Index:
        facts_cols = self.columns("facts.parquet")
        want: list[str] = [
            c for c in ("item_id", "url", "file_path", "category", "host") if c in facts_cols
        ]
        if "item_id" not in want:
            items = pl.DataFrame(schema={"pos": pl.Int64, "item_id": pl.String})
        else:
            items = _strings(pl.read_parquet(self.path / "facts.parquet", columns=want))
            if "url" not in items.columns:
                items = items.with_columns(pl.lit(None, pl.String).alias("url"))
            if "file_path" in items.columns:
                items = items.with_columns(pl.col("url").fill_null(pl.col("file_path")))
            items = items.with_row_index("pos").with_columns(pl.col("pos").cast(pl.Int64))
        for name in ("category", "host"):
            if name not in items.columns:
                items = items.with_columns(pl.lit(None, pl.String).alias(name))
        a_cols = self.columns("assessment.parquet")
        a_want: list[str] = [
            c for c in ("item_id", "row", "market", "exposure", "provisional", "tier")
            if c in a_cols
        ]  # fmt: skip
        if "market" not in a_want:
            rows = pl.DataFrame(
                schema={"pos": pl.Int64, "market": pl.String, "exposure": pl.String,
                        "provisional": pl.Boolean, "tier": pl.String}
            )  # fmt: skip
        else:
            rows = _strings(pl.read_parquet(self.path / "assessment.parquet", columns=a_want))
            if "row" in rows.columns:
                rows = rows.rename({"row": "pos"}).with_columns(pl.col("pos").cast(pl.Int64))
            elif "item_id" in rows.columns:
                rows = rows.join(items.select("item_id", "pos"), on="item_id", how="left")
            else:
                rows = rows.with_columns(pl.lit(None, pl.Int64).alias("pos"))
            for name, dtype in (("exposure", pl.String), ("provisional", pl.Boolean),
                                ("tier", pl.String)):
                if name not in rows.columns:
                    rows = rows.with_columns(pl.lit(None, dtype).alias(name))
            rows = rows.select("pos", "market", "exposure", "provisional", "tier")
        return _Index(items=items, rows=rows, stamp=stamp)

    # ---- what the pages show --------------------------------------------------------------

    def matrix(self) -> list[dict[str, Any]]:
        """Return the risk matrix rows (summary.json's, else computed from the tables)."""
        found: list[dict[str, Any]] = self._cached(
            "matrix", ("summary.json", "facts.parquet", "assessment.parquet"), self._matrix
        )
        return found

    def _matrix(self) -> list[dict[str, Any]]:
        summary = self.summary() or {}
        rows = summary.get("risk_matrix")
        if isinstance(rows, list) and rows:
            return [r for r in rows if isinstance(r, dict)]
        if not (self.has("facts.parquet") and self.has("assessment.parquet")):
            return []
        from clearance.report import risk_matrix

        try:
            facts = pq.read_table(self.path / "facts.parquet")
            assessment = pq.read_table(self.path / "assessment.parquet")
            return [dict(r) for r in risk_matrix(facts, assessment).to_pylist()]
        except Exception as exc:  # an unreadable table: the page says not available
            logger.warning("%s: risk matrix not available: %s", self.path.name, exc)
            return []

    def cell(
        self,
        category: str,
        market: str,
        *,
        exposure: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> dict[str, Any]:
        """Return the items of one matrix cell (highest exposure first), with counts by level."""
        idx = self.index()
        cat = idx.items.filter(pl.col("category") == category).select("pos", "item_id", "url")
        rows = idx.rows.filter(pl.col("market") == market).join(cat, on="pos", how="inner")
        counts = {lv: 0 for lv in (*EXPOSURE_LEVELS, "unknown")}
        for level, n in rows.group_by(pl.col("exposure").fill_null("unknown")).len().iter_rows():
            counts[level if level in counts else "unknown"] += int(n)
        if exposure:
            rows = rows.filter(pl.col("exposure").fill_null("unknown") == exposure)
        rank = {lv: i for i, lv in enumerate(EXPOSURE_LEVELS)}
        rows = rows.with_columns(
            pl.col("exposure").replace_strict(rank, default=-1, return_dtype=pl.Int8).alias("_r")
        ).sort(["_r", "pos"], descending=[True, False])
        page = rows.slice(offset, limit).drop("_r", "pos")
        return {
            "category": category,
            "market": market,
            "exposure": exposure,
            "total": rows.height,
            "counts": counts,
            "offset": offset,
            "limit": limit,
            "items": page.to_dicts(),
        }

    def item_position(self, item_id: str) -> int | None:
        """Return the facts row of an item id (None when the scan has no such item)."""
        found = self.index().items.filter(pl.col("item_id") == item_id)["pos"]
        return int(found[0]) if len(found) else None

    def item(self, item_id: str) -> dict[str, Any]:
        """Return one item: every facts column and its assessment rows per market.

        Raises InputError (404) when the scan has no such item.
        """
        pos = self.item_position(item_id)
        if pos is None:
            raise _not_found(f"{self.sid}: no item {item_id!r}")
        row = _facts_row(self.path / "facts.parquet", pos)
        markets: list[dict[str, Any]] = []
        if self.has("assessment.parquet"):
            a = _strings(
                pl.scan_parquet(self.path / "assessment.parquet")
                .filter(pl.col("item_id") == item_id)
                .collect()
            )
            markets = [_jsonable(r) for r in a.to_dicts()]
        return {"facts": _jsonable(row), "markets": markets, "position": pos}

    def signals_for(self, host: str | None) -> list[dict[str, Any]]:
        """Return the signals read for one host, newest capture first."""
        if not host or not self.has("signals.parquet"):
            return []
        cols = self.columns("signals.parquet")
        if "host" not in cols:
            return []
        found = _strings(
            pl.scan_parquet(self.path / "signals.parquet").filter(pl.col("host") == host).collect()
        )
        if "captured_at" in found.columns:
            found = found.sort("captured_at", descending=True, nulls_last=True)
        return [_jsonable(r) for r in found.to_dicts()]

    def standards_read(self) -> dict[str, dict[str, int]]:
        """Return, per opt-out standard the scan read, the hosts per verdict."""
        found: dict[str, dict[str, int]] = self._cached(
            "standards", ("signals.parquet",), self._standards_read
        )
        return found

    def _standards_read(self) -> dict[str, dict[str, int]]:
        if not self.has("signals.parquet"):
            return {}
        cols = self.columns("signals.parquet")
        if not {"standard", "verdict", "host"} <= set(cols):
            return {}
        frame = _strings(
            pl.scan_parquet(self.path / "signals.parquet")
            .select("standard", "verdict", "host")
            .unique()
            .group_by("standard", "verdict")
            .agg(pl.len().alias("hosts"))
            .collect()
        )
        out: dict[str, dict[str, int]] = {}
        for standard, verdict, hosts in frame.sort("standard", "verdict").iter_rows():
            out.setdefault(str(standard), {})[str(verdict)] = int(hosts)
        return out

    def assumptions(self) -> dict[str, Any]:
        """Return the presumed facts: summary.json's ``assumptions``, else scan.json's values."""
        summary = self.summary() or {}
        box = summary.get("assumptions_and_evidence")
        if isinstance(box, dict) and isinstance(box.get("rows"), list):
            values = {
                str(r.get("what")): f"{r.get('value')} ({r.get('basis')})"
                + (f"; {r['effect']}" if r.get("effect") else "")
                for r in box["rows"] if isinstance(r, dict)
            }
            return {"source": "summary.json", "values": values,
                    "banner": box.get("banner"), "warnings": box.get("warnings") or []}
        block = summary.get("assumptions")
        if isinstance(block, dict) and block:
            return {"source": "summary.json", "values": _jsonable(block)}
        conf = self.config()
        found = {k: conf.get(k) for k in PRESUMED if k in conf}
        return {"source": "scan.json" if found else None, "values": _jsonable(found)}

    def evidence_window(self) -> dict[str, Any]:
        """Return the evidence mode and window: summary.json's ``evidence``, else derived."""
        found: dict[str, Any] = self._cached(
            "evidence", ("summary.json", "scan.json", "facts.parquet"), self._evidence_window
        )
        return found

    def _evidence_window(self) -> dict[str, Any]:
        summary = self.summary() or {}
        configuration = summary.get("configuration")
        nested = configuration.get("evidence") if isinstance(configuration, dict) else None
        block = summary.get("evidence") or nested
        if isinstance(block, dict) and block:
            found = dict(_jsonable(block))
            window = found.get("window")
            if isinstance(window, list) and len(window) == 2:  # the scan writes [first, last]
                found["window"] = {"first": window[0], "last": window[1]}
            found["sources"] = [s.get("name") if isinstance(s, dict) else s
                                for s in found.get("sources") or []]
            return {"source": "summary.json", **found}
        conf = self.config()
        mode = "live" if conf.get("live") else ("snapshot" if conf.get("snapshots") else None)
        first = last = None
        if "reservation_capture_at" in self.columns("facts.parquet"):
            span = pl.scan_parquet(self.path / "facts.parquet").select(
                pl.col("reservation_capture_at").min().alias("first"),
                pl.col("reservation_capture_at").max().alias("last"),
            ).collect()
            first, last = span["first"][0], span["last"][0]
        sources = [Path(str(s)).name for s in conf.get("snapshots") or []]
        return {
            "source": "scan.json and facts.parquet" if mode or first else None,
            "mode": mode,
            "window": {"first": _jsonable(first), "last": _jsonable(last)},
            "sources": sources,
        }

    def extra(self, key: str) -> Any:
        """Return a summary.json block the scan contract may add (``sensitivity``, ...)."""
        return _jsonable((self.summary() or {}).get(key))

    def disclosures_dir(self) -> Path | None:
        """Return the disclosures folder: ``SCAN/disclosures/``, else a sibling one whose
        disclosure.json names this scan (as ``clearance demo`` writes it)."""
        own = self.path / "disclosures"
        if (own / "disclosure.json").is_file():
            return own
        sibling = self.path.parent / "disclosures"
        data = _read_json(sibling / "disclosure.json")
        if isinstance(data, dict):
            digest = data.get("digest")
            named = str(digest.get("scan", "")) if isinstance(digest, dict) else ""
            if named and Path(named).name == self.path.name:
                return sibling
        return None

    def disclosures(self) -> dict[str, Any] | None:
        """Return disclosure.json and the names of the drafts (None when there are none)."""
        folder = self.disclosures_dir()
        if folder is None:
            return None
        data = _read_json(folder / "disclosure.json")
        if not isinstance(data, dict):
            return None
        drafts = sorted(p.name for p in folder.glob("*.md"))
        return {"folder": folder.name, "record": data, "drafts": drafts}


def _not_found(message: str) -> InputError:
    """Return an InputError the web layer answers with 404 (no new class in the error tree)."""
    error = InputError(message)
    error.status = 404
    return error


def _facts_row(path: Path, pos: int) -> dict[str, Any]:
    """Return facts row ``pos`` (Polars reads only the pages that hold it)."""
    frame = _strings(pl.scan_parquet(path).slice(pos, 1).collect())
    if not frame.height:
        raise _not_found(f"no facts row {pos}")
    return dict(frame.row(0, named=True))


_SLUG = re.compile(r"[^a-z0-9_-]+")


def open_scans(paths: list[str | Path]) -> list[ScanFolder]:
    """Return a ScanFolder per path, each with a unique URL id; raise InputError when a path
    is not a scan folder (no facts.parquet nor summary.json)."""
    folders: list[ScanFolder] = []
    used: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            raise InputError(f"{path}: not a directory")
        if not ((path / "facts.parquet").is_file() or (path / "summary.json").is_file()):
            raise InputError(f"{path}: not a scan folder (no facts.parquet or summary.json)")
        base = _SLUG.sub("-", path.resolve().name.lower()).strip("-") or "scan"
        sid, n = base, 1
        while sid in used:
            n += 1
            sid = f"{base}-{n}"
        used.add(sid)
        folders.append(ScanFolder(path, sid))
    if not folders:
        raise InputError("name at least one scan folder")
    return folders
