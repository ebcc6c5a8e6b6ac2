# SPDX-License-Identifier: Apache-2.0
"""The public pages and the opt-out portal: CSRF, validation, rate limits, the ledger, status
links that cannot be guessed, and nothing secret in the access log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from clearance.decide.takedown import TakedownLedger
from clearance.web import WebSettings, create_app
from clearance.web.public import make_ticket, read_ticket
from tests.web.conftest import form_token, with_limits

GOOD = {"type": "opt_out", "kind": "domain", "value": "photos.example.org",
        "name": "Example Photo Agency", "email": "rights@example.org",
        "authority": "We hold the copyright in every photograph on this domain.",
        "confirm": "yes"}


def _ledger_ids(path: Path) -> list[str]:
    with TakedownLedger(path) as ledger:
        return [r.request_id for r in ledger.requests()]


def test_public_pages_need_no_sign_in_and_the_rest_does(client: TestClient) -> None:
    for path in ("/transparency", "/opt-out", "/consent", "/api/health", "/api/transparency",
                 "/api/consent"):
        assert client.get(path).status_code == 200, path
    for path in ("/", "/law", "/policies", "/admin/takedowns", "/scans/scan"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    for path in ("/api/summary", "/api/scans", "/api/law/entries", "/api/takedowns"):
        assert client.get(path).status_code == 401, path


def test_security_headers_and_cookie_flags(client: TestClient) -> None:
    response = client.get("/opt-out")
    h = response.headers
    assert "script-src 'self'" in h["content-security-policy"]
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    assert h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "no-referrer"
    assert h["x-content-type-options"] == "nosniff"
    assert h["cache-control"] == "no-store"
    cookie = h["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Strict" in cookie


def test_opt_out_without_a_valid_csrf_token_is_refused(client: TestClient,
                                                       settings: WebSettings) -> None:
    client.get("/opt-out")
    assert client.post("/opt-out", data=GOOD).status_code == 403
    assert client.post("/opt-out", data={**GOOD, "csrf_token": "forged"}).status_code == 403
    other = TestClient(client.app, base_url="https://testserver")  # another visitor's token
    stolen = form_token(other.get("/opt-out").text)
    assert client.post("/opt-out", data={**GOOD, "csrf_token": stolen}).status_code == 403
    assert _ledger_ids(settings.ledger) == []


def test_opt_out_with_csrf_reaches_the_ledger_and_the_status_link_works(
        client: TestClient, settings: WebSettings) -> None:
    token = form_token(client.get("/opt-out").text)
    response = client.post("/opt-out", data={**GOOD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    link = response.headers["location"]
    assert link.startswith("/opt-out/status/")
    with TakedownLedger(settings.ledger) as ledger:
        (request,) = ledger.requests()
    assert (request.kind, request.key, request.type) == ("domain", "photos.example.org", "opt_out")
    assert request.contact == "rights@example.org" and request.status == "received"
    anonymous = TestClient(client.app, base_url="https://testserver")  # the link is enough
    page = anonymous.get(link)
    assert page.status_code == 200 and "received" in page.text
    assert "rights@example.org" not in page.text  # no contact details on the status page
    api = anonymous.get("/api/opt-out/status/" + link.rsplit("/", 1)[1].split("?")[0]).json()
    assert api["status"] == "received" and api["steps"][0] == {"status": "received",
                                                               "reached": True}
    # knowing the request id is not enough
    assert anonymous.get(f"/opt-out/status/{request.request_id}.AAAAAAAAAAAAAAAAAAAAAA"
                         ).status_code == 404
    assert anonymous.get(f"/opt-out/status/{request.request_id}").status_code == 404
    # the ledger moves it on; the page follows
    with TakedownLedger(settings.ledger) as ledger:
        ledger.set_status(request.request_id, "matched", note="found in acme-web-images")
        ledger.set_status(request.request_id, "applied", note="excluded")
    assert "applied" in anonymous.get(link).text


def test_a_cross_origin_post_is_refused(client: TestClient, settings: WebSettings) -> None:
    token = form_token(client.get("/opt-out").text)
    response = client.post("/opt-out", data={**GOOD, "csrf_token": token},
                           headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    assert _ledger_ids(settings.ledger) == []


@pytest.mark.parametrize(("field", "value", "said"), [
    ("email", "not-an-address", "email address"),
    ("authority", "mine", "authority"),
    ("confirm", "", "Confirm"),
    ("kind", "planet", "names"),
    ("value", "ftp//nope", "absolute URL"),
])
def test_bad_input_is_refused_with_a_reason(client: TestClient, settings: WebSettings,
                                            field: str, value: str, said: str) -> None:
    form = {**GOOD, "kind": "url", "value": "https://photos.example.org/a.jpg", field: value}
    token = form_token(client.get("/opt-out").text)
    response = client.post("/opt-out", data={**form, "csrf_token": token})
    assert response.status_code == 400
    assert said in response.text
    assert _ledger_ids(settings.ledger) == []


def test_opt_out_is_rate_limited_per_client(settings: WebSettings) -> None:
    app = create_app(with_limits(settings, opt_out=(2, 3600.0)), consent=None)
    with TestClient(app, base_url="https://testserver") as c:
        token = form_token(c.get("/opt-out").text)
        codes = [c.post("/opt-out", data={**GOOD, "value": f"d{i}.example.org",
                                          "csrf_token": token}, follow_redirects=False)
                 for i in range(3)]
    assert [r.status_code for r in codes] == [303, 303, 429]
    assert int(codes[2].headers["retry-after"]) > 0
    assert len(_ledger_ids(settings.ledger)) == 2


def test_the_access_log_holds_no_secret(client: TestClient, caplog: pytest.LogCaptureFixture
                                        ) -> None:
    caplog.set_level(logging.INFO, logger="clearance.web.access")
    token = form_token(client.get("/opt-out").text)
    link = client.post("/opt-out", data={**GOOD, "csrf_token": token},
                       follow_redirects=False).headers["location"]
    client.get(link)
    client.get("/api/health", headers={"authorization": "Bearer clr_secretvalue"})
    text = caplog.text
    ticket = link.rsplit("/", 1)[1].split("?")[0]
    assert "/opt-out/status/{ticket}" in text
    assert ticket not in text and token not in text and "clr_secretvalue" not in text
    assert "rights@example.org" not in text


@hsettings(max_examples=200, deadline=None)
@given(ident=st.text(min_size=1, max_size=40), mac=st.text(max_size=30))
def test_a_ticket_is_accepted_only_as_made(ident: str, mac: str) -> None:
    from fastapi import HTTPException

    secret = b"s" * 32
    good = make_ticket(secret, "status", ident)
    assert read_ticket(secret, "status", good) == ident
    forged = f"{ident}.{mac}"
    if forged != good:
        with pytest.raises(HTTPException):
            read_ticket(secret, "status", forged)
    with pytest.raises(HTTPException):  # a ticket for another purpose does not open this one
        read_ticket(secret, "consent", good)


@hsettings(max_examples=60, deadline=None)
@given(form=st.fixed_dictionaries({k: st.text(max_size=60) for k in GOOD}))
def test_any_form_is_stored_or_refused_with_a_takedown_error(
        form: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> None:
    from clearance.errors import TakedownError
    from clearance.web.public import submit_opt_out

    class _Web:
        def __init__(self, path: Path) -> None:
            self.path = path

        def ledger(self) -> TakedownLedger:
            return TakedownLedger(self.path)

    web = _Web(tmp_path_factory.mktemp("l") / "t.sqlite")
    try:
        request_id, intake = submit_opt_out(web, form)  # type: ignore[arg-type]
    except TakedownError:
        return
    assert intake == "accepted" and _ledger_ids(web.path) == [request_id]


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example", "https://evil.example",
                                    "/\r\nSet-Cookie: x=1"])
def test_sign_in_never_redirects_off_site(client: TestClient, target: str) -> None:
    from tests.web.conftest import PASSWORD

    token = form_token(client.get("/login").text)
    response = client.post("/login", data={"name": "viewer", "password": PASSWORD,
                                           "csrf_token": token, "next": target},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    # signing in hands out a new CSRF cookie: the token from before no longer works
    assert client.post("/logout", data={"csrf_token": token}).status_code == 403
