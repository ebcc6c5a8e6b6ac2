# SPDX-License-Identifier: Apache-2.0
"""The exposure colours of every format: page 1, the heatmap, the HTML matrix, the annex."""

from __future__ import annotations

from typing import Final

__all__ = ["LEVEL_HEX"]

#: Exposure level -> fill colour (light to dark as the level rises).
LEVEL_HEX: Final = {"low": "#d9efd5", "medium": "#fde9a9", "high": "#f7a35c",
                    "critical": "#d7301f"}  # fmt: skip
