# SPDX-License-Identifier: Apache-2.0
"""The analyses the profession uses, each usable alone and inside a scan.

US four-factor fair use, the EU TDM exceptions (with AI Act Art. 53), the EU database right,
and personal data and personality. Each weighs considerations kept as data under
``data/rules/analyses/`` and returns a leaning with a strength, never a certainty.
"""

from __future__ import annotations

from clearance.law.analyses.database_right import database_right
from clearance.law.analyses.eu_tdm import eu_tdm
from clearance.law.analyses.fair_use import fair_use
from clearance.law.analyses.framework import ANALYSES, load_analysis, run_analysis
from clearance.law.analyses.personal_data import personal_data

__all__ = [
    "ANALYSES",
    "database_right",
    "eu_tdm",
    "fair_use",
    "load_analysis",
    "personal_data",
    "run_analysis",
]
