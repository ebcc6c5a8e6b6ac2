# SPDX-License-Identifier: Apache-2.0
"""The EU database-right analysis (substantial extraction).

Its considerations are data: ``data/rules/analyses/database_right.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from clearance.law.analyses.framework import run_analysis
from clearance.law.facts import Facts
from clearance.models import AnalysisResult

__all__ = ["database_right"]


def database_right(
    facts: Mapping[str, Any] | Facts,
    market: str = "eu",
    as_of: dt.date | str | None = None,
) -> AnalysisResult:
    """Return the EU database-right questions for one item's facts and a leaning.

    The result is a leaning with a strength, never a certainty; it names the knowledge base's
    as-of date and says it is a risk assessment, not legal advice.
    """
    return run_analysis("database_right", facts, market, as_of)
