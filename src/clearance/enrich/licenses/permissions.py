# SPDX-License-Identifier: Apache-2.0
"""What a licence permits for each AI use: :func:`license_permits`.

Generic rules read an entry's terms (commercial use, ND, SA, attribution, research-only,
explicit AI terms, use restrictions); an entry may override one use where the rules would be
wrong. Expressions combine: ``OR`` lets the licensee pick the best operand, ``AND`` takes the
worst and unions the conditions. ``unknown``, ``all-rights-reserved``, ``tos-prohibits-ml``
and ids outside the vocabulary never come out as allowed.
"""

from __future__ import annotations

import functools

from license_expression import LicenseSymbol, LicenseWithExceptionSymbol  # type: ignore[import-untyped]

from clearance.enrich.licenses.schema import USES, LicenseEntry
from clearance.enrich.licenses.vocabulary import Vocabulary, default_vocabulary
from clearance.errors import InputError
from clearance.models import LicensePermission

__all__ = ["VERDICT_RANK", "expression_scores", "license_permits"]

#: Order of restriction: a higher rank is more restrictive.
VERDICT_RANK = {"allowed": 0, "conditional": 1, "unknown": 2, "not_allowed": 3}
_COMMERCIAL = {
    "research_training": False,
    "commercial_training": True,
    "genai_training": True,
    "fine_tuning": True,
    "rag_inference": True,
    "dataset_redistribution": None,
    "weights_release": None,
}
_TRAINING = {"research_training", "commercial_training", "genai_training", "fine_tuning"}
_SHARES = {"genai_training", "rag_inference", "dataset_redistribution", "weights_release"}


def _judge(entry: LicenseEntry, use: str) -> LicensePermission:
    override = entry.permissions.get(use)  # type: ignore[call-overload]
    if override is not None:
        return LicensePermission(
            entry.id, use, override.verdict, override.conditions, (override.reason,), entry.verified
        )
    t = entry.terms
    conds: list[str] = list(t.conditions)
    ranked: list[tuple[int, str]] = []
    verdict = "allowed"

    def worse(new: str, reason: str) -> None:
        nonlocal verdict
        if VERDICT_RANK[new] > VERDICT_RANK[verdict]:
            verdict = new
        ranked.append((VERDICT_RANK[new], reason))

    commercial = _COMMERCIAL[use]
    if entry.id == "unknown":
        worse("unknown", "no licence found: treated as all rights reserved, never as permission")
    if use in _TRAINING | {"rag_inference"} and t.ai_training == "not_allowed":
        worse("not_allowed", t.ai_terms or "the terms forbid AI/ML use")
    if use in _TRAINING and t.ai_training == "unknown" and entry.id != "unknown":
        worse("unknown", t.ai_terms or "whether AI/ML use is granted is not known")
    if t.commercial_use == "not_allowed" and entry.kind == "state":
        worse("not_allowed", entry.notes or "no licence is granted")
    elif t.research_only:
        conds.append("research_only")
        if commercial or use in ("dataset_redistribution", "weights_release"):
            worse(
                "not_allowed" if commercial else "unknown",
                "research use only: commercial use is not licensed"
                if commercial
                else "research use only: sharing beyond research is not licensed",
            )
        else:
            worse("conditional", "research use only")
    elif t.non_commercial or t.commercial_use == "not_allowed":
        conds.append("non_commercial_only")
        if commercial:
            worse("not_allowed", "the licence forbids commercial use")
        else:
            worse("conditional", "only for non-commercial purposes")
    elif t.commercial_use == "unknown" and commercial is not False:
        worse("unknown", "whether commercial use is granted is not known")
    elif t.commercial_use == "conditional" and commercial is not False:
        worse("conditional", "commercial use is granted on conditions")
    if t.derivatives == "private_only":
        if use == "weights_release":
            worse(
                "not_allowed",
                "ND: adaptations may not be shared, and whether weights are "
                "an adaptation is unsettled (conservative)",
            )
        else:
            conds.append("no_derivatives_shared")
            worse("conditional", "ND: adapted material may be made but not shared")
    elif t.derivatives == "not_allowed" and use in _TRAINING | {"weights_release"}:
        worse("not_allowed", "no adaptation of the material is licensed")
    elif t.derivatives == "unknown" and use in _TRAINING | {"weights_release"}:
        worse("unknown", "whether adaptation is licensed is not known")
    if use == "dataset_redistribution" and t.redistribution != "allowed":
        worse(
            {"conditional": "conditional", "not_allowed": "not_allowed"}.get(
                t.redistribution, "unknown"
            ),
            f"redistribution is {t.redistribution.replace('_', ' ')}",
        )
    if t.share_alike:
        conds.append("share_alike")
        worse(
            "conditional",
            "share-alike attaches to shared adaptations (outputs, weights, derived data)"
            if use in _SHARES
            else "share-alike if the model or outputs are shared",
        )
    if t.attribution:
        conds.append("attribution")
        worse("conditional", "credit the source (dataset-level link; per item with RAG)")
    if t.notice_required and use in ("dataset_redistribution", "weights_release"):
        conds.append("notice_file")
        worse("conditional", "ship the licence text / NOTICE with what is shared")
    if t.use_restrictions:
        conds.append("use_restrictions_flow_down")
        worse("conditional", "behavioural-use restrictions apply and flow to derivatives")
    if t.output_restrictions and use in _TRAINING:
        worse("conditional", t.output_restrictions)
    if t.conditions and verdict == "allowed":
        worse("conditional", "conditions: " + ", ".join(t.conditions))
    if verdict == "allowed":
        ranked.append((0, entry.notes or f"{entry.name} permits this use without conditions"))
    ranked.sort(key=lambda pair: -pair[0])
    reasons = [reason for _, reason in ranked]
    if verdict in ("not_allowed", "unknown"):
        conds = [c for c in conds if c in ("research_only", "non_commercial_only")]
    return LicensePermission(
        entry.id,
        use,
        verdict,
        tuple(dict.fromkeys(conds)),
        tuple(dict.fromkeys(reasons)),
        entry.verified,
    )


def _outside(license_id: str, use: str) -> LicensePermission:
    return LicensePermission(
        license_id,
        use,
        "unknown",
        (),
        (
            f"{license_id!r} is not in the licence vocabulary: treated as all "
            "rights reserved until reviewed",
        ),
        False,
    )


def _combine(
    parts: list[LicensePermission], op: str, expression: str, use: str
) -> LicensePermission:
    pick = min if op == "OR" else max
    chosen = pick(parts, key=lambda p: (VERDICT_RANK[p.verdict], len(p.conditions)))
    if op == "OR":
        conds, reasons = chosen.conditions, (f"{op}: {chosen.license_id} chosen",) + chosen.reasons
    else:
        conds = tuple(dict.fromkeys(c for p in parts for c in p.conditions))
        worst_first = sorted(parts, key=lambda p: -VERDICT_RANK[p.verdict])
        reasons = tuple(dict.fromkeys(r for p in worst_first for r in p.reasons))
        if chosen.verdict in ("not_allowed", "unknown"):
            conds = chosen.conditions
    verified = all(p.verified for p in parts)
    return LicensePermission(expression, use, chosen.verdict, conds, reasons, verified)


def _walk(node: object, vocab: Vocabulary, use: str) -> LicensePermission:
    if isinstance(node, LicenseWithExceptionSymbol):
        return _walk(node.license_symbol, vocab, use)
    if isinstance(node, LicenseSymbol):
        entry = vocab.get(str(node.key))
        return _outside(str(node.key), use) if entry is None else _judge(entry, use)
    op = "OR" if type(node).__name__ == "OR" else "AND"
    parts = [_walk(arg, vocab, use) for arg in getattr(node, "args", ())]
    return _combine(parts, op, str(node), use)


def _score_node(node: object, vocab: Vocabulary) -> int:
    if isinstance(node, LicenseWithExceptionSymbol):
        return _score_node(node.license_symbol, vocab)
    if isinstance(node, LicenseSymbol):
        return vocab.score(str(node.key))
    scores = [_score_node(arg, vocab) for arg in getattr(node, "args", ())] or [100]
    return min(scores) if type(node).__name__ == "OR" else max(scores)


def expression_scores(expression: str, vocab: Vocabulary) -> int:
    """Return the restrictiveness of an expression: AND takes the maximum, OR the minimum."""
    from clearance.enrich.licenses.expressions import plain_licensing as _plain

    try:
        return _score_node(_plain().parse(expression), vocab)
    except Exception:  # the third-party parser asserts on hostile input
        return 100


@functools.lru_cache(maxsize=8192)
def _cached(license_id: str, use: str) -> LicensePermission:
    return _permits(license_id, use, default_vocabulary())


def _permits(license_id: str, use: str, vocab: Vocabulary) -> LicensePermission:
    entry = vocab.get(license_id)
    if entry is not None:
        return _judge(entry, use)
    if " " not in license_id.strip():
        return _outside(license_id, use)
    from clearance.enrich.licenses.expressions import plain_licensing as _plain

    try:
        parsed = _plain().parse(license_id)
    except Exception:  # the third-party parser asserts on hostile input
        return _outside(license_id, use)
    result = _walk(parsed, vocab, use)
    return LicensePermission(
        license_id, use, result.verdict, result.conditions, result.reasons, result.verified
    )


def license_permits(
    license_id: str, use: str, *, vocabulary: Vocabulary | None = None
) -> LicensePermission:
    """Return whether ``license_id`` (a canonical id or expression) permits ``use``, and why.

    Raises :class:`~clearance.errors.InputError` for a use outside
    :data:`~clearance.enrich.licenses.schema.USES`.
    """
    if use not in USES:
        raise InputError(f"unknown use {use!r}; expected one of {', '.join(USES)}")
    if vocabulary is None:
        return _cached(license_id, use)
    return _permits(license_id, use, vocabulary)
