# SPDX-License-Identifier: Apache-2.0
"""Helpers that build small manifests in every supported format."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.engine.ingest import ingest_manifest
from clearance.models import IngestSummary

CSV_TEXT = (
    "URL,TEXT,LICENSE,crawl_date\n"
    "https://pbs.twimg.com/media/a.jpg,a cat,CC-BY 4.0,2025-03-01T10:00:00Z\n"
    "https://upload.wikimedia.org/wikipedia/commons/a/ab/X.jpg,a dog,CC0,2025-04-01\n"
    "https://www.nytimes.com/2025/05/01/world/story.html,news,,1714560000\n"
)


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "m.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return path


def run(source: object, **kwargs: object) -> IngestSummary:
    """Ingest and assert the counts reconcile, as every caller should."""
    summary = ingest_manifest(source, **kwargs)  # type: ignore[arg-type]
    assert summary.rows_read == summary.rows_accepted + summary.rows_rejected
    return summary
