# SPDX-License-Identifier: Apache-2.0
"""The EU text and data mining analysis (DSM Arts. 3, 4, 7; AI Act Art. 53).

Its considerations are data: ``data/rules/analyses/eu_tdm.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from clearance.law.analyses.framework import run_analysis
from clearance.law.facts import Facts
from clearance.models import AnalysisResult

__all__ = ["eu_tdm"]


def eu_tdm(
    facts: Mapping[str, Any] | Facts,
    market: str = "eu",
    as_of: dt.date | str | None = None,
) -> AnalysisResult:
    """Return the EU TDM questions (Art. 3 vs 4, access, reservation, ...) and a leaning.

    The result is a leaning with a strength, never a certainty; it names the knowledge base's
    as-of date and says it is a risk assessment, not legal advice.
    """
    return run_analysis("eu_tdm", facts, market, as_of)
