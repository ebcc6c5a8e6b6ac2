# SPDX-License-Identifier: Apache-2.0
"""Command-line interface: each module parses options and calls one library function.

Command modules register themselves on the shared Typer ``app`` when imported below.
"""

from __future__ import annotations

from clearance.cli import demo as _demo  # noqa: F401  (registers `clearance demo`)
from clearance.cli import disclose as _disclose  # noqa: F401  (registers `clearance disclose`)
from clearance.cli import draft as _draft  # noqa: F401  (registers `clearance draft`)
from clearance.cli import evidence as _evidence  # noqa: F401  (registers `clearance evidence`)
from clearance.cli import gate as _gate  # noqa: F401  (registers `clearance gate`)
from clearance.cli import ingest as _ingest  # noqa: F401  (registers commands)
from clearance.cli import law as _law  # noqa: F401  (registers `clearance law`)
from clearance.cli import law_authorship as _law_authorship  # noqa: F401  (authorship, duties)
from clearance.cli import law_explain as _law_explain  # noqa: F401  (law explain, analyses)
from clearance.cli import law_review as _law_review  # noqa: F401  (registers `clearance law review`)
from clearance.cli import license as _license  # noqa: F401
from clearance.cli import redteam as _redteam  # noqa: F401  (the `clearance redteam` group)
from clearance.cli import redteam_images as _redteam_images  # noqa: F401  (redteam images ...)
from clearance.cli import scan as _scan  # noqa: F401  (registers `clearance scan`, `assess`)
from clearance.cli import serve as _serve  # noqa: F401  (serve, publish, users: the web app)
from clearance.cli import signals as _signals  # noqa: F401  (registers `clearance signals`)
from clearance.cli import takedown as _takedown  # noqa: F401  (registers `clearance takedown`)
from clearance.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the ``clearance`` command line."""
    app()
