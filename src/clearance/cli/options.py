# SPDX-License-Identifier: Apache-2.0
"""The options ``scan``, ``assess`` and ``gate`` share: one name, one meaning, one default.

Closed vocabularies are enums, so a typo is refused when the command line is parsed (exit 2,
naming the option and the allowed values) before any work starts. The presumption options
take their help from :data:`clearance.assumptions.PRESUMPTIONS`, the table the report's
"Assumptions and evidence" box is written from.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from clearance.assumptions import PRESUMPTIONS, Assumptions, tri_value
from clearance.engine.settings import DEFAULT_BATCH_ROWS, DEFAULT_MARKETS

__all__ = [
    "Access",
    "Engine",
    "FailLevel",
    "OnErrorChoice",
    "OrgType",
    "PersonalData",
    "Purpose",
    "Tri",
    "assumption_overrides",
    "assumptions_from",
]


class Purpose(StrEnum):
    """What the data is used for."""

    research = "research"
    commercial_training = "commercial_training"
    genai_training = "genai_training"


class OrgType(StrEnum):
    """Who uses it."""

    company = "company"
    research_org = "research_org"
    cultural_heritage = "cultural_heritage"


class Access(StrEnum):
    """How items with public URLs were accessed."""

    lawful = "lawful"
    paywall_circumvented = "paywall_circumvented"
    unknown = "unknown"


class Tri(StrEnum):
    """yes, no or unknown."""

    yes = "yes"
    no = "no"
    unknown = "unknown"


class PersonalData(StrEnum):
    """Personal data presumed where the manifest is silent."""

    unknown = "unknown"
    none = "none"
    ordinary = "ordinary"


class OnErrorChoice(StrEnum):
    """What a malformed manifest row does."""

    skip = "skip"
    fail = "fail"


class Engine(StrEnum):
    """Where the batches of a job run."""

    local = "local"
    ray = "ray"


class FailLevel(StrEnum):
    """The tier at which the command exits 3."""

    prohibited = "prohibited"
    restricted = "restricted"
    none = "none"


def _help(field: str) -> str:
    p = next(p for p in PRESUMPTIONS if p.field == field)
    default = Assumptions().shown(field)
    return f"{p.question} {p.meaning}. Presumed, stated in the report (default {default})."


def _presumption(field: str, option: str) -> Any:
    return typer.Option(option, help=_help(field), rich_help_panel="Presumptions")


MARKETS_HELP = (
    f"Comma-separated markets to judge, or all (default {','.join(DEFAULT_MARKETS)}; "
    "the markets the policy reads are added, and the report says so)."
)

Markets = Annotated[str | None, typer.Option(help=MARKETS_HELP)]
PurposeOpt = Annotated[Purpose, typer.Option(help="What the data is used for.")]
OrgTypeOpt = Annotated[OrgType, typer.Option(help="Who uses it.")]
PolicyOpt = Annotated[
    str | None,
    typer.Option(help="A shipped policy (eu-ready-commercial, us-fair-use-reliant, "
                 "research-only) or a policy YAML file; default: chosen from purpose and "
                 "markets."),
]
WaiversOpt = Annotated[
    Path | None, typer.Option(help="A YAML file of extra waivers (waivers: [...]).")
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(help="Judge the law, waivers and 'reserved now' as of this date (YYYY-MM-DD)."),
]
AccessOpt = Annotated[Access, _presumption("access", "--access")]
RetainedOpt = Annotated[Tri, _presumption("retained_after_training", "--retained")]
MemorizationOpt = Annotated[Tri, _presumption("memorization", "--memorization")]
CompetesOpt = Annotated[Tri, _presumption("output_competes", "--output-competes")]
PersonalOpt = Annotated[PersonalData, _presumption("personal_data", "--personal-data")]
GpaiOpt = Annotated[Tri, _presumption("gpai_eu_market", "--gpai-eu-market")]
AgentOpt = Annotated[str | None, _presumption("agent", "--agent")]
SnapshotOpt = Annotated[
    list[Path] | None,
    typer.Option(help="WARC files to read opt-out signals from (repeatable); the records "
                 "relied on are copied into OUT/evidence.", rich_help_panel="Evidence"),
]
LiveOpt = Annotated[
    bool,
    typer.Option("--live", help="Fetch every host's robots.txt, tdmrep.json, ai.txt and home "
                 "page (when robots.txt allows it) now, into OUT/evidence (WARC + ledger).",
                 rich_help_panel="Evidence"),
]
PresumeEarlierOpt = Annotated[
    bool,
    typer.Option("--presume-earlier", help="Items collected before a host's first capture "
                 "take a reservation seen in it (never a permission); stated in the report.",
                 rich_help_panel="Evidence"),
]
BlocklistOpt = Annotated[
    list[Path] | None,
    typer.Option(help="Extra blocklist (YAML, or one domain or URL prefix per line); "
                 "repeatable.", rich_help_panel="Lists"),
]
MemorizationTableOpt = Annotated[
    list[Path] | None,
    typer.Option("--memorization-table", help="A red team's memorisation table (Parquet, from "
                 "'redteam probe' or 'redteam images check --memorization'): the items it "
                 "names take the tested value as their memorization fact; repeatable.",
                 rich_help_panel="Presumptions"),
]
NoDefaultBlocklistsOpt = Annotated[
    bool, typer.Option("--no-default-blocklists", help="Do not use the shipped blocklists.",
                       rich_help_panel="Lists"),
]
KnownWorksOpt = Annotated[
    list[Path] | None,
    typer.Option("--known-works", help="Known-works list (sha256 / PDQ hashes); repeatable.",
                 rich_help_panel="Lists"),
]
NoImageHashingOpt = Annotated[
    bool, typer.Option("--no-image-hashing", help="Do not PDQ-hash image files.",
                       rich_help_panel="Lists"),
]
LedgerOpt = Annotated[
    Path | None,
    typer.Option(help="Takedown ledger (SQLite) whose requests in force apply.",
                 rich_help_panel="Lists"),
]
NoRecordOpt = Annotated[
    bool, typer.Option("--no-record", help="Do not advance takedown statuses.",
                       rich_help_panel="Lists"),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", help="CANONICAL=COLUMN pairs, e.g. --map url=img,license=rights.",
                 rich_help_panel="Reading"),
]
FormatOpt = Annotated[str | None, typer.Option("--format", help="Force a reader.",
                                               rich_help_panel="Reading")]
OnErrorOpt = Annotated[
    OnErrorChoice,
    typer.Option("--on-error", help="skip: malformed rows go to rejects.jsonl (counted); "
                 "fail: stop at the first, naming file, row and column.",
                 rich_help_panel="Reading"),
]
AgreementsOpt = Annotated[
    Path | None,
    typer.Option(help="Licence registry (YAML): the data licence agreements you hold and the "
                 "items each covers; covered items take the agreement as their licence where "
                 "it grants the use (docs/licenses.md, 'Licence registry').",
                 rich_help_panel="Lists"),
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Exit 4 when the opt-out evidence had unreadable records "
                 "(they are skipped and reported either way).", rich_help_panel="Evidence"),
]
FollowSymlinksOpt = Annotated[
    bool,
    typer.Option("--follow-symlinks", help="In a media folder, read links that leave it "
                 "(refused by default).", rich_help_panel="Reading"),
]
CategoriesOpt = Annotated[
    Path | None,
    typer.Option("--categories", help="Your source categories: CSV (domain or prefix, category"
                 "[, note]) or YAML (key: category). They win over every inferred category and "
                 "are the recorded reason (override:FILE:KEY). In assess, they re-categorise "
                 "the saved facts (only the hosts and URL prefixes the file names change).",
                 rich_help_panel="Lists"),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace clearance's outputs in a non-empty --out.")
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Continue an interrupted run in --out (keeps its "
                       "evidence).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
EngineOpt = Annotated[
    Engine,
    typer.Option("--engine", help="Where the batches run: local (worker processes on this "
                 "machine) or ray (Ray Data map_batches on a Ray cluster; needs "
                 "pip install 'clearance\\[ray]'). The results are the same.",
                 rich_help_panel="Scale"),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Worker processes (local) or Ray actors (ray); "
                 "default: the CPUs available.", rich_help_panel="Scale"),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option("--ray-address", help="The Ray cluster to run on (e.g. ray://head:10001 or "
                 "auto); default: start a local Ray instance.", rich_help_panel="Scale"),
]
BatchRowsOpt = Annotated[
    int,
    typer.Option("--batch-rows", min=1, help="Rows per batch: the unit of work of a worker "
                 "and a row group of every table written (memory grows with it, not with "
                 f"the manifest; default {DEFAULT_BATCH_ROWS:,}).", rich_help_panel="Scale"),
]


def assumptions_from(
    *, access: Access, retained: Tri, memorization: Tri, output_competes: Tri,
    personal_data: PersonalData, gpai_eu_market: Tri, agent: str | None,
) -> Assumptions:
    """Return the presumptions the options state."""
    return Assumptions(
        access=access.value,
        retained_after_training=tri_value(retained.value),
        memorization=tri_value(memorization.value),
        output_competes=tri_value(output_competes.value),
        personal_data=personal_data.value,
        gpai_eu_market=tri_value(gpai_eu_market.value),
        agent=agent or None,
    )


def assumption_overrides(**given: Any) -> dict[str, Any]:
    """Return the presumptions an ``assess`` run changes (options left out keep the scan's)."""
    names = {"retained": "retained_after_training"}
    out: dict[str, Any] = {}
    for key, value in given.items():
        if value is None:
            continue
        field = names.get(key, key)
        text = value.value if isinstance(value, Enum) else value
        out[field] = tri_value(text) if isinstance(value, Tri) else text
    return out
