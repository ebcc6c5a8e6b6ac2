# SPDX-License-Identifier: Apache-2.0
"""The opt-in user licence and its consent records: versions and digests, grant, supersede,
revoke, per-user export, figures per version, the shared store with the takedown ledger, and
durability of acknowledged records when the process is killed."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clearance.cli import app
from clearance.decide.consent import ConsentLedger
from clearance.decide.takedown import TakedownLedger
from clearance.draft.render_md import markdown
from clearance.draft.user_licence import (
    USER_LICENCE_ROOT,
    record_consent,
    render_user_licence,
    user_licence,
    user_licences,
)
from clearance.errors import ContractError

runner = CliRunner()
V10 = user_licences()["1.0"]


def test_licence_versions_pin_their_text() -> None:
    for version, licence in user_licences().items():
        raw = (USER_LICENCE_ROOT / f"{version}.yaml").read_bytes()
        assert licence.text_sha256 == hashlib.sha256(raw).hexdigest()
    text = markdown(render_user_licence("1.0", provider="Acme AI", product="Acme Orion"))
    for heading in (
        "What you license",
        "How to revoke",
        "What revocation does",
        "What revocation does not undo",
        "Attribution and compensation",
    ):
        assert heading in text, heading
    assert "Acme AI" in text and "{{" not in text and V10.text_sha256 in text
    assert "synthetic_data" in markdown(render_user_licence("1.1"))


def test_default_version_is_the_one_in_effect() -> None:
    import datetime as dt

    assert user_licence(on=dt.date(2026, 12, 5)).version == "1.0"
    assert user_licence(on=dt.date(2027, 2, 1)).version == "1.1"
    with pytest.raises(ContractError, match="no user licence version"):
        user_licence("9.9")


def test_grant_supersede_revoke_export_and_figures(tmp_path: Path) -> None:
    with ConsentLedger(tmp_path / "store.sqlite") as store:
        first = record_consent(
            store,
            "user-1",
            ["training", "attribution"],
            version="1.0",
            granted_at="2026-12-02T09:00:00Z",
            source="settings page",
        )
        assert first.active and first.scopes == ("attribution", "training")
        assert first.text_sha256 == V10.text_sha256
        second = record_consent(
            store,
            "user-1",
            ["training", "synthetic_data"],
            version="1.1",
            granted_at="2027-01-20T09:00:00Z",
        )
        record_consent(
            store, "user-2", ["evaluation"], version="1.0", granted_at="2026-12-03T09:00:00Z"
        )
        revoked = store.revoke("user-2", at="2026-12-04T09:00:00Z", note="changed my mind")
        assert [r.ended_by for r in revoked] == ["revoked"]
        history = store.by_user("user-1")
        assert [r.consent_id for r in history] == [first.consent_id, second.consent_id]
        assert history[0].ended_by == "superseded" and history[1].active
        assert [r.consent_id for r in store.active("user-1")] == [second.consent_id]
        export = store.export_user("user-1")
        assert json.loads(json.dumps(export)) == export
        assert [e["event"] for e in export["events"]] == ["granted", "superseded", "granted"]
        assert export["consents"][0]["status"] == "superseded"
        figures = {f["licence_version"]: f for f in store.figures()}
        assert figures["1.0"]["consents"] == 2 and figures["1.0"]["users"] == 2
        assert figures["1.0"]["active"] == 0 and figures["1.0"]["revoked"] == 1
        assert figures["1.0"]["superseded"] == 1
        assert figures["1.1"]["active_by_scope"] == {"synthetic_data": 1, "training": 1}
        with pytest.raises(ContractError, match="no active consent"):
            store.revoke("user-2")


def test_grants_are_idempotent_by_id_and_checked(tmp_path: Path) -> None:
    with ConsentLedger(tmp_path / "store.sqlite") as store:
        a = record_consent(
            store,
            "u",
            ["training"],
            version="1.0",
            consent_id="C-1",
            granted_at="2026-12-02T09:00:00Z",
        )
        b = record_consent(
            store,
            "u",
            ["training"],
            version="1.0",
            consent_id="C-1",
            granted_at="2026-12-02T09:00:00Z",
        )
        assert a == b and len(store.by_user("u")) == 1
        with pytest.raises(ContractError, match="different record"):
            record_consent(
                store,
                "u",
                ["evaluation"],
                version="1.0",
                consent_id="C-1",
                granted_at="2026-12-02T09:00:00Z",
            )
        with pytest.raises(ContractError, match="not offered"):
            record_consent(store, "u", ["synthetic_data"], version="1.0")
        with pytest.raises(ContractError, match="takes effect"):
            record_consent(
                store, "u", ["training"], version="1.1", granted_at="2026-12-10T09:00:00Z"
            )
        with pytest.raises(ContractError, match="UTC ISO 8601"):
            record_consent(store, "u", ["training"], version="1.0", granted_at="yesterday")
        with pytest.raises(ContractError, match="user id"):
            store.record("", "l", "1.0", "0" * 64, ["training"])


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30), st.lists(st.text(max_size=12), max_size=4), st.text(max_size=25))
def test_any_input_is_stored_or_refused(user: str, scopes: list[str], at: str) -> None:
    with ConsentLedger(":memory:") as store:
        try:
            rec = store.record(
                user, "user-training-licence", "1.0", "a" * 64, scopes, granted_at=at or None
            )
        except ContractError:
            return
        assert store.by_user(user) == [rec]


def _schema(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


def test_consents_share_the_takedown_store_without_touching_its_tables(tmp_path: Path) -> None:
    path = tmp_path / "takedowns.sqlite"
    with TakedownLedger(path) as ledger:
        ledger.add({"domain": "photos.example.org", "request_id": "T-1"})
    before = _schema(path)
    with ConsentLedger(path) as store:
        record_consent(store, "u", ["training"], version="1.0")
    after = _schema(path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert {"consents", "consent_events"} <= set(after)
    with TakedownLedger(path) as ledger:
        assert ledger.get("T-1").status == "received"
        ledger.set_status("T-1", "matched")
    with ConsentLedger(path) as store:
        assert len(store.active("u")) == 1


def test_cli_consent_commands(tmp_path: Path) -> None:
    store = str(tmp_path / "store.sqlite")
    text = runner.invoke(app, ["draft", "consent", "text", "--provider", "Acme AI"])
    assert text.exit_code == 0 and "What revocation does not undo" in text.stdout
    written = runner.invoke(
        app, ["draft", "consent", "text", "--version", "1.0", "--out", str(tmp_path / "licence")]
    )
    assert written.exit_code == 0 and (tmp_path / "licence" / "user-licence-1.0.pdf").is_file()
    versions = runner.invoke(app, ["draft", "consent", "versions"])
    assert versions.exit_code == 0 and "1.1" in versions.stdout
    rec = runner.invoke(
        app,
        [
            "draft",
            "consent",
            "record",
            "--user",
            "u-9",
            "--scope",
            "training,evaluation",
            "--version",
            "1.0",
            "--ledger",
            store,
        ],
    )
    assert rec.exit_code == 0 and rec.stdout.startswith("recorded ")
    listed = runner.invoke(
        app, ["draft", "consent", "list", "--user", "u-9", "--json", "--ledger", store]
    )
    assert json.loads(listed.stdout)[0]["scopes"] == ["evaluation", "training"]
    out = tmp_path / "export.json"
    exported = runner.invoke(
        app, ["draft", "consent", "export", "--user", "u-9", "--out", str(out), "--ledger", store]
    )
    assert exported.exit_code == 0 and json.loads(out.read_text())["user_id"] == "u-9"
    revoked = runner.invoke(
        app,
        ["draft", "consent", "revoke", "--user", "u-9", "--note", "no longer", "--ledger", store],
    )
    assert revoked.exit_code == 0 and revoked.stdout.startswith("revoked ")
    figures = runner.invoke(app, ["draft", "consent", "figures", "--json", "--ledger", store])
    assert json.loads(figures.stdout)[0]["revoked"] == 1
    bad = runner.invoke(
        app, ["draft", "consent", "record", "--user", "u-9", "--scope", "all", "--ledger", store]
    )
    assert bad.exit_code == 1 and "ContractError" in bad.output


_WRITER = """
import sys
from clearance.decide.consent import ConsentLedger
store = ConsentLedger(sys.argv[1])
for i in range(100000):
    rec = store.record(f"user-{i}", "user-training-licence", "1.0", "b" * 64, ["training"],
                       consent_id=f"C-{i:06d}", granted_at="2026-12-05T10:00:00Z")
    print(f"recorded {rec.consent_id}", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_loses_no_acknowledged_consent(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    acknowledged: set[str] = set()
    for wanted in (30, 80):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert proc.stdout is not None
        seen = 0
        deadline = time.monotonic() + 60
        while seen < wanted and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.endswith(b"\n") and line.startswith(b"recorded "):
                acknowledged.add(line.split()[1].decode())
                seen += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in db.execute("SELECT consent_id FROM consents")}
    assert acknowledged and acknowledged <= stored
