# SPDX-License-Identifier: Apache-2.0
"""report.html: one self-contained page (inline CSS, the heatmap as a data URI, no CDN).

The risk matrix is an HTML table whose cells link to a ``<details>`` section per cell listing
up to ``DRILL_LIMIT`` of its items (highest exposure first) with the cell's full count; a
six-line inline script opens the section a link points at. Everything from the data is
escaped by Jinja2's autoescaping; only http(s) URLs become links, with ``rel="nofollow
noopener noreferrer"``.
"""

from __future__ import annotations

import base64

from clearance.report.content import ReportContent
from clearance.report.render_md import environment
from clearance.report.view import report_view

__all__ = ["render_html"]


def render_html(content: ReportContent, heatmap_png: bytes | None = None) -> str:
    """Return the report as one self-contained HTML document."""
    template = environment(True).get_template("report.html.j2")
    image = base64.b64encode(heatmap_png).decode("ascii") if heatmap_png else ""
    return template.render(**report_view(content), heatmap_png=image)
