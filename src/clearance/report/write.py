# SPDX-License-Identifier: Apache-2.0
"""The one entry point the scan engine calls: write every report file into the scan directory.

Each file is written to a temporary name and renamed into place, so a scan killed while
reporting never leaves a half-written report behind, and rerunning rewrites them all.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from clearance.errors import ReportError
from clearance.law.kb import KnowledgeBase
from clearance.models import ReportPaths
from clearance.report.aggregate import ReportAggregate
from clearance.report.content import ReportContent, build_report
from clearance.report.render_html import render_html
from clearance.report.render_md import render_markdown
from clearance.report.summary import summary_json

__all__ = ["FILE_NAMES", "write_reports"]

logger = logging.getLogger(__name__)

#: File names inside the scan directory (the scan contract).
FILE_NAMES = {
    "summary_json": "summary.json",
    "report_md": "report.md",
    "report_html": "report.html",
    "report_pdf": "report.pdf",
    "assessment_pdf": "assessment.pdf",
    "risk_matrix_png": "risk_matrix.png",
    "risk_matrix_svg": "risk_matrix.svg",
}


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"{path}: cannot write: {exc}") from exc


def _text(data: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(data, encoding="utf-8")

    return write


def write_reports(
    scan_dir: str | Path,
    facts: pa.Table | pl.DataFrame | ReportAggregate,
    assessment: pa.Table | pl.DataFrame | None,
    signals: pa.Table | pl.DataFrame | None = None,
    config: Mapping[str, Any] | None = None,
    *,
    kb: KnowledgeBase | None = None,
) -> ReportPaths:
    """Write summary.json, report.md/.html/.pdf, assessment.pdf and the heatmap; return paths.

    ``facts`` and ``assessment`` follow the scan contract (facts.parquet, assessment.parquet),
    or ``facts`` is the :class:`ReportAggregate` a streaming scan kept (``assessment`` None);
    ``signals`` (signals.parquet) is optional; ``config`` is the scan configuration (see
    ``content.build_report`` for the keys read). Raises ReportError when a required column is
    missing or a file cannot be written.
    """
    # matplotlib and reportlab load here, not at ``import clearance`` (they take a second).
    from clearance.report.figures import draw_heatmap
    from clearance.report.render_pdf import write_assessment_pdf, write_report_pdf

    out = Path(scan_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{out}: cannot create the scan directory: {exc}") from exc
    paths = {key: out / name for key, name in FILE_NAMES.items()}
    started = time.perf_counter()
    content: ReportContent = build_report(facts, assessment, signals, config, kb=kb)
    logger.info("report content in %.2fs", time.perf_counter() - started)

    def heatmap(_: Path) -> None:
        png_tmp = paths["risk_matrix_png"].with_name(".risk_matrix.png.tmp")
        svg_tmp = paths["risk_matrix_svg"].with_name(".risk_matrix.svg.tmp")
        draw_heatmap(
            content.matrix,
            png_tmp,
            svg_tmp,
            markets=list(content.markets),
            kb_as_of=content.kb_as_of,
            ranks={v.category: v.rank for v in content.top},
        )
        os.replace(svg_tmp, paths["risk_matrix_svg"])
        os.replace(png_tmp, paths["risk_matrix_png"])

    try:
        heatmap(out)
    except OSError as exc:
        raise ReportError(f"{out}: cannot write the risk matrix figure: {exc}") from exc
    png = paths["risk_matrix_png"].read_bytes()
    _atomic(paths["report_md"], _text(render_markdown(content)))
    _atomic(paths["report_html"], _text(render_html(content, png)))
    _atomic(paths["assessment_pdf"], lambda p: write_assessment_pdf(content, p))
    _atomic(paths["report_pdf"], lambda p: write_report_pdf(content, p, paths["risk_matrix_png"]))
    files = {key: FILE_NAMES[key] for key in FILE_NAMES}
    _atomic(paths["summary_json"], _text(summary_json(content, config, files)))
    logger.info("reports written to %s in %.2fs", out, time.perf_counter() - started)
    return ReportPaths(directory=str(out), **{k: str(v) for k, v in paths.items()})
