# SPDX-License-Identifier: Apache-2.0
"""``clearance publish``: the public pages as static HTML, for any web host.

Writes ``index.html`` (transparency), ``opt-out.html`` (how to opt out, pointing at the
portal), ``consent.html`` (the opt-in licence and figures), ``transparency.json`` (the same
content as ``/api/transparency``) and ``static/app.css``. Pages are rendered from the same
templates and the same data functions as the server, with no script. Files are written to
temporary names and renamed into place, so a site being served never shows half a page.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from clearance.atomic import write_text_atomic
from clearance.errors import ReportError
from clearance.web.consent import ConsentBackend, consent_backend
from clearance.web.public import KIND_LABELS, consent_data, transparency_data
from clearance.web.scanfolder import open_scans

__all__ = ["SITE_FILES", "publish_site"]

SITE_FILES = ("index.html", "opt-out.html", "consent.html", "transparency.json",
              "static/app.css")  # fmt: skip


def _write(path: Path, text: str) -> None:
    write_text_atomic(path, text, error=ReportError, mkdir=True)


def publish_site(
    scans: list[str | Path],
    out: str | Path,
    *,
    ledger: str | Path,
    portal_url: str | None = None,
    site_title: str = "clearance",
    consent: ConsentBackend | None | bool = True,
) -> dict[str, str]:
    """Write the public pages for the first of ``scans`` into ``out``; return the paths.

    Raises InputError for a folder that is not a scan, ReportError when a file cannot be
    written.
    """
    from clearance.web.app import HERE, _templates

    folders = open_scans(list(scans))
    backend = consent_backend(Path(ledger)) if consent is True else consent or None
    data = transparency_data(folders, Path(ledger), backend, portal_url)
    env = _templates().env
    common: dict[str, object] = {"static_site": True, "user": None, "site_title": site_title,
                              "csrf_token": "", "csrf_field": "csrf_token", "scans": folders}
    root = Path(out)
    pages: dict[str, tuple[str, dict[str, object]]] = {
        "index.html": ("transparency.html", {"t": data}),
        "opt-out.html": ("opt_out.html", {"kinds": KIND_LABELS, "form": {}, "errors": None,
                                          "portal": portal_url or "the operator's portal"}),
        "consent.html": ("consent.html", {"c": consent_data(backend), "error": None}),
    }  # fmt: skip
    written: dict[str, str] = {}
    for name, (template, context) in pages.items():
        _write(root / name, env.get_template(template).render({**common, **context}))
        written[name] = str(root / name)
    _write(root / "transparency.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    written["transparency.json"] = str(root / "transparency.json")
    (root / "static").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "static" / "app.css", root / "static" / "app.css")
    written["static/app.css"] = str(root / "static" / "app.css")
    return written
