# SPDX-License-Identifier: Apache-2.0
"""Keeping the knowledge base current: age of each entry's last check, overdue pending matters,
the knowledge base's staleness as of a date, and the share of entries with a confirmed primary text.

``review`` lists entries oldest check first, flagging pending matters (pending, appealed,
proposed) not checked within ``REVIEW_DAYS``; ``staleness`` says whether the knowledge base as a
whole is older than that on a date, with the warning a report prints; ``primary_share`` counts
entries whose primary text (legislation, judgment, guidance from its issuer) was confirmed.
``docs/law-knowledge-base.md`` records the monthly checklist that uses them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Final

from clearance.errors import InputError
from clearance.law.kb import KnowledgeBase, LawEntry

__all__ = [
    "REVIEW_DAYS",
    "KbStaleness",
    "ReviewRow",
    "primary_breakdown",
    "primary_share",
    "review",
    "staleness",
]

#: A pending matter, and the knowledge base as a whole, is stale when not checked for this long.
REVIEW_DAYS: Final = 90


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One entry as seen by the monthly review."""

    entry_id: str
    market: str
    type: str
    status: str
    checked: dt.date
    age_days: int
    pending: bool
    overdue: bool
    latest_step: str | None
    latest_step_date: dt.date | None
    primary_confirmed: bool
    primary_basis: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the row as a JSON-ready dict (dates as ISO strings)."""
        data = asdict(self)
        for key in ("checked", "latest_step_date"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data


@dataclass(frozen=True, slots=True)
class KbStaleness:
    """How old the knowledge base is on a date, and what a report should say about it."""

    as_of: dt.date
    on: dt.date
    age_days: int
    stale: bool
    overdue_pending: tuple[str, ...]
    warning: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the staleness as a JSON-ready dict."""
        return {
            "as_of": self.as_of.isoformat(),
            "on": self.on.isoformat(),
            "age_days": self.age_days,
            "stale": self.stale,
            "overdue_pending": list(self.overdue_pending),
            "warning": self.warning,
        }


def _days(days: int) -> int:
    if days < 1:
        raise InputError(f"review window must be at least one day, got {days}")
    return days


def _row(entry: LawEntry, on: dt.date, days: int) -> ReviewRow:
    age = (on - entry.checked).days
    step = entry.latest_step
    return ReviewRow(
        entry_id=entry.id,
        market=entry.market,
        type=entry.type,
        status=entry.status,
        checked=entry.checked,
        age_days=age,
        pending=entry.pending,
        overdue=entry.pending and age > days,
        latest_step=step.step if step else None,
        latest_step_date=step.date if step else None,
        primary_confirmed=entry.primary_confirmed,
        primary_basis=entry.primary_basis,
    )


def review(
    kb: KnowledgeBase, on: dt.date, *, days: int = REVIEW_DAYS, pending_only: bool = False
) -> list[ReviewRow]:
    """Return one row per entry, oldest check first (then id); ``overdue`` marks pending
    matters not checked within ``days`` of ``on``.

    Raises InputError when ``days`` is not positive.
    """
    days = _days(days)
    rows = [_row(e, on, days) for e in kb if e.pending or not pending_only]
    return sorted(rows, key=lambda r: (r.checked, r.entry_id))


def staleness(kb: KnowledgeBase, on: dt.date, *, days: int = REVIEW_DAYS) -> KbStaleness:
    """Return how old the knowledge base is on ``on``: stale when its as-of date (the latest
    check) is more than ``days`` before ``on``, or when pending matters are overdue.

    ``warning`` is the sentence a report prints next to the as-of date, or None when current.
    """
    days = _days(days)
    age = (on - kb.as_of).days
    overdue = tuple(r.entry_id for r in review(kb, on, days=days, pending_only=True) if r.overdue)
    parts = []
    if age > days:
        parts.append(
            f"The law knowledge base is {age} days old (as of {kb.as_of.isoformat()}), more "
            f"than {days} days: authorities may have moved since; re-check before relying on it."
        )
    if overdue:
        parts.append(
            f"{len(overdue)} pending matter(s) not checked for more than {days} days: "
            + ", ".join(overdue[:5])
            + (" ..." if len(overdue) > 5 else "")
            + "."
        )
    return KbStaleness(
        as_of=kb.as_of,
        on=on,
        age_days=age,
        stale=age > days,
        overdue_pending=overdue,
        warning=" ".join(parts) or None,
    )


def primary_share(kb: KnowledgeBase) -> tuple[int, int]:
    """Return (entries with a confirmed primary text, all entries)."""
    return sum(1 for e in kb if e.primary_confirmed), len(kb)


def primary_breakdown(kb: KnowledgeBase) -> dict[str, int]:
    """Count entries by how their primary link stands: ``read`` (confirmed from a stored copy of
    the page), ``cited`` (confirmed: stored sources show that exact URL as the official copy),
    ``scheme`` (built from an identifier scheme, unconfirmed), ``unconfirmed`` (a link whose
    page and URL were not confirmed) and ``none`` (no primary link)."""
    counts = dict.fromkeys(("read", "cited", "scheme", "unconfirmed", "none"), 0)
    for e in kb:
        if e.primary_confirmed:
            counts["cited" if e.primary_basis == "cited" else "read"] += 1
        elif e.primary_basis == "scheme":
            counts["scheme"] += 1
        else:
            counts["unconfirmed" if e.primary_url else "none"] += 1
    return counts
