# SPDX-License-Identifier: Apache-2.0
"""The risk matrix figure (PNG and SVG), drawn with matplotlib's Agg and SVG canvases.

Each cell is a stacked bar of its items' shares at every exposure level, in the colours every
format uses (``formatting.LEVEL_HEX``), annotated with the share at high or critical and the
item count, so a market where almost everything is medium shows as medium rather than as
empty; the top sources of vulnerability are numbered in the row labels. No pyplot state is
touched (a ``Figure`` is built directly), so drawing is safe in a server and leaves no global
configuration behind. Output is deterministic: no dates in the files, a fixed SVG hash salt.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib
import polars as pl
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from clearance.report.formatting import LEVEL_HEX

__all__ = ["compact_count", "draw_heatmap", "heat_values"]

_LEVELS = ("low", "medium", "high", "critical")


def compact_count(n: int) -> str:
    """Return a count in a few characters: 950, 12k, 3.4M."""
    if n < 1000:
        return str(n)
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            value = n / size
            return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"
    return str(n)  # pragma: no cover


def heat_values(
    matrix: pl.DataFrame, categories: list[str], markets: list[str]
) -> list[list[float]]:
    """Return the share at high or critical exposure per [category][market]; NaN when empty."""
    cells = {
        (r["category"], r["market"]): (
            (r["items_high"] + r["items_critical"]) / r["items"] if r["items"] else math.nan
        )
        for r in matrix.select(
            "category", "market", "items", "items_high", "items_critical"
        ).iter_rows(named=True)
    }
    return [[cells.get((c, m), math.nan) for m in markets] for c in categories]


def draw_heatmap(
    matrix: pl.DataFrame,
    png: Path,
    svg: Path,
    *,
    markets: list[str],
    kb_as_of: str,
    ranks: Mapping[str, int] | None = None,
    title: str = "Exposure of each source in each market",
) -> None:
    """Draw the matrix to ``png`` and ``svg``: rows are sources, columns markets; ``ranks``
    numbers the top sources of vulnerability."""
    categories = matrix["category"].unique(maintain_order=True).to_list()
    labels = dict(
        zip(matrix["category"].to_list(), matrix["category_label"].to_list(), strict=True)
    )
    cells = {(r["category"], r["market"]): r for r in matrix.iter_rows(named=True)}
    items = {c: 0 for c in categories}
    for (category, _market), r in cells.items():
        items[category] = max(items[category], int(r["items"]))
    ranks = dict(ranks or {})
    rows, cols = max(len(categories), 1), max(len(markets), 1)
    width = max(8.0, min(15.0, 4.2 + 0.95 * cols))
    height = min(12.0, 2.2 + 0.46 * rows)
    font = 7.5 if rows * cols <= 60 else 6.0 if rows * cols <= 160 else 5.0
    fig = Figure(figsize=(width, height), dpi=150, layout="constrained")
    ax = fig.add_subplot()
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    for i, category in enumerate(categories):
        for j, market in enumerate(markets):
            got = cells.get((category, market))
            n = int(got["items"]) if got else 0
            x, y, w, h = j - 0.46, i - 0.40, 0.92, 0.36
            if not got or not n:
                ax.add_patch(Rectangle((x, y), w, h, color="#e6e6e6"))
                ax.text(j, i + 0.2, "no items", ha="center", va="center", fontsize=font)
                continue
            r = got
            left = x
            for level in _LEVELS:
                share = float(r[f"share_{level}"])
                if share > 0:
                    ax.add_patch(Rectangle((left, y), w * share, h, color=LEVEL_HEX[level],
                                           linewidth=0))
                    left += w * share
            high = (int(r["items_high"]) + int(r["items_critical"])) / n
            ax.text(j, i + 0.2, f"{high:.0%} high+ · {compact_count(n)}", ha="center",
                    va="center", fontsize=font, color="#222222")
    ax.set_xticks(range(len(markets)), [m.upper() for m in markets], fontsize=font + 1)
    ax.set_yticks(
        range(len(categories)),
        [(f"#{ranks[c]} " if c in ranks else "") + f"{labels.get(c, c)} "
         f"({compact_count(items[c])})" for c in categories],
        fontsize=font + 1,
    )
    for tick, category in zip(ax.get_yticklabels(), categories, strict=True):
        if category in ranks:
            tick.set_fontweight("bold")
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.legend(
        handles=[Patch(color=LEVEL_HEX[lv], label=lv) for lv in _LEVELS],
        loc="outside lower center", ncols=4, fontsize=font, frameon=False,
    )
    fig.suptitle(f"{title}: share of items at each level", fontsize=font + 3)
    ax.xaxis.set_label_position("bottom")
    ax.set_xlabel(
        "Each cell: its items' shares at low, medium, high and critical exposure; the share "
        "at high or critical; its item count. #1-#3: the top sources of vulnerability.\n"
        f"Knowledge base as of {kb_as_of}. Risk assessment, not legal advice.",
        fontsize=font,
        color="#555555",
    )
    metadata: dict[str, Any] = {"Software": "clearance"}
    fig.savefig(png, format="png", metadata=metadata)
    with matplotlib.rc_context({"svg.hashsalt": "clearance", "svg.fonttype": "path"}):
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "clearance"})
