# SPDX-License-Identifier: Apache-2.0
"""The part of the scan contract the web app reads (documentation as data, for the merge of
scan-output changes), and the presumed settings shown as assumptions."""

from __future__ import annotations

from typing import Final

__all__ = ["EXPOSURE_LEVELS", "FIELDS_READ", "PRESUMED"]

EXPOSURE_LEVELS: Final = ("low", "medium", "high", "critical")

#: What the web app reads from a scan folder (for the lead's merge of the scan contract).
FIELDS_READ: Final[dict[str, tuple[str, ...]]] = {
    "summary.json": (
        "as_of", "kb_as_of", "disclaimer", "counts", "categories", "markets", "tiers",
        "tiers_by_category", "risk_matrix", "top_vulnerabilities", "next_steps",
        "configuration", "assumptions", "sensitivity", "evidence", "provenance",
    ),
    "scan.json": (
        "markets", "policy", "purpose", "org_type", "snapshots", "live", "as_of", "access",
        "retained_after_training", "memorization", "output_competes", "gpai_eu_market",
        "database_threshold", "agent", "presume_earlier",
    ),
    "facts.parquet": (
        "item_id", "url", "file_path", "host", "category", "every other column (item page)",
        "reservation_evidence", "reservation_capture_at", "reservation_capture_url",
        "reservation_record_id", "reservation_excerpt", "reservation_standards", "takedown",
        "content_sha256", "creator",
    ),
    "assessment.parquet": (
        "item_id", "row", "market", "exposure", "provisional", "bases", "reasons",
        "citations", "tier", "tier_reasons", "schema metadata: as_of, kb_as_of, policy",
    ),
    "signals.parquet": (
        "host", "captured_at", "standard", "verdict", "agent", "excerpt", "location",
        "evidence",
    ),
    "evidence/": ("snapshots.json", "warc/ (record files named by the facts)"),
    "disclosures/": ("disclosure.json (digest, gaps, model, created)", "*.md drafts"),
}  # fmt: skip

#: Scan settings that are presumed rather than read (shown as assumptions when summary.json
#: has no ``assumptions`` block).
PRESUMED: Final = (
    "access", "retained_after_training", "memorization", "output_competes", "gpai_eu_market",
    "database_threshold", "agent", "presume_earlier", "purpose", "org_type",
)  # fmt: skip
