# SPDX-License-Identifier: Apache-2.0
"""The policy editor's seam: validate a draft with the library and preview its tier changes.

A draft is validated by :func:`clearance.decide.load_policy` (the same schema, condition and
waiver checks as ``clearance gate``) and applied by :func:`clearance.decide.decide_tiers` to
the loaded scan's decision table (facts + per-market columns from assessment.parquet, built
by :func:`clearance.decide.decision_table.with_market_columns`). Nothing is judged here: the
preview only counts, per item, the tier the scan recorded against the tier the draft gives.
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any, Final

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.decide import decide_tiers, load_policy, shipped_policies
from clearance.decide.decision_table import with_market_columns
from clearance.decide.policy import TIERS, Policy
from clearance.errors import InputError, PolicyError
from clearance.web.scanfolder import ScanFolder

__all__ = ["MAX_POLICY_BYTES", "policy_source", "preview_policy", "save_policy", "validate_text"]

#: A policy document larger than this is refused before parsing.
MAX_POLICY_BYTES: Final = 256 * 1024
_EXAMPLES: Final = 25


def validate_text(text: str, name: str = "draft.yaml") -> Policy:
    """Return the policy in ``text`` validated by the library; raise PolicyError naming
    ``name`` (never the temporary file) and the rule or waiver at fault."""
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise PolicyError(f"the document is larger than {MAX_POLICY_BYTES // 1024} KiB", path=name)
    with tempfile.TemporaryDirectory(prefix="clearance-policy-") as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        try:
            return load_policy(path)
        except PolicyError as exc:
            raise PolicyError(exc.reason, path=name) from None


def policy_source(policy_id: str, saved_dir: Path) -> tuple[str, str]:
    """Return (origin, YAML text) of a saved or shipped policy; InputError when unknown."""
    saved = saved_dir / f"{policy_id}.yaml"
    if saved.is_file() and saved.parent.resolve() == saved_dir.resolve():
        return "saved", saved.read_text(encoding="utf-8")
    if policy_id in shipped_policies():
        root = resources.files("clearance").joinpath("data/policies")
        return "shipped", root.joinpath(f"{policy_id}.yaml").read_text(encoding="utf-8")
    error = InputError(f"no policy {policy_id!r}")
    error.status = 404  # the web layer answers 404; no new class in the error tree
    raise error


def _current_tiers(assessment: pa.Table, first_market: str, n: int) -> list[str | None]:
    frame = pl.from_arrow(assessment.select([c for c in ("row", "market", "tier")
                                             if c in assessment.column_names]))
    assert isinstance(frame, pl.DataFrame)
    if "tier" not in frame.columns:
        return [None] * n
    frame = frame.with_columns(pl.col("market").cast(pl.String), pl.col("tier").cast(pl.String))
    part = frame.filter(pl.col("market") == first_market)
    if "row" in part.columns:
        part = part.sort("row")
    tiers = part["tier"].to_list()
    return tiers if len(tiers) == n else [None] * n


def preview_policy(scan: ScanFolder, text: str) -> dict[str, Any]:
    """Return the draft's validity and, when valid, the tier changes it would cause.

    ``{"valid", "error", "policy", "transitions": {from: {to: n}}, "changed", "items",
    "counts": {"current": {...}, "draft": {...}}, "examples": [...], "missing_columns"}``.
    """
    try:
        policy = validate_text(text)
    except PolicyError as exc:
        return {"valid": False, "error": str(exc)}
    if not (scan.has("facts.parquet") and scan.has("assessment.parquet")):
        return {"valid": True, "error": "the scan has no facts or assessment to preview on",
                "policy": _about(policy)}  # fmt: skip
    facts = pq.read_table(scan.path / "facts.parquet")
    assessment = pq.read_table(scan.path / "assessment.parquet")
    markets = scan.markets()
    as_of = (assessment.schema.metadata or {}).get(b"as_of", b"").decode() or None
    judged = assessment.drop_columns(
        [c for c in ("tier", "tier_reasons") if c in assessment.column_names]
    )
    try:
        decision = with_market_columns(facts, judged, markets, read=policy.read_columns())
        outcome = decide_tiers(decision, policy, as_of=as_of[:10] if as_of else None)
    except (PolicyError, ValueError) as exc:
        return {"valid": False, "error": str(exc), "policy": _about(policy)}
    new = outcome.table["tier"].to_pylist()
    old = _current_tiers(assessment, markets[0], len(new)) if markets else [None] * len(new)
    frame = pl.DataFrame({"old": old, "new": new}, schema={"old": pl.String, "new": pl.String})
    transitions: dict[str, dict[str, int]] = {}
    for before, after, n in frame.group_by("old", "new").len().iter_rows():
        transitions.setdefault(str(before or "none"), {})[str(after)] = int(n)
    changed_at = frame.with_row_index("pos").filter(pl.col("old") != pl.col("new"))
    ids = facts["item_id"].to_pylist() if "item_id" in facts.column_names else []
    urls = facts["url"].to_pylist() if "url" in facts.column_names else []
    reasons = outcome.table["tier_reasons"]
    examples = [
        {"item_id": ids[p] if ids else str(p), "url": urls[p] if urls else None,
         "from": o, "to": n, "reasons": [str(r) for r in reasons[p].as_py() or []]}
        for p, o, n in changed_at.head(_EXAMPLES).iter_rows()
    ]  # fmt: skip
    count = {t: 0 for t in TIERS}
    current = dict(count)
    for t in new:
        count[str(t)] = count.get(str(t), 0) + 1
    for t in old:
        if t is not None:
            current[t] = current.get(t, 0) + 1
    return {
        "valid": True,
        "error": None,
        "policy": _about(policy),
        "items": len(new),
        "changed": changed_at.height,
        "transitions": transitions,
        "counts": {"current": current, "draft": count},
        "examples": examples,
        "missing_columns": list(outcome.missing_columns),
        "expired_waivers": [w.id for w in outcome.expired_waivers],
    }


def _about(policy: Policy) -> dict[str, Any]:
    return {"id": policy.id, "title": policy.title, "version": policy.version,
            "rules": len(policy.rules), "waivers": len(policy.waivers),
            "default_tier": policy.default_tier, "digest": policy.digest()}  # fmt: skip


def save_policy(text: str, saved_dir: Path) -> dict[str, Any]:
    """Validate ``text`` and write it atomically as ``<policy id>.yaml`` in ``saved_dir``."""
    policy = validate_text(text)
    saved_dir.mkdir(parents=True, exist_ok=True)
    target = saved_dir / f"{policy.id}.yaml"
    replaced = target.exists()
    fd, tmp = tempfile.mkstemp(dir=saved_dir, prefix=f".{policy.id}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PolicyError(f"cannot save: {exc}", path=target.name) from exc
    return {"id": policy.id, "version": policy.version, "file": target.name,
            "replaced": replaced}  # fmt: skip
