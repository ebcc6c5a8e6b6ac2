# SPDX-License-Identifier: Apache-2.0
"""``--since``: what changed between two disclosures (both AB 2013 and the EU template ask for
updates on a substantial modification). Compares two digests: totals, channels, datasets,
the listed domains, collection dates, tiers, provenance and the gaps.
"""

from __future__ import annotations

from typing import Any

from clearance.disclose.facts_text import count

__all__ = ["diff_digests", "render_changes"]


def _groups(d: dict[str, Any], key: str) -> dict[str, int]:
    return {g["key"]: int(g["items"]) for g in d.get(key, [])}


def _delta(old: int, new: int) -> str:
    diff = new - old
    sign = "+" if diff >= 0 else "−"
    return f"{count(old)} → {count(new)} ({sign}{count(abs(diff))})"


def diff_digests(old: dict[str, Any], new: dict[str, Any], *, sme: bool) -> list[str]:
    """Return the changes from ``old`` to ``new`` (digest dicts) as sentences; [] if none."""
    out: list[str] = []
    for key, label in (("items", "Training items"), ("bytes", "Training bytes"),
                       ("items_scanned", "Scanned items"), ("excluded_total", "Items left out")):
        if old.get(key) != new.get(key):
            out.append(f"{label}: {_delta(int(old.get(key) or 0), int(new.get(key) or 0))}.")
    for key, label in (("channels", "channel"), ("datasets", "dataset"),
                       ("modalities", "modality")):
        a, b = _groups(old, key), _groups(new, key)
        for name in sorted(set(a) | set(b)):
            if name not in a:
                out.append(f"New {label} {name}: {count(b[name])} items.")
            elif name not in b:
                out.append(f"{label.capitalize()} {name} removed ({count(a[name])} items).")
            elif a[name] != b[name]:
                out.append(f"{label.capitalize()} {name}: {_delta(a[name], b[name])} items.")
    ta, tb = old.get("total", {}), new.get("total", {})
    for key, label in (("first", "Earliest collection date"), ("last", "Latest collection date")):
        if ta.get(key) != tb.get(key):
            out.append(f"{label}: {ta.get(key)} → {tb.get(key)}.")
    listed = []
    for d in (old, new):
        dom = d.get("domains", {}).get("domains", [])
        n = len(dom)
        k = min(-(-n * 5 // 100), 1000) if sme else -(-n // 10)
        listed.append(dom[:k])
    added = [x for x in listed[1] if x not in listed[0]]
    removed = [x for x in listed[0] if x not in listed[1]]
    if added:
        out.append(f"Domains newly in the EU list: {', '.join(added)}.")
    if removed:
        out.append(f"Domains no longer in the EU list: {', '.join(removed)}.")
    if old.get("tiers_used") != new.get("tiers_used"):
        out.append(f"Policy tiers used: {old.get('tiers_used')} → {new.get('tiers_used')}.")
    pa, pb = old.get("provenance", {}), new.get("provenance", {})
    for key in sorted(set(pa) | set(pb)):
        if pa.get(key) != pb.get(key):
            out.append(f"Scan provenance {key}: {pa.get(key)} → {pb.get(key)}.")
    if old.get("facts_sha256") != new.get("facts_sha256") and not out:
        out.append("The scan's facts changed although no count above did.")
    ga, gb = set(old.get("gaps", [])), set(new.get("gaps", []))
    out += [f"Gap closed: {g}" for g in sorted(ga - gb)]
    out += [f"New gap: {g}" for g in sorted(gb - ga)]
    return out


def render_changes(changes: list[str], previous: str, model: str) -> str:
    """Return changes.md."""
    head = [f"# Changes since the previous disclosure ({previous})", "",
            f"{model}. Draft for counsel's review; not legal advice. AB 2013 (Civ. Code § 3111) "
            "asks for documentation before each substantial modification is made available; the "
            "EU template asks for the summary to be updated, with links to previous versions.",
            ""]
    body = [f"- {c}" for c in changes] or ["- No change in what the disclosures report."]
    return "\n".join(head + body) + "\n"
