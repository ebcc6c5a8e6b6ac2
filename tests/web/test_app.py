# SPDX-License-Identifier: Apache-2.0
"""The signed-in app over a real scan: roles, tokens, the dashboard and its API agreeing with
summary.json, the matrix drill-down, items and evidence, the law browser, the policy editor,
a scan folder missing files and keys, and publishing the public pages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearance.cli import app as cli
from clearance.decide.takedown import TakedownLedger
from clearance.web import UserStore, WebSettings, create_app, publish_site
from clearance.web.policy_preview import policy_source
from tests.web.conftest import PASSWORD, form_token, login


def _summary(scan_dir: Path) -> dict[str, Any]:
    return json.loads((scan_dir / "summary.json").read_text(encoding="utf-8"))


def test_roles_gate_pages_and_the_api(client: TestClient) -> None:
    login(client, "viewer")
    assert client.get("/").status_code == 200
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/takedowns").status_code == 403
    assert client.get("/policies/eu-ready-commercial/edit").status_code == 403
    client.cookies.clear()
    login(client, "counsel")
    assert client.get("/admin/takedowns").status_code == 200
    assert client.get("/policies/eu-ready-commercial/edit").status_code == 200
    assert client.get("/admin/users").status_code == 403


def test_wrong_password_and_unknown_token_are_refused(client: TestClient) -> None:
    page = client.get("/login")
    bad = client.post("/login", data={"name": "admin", "password": "wrong password!",
                                      "csrf_token": form_token(page.text)})
    assert bad.status_code == 401 and "do not match" in bad.text
    assert client.get("/api/scans", headers={"authorization": "Bearer clr_nope"}
                      ).status_code == 401


def test_api_tokens_are_hashed_and_carry_the_role(app: Any, client: TestClient,
                                                  settings: WebSettings) -> None:
    users: UserStore = app.state.web.users
    token = users.issue_token("viewer", "ci")
    raw = (settings.state_dir / "users.sqlite").read_bytes()
    assert token.encode() not in raw and PASSWORD.encode() not in raw
    assert users.users()[0]["has_password"]
    auth = {"authorization": f"Bearer {token}"}
    assert client.get("/api/scans", headers=auth).status_code == 200
    assert client.get("/api/takedowns", headers=auth).status_code == 403
    (tid,) = [t["id"] for t in users.tokens("viewer")]
    users.revoke_token(str(tid))
    assert client.get("/api/scans", headers=auth).status_code == 401


def test_passwords_are_argon2id_and_short_ones_refused(tmp_path: Path) -> None:
    from clearance.errors import InputError

    store = UserStore(tmp_path / "u.sqlite")
    store.add("ann", "counsel", "a long enough passphrase")
    import sqlite3

    (stored,) = sqlite3.connect(tmp_path / "u.sqlite").execute(
        "SELECT password FROM users").fetchone()
    assert stored.startswith("$argon2id$")
    assert store.verify("ann", "a long enough passphrase") is not None
    assert store.verify("ann", "wrong") is None and store.verify("bob", "x") is None
    with pytest.raises(InputError, match="12 characters"):
        store.add("bob", "viewer", "short")
    with pytest.raises(InputError, match="role"):
        store.add("bob", "owner", "a long enough passphrase")


def test_api_summary_agrees_with_summary_json(client: TestClient, scan_dir: Path) -> None:
    login(client, "viewer")
    assert client.get("/api/summary").json() == _summary(scan_dir)
    assert client.get("/api/scans/scan/summary").json() == _summary(scan_dir)


def test_dashboard_shows_the_matrix_and_cells_list_their_items(client: TestClient,
                                                               scan_dir: Path) -> None:
    login(client, "viewer")
    page = client.get("/").text
    summary = _summary(scan_dir)
    for key in ("Risk matrix", "Top vulnerabilities", "Assumptions", "Evidence window",
                summary["top_vulnerabilities"][0]["label"]):
        assert key in page
    facts = pl.read_parquet(scan_dir / "facts.parquet", columns=["item_id", "category"])
    assessment = pl.read_parquet(scan_dir / "assessment.parquet",
                                 columns=["item_id", "market", "exposure"]).cast(
        {"market": pl.String, "exposure": pl.String})
    joined = assessment.join(facts, on="item_id")
    for cell in summary["risk_matrix"][:12]:
        if not cell["items"]:
            continue
        url = f"/api/scans/scan/cells/{cell['category']}/{cell['market']}"
        data = client.get(url, params={"limit": 500}).json()
        assert data["total"] == cell["items"]
        for level in ("low", "medium", "high", "critical"):
            assert data["counts"][level] == cell[f"items_{level}"]
        expected = joined.filter((pl.col("category") == cell["category"])
                                 & (pl.col("market") == cell["market"]))
        assert {i["item_id"] for i in data["items"]} <= set(expected["item_id"])
        ranks = ["low", "medium", "high", "critical"]
        seen = [ranks.index(i["exposure"]) for i in data["items"] if i["exposure"] in ranks]
        assert seen == sorted(seen, reverse=True)  # highest exposure first
        fragment = client.get(url.removeprefix("/api"), headers={"hx-request": "true"})
        assert "<html" not in fragment.text and data["items"][0]["item_id"] in fragment.text


def test_an_item_shows_reasons_citations_evidence_and_takedowns(client: TestClient,
                                                                scan_dir: Path,
                                                                settings: WebSettings) -> None:
    facts = pl.read_parquet(scan_dir / "facts.parquet")
    reserved = facts.filter(pl.col("reservation_standards").list.eval(
        pl.element().str.starts_with("robots.txt:")).list.any()).row(0, named=True)
    with TakedownLedger(settings.ledger) as ledger:
        ledger.add({"url": reserved["url"], "requester": "A. Photographer"})
    login(client, "viewer")
    data = client.get(f"/api/scans/scan/items/{reserved['item_id']}").json()
    assert data["facts"]["item_id"] == reserved["item_id"]
    assert {m["market"] for m in data["markets"]} == {"us", "eu", "uk"}
    cited = [c for m in data["markets"] for c in m["citations"]]
    assert cited and all(c["known"] and c["source_url"].startswith("http") for c in cited)
    assert any(r["title"] for m in data["markets"] for r in m["reasons"])
    assert [t["in_force_now"] for t in data["takedowns"]] == [True]
    assert data["evidence"], "a reserved item has evidence"
    shown = client.get(f"/api/scans/scan/items/{reserved['item_id']}/evidence/0").json()
    assert shown["url"].endswith("/robots.txt") and shown["deciding_lines"]
    for n in shown["deciding_lines"]:
        line = shown["lines"][n - 1]["text"].lower()
        assert line.startswith(("disallow", "allow"))
    assert "/" not in shown["ref"].split(":")[0]  # no path of this machine
    page = client.get(f"/scans/scan/items/{reserved['item_id']}/evidence/0").text
    assert 'class="deciding"' in page
    assert client.get(f"/scans/scan/items/{reserved['item_id']}/evidence/99").status_code == 404
    assert client.get("/scans/scan/items/no-such-item").status_code == 404


def test_the_law_browser_filters_and_links_sources(client: TestClient) -> None:
    login(client, "viewer")
    data = client.get("/api/law/entries", params={"market": "uk", "topic": "training"}).json()
    assert data["count"] == len(data["entries"]) > 0
    assert all(e["market"] in ("uk",) and "training" in e["topics"] for e in data["entries"])
    entry = data["entries"][0]
    page = client.get(f"/law/{entry['id']}").text
    assert entry["source_url"] in page and entry["citation"].replace("&", "&amp;") in page
    timeline = client.get("/api/law/timeline", params={"market": "eu"}).json()["events"]
    assert timeline == sorted(timeline, key=lambda e: e["date"], reverse=True)
    assert client.get("/law", params={"market": "mars"}).status_code == 400
    assert client.get("/api/law/entries", params={"market": "mars"}).status_code == 422


def test_policy_preview_counts_the_tier_changes_a_draft_causes(client: TestClient,
                                                               scan_dir: Path,
                                                               settings: WebSettings) -> None:
    login(client, "counsel")
    _, text = policy_source("eu-ready-commercial", settings.policies_dir)
    token = form_token(client.get("/policies/eu-ready-commercial/edit").text)
    headers = {"x-csrf-token": token}
    same = client.post("/api/policies/preview", json={"text": text}, headers=headers).json()
    assert same["valid"] and same["changed"] == 0
    rule = ("rules:\n  - id: no-social-media\n    tier: prohibited\n"
            "    reason: a test rule that prohibits social media\n"
            "    when:\n      category: social_media\n")
    draft = text.replace("rules:\n", rule, 1)
    changed = client.post("/api/policies/preview", json={"text": draft}, headers=headers).json()
    facts = pl.read_parquet(scan_dir / "facts.parquet", columns=["item_id", "category"])
    tiers = pl.read_parquet(scan_dir / "assessment.parquet", columns=["item_id", "market", "tier"]
                            ).cast(pl.String).filter(pl.col("market") == "us")
    moved = tiers.join(facts, on="item_id").filter(
        (pl.col("category") == "social_media") & (pl.col("tier") != "prohibited"))
    assert moved.height > 0 and changed["changed"] == moved.height
    assert sum(changed["transitions"][t].get("prohibited", 0)
               for t in ("approved", "restricted") if t in changed["transitions"]) == moved.height
    assert all(e["to"] == "prohibited" and any("no-social-media" in r for r in e["reasons"])
               for e in changed["examples"])
    by_default = moved.height
    bad = client.post("/api/policies/preview", json={"text": "id: x\nrules: 3\n"},
                      headers=headers).json()
    assert not bad["valid"] and bad["error"].startswith("draft.yaml:")
    assert client.post("/api/policies/preview", json={"text": text}).status_code == 403
    # the editor page: preview, then save only what is valid
    fragment = client.post("/policies/preview", data={"text": draft, "csrf_token": token},
                           headers={"hx-request": "true"})
    assert f"{by_default:,}" in fragment.text
    client.post("/policies/save", data={"text": "rules: [", "csrf_token": token})
    assert not settings.policies_dir.exists() or not any(settings.policies_dir.iterdir())
    client.post("/policies/save", data={"text": draft, "csrf_token": token})
    assert (settings.policies_dir / "eu-ready-commercial.yaml").read_text() == draft
    assert "saved" in client.get("/policies").text


def test_a_scan_folder_without_summary_or_columns_says_not_available(
        scan_dir: Path, tmp_path: Path, settings: WebSettings) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(scan_dir, bare, ignore=shutil.ignore_patterns("*.pdf", "*.png", "*.svg",
                                                                  "*.html", "*.md"))
    (bare / "summary.json").unlink()
    facts = pq.read_table(bare / "facts.parquet")
    pq.write_table(facts.drop_columns(["reservation_capture_at", "reservation_evidence",
                                       "reservation_record_id", "category"]),
                   bare / "facts.parquet")
    app = create_app(WebSettings(scans=(bare,), ledger=settings.ledger,
                                 state_dir=settings.state_dir), consent=None)
    app.state.web.users.add("v", "viewer", PASSWORD)
    with TestClient(app, base_url="https://testserver") as c:
        login(c, "v")
        page = c.get("/")
        assert page.status_code == 200 and "not available" in page.text
        item = c.get("/api/scans/bare/items/acme-00000000").json()
        assert item["evidence"] == [] and item["capture"]["reservation_capture_at"] is None
        assert c.get("/api/summary").status_code == 404
        assert c.get("/transparency").status_code == 200


def test_new_summary_blocks_are_shown_when_present(scan_dir: Path, tmp_path: Path,
                                                   settings: WebSettings) -> None:
    copy = tmp_path / "newer"
    shutil.copytree(scan_dir, copy, ignore=shutil.ignore_patterns("*.pdf", "*.png", "*.svg"))
    summary = _summary(copy)
    summary["assumptions"] = {"access": {"value": "lawful", "default": True}}
    summary["evidence"] = {"mode": "snapshot", "window": {"first": "2025-01-01",
                                                          "last": "2025-06-30"},
                           "stale_share": 0.25, "sources": ["crawl.warc.gz"]}
    (copy / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (copy / "clearance-complete.json").write_text("{}", encoding="utf-8")
    app = create_app(WebSettings(scans=(copy,), ledger=settings.ledger,
                                 state_dir=settings.state_dir), consent=None)
    app.state.web.users.add("v", "viewer", PASSWORD)
    with TestClient(app, base_url="https://testserver") as c:
        login(c, "v")
        board = c.get("/api/scans/newer/dashboard").json()
        assert board["assumptions"]["source"] == "summary.json"
        assert board["evidence"]["stale_share"] == 0.25 and board["complete"]
        page = c.get("/").text
        assert "25.0%" in page and "crawl.warc.gz" in page and "no completion marker" not in page


def test_publish_writes_static_public_pages(scan_dir: Path, tmp_path: Path,
                                            settings: WebSettings, client: TestClient) -> None:
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["publish", str(scan_dir), "--out", str(site), "--ledger",
                                      str(settings.ledger), "--portal-url",
                                      "https://example.org/opt-out", "--json"])
    assert result.exit_code == 0, result.output
    for name in ("index.html", "opt-out.html", "consent.html", "transparency.json",
                 "static/app.css"):
        assert (site / name).is_file(), name
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "What the model was trained on" in index and "<script" not in index
    assert "https://example.org/opt-out" in index and "href=\"opt-out.html\"" in index
    published = json.loads((site / "transparency.json").read_text(encoding="utf-8"))
    served = client.get("/api/transparency").json()
    assert published["opt_out"]["portal"] == "https://example.org/opt-out"
    assert served["opt_out"]["portal"] == "/opt-out"  # the server is its own portal
    assert {**published, "opt_out": None} == {**served, "opt_out": None}
    assert str(tmp_path) not in index  # no path of this machine


def test_publish_refuses_a_folder_that_is_not_a_scan(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["publish", str(tmp_path), "--out", str(tmp_path / "s")])
    assert result.exit_code == 1 and "not a scan folder" in " ".join(result.output.split())
    assert publish_site is not None


def test_users_cli_adds_a_user_and_issues_a_token(tmp_path: Path) -> None:
    runner = CliRunner()
    state = str(tmp_path / "state")
    added = runner.invoke(cli, ["users", "add", "ann", "--role", "counsel", "--state", state],
                          input="a long enough passphrase\n")
    assert added.exit_code == 0, added.output
    token = runner.invoke(cli, ["users", "token", "ann", "--state", state])
    assert token.exit_code == 0 and token.output.startswith("clr_")
    listed = json.loads(runner.invoke(cli, ["users", "list", "--state", state, "--json"]).output)
    assert listed["users"][0]["role"] == "counsel" and listed["users"][0]["tokens"] == 1
    bad = runner.invoke(cli, ["users", "add", "x", "--role", "owner", "--state", state],
                        input="a long enough passphrase\n")
    assert bad.exit_code == 1 and "role" in bad.output


def test_several_scans_are_listed_each_with_its_dashboard(scan_dir: Path,
                                                          settings: WebSettings) -> None:
    app = create_app(WebSettings(scans=(scan_dir, scan_dir), ledger=settings.ledger,
                                 state_dir=settings.state_dir), consent=None)
    app.state.web.users.add("v", "viewer", PASSWORD)
    with TestClient(app, base_url="https://testserver") as c:
        login(c, "v")
        listing = c.get("/").text
        assert 'href="/scans/scan"' in listing and 'href="/scans/scan-2"' in listing
        assert c.get("/scans").text.count("<tr>") == 3  # header and two scans
        assert [s["id"] for s in c.get("/api/scans").json()] == ["scan", "scan-2"]
        assert "Risk matrix" in c.get("/scans/scan-2").text
        assert c.get("/scans/nope").status_code == 404


def test_transparency_reads_the_disclosures_when_present(scan_dir: Path, tmp_path: Path,
                                                        settings: WebSettings) -> None:
    copy = tmp_path / "disclosed"
    shutil.copytree(scan_dir, copy, ignore=shutil.ignore_patterns("*.pdf", "*.png", "*.svg"))
    folder = copy / "disclosures"
    folder.mkdir()
    group = {"key": "provider_crawl", "items": 1200, "bytes": 10, "sized_items": 1200}
    record = {"disclosure_version": 1, "created": "2026-12-05", "model": "Acme Vision 2.0",
              "gaps": ["2.3: training compute not given"],
              "digest": {"items": 1300, "bytes": 99, "tiers_used": ["approved", "restricted"],
                         "channels": [group, {**group, "key": "licensed", "items": 100}],
                         "datasets": [{**group, "key": "acme-web-images",
                                       "versions": ["2026.06"]}],
                         "modalities": [{**group, "key": "image", "items": 1300}],
                         "domains": {"measure": "bytes", "domains": ["example.org", "b.example"],
                                     "items": [700, 600], "bytes": [60, 39]},
                         "excluded": {"prohibited_tier": 200}, "excluded_total": 200}}
    (folder / "disclosure.json").write_text(json.dumps(record), encoding="utf-8")
    (folder / "eu-training-summary.md").write_text("# draft\n", encoding="utf-8")
    app = create_app(WebSettings(scans=(copy,), ledger=settings.ledger,
                                 state_dir=settings.state_dir), consent=None)
    with TestClient(app, base_url="https://testserver") as c:
        data = c.get("/api/transparency").json()
        trained = data["trained_on"]
        assert trained["model"] == "Acme Vision 2.0" and trained["items"] == 1300
        assert trained["top_domains"][0] == ["example.org", 700]
        assert trained["drafts"] == ["eu-training-summary.md"]
        assert not any(m.startswith("disclosures") for m in data["missing"])
        page = c.get("/transparency").text
        assert "Acme Vision 2.0" in page and "example.org" in page and "training compute" in page
    # without them, the page says what is missing
    shutil.rmtree(folder)
    with TestClient(app, base_url="https://testserver") as c:
        data = c.get("/api/transparency").json()
        assert data["trained_on"] is None
        assert any("clearance disclose" in m for m in data["missing"])


def test_a_revisit_capture_shows_the_payload_it_confirms(scan_dir: Path) -> None:
    import sqlite3

    from clearance.web.evidence import render_capture

    with sqlite3.connect(scan_dir / "evidence" / "index.sqlite") as db:
        rid, url = db.execute("SELECT record_id, url FROM records WHERE kind = 'revisit' AND "
                              "url LIKE '%/robots.txt' LIMIT 1").fetchone()
        original = db.execute("SELECT date FROM records WHERE kind = 'response' AND url = ? "
                              "ORDER BY date LIMIT 1", (url,)).fetchone()[0]
    shown = render_capture(scan_dir, rid, agents=["GPTBot"])
    assert shown.record_id == rid and shown.status == 200
    assert any("user-agent" in line.lower() for _, line, _ in shown.lines)
    assert any(f"(captured {original[:10]})" in note for note in shown.notes)
