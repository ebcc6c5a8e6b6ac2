# SPDX-License-Identifier: Apache-2.0
"""The consent pages over the library's consent store (in the takedown ledger's file), the
pages without one, and a docs test: every option of serve, publish and users is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer
from fastapi.testclient import TestClient

from clearance.cli import app as cli
from clearance.decide.consent import ConsentLedger
from clearance.web import WebSettings, create_app
from clearance.web.consent import pseudonym
from tests.web.conftest import PASSWORD, form_token, login

DOCS = Path(__file__).resolve().parents[2] / "docs" / "web.md"


def test_consent_is_recorded_exported_and_revoked_in_the_ledger_store(
        settings: WebSettings) -> None:
    app = create_app(settings)  # the library's consent store over the takedown ledger file
    backend = app.state.web.consent
    assert backend is not None
    licence = backend.licence()
    app.state.web.users.add("counsel", "counsel", PASSWORD)
    with TestClient(app, base_url="https://testserver") as c:
        page = c.get("/consent")
        assert licence["title"] in page.text and licence["text_sha256"] in page.text
        token = form_token(page.text)
        form = {"user": "Ann@Example.org", "agree": "yes", "scopes": ["training", "evaluation"]}
        assert c.post("/consent", data=form).status_code == 403
        refused = c.post("/consent", data={**form, "scopes": [], "csrf_token": token})
        assert refused.status_code == 400
        done = c.post("/consent", data={**form, "csrf_token": token}, follow_redirects=False)
        receipt = done.headers["location"]
        assert receipt.startswith("/consent/receipt/web:") and "example.org" not in receipt
        with ConsentLedger(settings.ledger) as ledger:
            (record,) = ledger.by_user(pseudonym(app.state.web.secret, "ann@example.org"))
        assert record.scopes == ("evaluation", "training") and record.source == "web"
        assert record.licence_version == licence["version"]
        assert record.text_sha256 == licence["text_sha256"]
        exported = c.get(receipt + "/export").json()
        assert [r["status"] for r in exported["consents"]] == ["active"]
        assert c.get(receipt.rsplit(".", 1)[0] + ".forged").status_code == 404
        assert c.post(receipt + "/revoke", data={"csrf_token": token},
                      follow_redirects=False).status_code == 303
        assert "revoked" in c.get(receipt).text
        assert c.post(receipt + "/revoke", data={"csrf_token": token}).status_code == 400
        (figures,) = c.get("/api/transparency").json()["consent"]["figures"]
        assert (figures["consents"], figures["active"], figures["revoked"]) == (1, 0, 1)
        login(c, "counsel")
        mine = c.get("/api/consent/users/ann@example.org").json()
        assert mine["consents"][0]["status"] == "revoked"
        assert [e["event"] for e in mine["events"]] == ["granted", "revoked"]


def test_without_a_consent_store_the_pages_say_so_and_record_nothing(
        settings: WebSettings) -> None:
    client = TestClient(create_app(settings, consent=None), base_url="https://testserver")
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
