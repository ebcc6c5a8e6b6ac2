# SPDX-License-Identifier: Apache-2.0
"""What the report says about the evidence, counted batch by batch.

The window of captures the items were judged on, how many items were judged or stayed
unknown, and the age of each deciding capture at collection, kept as a histogram of whole
days (so the median and the stale share are exact, and the counts grow with distinct ages,
not with items).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pyarrow as pa

__all__ = ["STALE_DAYS", "EvidenceCounts"]

#: A capture older than this many days at the item's collection is reported as stale.
STALE_DAYS = 90


@dataclass
class EvidenceCounts:
    """Items, judged items, unknown reservations, capture window and ages (see above)."""

    items: int = 0
    judged: int = 0
    unknown: int | None = None
    first: Any = None
    last: Any = None
    ages: dict[int, int] = field(default_factory=dict)
    has_ages: bool = False
    has_captures: bool = False

    def add(self, facts: pa.Table) -> None:
        """Count one batch of facts."""
        self.items += facts.num_rows
        names = facts.column_names
        if "reservation_capture_at" not in names:
            return
        self.has_captures = True
        frame = pl.from_arrow(facts.select(
            [c for c in ("reservation_capture_at", "reservation_capture_age_days", "reservation")
             if c in names]))
        assert isinstance(frame, pl.DataFrame)
        if "reservation" in frame.columns:
            unknown = int((frame["reservation"].cast(pl.String) == "unknown").sum())
            self.unknown = (self.unknown or 0) + unknown
        judged = frame.filter(pl.col("reservation_capture_at").is_not_null())
        self.judged += judged.height
        if not judged.height:
            return
        first, last = judged["reservation_capture_at"].min(), judged["reservation_capture_at"].max()
        self.first = first if self.first is None or first < self.first else self.first
        self.last = last if self.last is None or last > self.last else self.last
        if "reservation_capture_age_days" in judged.columns:
            self.has_ages = True
            counted = judged["reservation_capture_age_days"].drop_nulls().value_counts()
            for age, n in counted.iter_rows():
                self.ages[int(age)] = self.ages.get(int(age), 0) + int(n)

    def merge(self, other: EvidenceCounts) -> None:
        """Add another batch's counts."""
        self.items += other.items
        self.judged += other.judged
        if other.unknown is not None:
            self.unknown = (self.unknown or 0) + other.unknown
        for value in (other.first,):
            if value is not None and (self.first is None or value < self.first):
                self.first = value
        for value in (other.last,):
            if value is not None and (self.last is None or value > self.last):
                self.last = value
        for age, n in other.ages.items():
            self.ages[age] = self.ages.get(age, 0) + n
        self.has_ages = self.has_ages or other.has_ages
        self.has_captures = self.has_captures or other.has_captures

    def summary(self, evidence: dict[str, Any]) -> dict[str, Any]:
        """Return what the report says about the evidence: mode, window, age of captures.

        ``window`` is the first and last capture any item was judged on; ``stale_share`` the
        share of judged items whose capture is more than :data:`STALE_DAYS` older than the
        item's collection; ``carried_back`` counts items judged on a capture taken after
        they were collected (``--presume-earlier``).
        """
        out: dict[str, Any] = {**evidence, "stale_days": STALE_DAYS, "items": self.items}
        if not self.has_captures:
            return {**out, "judged": 0}
        out["judged"] = self.judged
        out["unknown"] = self.unknown
        if not self.judged:
            return out
        out["window"] = [str(self.first)[:10], str(self.last)[:10]]
        total = sum(self.ages.values())
        if self.has_ages and total:
            ordered = sorted(self.ages.items())
            out["median_age_days"] = round(_median(ordered, total))
            out["max_age_days"] = ordered[-1][0]
            out["stale"] = sum(n for age, n in ordered if age > STALE_DAYS)
            out["stale_share"] = out["stale"] / self.judged
            out["carried_back"] = sum(n for age, n in ordered if age < 0)
        return out


def _median(ordered: list[tuple[int, int]], total: int) -> float:
    """Return the median of a histogram (the mean of the two middle values when even)."""
    def at(position: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if seen > position:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(at(total // 2))
    return (at(total // 2 - 1) + at(total // 2)) / 2
