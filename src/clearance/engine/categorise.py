# SPDX-License-Identifier: Apache-2.0
"""Source categories for a scan or a gate: overrides, knowledge, and the sites' home pages.

Run after the evidence is gathered and before the facts are built: every distinct host that
neither the knowledge base nor a suffix rule decides has its home page (``/``) looked up in
the snapshot (live captures included); the page's own statements (Open Graph, schema.org,
generator, platform) become page evidence, and the category reason cites the capture
(``[home page https://host/ captured 2025-06-01, record <urn:uuid:...>]``), so the report can
point at what a category rests on. The user's ``--categories`` file wins over everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
import pyarrow as pa

from clearance.enrich.annotate import Categorizer
from clearance.enrich.categories import default_knowledge
from clearance.enrich.overrides import CategoryOverrides, load_category_overrides
from clearance.fetch.snapshot import Snapshot
from clearance.models import HostParts
from clearance.signals.page import PageEvidence, parse_page

__all__ = [
    "CategoryRun",
    "category_run",
    "home_pages_of",
    "load_overrides",
    "override_facts",
]

@dataclass(frozen=True, slots=True)
class CategoryRun:
    """What categorisation used: the overrides file and how many home pages were read."""

    overrides: str | None = None
    override_entries: int = 0
    pages_read: int = 0
    pages_with_statements: int = 0

    def to_json(self) -> dict[str, object]:
        """Return what scan.json and the report record (the file by name only)."""
        return {
            "overrides": self.overrides,
            "override_entries": self.override_entries,
            "home_pages_read": self.pages_read,
            "home_pages_with_statements": self.pages_with_statements,
        }


def home_pages_of(
    snapshot: Snapshot,
    hosts: Iterable[tuple[str | None, str, str | None]],
    overrides: CategoryOverrides | None = None,
) -> dict[str, PageEvidence]:
    """Return the page evidence of the home page of every host left to evidence.

    ``hosts`` are distinct (URL authority, host, registrable domain). Hosts decided by an
    override, the knowledge base or a suffix rule are not looked up; a host without a
    successful (2xx) home-page capture gets no entry. The result does not depend on the
    order of ``hosts``.
    """
    knowledge = default_knowledge()
    pages: dict[str, PageEvidence] = {}
    ordered = sorted(hosts, key=lambda t: (t[0] is None, t[0] or "", t[1], t[2] or ""))
    for where, host, registrable in ordered:
        if host in pages:
            continue
        suffix = registrable.split(".", 1)[1] if registrable and "." in registrable else None
        parts = HostParts(host=host, registrable_domain=registrable, public_suffix=suffix)
        if not knowledge.needs_page(parts) or (overrides and overrides.for_host(host)):
            continue
        capture = snapshot.lookup(where or host, "home")  # host:port when a port is given
        if capture is None or capture.outcome != "ok" or not capture.body:
            continue
        charset = None
        for key, value in capture.headers:
            if key.lower() == "content-type" and "charset=" in value.lower():
                charset = value.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
        page = parse_page(capture.body, charset=charset)
        when = capture.captured_at.date().isoformat()
        where = capture.final_url or capture.url
        source = f"home page {where} captured {when}"
        if capture.record_id:
            source += f", record {capture.record_id}"
        pages[host] = replace(page, source=source)
    return pages


def category_run(overrides: CategoryOverrides | None,
                 pages: Mapping[str, PageEvidence]) -> CategoryRun:
    """Return what categorisation used (for scan.json, gate.json and the report)."""
    return CategoryRun(
        overrides=overrides.source if overrides is not None else None,
        override_entries=len(overrides.domains) + len(overrides.prefixes) if overrides else 0,
        pages_read=len(pages),
        pages_with_statements=sum(1 for p in pages.values() if not p.empty),
    )


def load_overrides(path: Path | str | None) -> CategoryOverrides | None:
    """Return the ``--categories`` file's overrides (None for no file); errors name the row."""
    return load_category_overrides(path) if path is not None else None


def override_facts(facts: pa.Table, overrides: CategoryOverrides) -> tuple[pa.Table, int]:
    """Return saved facts with the overrides applied to their categories, and the rows changed.

    Cheap (one pass over distinct hosts, prefixes vectorised): an override wins over every
    other rule, so nothing but the overridden rows changes. ``piracy_source``, the one fact
    derived from the category, is derived again.
    """
    names = ["url", "host", "category", "category_confidence", "category_reason"]
    frame = pl.from_arrow(facts.select(names))
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns(pl.col(pl.Categorical).cast(pl.String))
    after = Categorizer(overrides=overrides).apply_overrides(frame)
    changed = int((after["category_reason"] != frame["category_reason"]).fill_null(True).sum())
    out = facts
    for name in names[2:]:
        column = after[name].to_arrow()
        column = column.cast(pa.float32() if name == "category_confidence" else pa.string())
        field = facts.schema.field(name).with_type(column.type)
        out = out.set_column(out.column_names.index(name), field, column)
    if "piracy_source" in out.column_names and "blocklist" in out.column_names:
        piracy = pl.from_arrow(out.select(["category", "blocklist"]))
        assert isinstance(piracy, pl.DataFrame)
        flag = piracy.select(
            (pl.col("category").cast(pl.String) == "shadow_library")
            | pl.col("blocklist").is_not_null()
        ).to_series().to_arrow()
        field = out.schema.field("piracy_source")
        out = out.set_column(out.column_names.index("piracy_source"), field, flag.cast(field.type))
    return out, changed
