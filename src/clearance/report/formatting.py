# SPDX-License-Identifier: Apache-2.0
"""Numbers, levels and citations written for people: one format shared by md, html and pdf."""

from __future__ import annotations

from collections.abc import Iterable

from clearance.models import CitedAuthority, MarketExposure, Vulnerability
from clearance.render.palette import LEVEL_HEX
from clearance.report.knowledge import OUTCOME_DRIVERS

__all__ = [
    "LEVEL_HEX",
    "STATUS_WORDS",
    "authority_date",
    "authority_line",
    "authority_short",
    "authority_url",
    "clip",
    "count",
    "exposure_markets",
    "human_bytes",
    "percent",
    "reason_lines",
    "vulnerability_headline",
]


STATUS_WORDS = {
    "in_force": "in force",
    "pending": "pending",
    "decided": "decided",
    "appealed": "decided, under appeal",
    "settled": "settled",
    "proposed": "proposed",
    "repealed": "repealed",
}


def count(n: int | None) -> str:
    """Return an integer with thousands separators, or an en dash when unknown."""
    return "–" if n is None else f"{n:,}"


def percent(share: float) -> str:
    """Return a share (0..1) as a whole percentage; tiny non-zero shares as '<1%'."""
    if 0 < share < 0.005:
        return "<1%"
    return f"{share * 100:.0f}%"


def human_bytes(n: int | None) -> str:
    """Return a byte count in decimal units (kB, MB, GB, TB), or an en dash when zero."""
    if not n:
        return "–"
    value = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if value < 1000 or unit == "PB":
            return f"{value:.0f} {unit}" if unit == "B" or value >= 100 else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"  # pragma: no cover


def clip(text: str, limit: int) -> str:
    """Return ``text`` on one line, cut at a word boundary to ``limit`` characters with '…'."""
    flat = " ".join(str(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: max(1, limit - 1)].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def authority_line(a: CitedAuthority) -> str:
    """Return the full form: 'Title, citation (dated status)', marking an unverified entry."""
    return f"{a.title}, {a.citation} ({authority_date(a)})"


def authority_short(a: CitedAuthority) -> str:
    """Return the short form, never clipped: 'Title (dated status)'."""
    return f"{a.title} ({authority_date(a)})"


def authority_date(a: CitedAuthority) -> str:
    """Return the labelled date of an authority, with 'unverified' when it is."""
    label = a.date_label or f"{STATUS_WORDS.get(a.status, a.status)}, {a.date}"
    return label + ("; unverified" if not a.verified else "")


def authority_url(a: CitedAuthority) -> str:
    """Return the link to follow: the primary text when recorded, else the source checked."""
    return a.primary_url or a.source_url


def exposure_markets(markets: Iterable[MarketExposure], *, limit: int = 6) -> str:
    """Return 'critical in US, EU; high in UK' for the markets at high or critical exposure."""
    groups: dict[str, list[str]] = {"critical": [], "high": []}
    for m in markets:
        if m.worst in groups:
            groups[m.worst].append(m.market.upper())
    parts = []
    shown = 0
    for level in ("critical", "high"):
        names = groups[level]
        if not names:
            continue
        room = max(0, limit - shown)
        listed = names[:room]
        shown += len(listed)
        extra = len(names) - len(listed)
        text = ", ".join(listed) + (f" and {extra} more" if extra else "")
        if listed or extra:
            parts.append(f"{level} in {text}" if listed else f"{level} in {extra} markets")
    return "; ".join(parts) or "no market above medium"


def vulnerability_headline(v: Vulnerability) -> str:
    """Return the one-line summary of a vulnerability: items, share, bytes, exposure."""
    size = human_bytes(v.bytes)
    size_text = f", {size}" if size != "–" else ""
    return (
        f"{count(v.items)} items ({percent(v.share)} of the dataset{size_text}); "
        f"{exposure_markets(v.markets)}"
    )


def reason_lines(v: Vulnerability, *, limit: int = 3) -> list[str]:
    """Return the causes behind a vulnerability as '64% were reserved ...' lines."""
    causes = [d for d in v.drivers if d[0] not in OUTCOME_DRIVERS]
    lines = [f"{percent(share)} ({count(n)}) {phrase}" for _, phrase, n, share in causes[:limit]]
    if not lines:
        high = next((d for d in v.drivers if d[0] == "high_exposure"), None)
        if high:
            lines.append(f"{percent(high[3])} ({count(high[2])}) {high[1]}")
    return lines
