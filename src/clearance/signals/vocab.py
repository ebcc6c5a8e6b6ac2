# SPDX-License-Identifier: Apache-2.0
"""The common vocabulary every signal maps onto: purposes x verdicts."""

from __future__ import annotations

from typing import Final, Literal

__all__ = ["NOT_RESERVED", "PURPOSES", "Purpose", "RESERVED", "UNKNOWN", "VERDICTS", "Verdict"]

Purpose = Literal["tdm", "ai_training", "genai_training", "ai_inference", "search"]
Verdict = Literal["reserved", "not_reserved", "unknown"]

PURPOSES: Final[tuple[Purpose, ...]] = (
    "tdm",  # text and data mining of any kind (EU DSM Art. 2(2), Art. 4)
    "ai_training",  # training any machine-learning model
    "genai_training",  # training models that generate content
    "ai_inference",  # use as model input at inference time (RAG, grounding, agents)
    "search",  # search-engine indexing and display
)
RESERVED: Final = "reserved"
NOT_RESERVED: Final = "not_reserved"
UNKNOWN: Final = "unknown"
VERDICTS: Final[tuple[Verdict, ...]] = ("reserved", "not_reserved", "unknown")
