# SPDX-License-Identifier: Apache-2.0
"""clearance: rights clearance for AI training data and outputs.

The public API is exactly the names in ``__all__``; a test keeps it sorted and complete.
Names load on first use (PEP 562), so ``import clearance`` and the worker processes that
import one module of it stay cheap. Everything clearance produces is a risk assessment, not
legal advice.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from clearance.errors import (
    BlockedAddressError,
    ClearanceError,
    ColumnMappingError,
    ContractError,
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
    WorkerError,
)

if TYPE_CHECKING:
    from clearance.assumptions import Assumptions
    from clearance.config import FetchConfig
    from clearance.decide import (
        Policy,
        TakedownLedger,
        apply_policy,
        load_policy,
        match_takedowns,
    )
    from clearance.decide.consent import ConsentLedger
    from clearance.disclose.model_info import ModelInfo, load_model_info
    from clearance.disclose.write import DisclosureResult, write_disclosures
    from clearance.draft.assemble import draft_agreement
    from clearance.draft.negotiate import simulate as simulate_negotiation
    from clearance.draft.review import review_agreement
    from clearance.draft.terms import draft_terms
    from clearance.draft.termsheet import load_term_sheet
    from clearance.engine.gate import gate_manifest
    from clearance.engine.ingest import ingest_manifest
    from clearance.engine.scan import ScanConfig, assess_scan, run_scan
    from clearance.enrich.agreements import AgreementRegistry, load_agreements
    from clearance.enrich.annotate import Categorizer
    from clearance.enrich.categories import categorize_url
    from clearance.enrich.hosts import split_url_host
    from clearance.enrich.licenses import (
        license_columns,
        license_permits,
        normalize_license,
        resolve_license_layers,
    )
    from clearance.enrich.overrides import load_category_overrides
    from clearance.fetch import Snapshot, VerifyReport, fetch_host_documents, verify_evidence
    from clearance.ingest.limits import ReadLimits
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
    from clearance.law.authorship import (
        AuthorshipResult,
        WorkFacts,
        assess_authorship,
        assess_authorship_markets,
        load_work_facts,
    )
    from clearance.law.output_duties import DutyItem, output_duties, regurgitation_exposure
    from clearance.law.review import primary_breakdown
    from clearance.law.review import review as review_knowledge_base
    from clearance.law.review import staleness as knowledge_base_staleness
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
    from clearance.redteam.findings import license_duties, memorization_table
    from clearance.redteam.images.check import Match as ImageMatch
    from clearance.redteam.images.check import OperatingPoint as ImageOperatingPoint
    from clearance.redteam.images.check import check_images
    from clearance.redteam.images.findings import known_work_hits as image_known_work_hits
    from clearance.redteam.images.findings import summarise_image_checks
    from clearance.redteam.images.index import ImageIndex
    from clearance.redteam.images.index import build_index as build_image_index
    from clearance.redteam.images.index import load_index as load_image_index
    from clearance.redteam.images.run import check_files as check_image_files
    from clearance.redteam.images.run import index_images
    from clearance.redteam.probe import ChatModel, run_probes
    from clearance.redteam.summary import build_summary as build_redteam_summary
    from clearance.redteam.summary import render_markdown as render_redteam_markdown
    from clearance.redteam.text import IndexSettings as TextIndexSettings
    from clearance.redteam.text import TextIndex, check_outputs
    from clearance.redteam.text import build_index as build_text_index
    from clearance.report import build_report, rank_vulnerabilities, risk_matrix, write_reports
    from clearance.signals.crawlers import load_crawlers
    from clearance.signals.detect import scan_bytes as scan_signal_bytes
    from clearance.signals.detect import scan_path as scan_signals
    from clearance.signals.page import parse_page
    from clearance.signals.resolve import resolve as resolve_signals
    from clearance.signals.resolve import resolve_table as resolve_signals_table
    from clearance.signals.robots import RobotsPolicy, parse_robots, robots_allowed, robots_signals
    from clearance.textsafe import escape_control
    from clearance.web import ScanFolder, WebSettings, create_app, publish_site

_LAZY: dict[str, tuple[str, str]] = {
    "AgreementRegistry": ("clearance.enrich.agreements", "AgreementRegistry"),
    "AnalysisResult": ("clearance.models", "AnalysisResult"),
    "Assumptions": ("clearance.assumptions", "Assumptions"),
    "AuthorshipResult": ("clearance.law.authorship", "AuthorshipResult"),
    "Capture": ("clearance.models", "Capture"),
    "Categorizer": ("clearance.enrich.annotate", "Categorizer"),
    "CategoryResult": ("clearance.models", "CategoryResult"),
    "ChatModel": ("clearance.redteam.probe", "ChatModel"),
    "ConsentLedger": ("clearance.decide.consent", "ConsentLedger"),
    "DisclosureResult": ("clearance.disclose.write", "DisclosureResult"),
    "DutyItem": ("clearance.law.output_duties", "DutyItem"),
    "Facts": ("clearance.law", "Facts"),
    "FetchConfig": ("clearance.config", "FetchConfig"),
    "FetchSummary": ("clearance.models", "FetchSummary"),
    "GateSummary": ("clearance.models", "GateSummary"),
    "HostParts": ("clearance.models", "HostParts"),
    "ImageIndex": ("clearance.redteam.images.index", "ImageIndex"),
    "ImageMatch": ("clearance.redteam.images.check", "Match"),
    "ImageOperatingPoint": ("clearance.redteam.images.check", "OperatingPoint"),
    "IngestSummary": ("clearance.models", "IngestSummary"),
    "KnowledgeBase": ("clearance.law", "KnowledgeBase"),
    "LawEntry": ("clearance.law", "LawEntry"),
    "LicenseConflict": ("clearance.models", "LicenseConflict"),
    "LicenseMatch": ("clearance.models", "LicenseMatch"),
    "LicensePermission": ("clearance.models", "LicensePermission"),
    "ManifestReader": ("clearance.ingest.manifest", "ManifestReader"),
    "MarketAssessment": ("clearance.models", "MarketAssessment"),
    "ModelInfo": ("clearance.disclose.model_info", "ModelInfo"),
    "Policy": ("clearance.decide", "Policy"),
    "ReadLimits": ("clearance.ingest.limits", "ReadLimits"),
    "ReportPaths": ("clearance.models", "ReportPaths"),
    "Resolution": ("clearance.models", "Resolution"),
    "RightsEvidence": ("clearance.models", "RightsEvidence"),
    "RobotsPolicy": ("clearance.signals.robots", "RobotsPolicy"),
    "ScanConfig": ("clearance.engine.scan", "ScanConfig"),
    "ScanFolder": ("clearance.web", "ScanFolder"),
    "SignalReport": ("clearance.models", "SignalReport"),
    "Snapshot": ("clearance.fetch", "Snapshot"),
    "TakedownLedger": ("clearance.decide", "TakedownLedger"),
    "TakedownRequest": ("clearance.models", "TakedownRequest"),
    "TextIndex": ("clearance.redteam.text", "TextIndex"),
    "TextIndexSettings": ("clearance.redteam.text", "IndexSettings"),
    "VerifyReport": ("clearance.fetch", "VerifyReport"),
    "Vulnerability": ("clearance.models", "Vulnerability"),
    "WebSettings": ("clearance.web", "WebSettings"),
    "WorkFacts": ("clearance.law.authorship", "WorkFacts"),
    "analysis_table": ("clearance.law", "analysis_table"),
    "apply_policy": ("clearance.decide", "apply_policy"),
    "assess": ("clearance.law", "assess"),
    "assess_authorship": ("clearance.law.authorship", "assess_authorship"),
    "assess_authorship_markets": ("clearance.law.authorship", "assess_authorship_markets"),
    "assess_scan": ("clearance.engine.scan", "assess_scan"),
    "assess_table": ("clearance.law", "assess_table"),
    "build_image_index": ("clearance.redteam.images.index", "build_index"),
    "build_redteam_summary": ("clearance.redteam.summary", "build_summary"),
    "build_report": ("clearance.report", "build_report"),
    "build_text_index": ("clearance.redteam.text", "build_index"),
    "categorize_url": ("clearance.enrich.categories", "categorize_url"),
    "check_image_files": ("clearance.redteam.images.run", "check_files"),
    "check_images": ("clearance.redteam.images.check", "check_images"),
    "check_outputs": ("clearance.redteam.text", "check_outputs"),
    "create_app": ("clearance.web", "create_app"),
    "database_right": ("clearance.law", "database_right"),
    "draft_agreement": ("clearance.draft.assemble", "draft_agreement"),
    "draft_terms": ("clearance.draft.terms", "draft_terms"),
    "escape_control": ("clearance.textsafe", "escape_control"),
    "eu_tdm": ("clearance.law", "eu_tdm"),
    "fair_use": ("clearance.law", "fair_use"),
    "fetch_host_documents": ("clearance.fetch", "fetch_host_documents"),
    "gate_manifest": ("clearance.engine.gate", "gate_manifest"),
    "image_known_work_hits": ("clearance.redteam.images.findings", "known_work_hits"),
    "index_images": ("clearance.redteam.images.run", "index_images"),
    "ingest_manifest": ("clearance.engine.ingest", "ingest_manifest"),
    "knowledge_base_staleness": ("clearance.law.review", "staleness"),
    "license_columns": ("clearance.enrich.licenses", "license_columns"),
    "license_duties": ("clearance.redteam.findings", "license_duties"),
    "license_permits": ("clearance.enrich.licenses", "license_permits"),
    "load_agreements": ("clearance.enrich.agreements", "load_agreements"),
    "load_category_overrides": ("clearance.enrich.overrides", "load_category_overrides"),
    "load_crawlers": ("clearance.signals.crawlers", "load_crawlers"),
    "load_image_index": ("clearance.redteam.images.index", "load_index"),
    "load_knowledge_base": ("clearance.law", "load_knowledge_base"),
    "load_model_info": ("clearance.disclose.model_info", "load_model_info"),
    "load_policy": ("clearance.decide", "load_policy"),
    "load_term_sheet": ("clearance.draft.termsheet", "load_term_sheet"),
    "load_work_facts": ("clearance.law.authorship", "load_work_facts"),
    "match_takedowns": ("clearance.decide", "match_takedowns"),
    "memorization_table": ("clearance.redteam.findings", "memorization_table"),
    "normalize_license": ("clearance.enrich.licenses", "normalize_license"),
    "output_duties": ("clearance.law.output_duties", "output_duties"),
    "parse_page": ("clearance.signals.page", "parse_page"),
    "parse_robots": ("clearance.signals.robots", "parse_robots"),
    "personal_data": ("clearance.law", "personal_data"),
    "primary_breakdown": ("clearance.law.review", "primary_breakdown"),
    "publish_site": ("clearance.web", "publish_site"),
    "rank_vulnerabilities": ("clearance.report", "rank_vulnerabilities"),
    "regurgitation_exposure": ("clearance.law.output_duties", "regurgitation_exposure"),
    "render_redteam_markdown": ("clearance.redteam.summary", "render_markdown"),
    "resolve_license_layers": ("clearance.enrich.licenses", "resolve_license_layers"),
    "resolve_signals": ("clearance.signals.resolve", "resolve"),
    "resolve_signals_table": ("clearance.signals.resolve", "resolve_table"),
    "review_agreement": ("clearance.draft.review", "review_agreement"),
    "review_knowledge_base": ("clearance.law.review", "review"),
    "risk_matrix": ("clearance.report", "risk_matrix"),
    "robots_allowed": ("clearance.signals.robots", "robots_allowed"),
    "robots_signals": ("clearance.signals.robots", "robots_signals"),
    "run_probes": ("clearance.redteam.probe", "run_probes"),
    "run_scan": ("clearance.engine.scan", "run_scan"),
    "scan_signal_bytes": ("clearance.signals.detect", "scan_bytes"),
    "scan_signals": ("clearance.signals.detect", "scan_path"),
    "simulate_negotiation": ("clearance.draft.negotiate", "simulate"),
    "split_url_host": ("clearance.enrich.hosts", "split_url_host"),
    "summarise_image_checks": ("clearance.redteam.images.findings", "summarise_image_checks"),
    "verify_evidence": ("clearance.fetch", "verify_evidence"),
    "write_disclosures": ("clearance.disclose.write", "write_disclosures"),
    "write_reports": ("clearance.report", "write_reports"),
}

__version__ = "0.1.0"

__all__ = [
    "AgreementRegistry",
    "AnalysisResult",
    "Assumptions",
    "AuthorshipResult",
    "BlockedAddressError",
    "Capture",
    "Categorizer",
    "CategoryResult",
    "ChatModel",
    "ClearanceError",
    "ColumnMappingError",
    "ConsentLedger",
    "ContractError",
    "DisclosureResult",
    "DutyItem",
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
    "ImageIndex",
    "ImageMatch",
    "ImageOperatingPoint",
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
    "ModelInfo",
    "Policy",
    "PolicyError",
    "ReadLimits",
    "ReportError",
    "ReportPaths",
    "Resolution",
    "ResponseTooLarge",
    "RightsEvidence",
    "RobotsPolicy",
    "RuleError",
    "ScanConfig",
    "ScanFolder",
    "SignalReport",
    "Snapshot",
    "TakedownError",
    "TakedownLedger",
    "TakedownRequest",
    "TamperError",
    "TextIndex",
    "TextIndexSettings",
    "UnknownFormatError",
    "VerifyReport",
    "Vulnerability",
    "WebSettings",
    "WorkFacts",
    "WorkerError",
    "__version__",
    "analysis_table",
    "apply_policy",
    "assess",
    "assess_authorship",
    "assess_authorship_markets",
    "assess_scan",
    "assess_table",
    "build_image_index",
    "build_redteam_summary",
    "build_report",
    "build_text_index",
    "categorize_url",
    "check_image_files",
    "check_images",
    "check_outputs",
    "create_app",
    "database_right",
    "draft_agreement",
    "draft_terms",
    "escape_control",
    "eu_tdm",
    "fair_use",
    "fetch_host_documents",
    "gate_manifest",
    "image_known_work_hits",
    "index_images",
    "ingest_manifest",
    "knowledge_base_staleness",
    "license_columns",
    "license_duties",
    "license_permits",
    "load_agreements",
    "load_category_overrides",
    "load_crawlers",
    "load_image_index",
    "load_knowledge_base",
    "load_model_info",
    "load_policy",
    "load_term_sheet",
    "load_work_facts",
    "match_takedowns",
    "memorization_table",
    "normalize_license",
    "output_duties",
    "parse_page",
    "parse_robots",
    "personal_data",
    "primary_breakdown",
    "publish_site",
    "rank_vulnerabilities",
    "regurgitation_exposure",
    "render_redteam_markdown",
    "resolve_license_layers",
    "resolve_signals",
    "resolve_signals_table",
    "review_agreement",
    "review_knowledge_base",
    "risk_matrix",
    "robots_allowed",
    "robots_signals",
    "run_probes",
    "run_scan",
    "scan_signal_bytes",
    "scan_signals",
    "simulate_negotiation",
    "split_url_host",
    "summarise_image_checks",
    "verify_evidence",
    "write_disclosures",
    "write_reports",
]


def __getattr__(name: str) -> Any:
    """Return a public name, importing its module on first use."""
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'clearance' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
