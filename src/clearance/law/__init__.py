# SPDX-License-Identifier: Apache-2.0
"""Law: the cited knowledge base of AI-training and AI-output law, and the per-market engine.

Everything here is a risk assessment, not legal advice.
"""

from __future__ import annotations

from clearance.law.kb import (
    ENTRY_TYPES,
    LAYERS,
    MARKETS,
    SHIPPED_ROOT,
    STATUSES,
    TOPICS,
    KnowledgeBase,
    LawEntry,
    check_knowledge_base,
    default_knowledge_base,
    load_knowledge_base,
    read_entry,
)

__all__ = [
    "ENTRY_TYPES",
    "LAYERS",
    "MARKETS",
    "SHIPPED_ROOT",
    "STATUSES",
    "TOPICS",
    "KnowledgeBase",
    "LawEntry",
    "check_knowledge_base",
    "default_knowledge_base",
    "load_knowledge_base",
    "read_entry",
]
