# SPDX-License-Identifier: Apache-2.0
"""Reports: the risk matrix, the ranked vulnerabilities, the one-page assessment, the full report.

``write_reports(scan_dir, facts, assessment, signals, config)`` is what the scan engine calls;
``build_report`` computes the content once for every renderer; ``risk_matrix`` and
``rank_vulnerabilities`` are the columnar parts on their own. Every report states the
knowledge base's as-of date, marks provisional conclusions and says it is a risk assessment,
not legal advice.
"""

from __future__ import annotations

from clearance.report.content import ReportContent, build_report
from clearance.report.knowledge import default_report_knowledge, load_report_knowledge
from clearance.report.matrix import EXPOSURE_WEIGHTS, cell_items, matrix_frame, risk_matrix
from clearance.report.tables import ScanTables, prepare_tables
from clearance.report.vulnerabilities import rank_vulnerabilities
from clearance.report.write import FILE_NAMES, write_reports

__all__ = [
    "EXPOSURE_WEIGHTS",
    "FILE_NAMES",
    "ReportContent",
    "ScanTables",
    "build_report",
    "cell_items",
    "default_report_knowledge",
    "load_report_knowledge",
    "matrix_frame",
    "prepare_tables",
    "rank_vulnerabilities",
    "risk_matrix",
    "write_reports",
]
