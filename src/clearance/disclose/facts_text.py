# SPDX-License-Identifier: Apache-2.0
"""Small phrases the drafts share: modalities, size bands, counts, lists, dates."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Final

from clearance.disclose.digest import Group
from clearance.report.formatting import count, human_bytes

__all__ = [
    "MODALITY_NAMES",
    "SIZE_BANDS",
    "category_label",
    "count",
    "human_bytes",
    "listing",
    "modalities_text",
    "month",
    "period",
    "size_band",
    "size_text",
    "template_modality",
    "top_items",
]

#: The template's five modalities; the scan's ``code`` is reported under Other.
MODALITY_NAMES: Final = {"text": "Text", "image": "Image", "audio": "Audio", "video": "Video",
                         "code": "Other", "other": "Other"}

#: Table 1.3 of the template: per modality, the unit and the three ranges (lower bounds).
SIZE_BANDS: Final[dict[str, tuple[str, tuple[tuple[float, str], ...]]]] = {
    "text": ("tokens", ((0, "Less than 1 billion tokens"),
                        (1e9, "1 billion to 10 trillion tokens"),
                        (1e13, "More than 10 trillion tokens"))),
    "image": ("images", ((0, "Less than 1 million images"),
                         (1e6, "1 million to 1 billion images"),
                         (1e9, "More than 1 billion images"))),
    "audio": ("hours", ((0, "Less than 10 000 hours"),
                        (1e4, "10 000 to 1 million hours"),
                        (1e6, "More than 1 million hours"))),
    "video": ("hours", ((0, "Less than 10 000 hours"),
                        (1e4, "10 000 to 1 million hours"),
                        (1e6, "More than 1 million hours"))),
}


def size_band(modality: str, value: float) -> str:
    """Return the template's range for ``value`` (in the modality's unit).

    The template does not settle the boundaries; a value equal to the upper end of a range
    (1e13 tokens, 1e9 images, 1e6 hours) stays in the middle range.
    """
    low, mid, high = SIZE_BANDS[modality][1]
    if value < mid[0]:
        return low[1]
    if value <= high[0]:
        return mid[1]
    return high[1]


def template_modality(modality: str) -> str:
    """Return the template's name for a scan modality ('unknown' stays 'not identified')."""
    return MODALITY_NAMES.get(modality, "not identified")


def modalities_text(modalities: Mapping[str, int]) -> str:
    """Return 'Image, Text' for a modality -> items mapping (template names, no unknowns)."""
    names = {template_modality(m) for m, n in modalities.items() if n and m in MODALITY_NAMES}
    order = ["Text", "Image", "Audio", "Video", "Other"]
    return ", ".join(n for n in order if n in names) or "none identified"


@functools.cache
def _category_labels() -> dict[str, str]:
    from clearance.enrich.categories import default_knowledge

    return dict(default_knowledge().categories)


def category_label(category: str) -> str:
    """Return the human label of a source category id."""
    return _category_labels().get(category, category.replace("_", " "))


def top_items(values: Mapping[str, int], limit: int = 6, *, label: bool = False) -> str:
    """Return 'a (1,234), b (567) and 3 more' for the largest entries of a count mapping."""
    items = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [f"{category_label(k) if label else k} ({count(v)})" for k, v in items[:limit]]
    rest = len(items) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")


def listing(values: Iterable[str]) -> str:
    """Return 'a, b and c'."""
    items = [v for v in values if v]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def month(iso: str | None) -> str:
    """Return an ISO date as MM/YYYY (the precision the template's readers expect)."""
    if not iso:
        return "unknown"
    return f"{iso[5:7]}/{iso[0:4]}"


def period(group: Group) -> str:
    """Return 'from 2025-02-01 to 2026-06-29' for a group's collection dates."""
    if not group.first:
        return "unknown (no collection dates in the scan)"
    return f"from {group.first} to {group.last}"


def size_text(group: Group) -> str:
    """Return '1,234 items, 5.6 GB' (bytes only when every item's size is known)."""
    text = f"{count(group.items)} items"
    if group.bytes and group.sized_items == group.items:
        text += f", {human_bytes(group.bytes)}"
    elif group.bytes:
        text += f", {human_bytes(group.bytes)} for the {count(group.sized_items)} with a size"
    return text
