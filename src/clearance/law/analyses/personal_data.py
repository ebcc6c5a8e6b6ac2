# SPDX-License-Identifier: Apache-2.0
"""The personal-data and personality analysis (GDPR, BIPA, publicity, voice).

Its considerations are data: ``data/rules/analyses/personal_data.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from clearance.law.analyses.framework import run_analysis
from clearance.law.facts import Facts
from clearance.models import AnalysisResult

__all__ = ["personal_data"]


def personal_data(
    facts: Mapping[str, Any] | Facts,
    market: str = "eu",
    as_of: dt.date | str | None = None,
) -> AnalysisResult:
    """Return the personal-data and personality questions in a market, and a leaning.

    The result is a leaning with a strength, never a certainty; it names the knowledge base's
    as-of date and says it is a risk assessment, not legal advice.
    """
    return run_analysis("personal_data", facts, market, as_of)
