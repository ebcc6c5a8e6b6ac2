# SPDX-License-Identifier: Apache-2.0
"""The web app: a dashboard over scan folders, the law browser, the policy editor, public
transparency pages, the opt-out and takedown portal and opt-in consent, over one library.

- :func:`create_app` - the FastAPI (ASGI) app for :class:`WebSettings` (``clearance serve``).
- :func:`publish_site` - the public pages as static HTML (``clearance publish``).
- :class:`ScanFolder` - the one adapter that reads a scan folder's files.
- :class:`UserStore` - local users (Argon2id), API tokens and sessions.

Needs the ``web`` extra (``pip install 'clearance[web]'``). Everything it shows is a risk
assessment, not legal advice.
"""

from __future__ import annotations

from clearance.web.app import create_app
from clearance.web.publish import publish_site
from clearance.web.scanfolder import FIELDS_READ, ScanFolder, open_scans
from clearance.web.settings import WebSettings
from clearance.web.users import ROLES, UserStore

__all__ = [
    "FIELDS_READ",
    "ROLES",
    "ScanFolder",
    "UserStore",
    "WebSettings",
    "create_app",
    "open_scans",
    "publish_site",
]
