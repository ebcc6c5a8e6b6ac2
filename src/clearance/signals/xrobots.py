# SPDX-License-Identifier: Apache-2.0
"""``X-Robots-Tag`` headers and ``<meta name="robots">``: ``noai``, ``noimageai``, ``noml``.

De-facto conventions (DeviantArt 2022 for ``noai``/``noimageai``, Mojeek 2023 for ``noml``)
on the carrier syntax Google documents: comma-separated rules, optionally prefixed by a
crawler name (``X-Robots-Tag: GPTBot: noai``), several header lines combined, names and
values case-insensitive, the most restrictive rule applying. Search rules (``noindex``...)
map to the ``search`` purpose only: they are not AI reservations.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime

from clearance.models import Signal, SignalReport
from clearance.signals.html import HtmlDocument
from clearance.signals.response import HeaderInput, header_values

__all__ = ["DIRECTIVES", "parse_directives", "robots_meta_signals", "x_robots_tag_signals"]

log = logging.getLogger(__name__)

_R, _N = "reserved", "not_reserved"
_AI = (("ai_training", _R), ("genai_training", _R), ("ai_inference", _R))

#: directive -> ((purpose, verdict), ...), and a note that travels with each signal.
DIRECTIVES: dict[str, tuple[tuple[tuple[str, str], ...], str | None]] = {
    "noai": (_AI, "noai: no use to train AI or as input to a trained AI (DeviantArt)"),
    "noimageai": (_AI, "noimageai: applies to images only (DeviantArt)"),
    "noml": (
        (("ai_training", _R), ("genai_training", _R), ("search", _N)),
        "noml: no machine learning; search allowed (Mojeek)",
    ),
    "noindex": ((("search", _R),), None),
    "none": ((("search", _R),), "none = noindex, nofollow"),
    "noimageindex": ((("search", _R),), "noimageindex: images of the page only"),
    "all": ((("search", _N),), None),
    "index": ((("search", _N),), None),
}
#: Bing's own reading of noarchive (Sept 2023 announcement, via ai.robots.txt docs; unverified).
_BING = ("bingbot", "msnbot")
_NOARCHIVE = (
    (("genai_training", _R), ("ai_inference", _R)),
    "noarchive: Bing reads it as no use in Bing Chat answers and no training of "
    "Microsoft generative models (unverified)",
)
_VALUE_DIRECTIVES = frozenset(
    {"max-snippet", "max-image-preview", "max-video-preview", "unavailable_after"}
)
_KNOWN = (
    frozenset(DIRECTIVES)
    | _VALUE_DIRECTIVES
    | frozenset(
        {
            "nofollow",
            "noarchive",
            "nocache",
            "nosnippet",
            "notranslate",
            "indexifembedded",
            "follow",
            "noodp",
            "noydir",
        }
    )
)
_TOKEN = re.compile(r"^[A-Za-z0-9_.*/ -]{1,64}$")
SPEC = "de-facto (DeviantArt noai/noimageai 2022; Mojeek noml 2023)"


def parse_directives(value: str) -> tuple[list[tuple[str | None, str]], list[str]]:
    """Return ([(agent or None, lower-cased directive)], notes) for one header or meta value."""
    notes: list[str] = []
    out: list[tuple[str | None, str]] = []
    agent: str | None = None
    items = value.split(",")
    if ";" in value:
        items = re.split(r"[,;]", value)
        notes.append("leniency: ';' read as a rule separator")
    for item in items:
        item = item.strip().strip("\"'")
        if not item:
            continue
        head, sep, tail = item.partition(":")
        if sep and head.strip().lower() not in _VALUE_DIRECTIVES:
            name = head.strip()
            if _TOKEN.match(name):
                agent = None if name == "*" else name
                item = tail.strip()
                if not item:
                    continue
        out.append((agent, item.split(":", 1)[0].strip().lower()))
    return out, notes


def _signals(
    pairs: Sequence[tuple[str | None, str]],
    *,
    standard: str,
    location: str,
    excerpt: str,
    observed_at: datetime | None,
    confidence: float,
    notes: Sequence[str],
    media_type: str | None,
) -> list[Signal]:
    out: list[Signal] = []
    for agent, directive in pairs:
        entry = DIRECTIVES.get(directive)
        if entry is None and directive == "noarchive" and (agent is None or agent.lower() in _BING):
            entry, agent, weight = _NOARCHIVE, agent or "bingbot", 0.5
        else:
            weight = 1.0
        if entry is None:
            continue
        mapping, note = entry
        extra = [*notes, *([note] if note else [])]
        if directive == "noimageai" and media_type and not media_type.startswith("image/"):
            extra.append(f"carried by a {media_type} response: binds the images it embeds")
        for purpose, verdict in mapping:
            out.append(
                Signal(
                    standard=standard,
                    purpose=purpose,
                    verdict=verdict,
                    location=location,
                    excerpt=excerpt[:500],
                    agent=agent,
                    scope="item",
                    observed_at=observed_at,
                    confidence=round(confidence * weight, 3),
                    spec_version=SPEC,
                    notes=tuple(extra),
                )
            )
    return out


def x_robots_tag_signals(
    headers: HeaderInput | None,
    *,
    observed_at: datetime | None = None,
    media_type: str | None = None,
) -> SignalReport:
    """Return the signals of every ``X-Robots-Tag`` header line, combined."""
    signals: list[Signal] = []
    problems = 0
    all_notes: list[str] = []
    for value in header_values(headers, "x-robots-tag"):
        pairs, notes = parse_directives(value)
        problems += len(notes)
        all_notes += notes
        signals += _signals(
            pairs,
            standard="x-robots-tag",
            location="header:x-robots-tag",
            excerpt=f"X-Robots-Tag: {value}",
            observed_at=observed_at,
            confidence=0.9 if notes else 1.0,
            notes=notes,
            media_type=media_type,
        )
    return SignalReport(
        source="header:x-robots-tag",
        kind="http-headers",
        signals=tuple(signals),
        problems=problems,
        notes=tuple(all_notes),
    )


def robots_meta_signals(
    doc: HtmlDocument, *, observed_at: datetime | None = None, media_type: str | None = "text/html"
) -> SignalReport:
    """Return the signals of ``<meta name="robots">`` and crawler-named robots metas."""
    signals: list[Signal] = []
    problems = 0
    all_notes: list[str] = []
    for attr, name, content in doc.metas:
        if attr != "name" or not content:
            continue
        pairs, notes = parse_directives(content)
        if name == "robots":
            confidence, scoped = 1.0, pairs
        elif _TOKEN.match(name) and pairs and all(d in _KNOWN for _, d in pairs):
            confidence = 0.9
            notes = [*notes, f"meta name {name!r} read as a crawler name"]
            scoped = [(a or name, d) for a, d in pairs]
        else:
            continue
        problems += sum(1 for n in notes if n.startswith("leniency"))
        all_notes += notes
        signals += _signals(
            scoped,
            standard="html-meta",
            location=f"html:meta[name={name}]",
            excerpt=f'<meta name="{name}" content="{content}">',
            observed_at=observed_at,
            confidence=confidence * (0.9 if problems else 1.0),
            notes=notes,
            media_type=media_type,
        )
    return SignalReport(
        source="html:meta",
        kind="html",
        signals=tuple(signals),
        problems=problems,
        notes=tuple(all_notes),
    )
