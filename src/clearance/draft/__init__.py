# SPDX-License-Identifier: Apache-2.0
"""Contracts: AI data licence agreements, product terms, negotiation, review, user licence.

- :mod:`~clearance.draft.library` - the clause library (``data/clauses/<library>/``): one YAML
  file per topic, three positions each, with citations and review patterns.
- :mod:`~clearance.draft.assemble` - a term sheet becomes an agreement and a cover memo;
  :mod:`~clearance.draft.write` renders them as DOCX, PDF and Markdown.
- :mod:`~clearance.draft.negotiate` - a seeded simulation of both sides, with transcript,
  issues list, redline (:mod:`~clearance.draft.redline`) and concessions summary.
- :mod:`~clearance.draft.review` - a rule-based review of an incoming agreement.
- :mod:`~clearance.draft.terms` - the output-IP part of a product's terms of service.
- :mod:`~clearance.draft.user_licence` - the versioned opt-in user licence; consent records
  live in :mod:`clearance.decide.consent`.

Everything drafted is a draft for counsel's review, not legal advice.
"""

from __future__ import annotations

from clearance.draft.assemble import Drafted, draft_agreement
from clearance.draft.library import ClauseLibrary, Topic, default_library, load_library
from clearance.draft.negotiate import Outcome, simulate
from clearance.draft.playbook import Playbook, load_playbook
from clearance.draft.readers import read_agreement
from clearance.draft.redline import redline
from clearance.draft.review import ReviewResult, review_agreement, review_text
from clearance.draft.run import write_licence, write_negotiation, write_review
from clearance.draft.terms import ProductTerms, draft_terms, load_product_terms, write_terms
from clearance.draft.termsheet import TermSheet, load_term_sheet
from clearance.draft.user_licence import record_consent, render_user_licence, user_licence

__all__ = [
    "ClauseLibrary",
    "Drafted",
    "Outcome",
    "Playbook",
    "ProductTerms",
    "ReviewResult",
    "TermSheet",
    "Topic",
    "default_library",
    "draft_agreement",
    "draft_terms",
    "load_library",
    "load_playbook",
    "load_product_terms",
    "load_term_sheet",
    "read_agreement",
    "record_consent",
    "redline",
    "render_user_licence",
    "review_agreement",
    "review_text",
    "simulate",
    "user_licence",
    "write_licence",
    "write_negotiation",
    "write_review",
    "write_terms",
]
