# SPDX-License-Identifier: Apache-2.0
"""Disclosures and exports from a scan: the EU AI Act Art. 53(1)(d) public summary, California
AB 2013, the GPAI Code of Practice copyright checklist, a Hugging Face dataset card, Croissant
1.1 (RAI), SPDX 3.0.1 (Dataset and AI profiles) and CycloneDX 1.6 (ML-BOM).

Reads a scan folder's files (never the engine) and MODEL.yaml; every draft says it is a draft
for counsel's review, and what the inputs cannot give is listed as a gap.
"""

from __future__ import annotations

from clearance.disclose.model_info import ModelInfo, example_model_yaml, load_model_info
from clearance.disclose.scan_files import FACT_COLUMNS
from clearance.disclose.write import DISCLOSURE_FILES, DisclosureResult, write_disclosures

__all__ = [
    "DISCLOSURE_FILES",
    "FACT_COLUMNS",
    "DisclosureResult",
    "ModelInfo",
    "example_model_yaml",
    "load_model_info",
    "write_disclosures",
]
