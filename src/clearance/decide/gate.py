# SPDX-License-Identifier: Apache-2.0
"""Apply a sourcing policy to the decision table: a tier and its reasons for every item.

Precedence (docs/policies.md says it for counsel):

1. Three built-in rules come first and hold under every policy: a known-work match
   (``builtin.known-work``) and a takedown or opt-out request (``builtin.takedown``) are
   prohibited and cannot be waived; a blocklist hit (``builtin.blocklist``) is prohibited and
   can be waived only item by item (a list can be wrong about one URL).
2. Every rule is tested on every item, independently of order.
3. A waiver in force on ``as_of`` lifts its rule (or every waivable rule) for the items its
   selector picks. Expired waivers are ignored and reported.
4. The item's tier is the most severe tier among the rules still holding:
   prohibited beats restricted beats approved. An item no rule holds for gets the policy's
   ``default_tier``.
5. ``tier_reasons`` lists every rule that held, as ``rule-id: reason``, then each waived rule
   as ``rule-id: waived by W (author, until DATE)``; never empty.

The conditions are compiled once per table into Polars expressions: no per-row Python.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

import polars as pl
import pyarrow as pa

from clearance.decide.columns import EXPOSURE_LEVELS, market_of
from clearance.decide.conditions import Node, columns_of, parse_when, to_expr
from clearance.decide.policy import BUILTIN_RULES, TIERS, Policy, PolicyRule, Waiver
from clearance.errors import PolicyError
from clearance.models import DISCLAIMER

__all__ = ["GateOutcome", "apply_policy", "decide_tiers"]

logger = logging.getLogger(__name__)

#: Built-in rules whose reason quotes the item's value of a column (the list entry that hit).
_DETAIL = {
    "builtin.known-work": "known_work",
    "builtin.takedown": "takedown",
    "builtin.blocklist": "blocklist",
}
_RANK = {tier: i for i, tier in enumerate(TIERS)}


@dataclass(frozen=True, slots=True)
class GateOutcome:
    """Tiers and reasons for a table, with the counts and waiver report of the run."""

    table: pa.Table
    counts: dict[str, int]
    rule_hits: dict[str, int]
    waived: dict[str, int]
    expired_waivers: tuple[Waiver, ...]
    missing_columns: tuple[str, ...] = ()


def _frame(table: pa.Table | pl.DataFrame, needed: set[str]) -> pl.DataFrame:
    """Return the columns the policy reads (and the per-market ones) as a Polars frame."""
    names = table.columns if isinstance(table, pl.DataFrame) else table.column_names
    want = set(needed)
    for derived, prefix in (("exposure_max", "exposure_"), ("provisional_any", "provisional_")):
        if derived in needed:
            want |= {c for c in names if c.startswith(prefix) and market_of(c)}
    keep = [c for c in names if c in want]
    if isinstance(table, pl.DataFrame):
        return table.select(keep)
    frame = pl.from_arrow(table.select(keep))
    assert isinstance(frame, pl.DataFrame)
    return frame


def _prepare(
    frame: pl.DataFrame, needed: set[str], policy: Policy
) -> tuple[pl.DataFrame, list[str]]:
    """Return the frame with derived and missing columns added, and the missing fixed ones."""
    markets = [m for c in frame.columns if (m := market_of(c)) and c.startswith("exposure_")]
    extra: list[pl.Expr] = []
    missing: list[str] = []
    for name in sorted(needed - set(frame.columns)):
        if name == "exposure_max":
            if not markets:
                raise PolicyError(
                    "exposure_max needs at least one exposure_<market> column",
                    path=policy.path or None,
                )
            ranks = [
                pl.col(f"exposure_{m}")
                .cast(pl.String)
                .fill_null("unknown")
                .replace_strict(
                    {lv: i for i, lv in enumerate(EXPOSURE_LEVELS)},
                    default=len(EXPOSURE_LEVELS),
                    return_dtype=pl.Int8,
                )
                for m in markets
            ]
            levels = {i: lv for i, lv in enumerate((*EXPOSURE_LEVELS, "unknown"))}
            extra.append(
                pl.max_horizontal(ranks).replace_strict(levels, return_dtype=pl.String).alias(name)
            )
        elif name == "provisional_any":
            flags = [pl.col(f"provisional_{m}") for m in markets]
            extra.append(
                (pl.any_horizontal(flags) if flags else pl.lit(None, pl.Boolean)).alias(name)
            )
        elif market_of(name):
            raise PolicyError(
                f"the policy reads {name!r} but market {market_of(name)!r} was not assessed; "
                f"add it to --markets",
                path=policy.path or None,
            )
        else:
            missing.append(name)
            extra.append(pl.lit(None, pl.String).alias(name))
    return (frame.with_columns(extra) if extra else frame), missing


def _waiver_text(w: Waiver) -> str:
    return f"waived by {w.id} ({w.author}, until {w.expires.isoformat()}): {w.reason}"


def _states(
    rules: list[PolicyRule],
    conds: dict[str, Node],
    active: list[Waiver],
    selectors: dict[str, Node | None],
    schema: dict[str, pl.DataType],
) -> tuple[list[pl.Expr], list[list[Waiver]]]:
    """Return one Int8 state per rule (0 no match, 1 holds, 2+k waived by its k-th waiver)."""
    exprs, per_rule = [], []
    for rule in rules:
        hit = to_expr(conds[rule.id], schema)
        waivers = [w for w in active if w.rule == rule.id or (w.rule is None and rule.waivable)]
        if rule.id == "builtin.blocklist":  # waivable item by item only
            waivers = [w for w in waivers if selectors[w.id] is not None]
        state: pl.Expr = pl.lit(1, pl.Int8)
        for k in reversed(range(len(waivers))):
            sel = selectors[waivers[k].id]
            picked = pl.lit(True) if sel is None else to_expr(sel, schema)
            state = pl.when(picked).then(pl.lit(2 + k, pl.Int8)).otherwise(state)
        exprs.append(pl.when(hit).then(state).otherwise(pl.lit(0, pl.Int8)))
        per_rule.append(waivers)
    return exprs, per_rule


def _pack(
    states: list[pl.Expr], per_rule: list[list[Waiver]]
) -> tuple[list[pl.Expr], list[tuple[int, int, int]]]:
    """Return the rule states packed into Int64 words, and (word, shift, bits) per rule.

    Each rule takes just enough bits for its states (0, 1, and one per waiver), so a policy
    of up to ~60 rules fits one word and the distinct patterns are found on one column.
    """
    words: list[pl.Expr] = []
    layout: list[tuple[int, int, int]] = []
    current: list[pl.Expr] = []
    shift = 0
    for state, waivers in zip(states, per_rule, strict=True):
        bits = max(1, (1 + len(waivers)).bit_length())
        if shift + bits > 62:
            words.append(pl.sum_horizontal(current).alias(f"__k{len(words)}"))
            current, shift = [], 0
        current.append(state.cast(pl.Int64) * (1 << shift))
        layout.append((len(words), shift, bits))
        shift += bits
    words.append(pl.sum_horizontal(current).alias(f"__k{len(words)}"))
    return words, layout


def _verdict(
    states: tuple[int, ...],
    details: tuple[str | None, ...],
    rules: list[PolicyRule],
    per_rule: list[list[Waiver]],
    default: str,
) -> tuple[int, list[str]]:
    """Return the tier rank and reasons of one distinct pattern of rule states."""
    rank, held, waived = -1, [], []
    for i, state in enumerate(states):
        rule = rules[i]
        if state == 1:
            rank = max(rank, _RANK[rule.tier])
            detail = details[list(_DETAIL).index(rule.id)] if rule.id in _DETAIL else None
            held.append(f"{rule.id}: {rule.reason}" + (f" ({detail})" if detail else ""))
        elif state >= 2:
            waived.append(f"{rule.id}: {_waiver_text(per_rule[i][state - 2])}")
    if rank < 0:
        return _RANK[default], [f"default: no rule matched; policy default is {default}", *waived]
    return rank, held + waived


def _reason_lists(reasons: list[list[str]]) -> pa.ListArray:
    """Return one list per pattern, its strings dictionary-encoded: gathering it back to every
    row copies 4-byte codes, not the reason texts."""
    texts: dict[str, int] = {}
    codes: list[int] = []
    offsets = [0]
    for why in reasons:
        codes.extend(texts.setdefault(text, len(texts)) for text in why)
        offsets.append(len(codes))
    values = pa.DictionaryArray.from_arrays(
        pa.array(codes, pa.int32()), pa.array(list(texts), pa.string())
    )
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)


def decide_tiers(
    table: pa.Table | pl.DataFrame, policy: Policy, *, as_of: dt.date | str | None = None
) -> GateOutcome:
    """Return the tier and reasons of every row of ``table`` under ``policy``, with counts.

    ``table`` is the per-item decision table (facts + ``exposure_<market>`` ...). A column a
    rule reads that the table lacks is taken as unknown and reported in ``missing_columns``;
    a per-market column of a market not assessed raises PolicyError. The rule conditions are
    evaluated as vectorised expressions and packed into integer words; the tier and reasons
    are built once per distinct pattern (a few thousand at most, however many rows) and
    gathered back by index. ``tier_reasons`` is a list of dictionary-encoded strings.
    """
    on = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or dt.date.today())
    rules = [*BUILTIN_RULES, *policy.rules]
    conds: dict[str, Node] = {r.id: parse_when(r.when) for r in BUILTIN_RULES}
    conds.update(policy.conditions())
    active = [w for w in policy.waivers if w.expires >= on]
    expired = tuple(w for w in policy.waivers if w.expires < on)
    selectors = policy.selectors()
    needed = set().union(*(columns_of(n) for n in conds.values()))
    needed |= set().union(set(), *(columns_of(n) for n in selectors.values() if n is not None))
    frame, missing = _prepare(_frame(table, needed), needed, policy)
    schema = dict(frame.schema)
    detail_cols = [
        pl.col(c).cast(pl.String).alias(f"__d{j}") for j, c in enumerate(_DETAIL.values())
    ]
    try:
        state_exprs, per_rule = _states(rules, conds, active, selectors, schema)
        words, layout = _pack(state_exprs, per_rule)
        keys = frame.select(*words, *detail_cols)
        names = keys.columns
        groups = keys.group_by(names).agg(pl.len().alias("__n")).with_row_index("__g")
        index = keys.join(
            groups.select(*names, "__g"),
            on=names,
            how="left",
            maintain_order="left",
            nulls_equal=True,
        )["__g"]
    except pl.exceptions.PolarsError as exc:
        raise PolicyError(f"cannot apply the policy: {exc}", path=policy.path or None) from exc
    ranks: list[int] = []
    reasons: list[list[str]] = []
    counts = {t: 0 for t in TIERS}
    rule_hits = {r.id: 0 for r in rules}
    waived_counts: dict[str, int] = {}
    n_words = len(words)
    for row in groups.iter_rows():
        packed, details, n = row[1 : 1 + n_words], row[1 + n_words : -1], row[-1]
        states = tuple((packed[w] >> sh) & ((1 << bits) - 1) for w, sh, bits in layout)
        rank, why = _verdict(states, details, rules, per_rule, policy.default_tier)
        ranks.append(rank)
        reasons.append(why)
        counts[TIERS[rank]] += n
        for i, state in enumerate(states):
            if state:
                rule_hits[rules[i].id] += n
            if state >= 2:
                waived_counts[rules[i].id] = waived_counts.get(rules[i].id, 0) + n
    take = index.to_arrow().cast(pa.int64())
    tier_col = pa.array([TIERS[r] for r in ranks], pa.string()).take(take)
    reason_col = _reason_lists(reasons).take(take)
    if missing:
        logger.info("decision table lacks %s; read as unknown", ", ".join(missing))
    meta = {
        "policy": policy.id,
        "policy_version": str(policy.version),
        "policy_digest": policy.digest(),
        "as_of": on.isoformat(),
        "disclaimer": DISCLAIMER,
        "expired_waivers": json.dumps([w.id for w in expired]),
        "patterns": str(groups.height),
    }
    out = pa.table({"tier": tier_col, "tier_reasons": reason_col}).replace_schema_metadata(meta)
    return GateOutcome(out, counts, rule_hits, waived_counts, expired, tuple(missing))


def apply_policy(
    decision_table: pa.Table | pl.DataFrame, policy: Policy, *, as_of: dt.date | str | None = None
) -> pa.Table:
    """Return ``tier`` and ``tier_reasons`` (list of ``rule-id: reason``) per row, in row order.

    Schema metadata carries the policy id, version and digest, ``as_of``, the expired waivers
    (ignored) and the not-legal-advice statement. The function the scan engine calls.
    """
    return decide_tiers(decision_table, policy, as_of=as_of).table
