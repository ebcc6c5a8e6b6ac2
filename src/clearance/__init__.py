# SPDX-License-Identifier: Apache-2.0
"""clearance: rights clearance for AI training data and outputs.

The public API is exactly the names in ``__all__``; a test keeps it sorted and complete.
Everything clearance produces is a risk assessment, not legal advice.
"""

from __future__ import annotations

from clearance.config import FetchConfig
from clearance.decide import (
    Policy,
    TakedownLedger,
    apply_policy,
    gate_manifest,
    load_policy,
    match_takedowns,
)
from clearance.engine.ingest import ingest_manifest
from clearance.enrich.categories import categorize_url
from clearance.enrich.hosts import split_url_host
from clearance.enrich.licenses import (
    license_columns,
    license_permits,
    normalize_license,
    resolve_license_layers,
)
from clearance.errors import (
    BlockedAddressError,
    ClearanceError,
    ColumnMappingError,
    EmptyManifestError,
    EncodingError,
    EvidenceError,
    FactsError,
    FetchError,
    FetchTimeout,
    InputError,
    KnowledgeBaseError,
    MalformedRowError,
    ManifestError,
    PolicyError,
    ReportError,
    ResponseTooLarge,
    RuleError,
    TakedownError,
    TamperError,
    UnknownFormatError,
)
from clearance.fetch import Snapshot, VerifyReport, fetch_host_documents, verify_evidence
from clearance.ingest.manifest import ManifestReader
from clearance.law import (
    Facts,
    KnowledgeBase,
    LawEntry,
    analysis_table,
    assess,
    assess_table,
    database_right,
    eu_tdm,
    fair_use,
    load_knowledge_base,
    personal_data,
)
from clearance.models import (
    AnalysisResult,
    Capture,
    CategoryResult,
    FetchSummary,
    GateSummary,
    HostParts,
    IngestSummary,
    LicenseConflict,
    LicenseMatch,
    LicensePermission,
    MarketAssessment,
    ReportPaths,
    Resolution,
    RightsEvidence,
    SignalReport,
    TakedownRequest,
    Vulnerability,
)
from clearance.report import build_report, rank_vulnerabilities, risk_matrix, write_reports
from clearance.signals.crawlers import load_crawlers
from clearance.signals.detect import scan_bytes as scan_signal_bytes
from clearance.signals.detect import scan_path as scan_signals
from clearance.signals.resolve import resolve as resolve_signals
from clearance.signals.resolve import resolve_table as resolve_signals_table
from clearance.signals.robots import RobotsPolicy, parse_robots, robots_allowed
from clearance.signals.robots_verdicts import robots_signals

__version__ = "0.1.0"

__all__ = [
    "AnalysisResult",
    "BlockedAddressError",
    "Capture",
    "CategoryResult",
    "ClearanceError",
    "ColumnMappingError",
    "EmptyManifestError",
    "EncodingError",
    "EvidenceError",
    "Facts",
    "FactsError",
    "FetchConfig",
    "FetchError",
    "FetchSummary",
    "FetchTimeout",
    "GateSummary",
    "HostParts",
    "IngestSummary",
    "InputError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "LawEntry",
    "LicenseConflict",
    "LicenseMatch",
    "LicensePermission",
    "MalformedRowError",
    "ManifestError",
    "ManifestReader",
    "MarketAssessment",
    "Policy",
    "PolicyError",
    "ReportError",
    "ReportPaths",
    "Resolution",
    "ResponseTooLarge",
    "RightsEvidence",
    "RobotsPolicy",
    "RuleError",
    "SignalReport",
    "Snapshot",
    "TakedownError",
    "TakedownLedger",
    "TakedownRequest",
    "TamperError",
    "UnknownFormatError",
    "VerifyReport",
    "Vulnerability",
    "__version__",
    "analysis_table",
    "apply_policy",
    "assess",
    "assess_table",
    "build_report",
    "categorize_url",
    "database_right",
    "eu_tdm",
    "fair_use",
    "fetch_host_documents",
    "gate_manifest",
    "ingest_manifest",
    "license_columns",
    "license_permits",
    "load_crawlers",
    "load_knowledge_base",
    "load_policy",
    "match_takedowns",
    "normalize_license",
    "parse_robots",
    "personal_data",
    "rank_vulnerabilities",
    "resolve_license_layers",
    "resolve_signals",
    "resolve_signals_table",
    "risk_matrix",
    "robots_allowed",
    "robots_signals",
    "scan_signal_bytes",
    "scan_signals",
    "split_url_host",
    "verify_evidence",
    "write_reports",
]
