# SPDX-License-Identifier: Apache-2.0
"""Cloudflare Content Signals: ``Content-Signal:`` lines in robots.txt.

A line inside a robots.txt group, e.g. ``Content-Signal: search=yes, ai-train=no``. Three
signals are defined by the Content Signals Policy (contentsignals.org, CC0, 2025):

* ``search``   - building a search index and providing search results (links and short
  excerpts); not AI-generated search summaries;
* ``ai-input`` - inputting content into AI models (retrieval-augmented generation, grounding,
  real-time use for generative answers);
* ``ai-train`` - training or fine-tuning AI models.

``yes`` grants, ``no`` withholds, absence neither grants nor restricts (unknown). The policy's
accompanying text calls every ``no`` an express reservation of rights under Article 4 of
Directive (EU) 2019/790. The line follows RFC 9309 group selection, and does not change what
may be crawled. Keys and values are read case-insensitively; a value other than yes/no is
unknown and noted; keys outside the three (Cloudflare's newer ``use=``) are kept verbatim.
A leading path (``Content-Signal: /blog/ ai-train=no``), seen in some generators, is accepted
and noted: no published syntax defines it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from clearance.models import Signal
from clearance.signals.vocab import NOT_RESERVED, RESERVED, Purpose

__all__ = [
    "CONTENT_SIGNAL_KEYS",
    "CONTENT_SIGNAL_VERSION",
    "ContentSignal",
    "content_signal_signals",
    "parse_content_signal",
]

CONTENT_SIGNAL_VERSION = "Cloudflare Content Signals Policy (contentsignals.org, 2025)"

CONTENT_SIGNAL_KEYS: dict[str, tuple[Purpose, ...]] = {
    "search": ("search",),
    "ai-input": ("ai_inference",),
    "ai-train": ("ai_training", "genai_training"),
}

_WS = re.compile(r"[ \t]+")


@dataclass(frozen=True, slots=True)
class ContentSignal:
    """One ``Content-Signal`` statement: yes/no per known signal, and what else it said."""

    raw: str
    values: dict[str, bool] = field(default_factory=dict)  # known key -> True for yes
    path: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # unknown keys, verbatim
    problems: tuple[str, ...] = ()


def parse_content_signal(value: str) -> ContentSignal:
    """Return what one Content-Signal value states; never raises."""
    text = value.strip()
    path: str | None = None
    problems: list[str] = []
    if text.startswith("/"):
        parts = _WS.split(text, maxsplit=1)
        path = parts[0]
        text = parts[1] if len(parts) > 1 else ""
        problems.append("a path before the signals is not in any published syntax")
    values: dict[str, bool] = {}
    extra: dict[str, str] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            problems.append(f"{item!r} has no '=': ignored")
            continue
        key, _, val = item.partition("=")
        key, val = key.strip().lower(), val.strip()
        if key not in CONTENT_SIGNAL_KEYS:
            extra[key] = val
            continue
        if val.lower() in ("yes", "no"):
            if key in values and values[key] != (val.lower() == "yes"):
                problems.append(f"{key} given twice with different values: the last one is used")
            values[key] = val.lower() == "yes"
        else:
            values.pop(key, None)
            problems.append(f"{key}={val!r} is neither yes nor no: unknown")
    if not values and not extra:
        problems.append("no signal could be read")
    return ContentSignal(value.strip()[:500], values, path, extra, tuple(problems))


def content_signal_signals(
    statement: ContentSignal | str,
    *,
    location: str,
    agent: str | None = None,
    observed_at: datetime | None = None,
    confidence: float = 1.0,
    notes: Sequence[str] = (),
) -> list[Signal]:
    """Return one signal per purpose each stated yes/no speaks for."""
    sig = parse_content_signal(statement) if isinstance(statement, str) else statement
    conf = confidence * (0.9 if sig.problems else 1.0)
    extra = tuple(f"{k}={v} (not a Content Signals Policy key; kept)" for k, v in sig.extra.items())
    out: list[Signal] = []
    for key, granted in sig.values.items():
        for purpose in CONTENT_SIGNAL_KEYS[key]:
            out.append(
                Signal(
                    standard="content-signal",
                    purpose=purpose,
                    verdict=NOT_RESERVED if granted else RESERVED,
                    location=location,
                    excerpt=sig.raw,
                    agent=agent,
                    scope="host",
                    observed_at=observed_at,
                    confidence=round(conf, 3),
                    spec_version=CONTENT_SIGNAL_VERSION,
                    notes=(f"signal {key}", *notes, *sig.problems, *extra),
                )
            )
    return out
