# SPDX-License-Identifier: Apache-2.0
"""report.md: the whole report in Markdown (``templates/report.md.j2``), for diffs and wikis.

Text from the manifest or the knowledge base is escaped for Markdown tables (pipes, brackets,
angle brackets) and flattened to one line, so a hostile string cannot break the
layout or inject HTML when the file is rendered.
"""

from __future__ import annotations

import functools
import re

import jinja2

from clearance.report.content import ReportContent
from clearance.report.view import report_view

__all__ = ["environment", "md_escape", "render_markdown"]

_SPECIAL = re.compile(r"([\\|\[\]<>])")


def md_escape(value: object) -> str:
    """Return ``value`` on one line with Markdown-significant characters escaped."""
    text = " ".join(str("" if value is None else value).split())
    return _SPECIAL.sub(r"\\\1", text)


@functools.cache
def environment(autoescape: bool) -> jinja2.Environment:
    """Return the Jinja2 environment over ``report/templates`` (HTML-escaping when asked)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("clearance.report", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


def render_markdown(content: ReportContent) -> str:
    """Return the report as Markdown."""
    template = environment(False).get_template("report.md.j2")
    text = template.render(**report_view(content))
    return re.sub(r"\n{3,}", "\n\n", text)
