# SPDX-License-Identifier: Apache-2.0
"""Red-team matches in legal terms, and the ``memorization`` fact they give the scan.

- :func:`license_duties`: what a source's licence demands of a verbatim reproduction
  (attribution, notice, share-alike, no commercial use, no reuse at all), from the licence
  vocabulary and ``license_permits(..., "rag_inference")`` (the use in which an item is shown
  or quoted at inference, which is what a regurgitating output does).
- :func:`memorization_markets`: the markets whose rules make a memorising model's output an
  infringing act, read from the law rules that fire on ``memorization: true`` (GEMA v OpenAI
  in Germany, the US output claims of NYT v Microsoft/OpenAI, ...), never hard-coded.
- :func:`memorization_table`: one row per indexed source, with ``memorization`` true (a check
  found a span at the threshold), false (probed, nothing found) or null (not probed): the
  table the scan joins on ``item_id`` (or ``source``) as its ``memorization`` fact.

A risk assessment, not legal advice.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

__all__ = [
    "MEMORIZATION_SCHEMA",
    "LicenceDuties",
    "MarketRisk",
    "license_duties",
    "memorization_markets",
    "memorization_table",
]

MEMORIZATION_SCHEMA = pa.schema([
    ("source", pa.string()), ("item_id", pa.string()), ("category", pa.string()),
    ("license", pa.string()), ("probes", pa.int64()), ("outputs_matching", pa.int64()),
    ("max_tokens", pa.int64()), ("max_chars", pa.int64()), ("memorization", pa.bool_()),
    ("basis", pa.string()),
])  # fmt: skip


@dataclass(frozen=True, slots=True)
class LicenceDuties:
    """What a licence demands when its work is reproduced in an output."""

    license: str
    name: str | None
    verdict: str  # allowed | conditional | not_allowed | unknown (for showing the work)
    demands: tuple[str, ...]  # in words, e.g. "attribution", "share-alike"
    conditions: tuple[str, ...]  # the licence vocabulary's condition ids
    verified: bool
    source_url: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {f: getattr(self, f) for f in self.__slots__}


@dataclass(frozen=True, slots=True)
class MarketRisk:
    """A market whose law makes a memorising model's verbatim output an infringing act."""

    market: str
    rule: str
    title: str
    exposure: str | None
    provisional: bool
    citations: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {f: getattr(self, f) for f in self.__slots__}


_WORDS = {
    "attribution": "attribution (name the author and source)",
    "share_alike": "share-alike (outputs that adapt it under the same licence)",
    "non_commercial_only": "no commercial use",
    "no_derivatives_shared": "no adapted versions may be shared",
    "research_only": "research use only",
    "notice_file": "keep the licence and copyright notice",
}


@functools.lru_cache(maxsize=1024)
def license_duties(license_id: str | None) -> LicenceDuties:
    """Return what the licence ``license_id`` (a canonical id; None is unknown) demands."""
    from clearance.enrich.licenses import default_vocabulary, license_permits, normalize_license

    lid = normalize_license(license_id).id if license_id else "unknown"
    permission = license_permits(lid, "rag_inference")
    entry = default_vocabulary().get(lid)
    demands: list[str] = [_WORDS.get(c, c.replace("_", " ")) for c in permission.conditions]
    if entry is not None:
        t = entry.terms
        if t.attribution and "attribution" not in permission.conditions:
            demands.append(_WORDS["attribution"])
        if t.notice_required or entry.family in {"gpl", "lgpl", "agpl", "mit", "bsd", "apache"}:
            if _WORDS["notice_file"] not in demands:
                demands.append(_WORDS["notice_file"])
        if t.share_alike and _WORDS["share_alike"] not in demands:
            demands.append(_WORDS["share_alike"])
        if t.non_commercial and _WORDS["non_commercial_only"] not in demands:
            demands.append(_WORDS["non_commercial_only"])
    if lid in {"unknown", "all-rights-reserved"} or permission.verdict == "not_allowed":
        demands.append("no reuse without the rightholder's permission")
    return LicenceDuties(
        license=lid, name=entry.name if entry else None, verdict=permission.verdict,
        demands=tuple(dict.fromkeys(demands)), conditions=permission.conditions,
        verified=permission.verified, source_url=entry.source_url if entry else None,
    )


@functools.lru_cache(maxsize=1024)
def memorization_markets(license_id: str | None,
                         markets: tuple[str, ...] | None = None) -> tuple[MarketRisk, ...]:
    """Return the markets where reproducing a work under ``license_id`` in outputs is the
    infringing act, per the law rules that fire on ``memorization: true``."""
    from clearance.law import all_markets, assess, default_rules

    rules = default_rules().rules
    lid = license_duties(license_id).license
    out: list[MarketRisk] = []
    for market in dict.fromkeys(markets or all_markets()):
        judged = assess({"memorization": True, "license_id": lid, "purpose": "genai_training"},
                        market)
        for step in judged.steps:
            rule = rules.get(step.rule_id)
            if rule is not None and rule.when.get("memorization") in (True, "true"):
                out.append(MarketRisk(market, step.rule_id, step.title, step.exposure,
                                      step.provisional, step.citations))
    return tuple(out)


def memorization_table(
    sources: Sequence[Mapping[str, Any]],
    results: Iterable[Mapping[str, Any]],
    *,
    probed: Mapping[str, int] | None = None,
    threshold: str = "",
) -> pa.Table:
    """Return one row per source: was it reproduced at the threshold, on what evidence.

    ``sources`` are the index's rows (``TextIndex.sources()``); ``results`` the check results
    (``{"id", "matches"}``); ``probed`` maps a source id to the number of probes that targeted
    it. A source with a match is ``memorization = true``; one probed without a match is
    ``false``; any other is null (unknown: nothing tested it), never a guess.
    """
    found: dict[str, list[int]] = {}
    for result in results:
        per_output: dict[str, tuple[int, int]] = {}
        for m in result.get("matches", ()):
            best = per_output.get(m["source"], (0, 0))
            per_output[m["source"]] = (max(best[0], int(m["tokens"])),
                                       max(best[1], int(m["chars"])))
        for src, (tokens, chars) in per_output.items():
            row = found.setdefault(src, [0, 0, 0])
            row[0] += 1
            row[1] = max(row[1], tokens)
            row[2] = max(row[2], chars)
    probed = probed or {}
    rows = []
    for s in sources:
        sid = s["id"]
        n_probes = int(probed.get(sid, 0))
        hit = found.get(sid)
        if hit:
            memo: bool | None = True
            basis = (f"{hit[0]} output(s) reproduce it; longest {hit[1]} tokens, "
                     f"{hit[2]} characters ({threshold})")
        elif n_probes:
            memo = False
            basis = f"{n_probes} probe(s), no span reached the threshold ({threshold})"
        else:
            memo, basis = None, "not probed"
        rows.append({
            "source": sid, "item_id": s.get("item_id"), "category": s.get("category"),
            "license": s.get("license"), "probes": n_probes,
            "outputs_matching": hit[0] if hit else 0, "max_tokens": hit[1] if hit else 0,
            "max_chars": hit[2] if hit else 0, "memorization": memo, "basis": basis,
        })
    return pa.Table.from_pylist(rows, schema=MEMORIZATION_SCHEMA)
