# SPDX-License-Identifier: Apache-2.0
"""Law: the cited knowledge base of AI-training and AI-output law, and the per-market engine.

Everything here is a risk assessment, not legal advice.
"""

from __future__ import annotations

from clearance.law.analyses import (
    ANALYSES,
    database_right,
    eu_tdm,
    fair_use,
    personal_data,
    run_analysis,
)
from clearance.law.engine import all_markets, assess
from clearance.law.explain import explain, render_analysis, render_assessment
from clearance.law.facts import Facts, load_facts, normalize_facts
from clearance.law.kb import (
    ENTRY_TYPES,
    LAYERS,
    MARKETS,
    SHIPPED_ROOT,
    STATUSES,
    TOPICS,
    KnowledgeBase,
    LawEntry,
    Step,
    check_knowledge_base,
    default_knowledge_base,
    load_knowledge_base,
    read_entry,
)
from clearance.law.review import (
    REVIEW_DAYS,
    KbStaleness,
    ReviewRow,
    primary_breakdown,
    primary_share,
    review,
    staleness,
)
from clearance.law.rules import Rule, RuleSet, default_rules, load_rules
from clearance.law.table import analysis_table, assess_table

__all__ = [
    "ANALYSES",
    "ENTRY_TYPES",
    "Facts",
    "KbStaleness",
    "KnowledgeBase",
    "LAYERS",
    "LawEntry",
    "MARKETS",
    "REVIEW_DAYS",
    "ReviewRow",
    "Rule",
    "RuleSet",
    "SHIPPED_ROOT",
    "STATUSES",
    "Step",
    "TOPICS",
    "all_markets",
    "analysis_table",
    "assess",
    "assess_table",
    "check_knowledge_base",
    "database_right",
    "default_knowledge_base",
    "default_rules",
    "eu_tdm",
    "explain",
    "fair_use",
    "load_facts",
    "load_knowledge_base",
    "load_rules",
    "normalize_facts",
    "personal_data",
    "primary_breakdown",
    "primary_share",
    "read_entry",
    "render_analysis",
    "render_assessment",
    "review",
    "run_analysis",
    "staleness",
]
