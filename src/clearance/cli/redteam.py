# SPDX-License-Identifier: Apache-2.0
"""``clearance redteam``: test a model's outputs for regurgitation of protected work.

``redteam_app`` holds the text and code commands; ``images_app`` (``clearance redteam
images``) the image ones. Command modules register on them.
"""

from __future__ import annotations

import typer

from clearance.cli._app import app

__all__ = ["images_app", "redteam_app"]

redteam_app = typer.Typer(
    help=(
        "IP red team: index protected text, code and images, and check a model's outputs "
        "for regurgitation, with the source's licence. A risk assessment, not legal advice."
    ),
    no_args_is_help=True,
)
app.add_typer(redteam_app, name="redteam")

images_app = typer.Typer(
    help="Near-duplicate detection of training and protected images in generated images.",
    no_args_is_help=True,
)
redteam_app.add_typer(images_app, name="images")
