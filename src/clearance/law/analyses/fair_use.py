# SPDX-License-Identifier: Apache-2.0
"""The US four-factor fair-use analysis.

Its considerations are data: ``data/rules/analyses/fair_use.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from clearance.law.analyses.framework import run_analysis
from clearance.law.facts import Facts
from clearance.models import AnalysisResult

__all__ = ["fair_use"]


def fair_use(
    facts: Mapping[str, Any] | Facts,
    market: str = "us",
    as_of: dt.date | str | None = None,
) -> AnalysisResult:
    """Return the four fair-use factors, each with its authorities, and a leaning.

    The result is a leaning with a strength, never a certainty; it names the knowledge base's
    as-of date and says it is a risk assessment, not legal advice.
    """
    return run_analysis("fair_use", facts, market, as_of)
