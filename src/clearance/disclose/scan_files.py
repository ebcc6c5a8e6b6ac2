# SPDX-License-Identifier: Apache-2.0
"""Read a scan folder's files for the disclosures, by a small documented set of names.

The disclosures never import the engine: they read what a scan wrote (``docs/scan.md``).
``FACT_COLUMNS`` lists every facts.parquet column they read, with what each feeds; a column
that is absent (an older scan, a manifest without it) becomes a named gap, never a guess.
Where the scan outputs are being extended (the acquisition channel as ``channel``, licence
agreement ids, the manifest's and snapshots' hashes), the new name is read first and the
older one after it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl
import pyarrow.parquet as pq

from clearance.errors import InputError

__all__ = [
    "FACT_COLUMNS",
    "PROVENANCE_KEYS",
    "ScanFiles",
    "open_scan",
]

#: facts.parquet columns the disclosures read: name -> what it feeds. Alternatives are tried
#: in order (the first present wins): ``channel`` before ``acquisition_channel``,
#: ``license_effective_id`` before ``license_id``.
FACT_COLUMNS: Final[dict[str, str]] = {
    "item_id": "joins the policy tier from assessment.parquet",
    "channel": "routes items to EU 2.1-2.6 and AB 2013 (a)(6) (issue 10's name)",
    "acquisition_channel": "the same, as scans before issue 10 name it",
    "modality": "EU 1.3 modalities and size bands; every export's data type",
    "dataset_name": "EU 2.1/2.2 lists, AB 2013 per-dataset rows, export components",
    "dataset_version": "dataset versions in the lists and exports",
    "registrable_domain": "EU 2.3 domain ranking (top and second-level domain)",
    "size_bytes": "EU 2.3 ranking by content size; sizes in every output",
    "collected_at": "collection periods (EU 1.3, 2.3; AB 2013 (a)(10))",
    "language": "EU 1.3 linguistic characteristics; card and Croissant languages",
    "personal_data": "AB 2013 (a)(7); SPDX/Croissant/CycloneDX personal-data fields",
    "license_effective_id": "licences per dataset; AB 2013 (a)(5); exports' licences",
    "license_id": "the same, when license_effective_id is absent",
    "license_permission": "licences that forbid the use (exclusions, CoP)",
    "category": "types of content per modality (EU 1.3, AB 2013 (a)(4))",
    "reservation": "EU 3.1 / CoP 1.3: reservations found before collection",
    "reservation_form": "machine-readable or natural-language reservation",
    "reservation_standards": "which standards carried the reservation",
    "reservation_now": "reservations made since collection",
    "blocklist": "CoP 1.2 / EU 3.2: items on a piracy blocklist",
    "piracy_source": "the same, as a law fact",
    "takedown": "CoP 1.5: items under an open takedown request",
    "access": "CoP 1.2: lawful access, no circumvention",
    "agreement_id": "EU 2.2.1 / AB 2013 (a)(6): licence agreement per licensed item (issue 10)",
}

#: Keys read from summary.json (top level, then "configuration", then "provenance") and
#: scan.json, in that order. The hashes are issue 10's; older scans lack them (a named gap).
PROVENANCE_KEYS: Final[tuple[str, ...]] = (
    "tool_version",
    "kb_as_of",
    "as_of",
    "policy",
    "policy_digest",
    "manifest_sha256",
    "snapshot_sha256",
)


@dataclass(frozen=True)
class ScanFiles:
    """A scan folder, opened: lazy frames over its tables and its JSON files."""

    path: Path
    facts: pl.LazyFrame
    columns: frozenset[str]
    tiers: pl.LazyFrame | None
    signals: pl.LazyFrame | None
    provenance: dict[str, Any] = field(default_factory=dict)
    snapshots: list[dict[str, str]] = field(default_factory=list)
    facts_sha256: str = ""
    facts_bytes: int = 0

    def first(self, *names: str) -> str | None:
        """Return the first of ``names`` that facts.parquet has, or None."""
        return next((n for n in names if n in self.columns), None)


def _json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read as JSON: {exc}") from exc
    return data if isinstance(data, dict) else {}


def _provenance(summary: dict[str, Any], scan: dict[str, Any]) -> dict[str, Any]:
    layers = [
        summary,
        summary.get("configuration") or {},
        summary.get("provenance") or {},
        scan,
    ]
    out: dict[str, Any] = {}
    for key in PROVENANCE_KEYS:
        for layer in layers:
            if isinstance(layer, dict) and layer.get(key) not in (None, ""):
                out[key] = layer[key]
                break
    return out


def _snapshots(path: Path) -> list[dict[str, str]]:
    data: Any = None
    file = path / "evidence" / "snapshots.json"
    if file.is_file():
        try:
            data = json.loads(file.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{file}: cannot read as JSON: {exc}") from exc
    out = []
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict) and entry.get("sha256"):
            # only the file's name: outputs never carry a path of the scanning machine
            name = Path(str(entry.get("path", ""))).name or "snapshot"
            out.append({"name": name, "sha256": str(entry["sha256"])})
    return out


def _sha256(path: Path) -> tuple[str, int]:
    import hashlib

    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def open_scan(scan_dir: str | Path) -> ScanFiles:
    """Return the scan folder's tables and metadata; raise InputError naming what is wrong."""
    path = Path(scan_dir)
    facts_path = path / "facts.parquet"
    if not path.is_dir():
        raise InputError(f"{path}: not a scan folder (no such directory)")
    if not facts_path.is_file():
        raise InputError(f"{path}: not a scan folder (facts.parquet is missing)")
    try:
        columns = frozenset(pq.read_schema(facts_path).names)
    except (OSError, ValueError) as exc:
        raise InputError(f"{facts_path}: cannot read as Parquet: {exc}") from exc
    facts = pl.scan_parquet(facts_path)
    tiers: pl.LazyFrame | None = None
    assessment = path / "assessment.parquet"
    if assessment.is_file():
        try:
            names = pq.read_schema(assessment).names
        except (OSError, ValueError) as exc:
            raise InputError(f"{assessment}: cannot read as Parquet: {exc}") from exc
        if {"item_id", "tier"} <= set(names):
            frame = pl.scan_parquet(assessment).select("item_id", "tier", *(
                ["market"] if "market" in names else []))
            if "market" in names:
                # the tier is the item's, repeated on each market's row: keep one row per item
                frame = frame.unique(subset=["item_id"], keep="first").drop("market")
            tiers = frame.with_columns(pl.col("tier").cast(pl.String))
    signals_path = path / "signals.parquet"
    signals = pl.scan_parquet(signals_path) if signals_path.is_file() else None
    sha, size = _sha256(facts_path)
    return ScanFiles(
        path=path,
        facts=facts,
        columns=columns,
        tiers=tiers,
        signals=signals,
        provenance=_provenance(_json(path / "summary.json"), _json(path / "scan.json")),
        snapshots=_snapshots(path),
        facts_sha256=sha,
        facts_bytes=size,
    )
