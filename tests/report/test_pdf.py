# SPDX-License-Identifier: Apache-2.0
"""assessment.pdf is exactly one A4 page whatever the data, and it is page 1 of report.pdf."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import SIX, SIXTEEN, Scan, build_scan
from pypdf import PdfReader

from clearance.enrich.categories import category_ids
from clearance.report import build_report, default_report_knowledge
from clearance.report.render_pdf import write_assessment_pdf, write_report_pdf

A4 = (595.27, 841.89)


def pages(path: Path) -> list[str]:
    reader = PdfReader(path)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (width, height) == pytest.approx(A4, abs=0.5)
    return [page.extract_text() for page in reader.pages]


def hostile() -> Scan:
    """Long and strange strings everywhere a manifest can put them."""
    scan = build_scan(60, categories=("news_publisher", "x" * 300, "stock_media"), markets=SIX)
    urls = ["https://example.com/" + "<b>&amp;" * 300 + "\u202e\U0001f600中文"] * 60
    facts = scan.facts.set_column(1, "url", pa.array(urls))
    return Scan(facts=facts, assessment=scan.assessment, markets=scan.markets)


CASES = {
    "one item": lambda: build_scan(1),
    "small": lambda: build_scan(120),
    "eighteen by sixteen": lambda: build_scan(
        18 * 16 * 3, categories=category_ids(), markets=SIXTEEN
    ),
    "no policy": lambda: build_scan(200, tiers=False),
    "hostile strings": hostile,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_assessment_is_one_a4_page(case: str, tmp_path: Path) -> None:
    scan = CASES[case]()
    config = {
        "markets": list(scan.markets),
        "manifest": "m" * 500 + ".parquet",
        "title": "Preliminary risk assessment of " + "a very long dataset name " * 20,
        "policy": "eu-ready-commercial",
    }
    content = build_report(scan.facts, scan.assessment, None, config)
    path = tmp_path / "assessment.pdf"
    write_assessment_pdf(content, path)
    (text,) = pages(path)
    flat = " ".join(text.split())
    assert "Risk assessment, not legal advice." in flat
    assert "knowledge base as of 2026-11-28" in flat
    assert "Next steps" in flat
    for v in content.top:
        assert v.label[:20] in flat
    report = tmp_path / "report.pdf"
    write_report_pdf(content, report)
    texts = pages(report)
    assert len(texts) >= 2
    assert texts[0] == text, "page 1 of report.pdf is the assessment"
    annex = " ".join(" ".join(texts[1:]).split())
    for heading in (
        "Every market",
        "Every source category",
        "Policy results",
        "Authorities cited",
        "Method and limits",
    ):
        assert heading in annex


def test_empty_scan_still_gives_one_page(tmp_path: Path) -> None:
    facts = pa.table({"item_id": pa.array([], pa.string()), "category": pa.array([], pa.string())})
    assessment = pa.table(
        {
            "item_id": pa.array([], pa.string()),
            "market": pa.array([], pa.string()),
            "exposure": pa.array([], pa.string()),
        }
    )
    content = build_report(facts, assessment, None, {"markets": ["eu"]})
    write_assessment_pdf(content, tmp_path / "a.pdf")
    (text,) = pages(tmp_path / "a.pdf")
    assert "No source carries medium or higher exposure" in " ".join(text.split())


def test_overlong_knowledge_text_is_condensed_not_overflowed(tmp_path: Path) -> None:
    """Even recommendations far longer than any shipped one keep the page to one."""
    knowledge = default_report_knowledge()
    long_recs = tuple(
        r.model_copy(update={"text": (r.text + " ") * 4}) for r in knowledge.recommendations
    )
    long_steps = tuple(
        r.model_copy(update={"text": (r.text + " ") * 4}) for r in knowledge.next_steps
    )
    verbose = dataclasses.replace(knowledge, recommendations=long_recs, next_steps=long_steps)
    scan = build_scan(
        18 * 4,
        categories=("shadow_library", "news_publisher", "stock_media", "media_entertainment"),
    )
    content = build_report(scan.facts, scan.assessment, None, {}, knowledge=verbose)
    write_assessment_pdf(content, tmp_path / "a.pdf")
    assert len(pages(tmp_path / "a.pdf")) == 1


def test_pdf_is_reproducible(tmp_path: Path) -> None:
    scan = build_scan(50)
    content = build_report(scan.facts, scan.assessment, None, {})
    write_assessment_pdf(content, tmp_path / "a.pdf")
    write_assessment_pdf(content, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
