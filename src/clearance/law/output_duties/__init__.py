# SPDX-License-Identifier: Apache-2.0
"""Duties attached to generated outputs (labels, marking, deepfakes, voice and likeness) and
how red-team regurgitation findings change output exposure. Data under
``data/output_duties/``; a risk assessment, not legal advice.
"""

from __future__ import annotations

from clearance.law.output_duties.duties import (
    DUTY_KINDS,
    DUTY_MARKETS,
    DutyItem,
    OutputDuty,
    default_output_duties,
    load_output_duties,
    output_duties,
)
from clearance.law.output_duties.regurgitation import (
    REGURGITATION_LEVELS,
    RegurgitationExposure,
    regurgitation_exposure,
)
from clearance.law.output_duties.render import (
    render_duties_markdown,
    render_regurgitation_markdown,
)

__all__ = [
    "DUTY_KINDS",
    "DUTY_MARKETS",
    "REGURGITATION_LEVELS",
    "DutyItem",
    "OutputDuty",
    "RegurgitationExposure",
    "default_output_duties",
    "load_output_duties",
    "output_duties",
    "regurgitation_exposure",
    "render_duties_markdown",
    "render_regurgitation_markdown",
]
