# SPDX-License-Identifier: Apache-2.0
"""Authorship and inventorship of AI-assisted works: facts, rules as data, engine, memo.

``assess_authorship(facts, market)`` gives a careful practitioner's leaning (protectable,
partially protectable, unprotectable or uncertain) with reasons, knowledge-base citations,
a provisional flag, what to do and what evidence to keep, and for the US the claim
limitation an application should carry. A risk assessment, not legal advice.
"""

from __future__ import annotations

from clearance.law.authorship.claim import ClaimLimitation, build_claim_limitation
from clearance.law.authorship.engine import (
    DISCLAIMER,
    AuthorshipReason,
    AuthorshipResult,
    assess_authorship,
    assess_authorship_markets,
)
from clearance.law.authorship.facts import (
    CONTRIBUTIONS,
    EVIDENCE,
    WORK_TYPES,
    WorkFacts,
    load_work_facts,
    parse_work_facts,
)
from clearance.law.authorship.memo import memo_content, render_memo_markdown, write_memo
from clearance.law.authorship.rules import (
    AUTHORSHIP_MARKETS,
    LEANINGS,
    AuthorshipRule,
    AuthorshipRuleSet,
    default_authorship_rules,
    load_authorship_rules,
)

__all__ = [
    "AUTHORSHIP_MARKETS",
    "CONTRIBUTIONS",
    "DISCLAIMER",
    "EVIDENCE",
    "LEANINGS",
    "WORK_TYPES",
    "AuthorshipReason",
    "AuthorshipResult",
    "AuthorshipRule",
    "AuthorshipRuleSet",
    "ClaimLimitation",
    "WorkFacts",
    "assess_authorship",
    "assess_authorship_markets",
    "build_claim_limitation",
    "default_authorship_rules",
    "load_authorship_rules",
    "load_work_facts",
    "memo_content",
    "parse_work_facts",
    "render_memo_markdown",
    "write_memo",
]
