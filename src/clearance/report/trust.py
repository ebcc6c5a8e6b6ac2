# SPDX-License-Identifier: Apache-2.0
"""The "Assumptions and evidence" box: what the report rests on, on page 1 of every format.

For each presumption the scan made (``clearance.assumptions``) the box says its value,
whether it was the default or set by an option, and how much the headline depends on it: the
scan re-judged with the presumption flipped (``clearance.engine.sensitivity``), reported for
the market whose high-or-critical share moves most. It also says where the opt-out evidence
came from and how old it was at collection, which policy was applied, how current the law
knowledge base is, and every warning of the run. A scan that read no opt-out evidence gets a
banner, never silence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clearance.assumptions import PRESUMPTIONS, Assumptions
from clearance.report.formatting import count, percent

__all__ = ["TrustBox", "TrustRow", "trust_box"]

_MOVE = 0.01  # a change below one percentage point is reported as no change


@dataclass(frozen=True, slots=True)
class TrustRow:
    """One line of the box: what, the value, how it was obtained, and what hangs on it."""

    label: str
    value: str
    basis: str  # read | presumed (default) | presumed (option) | applied
    effect: str = ""


@dataclass(frozen=True, slots=True)
class TrustBox:
    """The box: rows, a banner when no evidence was read, and the run's warnings."""

    rows: tuple[TrustRow, ...]
    banner: str | None
    warnings: tuple[str, ...]
    method_evidence: str


def _share(counts: Mapping[str, int] | None) -> float | None:
    if not counts:
        return None
    total = sum(counts.values())
    return (counts.get("high", 0) + counts.get("critical", 0)) / total if total else None


def _effect(field: str, sensitivity: Mapping[str, Any], markets: Sequence[str]) -> str:
    """Return 'if X: EU high-or-critical 93% -> 35%' for the alternative that moves most."""
    base = sensitivity.get("baseline") or {}
    variants = sensitivity.get("variants") or {}
    p = next(p for p in PRESUMPTIONS if p.field == field)
    parts: list[str] = []
    for alt, words in p.if_text:
        counts = variants.get(f"{field}={alt}")
        if counts is None:
            continue
        best: tuple[float, str, float, float] | None = None
        for market in markets:
            before, after = _share(base.get(market)), _share(counts.get(market))
            if before is None or after is None:
                continue
            move = abs(after - before)
            if best is None or move > best[0]:
                best = (move, market, before, after)
        if best is None:
            continue
        if best[0] < _MOVE:
            parts.append(f"if {words}: no market's high-or-critical share moves a point")
        else:
            parts.append(f"if {words}: {best[1].upper()} high-or-critical "
                         f"{percent(best[2])} → {percent(best[3])}")
    return "; ".join(parts)


def _evidence_rows(ev: Mapping[str, Any]) -> tuple[list[TrustRow], str | None, str]:
    mode = str(ev.get("mode") or "none")
    if mode == "none":
        banner = ("No opt-out evidence was read (no --snapshot or --live): every item's "
                  "reservation is unknown, not 'not reserved'. Conclusions that turn on "
                  "opt-outs are open until the scan is re-run with evidence.")
        method = ("No machine-readable opt-out was read: the scan was given no snapshot and "
                  "fetched nothing, so every reservation is unknown.")
        return [TrustRow("Opt-out evidence", "none read", "read")], banner, method
    sources = ", ".join(f"{s['name']} (sha256 {str(s['sha256'])[:12]}…)"
                        for s in ev.get("sources") or [])
    what = []
    if "snapshot" in mode:
        what.append(f"snapshot {sources}; {count(ev.get('records_carried'))} records it "
                    "relied on copied into evidence/")
    if "live" in mode:
        outcomes = dict(ev.get("host_outcomes") or {})
        shown = ", ".join(f"{k.replace('_', ' ')} {count(v)}" for k, v in sorted(outcomes.items()))
        what.append(f"live fetch of {count(ev.get('hosts_fetched'))} hosts into evidence/"
                    + (f" (robots.txt: {shown})" if shown else ""))
    rows = [TrustRow("Opt-out evidence", "; ".join(what), "read")]
    judged = int(ev.get("judged") or 0)
    items = int(ev.get("items") or 0)
    window = ev.get("window")
    if window and judged:
        text = (f"captures {window[0]} to {window[1]}; {count(judged)} of {count(items)} items "
                f"judged on a capture")
        stale = ev.get("stale")
        if stale is not None:
            text += (f"; {percent(float(ev.get('stale_share') or 0))} ({count(stale)}) on one "
                     f"more than {ev.get('stale_days')} days older than collection (median "
                     f"{ev.get('median_age_days')} days, at most {ev.get('max_age_days')})")
        back = int(ev.get("carried_back") or 0)
        if back:
            text += (f"; {count(back)} collected before the host's first capture took its "
                     "reservation (--presume-earlier)")
        rows.append(TrustRow("Evidence window", text, "read"))
    else:
        rows.append(TrustRow("Evidence window", "no item's host was captured", "read"))
    unknown = ev.get("unknown")
    if unknown:
        rows.append(TrustRow("Reservation unknown", f"{count(int(unknown))} items: no capture "
                             "of their host stood when they were collected", "read"))
    method = ("Each item's opt-outs were read from the capture of its host's robots.txt, "
              "tdmrep.json and ai.txt that stood when it was collected"
              + (" (snapshot WARC files)" if "snapshot" in mode else "")
              + (" (fetched live)" if "live" in mode else "")
              + f"; {count(items - judged)} items had no such capture and stay unknown.")
    return rows, None, method


def _tested_row(tables: Mapping[str, Any], presumed: str) -> TrustRow:
    """Return the line saying which items a red team tested instead of presuming."""
    files = ", ".join(str(f) for f in tables.get("files") or []) or "a memorisation table"
    tested = int(tables.get("items_tested") or 0)
    reproduced = int(tables.get("items_reproduced") or 0)
    return TrustRow(
        "Memorisation tested",
        f"{count(tested)} items named by {files} take the tested value ({count(reproduced)} "
        f"reproduced by an output, {count(tested - reproduced)} probed without reproduction; "
        f"{count(int(tables.get('sources_tested') or 0))} sources in the tables); every other "
        f"item keeps the presumption ({presumed})",
        "read")


def trust_box(config: Mapping[str, Any], markets: Sequence[str],
              kb_warning: str | None = None) -> TrustBox:
    """Return the box for a report whose scan configuration is ``config``."""
    assume = Assumptions.from_dict(config.get("assumptions"))
    defaults = assume.defaults()
    sens = config.get("sensitivity") or {}
    rows: list[TrustRow] = []
    evidence = config.get("evidence") or {}
    ev_rows, banner, method = _evidence_rows(evidence)
    rows += ev_rows
    for p in PRESUMPTIONS:
        basis = "presumed (default)" if defaults.get(p.field, True) else f"set by {p.option}"
        rows.append(TrustRow(p.label, assume.shown(p.field), basis,
                             _effect(p.field, sens, markets) if p.fact else ""))
        if p.field == "memorization" and config.get("memorization_tables"):
            rows.append(_tested_row(config["memorization_tables"], assume.shown(p.field)))
    policy = str(config.get("policy") or "")
    if policy:
        digest = str(config.get("policy_digest") or "")[:12]
        rows.append(TrustRow("Sourcing policy", f"{policy}" + (f" (sha256 {digest}…)"
                                                               if digest else ""), "applied"))
    prov = config.get("provenance") or {}
    if prov.get("manifest_sha256"):
        rows.append(TrustRow("Manifest", f"{prov.get('manifest')} (sha256 "
                             f"{str(prov['manifest_sha256'])[:12]}…)", "read"))
    warnings = [str(w) for w in config.get("warnings") or []]
    warnings += [str(w) for w in evidence.get("warnings") or [] if str(w) not in warnings]
    if kb_warning:
        warnings.append(kb_warning)
    return TrustBox(tuple(rows), banner, tuple(dict.fromkeys(warnings)), method)
