# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures for the licence tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clearance.enrich.licenses.vocabulary import Vocabulary, default_vocabulary

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def vocab() -> Vocabulary:
    return default_vocabulary()


@pytest.fixture(scope="session")
def corpus() -> list[dict[str, Any]]:
    lines = (DATA / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
