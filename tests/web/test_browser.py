# SPDX-License-Identifier: Apache-2.0
"""End to end in headless Chromium: sign in, the dashboard, a matrix cell by keyboard, an item
and its evidence, an opt-out and its status link; every page reachable by keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from clearance.decide.takedown import TakedownLedger
from clearance.web import WebSettings
from tests.web.browser import CHROMIUM_ARGS, chromium_path, serving
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.slow

_FOCUSABLE = ("a[href], button, input:not([type=hidden]), select, textarea, summary, "
              "[tabindex]:not([tabindex='-1'])")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium_path()  # raises (the test fails) when Chromium is missing
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def base(app: Any) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    errors: list[str] = []
    pg = context.new_page()
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # a refused form (403) is what one test expects; any other failed load is an error
    pg.on("console", lambda m: errors.append(m.text)
          if m.type == "error" and "status of 403" not in m.text else None)
    yield pg
    context.close()
    assert not errors, errors  # no script error, no CSP violation


def sign_in(page: Page, base: str, name: str = "counsel") -> None:
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_dashboard_matrix_item_and_evidence(page: Page, base: str) -> None:
    sign_in(page, base)
    assert page.locator("h2", has_text="Risk matrix").is_visible()
    # reach the first matrix cell with the keyboard and open it
    page.locator("#matrix a.cell").first.focus()
    label = page.locator("#matrix a.cell").first.get_attribute("aria-label") or ""
    page.keyboard.press("Enter")
    page.wait_for_selector("#cell-items table tbody tr td a")
    assert label.split(" in ")[0].lower().split()[0] in page.locator("#h-cell").inner_text(
        ).lower().replace("_", " ")
    # an item of a reserved cell: pick one whose evidence exists
    page.goto(f"{base}/scans/scan/cells/news_publisher/eu?exposure=high")
    page.locator("#cell-items tbody a").first.click()
    page.wait_for_selector("#h-markets")
    assert page.locator("#h-evidence").is_visible()
    page.locator("section[aria-labelledby=h-evidence] a").first.click()
    page.wait_for_selector("pre.capture")
    assert page.locator("pre.capture span.deciding").count() >= 1
    assert page.locator("h1").inner_text().startswith("Capture 1")


def test_opt_out_then_follow_the_status_link(page: Page, base: str, browser: Browser,
                                            settings: WebSettings) -> None:
    page.goto(f"{base}/opt-out")
    page.select_option("#kind", "url_prefix")
    page.fill("#value", "https://photos.example.org/portfolio/")
    page.fill("#name", "Jane Doe")
    page.fill("#email", "jane@example.org")
    page.fill("#authority", "I am the photographer and hold the copyright in these works.")
    page.check("#confirm")
    page.click("button[type=submit]")
    page.wait_for_url("**/opt-out/status/**")
    assert "Your request has been recorded" in page.content()
    assert page.locator("li.reached").first.inner_text() == "received"
    link = page.url.split("?")[0]
    with TakedownLedger(settings.ledger) as ledger:
        (request,) = ledger.requests()
        assert request.kind == "url_prefix" and request.requester == "Jane Doe"
        ledger.set_status(request.request_id, "matched", note="2 items in acme-web-images")
    stranger = browser.new_context()  # another browser: the link alone shows the status
    other = stranger.new_page()
    other.goto(link)
    assert other.locator("li[aria-current=step]").inner_text() == "matched"
    stranger.close()


def test_the_form_without_its_token_is_refused_in_the_browser(page: Page, base: str,
                                                              settings: WebSettings) -> None:
    page.goto(f"{base}/opt-out")
    page.evaluate("document.querySelector('input[name=csrf_token]').value = 'forged'")
    page.fill("#value", "https://photos.example.org/a.jpg")
    page.fill("#name", "Jane Doe")
    page.fill("#email", "jane@example.org")
    page.fill("#authority", "I am the photographer and hold the copyright.")
    page.check("#confirm")
    with page.expect_response("**/opt-out") as response:
        page.click("button[type=submit]")
    assert response.value.status == 403
    with TakedownLedger(settings.ledger) as ledger:
        assert ledger.requests() == []


def test_the_policy_editor_previews_in_place_and_saves(page: Page, base: str,
                                                       settings: WebSettings) -> None:
    sign_in(page, base)
    page.goto(f"{base}/policies/eu-ready-commercial/edit")
    text = page.input_value("#text")
    page.fill("#text", text.replace("rules:\n", "rules:\n  - id: no-news\n    tier: prohibited"
                                    "\n    reason: test rule for the browser\n    when:\n"
                                    "      category: news_publisher\n", 1))
    page.click("#preview-button")
    page.wait_for_selector("#preview .ok")
    assert "would change tier" in page.locator("#preview").inner_text()
    page.click("button.secondary >> text=Save")
    page.wait_for_selector("p.ok[role=status] >> text=Saved")
    assert (settings.policies_dir / "eu-ready-commercial.yaml").is_file()
    page.fill("#text", "id: broken\n")
    page.click("#preview-button")
    page.wait_for_selector("#preview .errors")
    assert "draft.yaml" in page.locator("#preview .errors").inner_text()


def _keyboard_reaches_everything(page: Page) -> None:
    count = page.evaluate(
        """sel => { let n = 0; for (const el of document.querySelectorAll(sel)) {
             const r = el.getBoundingClientRect(); if (el.disabled || !el.checkVisibility() ||
             (r.width === 0 && r.height === 0)) continue; el.dataset.kb = String(n++); }
             return n; }""",
        _FOCUSABLE)
    reached: set[str] = set()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(count + 3):
        page.keyboard.press("Tab")
        kb = page.evaluate("document.activeElement && document.activeElement.dataset.kb")
        if kb is not None:
            reached.add(kb)
    assert len(reached) == count, f"{page.url}: Tab reached {len(reached)} of {count}"


def test_every_page_is_keyboard_navigable(page: Page, base: str, app: Any,
                                          settings: WebSettings) -> None:
    from clearance.web.consent import pseudonym
    from clearance.web.public import make_ticket

    with TakedownLedger(settings.ledger) as ledger:
        rid, _ = ledger.add({"domain": "photos.example.org", "requester": "X",
                             "contact": "x@example.org"})
    secret = app.state.web.secret
    person = pseudonym(secret, "ann@example.org")
    consent = app.state.web.consent
    consent.record(person, str(consent.licence()["version"]), ["training"])
    sign_in(page, base, "admin")
    page.goto(f"{base}/scans/scan/cells/news_publisher/eu?exposure=high")
    item = page.locator("#cell-items tbody a").first.get_attribute("href")
    paths = ["/", "/scans", "/scans/scan/cells/news_publisher/eu", item, f"{item}/evidence/0",
             "/login", "/law", "/law/timeline?market=uk", "/law/eu-statute-dsm-art4", "/policies",
             "/policies/eu-ready-commercial", "/policies/eu-ready-commercial/edit",
             "/admin/takedowns", "/admin/users", "/transparency", "/opt-out", "/consent",
             f"/opt-out/status/{make_ticket(secret, 'status', rid)}",
             f"/consent/receipt/{make_ticket(secret, 'consent', person)}"]
    for path in paths:
        page.goto(f"{base}{path}")
        _keyboard_reaches_everything(page)
    # the licence text opens from the keyboard, and its content is then reachable too
    page.goto(f"{base}/consent")
    page.locator("summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("details").get_attribute("open") is not None
    _keyboard_reaches_everything(page)
    # the skip link comes first and moves focus to the content
    page.goto(f"{base}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"


def test_a_new_user_runs_clearance_serve_and_opens_the_printed_address(
        browser: Browser, scan_dir: Path, tmp_path: Path) -> None:
    """`clearance serve SCAN` as a new user runs it: open what it prints, see the dashboard."""
    import re
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "clearance", "serve", str(scan_dir), "--port", str(port),
         "--state", str(tmp_path / "state"), "--ledger", str(tmp_path / "takedowns.sqlite"),
         "--policies", str(tmp_path / "policies")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp_path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"open (http://127\.0\.0\.1:\d+/\S*)", line)
        assert found, line
        context = browser.new_context()
        page = context.new_page()
        for _ in range(100):  # the address is printed just before the server listens
            try:
                page.goto(found.group(1))
                break
            except Exception:
                page.wait_for_timeout(100)
        assert page.url == f"http://127.0.0.1:{port}/"
        assert page.locator("h2", has_text="Risk matrix").is_visible()
        page.goto(found.group(1))  # the sign-in link works once
        assert "was used" in page.content()
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
