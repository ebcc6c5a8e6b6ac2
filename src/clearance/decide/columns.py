# SPDX-License-Identifier: Apache-2.0
"""The columns of the per-item decision table that policy conditions may read, and their kinds.

The decision table is ``facts.parquet``'s columns plus, per assessed market ``m``,
``exposure_m``, ``provisional_m`` and ``reasons_m`` (docs/policies.md). Two columns are derived
when a policy reads them: ``exposure_max`` (the highest exposure over the assessed markets) and
``provisional_any`` (true when any market's verdict is provisional). A condition naming a
column outside this vocabulary is an error when the policy is loaded, not a rule that silently
never fires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

from clearance.ingest.schema import ACQUISITION_CHANNELS, MODALITIES

__all__ = [
    "EXPOSURE_LEVELS",
    "ColumnKind",
    "ColumnSpec",
    "column_spec",
    "fixed_columns",
    "market_of",
]

ColumnKind = Literal["enum", "bool", "string", "number", "date", "list", "ordered"]

#: Exposure levels, least to most severe; ``unknown`` counts as the most severe when compared.
EXPOSURE_LEVELS: Final[tuple[str, ...]] = ("low", "medium", "high", "critical")
_RESERVATION = ("reserved", "not_reserved", "unknown")
_PER_MARKET = re.compile(r"^(exposure|provisional|reasons)_([a-z]{2})$")


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One readable column: its kind and, for closed vocabularies, the values it may hold."""

    name: str
    kind: ColumnKind
    values: tuple[str, ...] = ()
    help: str = ""


def _enum(name: str, values: tuple[str, ...], help: str) -> ColumnSpec:
    return ColumnSpec(name, "enum", tuple(dict.fromkeys((*values, "unknown"))), help)


def _categories() -> tuple[str, ...]:
    from clearance.enrich.categories import category_ids

    return category_ids()


@cache
def fixed_columns() -> dict[str, ColumnSpec]:
    """Return every market-independent column a condition may read, by name."""
    from clearance.law.facts import ENUM_FACTS

    specs = [
        ColumnSpec("item_id", "string", help="Stable id of the item."),
        ColumnSpec("source_file", "string", help="Manifest file of the row."),
        ColumnSpec("source_row", "number", help="1-based row within source_file."),
        ColumnSpec("url", "string", help="Where the item was fetched from."),
        ColumnSpec("file_path", "string", help="Local path of the item's bytes."),
        ColumnSpec("host", "string", help="Lower-case host of url."),
        ColumnSpec("registrable_domain", "string", help="eTLD+1 of host."),
        _enum("modality", MODALITIES, "Kind of content."),
        ColumnSpec("dataset_name", "string", help="Dataset the item belongs to."),
        ColumnSpec("dataset_version", "string", help="Version of that dataset."),
        _enum("acquisition_channel", ACQUISITION_CHANNELS, "How the item was obtained."),
        ColumnSpec("license_raw", "string", help="Licence evidence as stated."),
        ColumnSpec("dataset_license", "string", help="Licence declared for the dataset."),
        ColumnSpec("creator", "string", help="Author or account named by the manifest."),
        ColumnSpec("collected_at", "date", help="When the item was collected (UTC)."),
        ColumnSpec("size_bytes", "number", help="Size of the item's bytes."),
        ColumnSpec("content_sha256", "string", help="SHA-256 of the item's bytes."),
        ColumnSpec("language", "string", help="BCP-47 language tag."),
        ColumnSpec("personal_data", "bool", help="The manifest says the item holds personal data."),
        _enum("category", _categories(), "Source category id."),
        ColumnSpec("category_confidence", "number", help="0..1."),
        ColumnSpec("category_reason", "string", help="Rule that decided the category."),
        ColumnSpec("license_id", "string", help="Canonical licence id."),
        ColumnSpec("license_confidence", "number", help="0..1."),
        _enum(
            "license_permission",
            ("allowed", "conditional", "not_allowed"),
            "What the licence permits for the scan's purpose.",
        ),
        ColumnSpec("license_effective_id", "string", help="Licence id that governs (layers)."),
        ColumnSpec("license_evidence", "string", help="What the licence id was read from."),
        ColumnSpec("license_conditions", "list", help="Duties: attribution, share_alike, ..."),
        ColumnSpec("license_conflict", "bool", help="Licence layers disagree."),
        ColumnSpec("license_conflict_reason", "string", help="Which layer won and why."),
        _enum("license_source", ("item", "dataset", "agreement"), "Layer whose licence decided."),
        _enum(
            "license_position",
            ("granted", "conditional", "excluded", "none"),
            "What the licence says of this use: granted, on conditions, excluded by its own "
            "terms, or none (no licence found, or all rights reserved).",
        ),
        ColumnSpec("agreement_id", "string", help="Licence-registry agreement covering it."),
        ColumnSpec("agreement_markets", "string", help="Its territory (null: worldwide)."),
        _enum("reservation", _RESERVATION, "AI-training reservation when collected."),
        _enum(
            "reservation_form",
            ("machine_readable", "natural_language", "none"),
            "Form of the reservation.",
        ),
        ColumnSpec("reservation_standards", "list", help="Standards that carried it."),
        ColumnSpec("reservation_capture_at", "date", help="Capture judged."),
        ColumnSpec("reservation_evidence", "string", help="Record ids of the host's documents."),
        ColumnSpec("reservation_capture_url", "string", help="Document that decided."),
        ColumnSpec("reservation_record_id", "string", help="WARC-Record-ID of that capture."),
        ColumnSpec("reservation_excerpt", "string", help="The rule or statement that decided."),
        ColumnSpec("reservation_capture_age_days", "number",
                   help="Days from that capture to collection (negative: carried back)."),
        _enum("reservation_now", _RESERVATION, "Reservation on the latest capture."),
        _enum(
            "reservation_now_form",
            ("machine_readable", "natural_language", "none"),
            "Form of the reservation on the latest capture.",
        ),
        ColumnSpec("piracy_source", "bool", help="Taken from a shadow library or pirate source."),
        ColumnSpec("blocklist", "string", help="Blocklist name and entry that matched."),
        ColumnSpec("known_work", "string", help="Known-works list and match kind."),
        ColumnSpec("takedown", "string", help="Takedown or opt-out request ids that match."),
        _enum("purpose", ENUM_FACTS["purpose"], "Purpose the scan judged."),
        _enum("org_type", ENUM_FACTS["org_type"], "Who trains."),
        _enum("access", ENUM_FACTS["access"], "How the item was accessed."),
        _enum("personal_data_class", ENUM_FACTS["personal_data"], "Class of personal data."),
        ColumnSpec("database_substantial_extraction", "bool", help="Substantial database part."),
        ColumnSpec("retained_after_training", "bool", help="Copies kept after training."),
        ColumnSpec("memorization", "bool", help="The model reproduces the item."),
        ColumnSpec("output_competes", "bool", help="Outputs compete with the work."),
        ColumnSpec("terms_prohibit_training", "bool", help="Site terms forbid training."),
        ColumnSpec("gpai_eu_market", "bool", help="The model goes on the EU market (GPAI)."),
        ColumnSpec("provider_generated", "bool", help="Synthetic: generated by the provider."),
        ColumnSpec("access_presumed", "bool", help="Access was presumed (--access)."),
        ColumnSpec("personal_data_presumed", "bool", help="Personal data was presumed."),
        ColumnSpec(
            "exposure_max",
            "ordered",
            EXPOSURE_LEVELS + ("unknown",),
            "Highest exposure over the assessed markets (derived).",
        ),
        ColumnSpec(
            "provisional_any", "bool", help="Any market's verdict is provisional (derived)."
        ),
    ]
    return {s.name: s for s in specs}


def market_of(name: str) -> str | None:
    """Return the market a per-market column (``exposure_eu``) belongs to, else None."""
    match = _PER_MARKET.match(name)
    return match.group(2) if match else None


def column_spec(name: str) -> ColumnSpec | None:
    """Return the spec of a readable column (per-market ones included), or None if unknown."""
    spec = fixed_columns().get(name)
    if spec is not None:
        return spec
    match = _PER_MARKET.match(name)
    if match is None:
        return None
    from clearance.law.engine import all_markets

    if match.group(2) not in all_markets():
        return None
    kind = match.group(1)
    if kind == "exposure":
        return ColumnSpec(name, "ordered", EXPOSURE_LEVELS + ("unknown",), "Exposure in market.")
    if kind == "provisional":
        return ColumnSpec(name, "bool", help="The market's verdict is provisional.")
    return ColumnSpec(name, "list", help="Law rule ids that fired in the market.")
