"""Heatmaps from a support document: cases x columns, colored by status (matplotlib, Agg). heatmap.png has one
panel per path, for a glance at a small matrix; heatmap-<path>.png one path each, readable at any matrix size.

Byte-for-byte deterministic: no pyplot state, matplotlib's default style whatever the local matplotlibrc says,
and no Software/date metadata in the PNG.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reports.builder import view
from reports.builder.statuses import STATUS_ORDER, style

CELL_INCHES = 0.17
MIN_PANEL_INCHES = 1.3  # wide enough for the path's name above a panel of few columns
MIN_FIGURE_INCHES = 6.5
DPI = 100


def heatmaps(document: dict[str, Any]) -> dict[str, bytes]:
    """{file name: PNG bytes}: heatmap.png and one heatmap-<path>.png per path; {} when nothing was measured."""
    if not document["columns"] or not document["paths"]:
        return {}
    return {
        "heatmap.png": heatmap_png(document, document["paths"]),
        **{f"heatmap-{view.file_stem(path)}.png": heatmap_png(document, [path])
           for path in document["paths"]},
    }


def heatmap_png(document: dict[str, Any], paths: Sequence[str]) -> bytes:
    """One panel per path, side by side, sharing the case labels."""
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    columns = document["columns"]
    kinds = [*STATUS_ORDER, "unknown", None]  # None: not measured
    rank = {kind: index for index, kind in enumerate(kinds)}
    families = [(group["family"], group["cases"]) for group in document["families"]]
    cases = [case for _, group in families for case in group]
    cells = view.cells_by_key(document)

    panel_inches = max(len(columns) * CELL_INCHES, MIN_PANEL_INCHES)
    longest_label = max(len(column["label"]) for column in columns)
    left, top, bottom = 2.3, 0.75, 0.6 + 0.05 * longest_label
    panels_width = len(paths) * panel_inches + (len(paths) - 1) * 0.15
    right = max(1.2, MIN_FIGURE_INCHES - left - panels_width)  # room for family names, and for the title
    width = left + right + panels_width
    height = top + bottom + len(cases) * CELL_INCHES
    # FreeType's autohinter at 8x (the default style's hinting) was most of the cost of the labels' text
    with matplotlib.style.context(["default", {"text.hinting": "no_hinting", "text.hinting_factor": 1}]):
        figure = Figure(figsize=(width, height), dpi=DPI)
        FigureCanvasAgg(figure)
        grid = figure.add_gridspec(1, len(paths), left=left / width, right=1 - right / width, top=1 - top / height,
                                   bottom=bottom / height, wspace=0.15 / panel_inches)
        colormap = ListedColormap([style(kind).color for kind in kinds])
        norm = BoundaryNorm([index - 0.5 for index in range(len(kinds) + 1)], len(kinds))
        for index, path in enumerate(paths):
            axes = figure.add_subplot(grid[0, index])
            values = [[rank.get(_status(cells.get((path, case, column["key"]))), rank["unknown"])
                       for column in columns] for case in cases]
            x_edges = [x - 0.5 for x in range(len(columns) + 1)]
            y_edges = [y - 0.5 for y in range(len(cases) + 1)]
            axes.pcolormesh(x_edges, y_edges, values, cmap=colormap, norm=norm, edgecolors="white", linewidth=0.4)
            axes.set_xlim(x_edges[0], x_edges[-1])
            axes.set_ylim(y_edges[-1], y_edges[0])  # the first case at the top
            axes.set_title(path, fontsize=8)
            _labels(axes, [column["label"] for column in columns], cases if index == 0 else [])
            _family_lines(axes, families, label=index == len(paths) - 1, columns=len(columns))
        handles = [Patch(facecolor=style(kind).color, edgecolor="#999999", label=kind or "not measured")
                   for kind in kinds if kind != "unknown"]
        figure.legend(handles=handles, loc="lower center", ncol=5, fontsize=7, frameon=False)
        data = document["data"]
        figure.suptitle(f"{document['title']}{f': {paths[0]}' if len(paths) == 1 else ''}\n"
                        f"measured {data['date']}, {view.plural(len(data['files']), 'results file')}", fontsize=8,
                        y=1 - 0.08 / height)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _status(cell: dict[str, Any] | None) -> str | None:
    return None if cell is None else cell["status"]


def _labels(axes, column_labels: list[str], row_labels: list[str]) -> None:
    """Column labels under the panel, row labels left of it: plain texts, not ticks (a tick is five artists, and
    an axis measures every label of its ticks at each draw)."""
    from matplotlib.transforms import offset_copy

    axes.set_xticks([])
    axes.set_yticks([])
    below = offset_copy(axes.get_xaxis_transform(), fig=axes.figure, y=-2, units="points")
    left = offset_copy(axes.get_yaxis_transform(), fig=axes.figure, x=-2, units="points")
    for x, label in enumerate(column_labels):
        axes.text(x, 0, label, transform=below, rotation=90, fontsize=6, ha="center", va="top")
    for y, label in enumerate(row_labels):
        axes.text(0, y, label, transform=left, fontsize=6, ha="right", va="center")


def _family_lines(axes, families: list[tuple[str, list[str]]], label: bool, columns: int) -> None:
    """A line between families; on the last panel, each family's name to the right of its rows."""
    row = 0
    for family, cases in families:
        if row:
            axes.axhline(row - 0.5, color="white", linewidth=2)
        if label:
            axes.text(columns - 0.5 + 0.4, row + (len(cases) - 1) / 2, family, fontsize=6, va="center", ha="left",
                      clip_on=False)
        row += len(cases)
