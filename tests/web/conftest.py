# SPDX-License-Identifier: Apache-2.0
"""A small real scan of the demo data, and apps over it with users of each role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clearance.demo.generate import write_manifest
from clearance.demo.snapshot import demo_snapshot_path
from clearance.engine.scan import ScanConfig, run_scan
from clearance.web import WebSettings, create_app

ROWS = 1500
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def scan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("webscan")
    manifest = write_manifest(root / "manifest.parquet", rows=ROWS, seed=11)
    config = ScanConfig(manifest=str(manifest), out=root / "scan", markets=("us", "eu", "uk"),
                        policy="eu-ready-commercial", snapshots=(demo_snapshot_path(),))
    return run_scan(config).out


@pytest.fixture
def settings(scan_dir: Path, tmp_path: Path) -> WebSettings:
    return WebSettings(scans=(scan_dir,), ledger=tmp_path / "takedowns.sqlite",
                       state_dir=tmp_path / "state", policies_dir=tmp_path / "policies")


@pytest.fixture
def app(settings: WebSettings) -> FastAPI:
    application = create_app(settings)  # with the library's consent store
    users = application.state.web.users
    for role in ("viewer", "counsel", "admin"):
        users.add(role, role, PASSWORD)
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # https: the cookies are Secure, and the client keeps them only on https
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def form_token(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def login(client: TestClient, name: str) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"name": name, "password": PASSWORD,
                                           "csrf_token": form_token(page.text), "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def with_limits(settings: WebSettings, **limits: tuple[int, float]) -> WebSettings:
    return replace(settings, rate_limits={**settings.rate_limits, **limits})
