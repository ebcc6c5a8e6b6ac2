# SPDX-License-Identifier: Apache-2.0
"""Typed settings of the web app with named defaults (``clearance serve`` fills them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "DEFAULT_RATE_LIMITS", "WebSettings"]

#: Loopback only unless the operator says otherwise.
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000
#: Per client address: (events, seconds).
DEFAULT_RATE_LIMITS: Final[dict[str, tuple[int, float]]] = {
    "opt_out": (5, 60.0),  # opt-out submissions
    "login": (10, 300.0),  # sign-in attempts
    "consent": (10, 60.0),  # consent records and revocations
    "preview": (30, 60.0),  # policy previews (they re-judge the scan)
}


@dataclass(frozen=True)
class WebSettings:
    """What the app serves and where it keeps its state.

    ``state_dir`` holds ``users.sqlite`` (users, token and session hashes) and ``secret.key``
    (signs CSRF tokens and status links); ``policies_dir`` receives policies saved from the
    editor. ``secure_cookies`` marks cookies ``Secure``: browsers keep them on https and on
    loopback addresses, so turn it off only for plain http on another address (not advised).
    """

    scans: tuple[Path, ...]
    ledger: Path
    state_dir: Path = Path(".clearance") / "web"
    policies_dir: Path = Path(".clearance") / "policies"
    secure_cookies: bool = True
    rate_limits: dict[str, tuple[int, float]] = field(
        default_factory=lambda: dict(DEFAULT_RATE_LIMITS)
    )
    site_title: str = "clearance"
    #: Where the opt-out portal is reachable, for the published static pages.
    portal_url: str | None = None
