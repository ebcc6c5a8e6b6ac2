# SPDX-License-Identifier: Apache-2.0
"""The risk-matrix heatmap (PNG and SVG), drawn with matplotlib's Agg and SVG canvases.

Colour is the share of a cell's items at high or critical exposure; each cell is annotated
with that share and its item count. No pyplot state is touched (a ``Figure`` is built
directly), so drawing is safe in a server and leaves no global configuration behind. Output is
deterministic: no dates in the files, a fixed SVG hash salt.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib
import polars as pl
from matplotlib.figure import Figure

__all__ = ["compact_count", "draw_heatmap", "heat_values"]

_CMAP = "YlOrRd"


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
    title: str = "Share of items at high or critical exposure",
) -> None:
    """Draw the matrix heatmap to ``png`` and ``svg``; rows are categories, columns markets."""
    categories = matrix["category"].unique(maintain_order=True).to_list()
    labels = dict(
        zip(matrix["category"].to_list(), matrix["category_label"].to_list(), strict=True)
    )
    items = {c: 0 for c in categories}
    for r in matrix.filter(pl.col("market") == markets[0]).iter_rows(named=True) if markets else ():
        items[r["category"]] = r["items"]
    counts = {(r["category"], r["market"]): r["items"] for r in matrix.iter_rows(named=True)}
    values = heat_values(matrix, categories, markets)
    rows, cols = max(len(categories), 1), max(len(markets), 1)
    width = max(8.0, min(14.0, 3.6 + 0.72 * cols))
    height = min(11.0, 1.9 + 0.42 * rows)
    font = 7.5 if rows * cols <= 60 else 6.0 if rows * cols <= 160 else 5.0
    fig = Figure(figsize=(width, height), dpi=150, layout="constrained")
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps[_CMAP].with_extremes(bad="#e6e6e6")
    image = ax.imshow(values or [[math.nan]], cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(markets)), [m.upper() for m in markets], fontsize=font + 1)
    ax.set_yticks(
        range(len(categories)),
        [f"{labels.get(c, c)} ({compact_count(items[c])})" for c in categories],
        fontsize=font + 1,
    )
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for i, category in enumerate(categories):
        for j, market in enumerate(markets):
            v = values[i][j]
            n = counts.get((category, market), 0)
            text = "no items" if math.isnan(v) else f"{v:.0%}\n{compact_count(n)}"
            colour = "white" if not math.isnan(v) and v > 0.6 else "#222222"
            ax.text(j, i, text, ha="center", va="center", fontsize=font, color=colour)
    bar = fig.colorbar(image, ax=ax, shrink=0.8, format=matplotlib.ticker.PercentFormatter(1.0))
    bar.ax.tick_params(labelsize=font + 1)
    fig.suptitle(f"{title}, by source category and market", fontsize=font + 3)
    ax.xaxis.set_label_position("bottom")
    ax.set_xlabel(
        "Each cell: share of its items at high or critical exposure, and its item count.\n"
        f"Knowledge base as of {kb_as_of}. Risk assessment, not legal advice.",
        fontsize=font,
        color="#555555",
    )
    metadata: dict[str, Any] = {"Software": "clearance"}
    fig.savefig(png, format="png", metadata=metadata)
    with matplotlib.rc_context({"svg.hashsalt": "clearance", "svg.fonttype": "path"}):
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "clearance"})
