# SPDX-License-Identifier: Apache-2.0
"""Decide: the tiered sourcing-policy gate, waivers, known works, blocklists and takedowns.

- :func:`load_policy` / :func:`apply_policy` - a YAML policy, applied to the decision table.
- :func:`match_blocklists`, :func:`match_known_works`, :func:`match_takedowns` - the facts
  the built-in rules read, vectorised.
- :class:`TakedownLedger` - the durable takedown and opt-out ledger.
"""

from __future__ import annotations

from clearance.decide.blocklists import (
    Blocklist,
    default_blocklists,
    load_blocklist,
    match_blocklists,
)
from clearance.decide.gate import GateOutcome, apply_policy, decide_tiers
from clearance.decide.knownworks import KnownWorks, load_known_works, match_known_works
from clearance.decide.policy import TIERS, Policy, load_policy, load_waivers, shipped_policies
from clearance.decide.takedown import TakedownLedger, normalize_request
from clearance.decide.takedown_match import affected_items, match_counts, match_takedowns

__all__ = [
    "TIERS",
    "Blocklist",
    "GateOutcome",
    "KnownWorks",
    "Policy",
    "TakedownLedger",
    "affected_items",
    "apply_policy",
    "decide_tiers",
    "default_blocklists",
    "load_blocklist",
    "load_known_works",
    "load_policy",
    "load_waivers",
    "match_blocklists",
    "match_counts",
    "match_known_works",
    "match_takedowns",
    "normalize_request",
    "shipped_policies",
]
