# SPDX-License-Identifier: Apache-2.0
"""The consent pages over a consent store (a stand-in with the interface the pages call), the
pages without one, and a docs test: every option of serve, publish and users is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer
from fastapi.testclient import TestClient

from clearance.cli import app as cli
from clearance.web import WebSettings, create_app
from tests.web.conftest import PASSWORD, form_token, login

DOCS = Path(__file__).resolve().parents[2] / "docs" / "web.md"


class StandInStore:
    """Keeps consent in memory; stands in for clearance.decide.consent in these tests."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def licence(self) -> dict[str, Any] | None:
        return {"version": "1.0", "title": "Acme opt-in licence", "text": "You may train on..."}

    def record(self, user: str, version: str) -> dict[str, Any]:
        row = {"user": user, "version": version, "status": "granted"}
        self.rows.append(row)
        return row

    def revoke(self, user: str, version: str | None = None) -> list[dict[str, Any]]:
        changed = [r for r in self.rows if r["user"] == user and r["status"] == "granted"]
        for r in changed:
            r["status"] = "revoked"
        return changed

    def by_user(self, user: str) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["user"] == user]

    def figures(self) -> list[dict[str, Any]]:
        granted = len(self.rows)
        revoked = sum(r["status"] == "revoked" for r in self.rows)
        return [{"version": "1.0", "granted": granted, "revoked": revoked,
                 "in_force": granted - revoked}]


def test_consent_is_recorded_exported_and_revoked(settings: WebSettings) -> None:
    store = StandInStore()
    app = create_app(settings, consent=store)
    app.state.web.users.add("counsel", "counsel", PASSWORD)
    with TestClient(app, base_url="https://testserver") as c:
        page = c.get("/consent")
        assert "Acme opt-in licence" in page.text and "1.0" in page.text
        token = form_token(page.text)
        assert c.post("/consent", data={"user": "ann@example.org", "agree": "yes"}
                      ).status_code == 403
        refused = c.post("/consent", data={"user": "ann@example.org", "csrf_token": token})
        assert refused.status_code == 400 and store.rows == []
        done = c.post("/consent", data={"user": "Ann@Example.org", "agree": "yes",
                                        "csrf_token": token}, follow_redirects=False)
        receipt = done.headers["location"]
        assert receipt.startswith("/consent/receipt/")
        assert store.rows[0]["user"] == "ann@example.org"
        assert c.get(receipt + "/export").json()["records"] == [
            {"user": "ann@example.org", "version": "1.0", "status": "granted"}]
        assert c.get("/consent/receipt/ann@example.org.forged").status_code == 404
        c.post(receipt + "/revoke", data={"csrf_token": token})
        assert store.rows[0]["status"] == "revoked"
        figures = c.get("/api/transparency").json()["consent"]["figures"]
        assert figures == [{"version": "1.0", "granted": 1, "revoked": 1, "in_force": 0}]
        login(c, "counsel")
        assert c.get("/api/consent/users/ann@example.org").json()["records"][0]["status"] == \
            "revoked"


def test_without_a_consent_store_the_pages_say_so_and_record_nothing(
        client: TestClient) -> None:
    page = client.get("/consent")
    assert "Not available" in page.text
    response = client.post("/consent", data={"user": "ann@example.org", "agree": "yes",
                                             "csrf_token": form_token(
                                                 client.get("/opt-out").text)})
    assert response.status_code == 503
    assert "consent store" in client.get("/transparency").text


def _options(command: Any) -> set[str]:
    found = set()
    for param in command.params:
        found |= {o for o in param.opts if o.startswith("--") and o != "--help"}
    return found


def test_every_web_command_option_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    group = typer.main.get_command(cli)
    commands = {"serve": group.commands["serve"], "publish": group.commands["publish"]}
    users = group.commands["users"]
    commands |= {f"users {n}": c for n, c in users.commands.items()}  # type: ignore[attr-defined]
    for name, command in commands.items():
        assert f"clearance {name}" in docs or f"users {name.split()[-1]}" in docs, name
        for option in _options(command) - {"--state", "--json"}:
            assert re.search(re.escape(option) + r"\b", docs), f"{name} {option}"
    assert "--state" in docs and "--json" in docs
