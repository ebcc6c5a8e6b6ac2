# SPDX-License-Identifier: Apache-2.0
"""Budgets of the fuzz harnesses, scaled by the Hypothesis profile (see tests/conftest.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import settings

__all__ = ["LONG", "WORST_CASE_DEADLINE", "budget"]

LONG = settings.default.max_examples >= 1000  # the "long" profile is loaded
WORST_CASE_DEADLINE = timedelta(seconds=2) if LONG else timedelta(seconds=10)
"""Per-example budget of the worst-case harnesses: the 2 s target under ``long``, a generous
multiple of it under ``ci`` (a loaded, shared 2-core machine must not fail a correct build)."""


def budget(examples: int, **overrides: Any) -> settings:
    """Return settings running ``examples`` examples under ``ci`` and 20 times as many under
    ``long``; ``overrides`` are passed to :class:`hypothesis.settings`."""
    scale = max(1, settings.default.max_examples // 100)
    return settings(max_examples=examples * scale, **overrides)
