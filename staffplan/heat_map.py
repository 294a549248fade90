"""A heat map written straight as SVG: a grid of coloured cells, each with its value.

A heat map is a table with colours, and SVG says that directly: one ``<rect>`` and one
``<text>`` per cell, a colour scale beside it. Drawn by matplotlib, the same map cost
≈ 0.15-0.2 CPU-s (its layout measures every label: 7 weekdays, 24 hours, 168 values),
and the plan report has eight of them; written here it costs ≈ 2 ms. The browser draws
the text with its own fonts, as it does the other charts' (:func:`staffplan.charts.
figure_svg`), so nothing is measured: label widths for the margins are estimated. The
colours are matplotlib's colour maps, so the maps match the other charts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from staffplan.charts import SVG_FONTS, value_range

if TYPE_CHECKING:
    from matplotlib.colors import Colormap

PT_PER_IN = 72.0
CHAR_EM = 0.75  # a label's width per character at most, in font sizes (DejaVu Sans: 'W' 0.99,
# 'Wed' 0.74 a character, digits 0.64)
TICK_PT, TITLE_PT, CELL_PT, LABEL_PT = 8.0, 10.0, 6.5, 9.0  # font sizes, pt
BASELINE_EM = 0.35  # baseline below a line's middle, in font sizes: text centred on y
SCALE_WIDTH_PT, SCALE_STOPS, SCALE_TICKS = 11.0, 11, 8
SCALE_SHRINK = 0.8  # the colour scale's height, a share of the grid's (centred beside it)
FONT_FAMILY = ", ".join(f"'{font}'" for font in SVG_FONTS) + ", sans-serif"
MISSING_FILL = "#e6e6e6"  # a cell no date has (NaN): blank and grey


class Grid(NamedTuple):
    """Where the cells are in the SVG, pt: top-left corner and one cell's size."""

    left: float
    top: float
    cell_w: float
    cell_h: float


def heatmap_svg(
    table: pd.DataFrame,
    *,
    title: str,
    value_label: str,
    id_prefix: str,
    diverging: bool = False,
    limits: tuple[float, float] | None = None,
    cell_text: Callable[[float], str] | None = None,
) -> str:
    """A heat map of ``table`` as an ``<svg>`` element to inline in HTML: its index labels
    the rows (top to bottom), its columns the columns, e.g.
    :func:`staffplan.charts.hour_by_weekday`.

    ``diverging`` centres the colour scale on 0 (red below, blue above: short and over);
    otherwise light is low and dark is high. ``limits`` (low, high) fixes the scale, so
    several maps compare (default: this table's range). ``cell_text(value)`` writes each
    cell's value on it; NaN cells stay blank and grey. Every id in the SVG starts with
    ``id_prefix`` and ``-`` (one prefix per chart on a page). One map per ``<svg>``, so a
    page can set several side by side or, on a phone, one under another. A map of 7
    columns and 24 rows is 5.1 × 6.2 in.
    """
    cmap, low, high = _colours(table, diverging, limits)
    values = table.to_numpy(dtype=float)
    shade = np.clip((values - low) / (high - low), 0.0, 1.0)
    rows = [str(label) for label in table.index]
    columns = [str(label) for label in table.columns]
    ticks = _scale_ticks(low, high)
    width = (1.6 + 0.5 * max(len(columns), 3)) * PT_PER_IN
    height = (0.9 + 0.22 * len(rows)) * PT_PER_IN
    left = 4 + LABEL_PT * 1.4 + _text_width(rows, TICK_PT) + 4
    right = 6 + SCALE_WIDTH_PT + 5 + _text_width(ticks.labels, TICK_PT) + 4 + LABEL_PT * 1.4
    top = 4 + TITLE_PT * 1.4 + TICK_PT * 1.5
    grid = Grid(
        left,
        top,
        (width - left - right) / max(len(columns), 1),
        (height - top - 4) / max(len(rows), 1),
    )
    grid_w, grid_h = grid.cell_w * len(columns), grid.cell_h * len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.2f}pt" height="{height:.2f}pt" '
        f'viewBox="0 0 {width:.2f} {height:.2f}" version="1.1" '
        f'font-family="{escape(FONT_FAMILY)}">',
        f'<rect width="{width:.2f}" height="{height:.2f}" fill="#ffffff"/>',
        f'<rect x="{left:.2f}" y="{top:.2f}" width="{grid_w:.2f}" height="{grid_h:.2f}" '
        f'fill="{MISSING_FILL}"/>',
        _labels(title, rows, columns, str(table.index.name or ""), grid),
        _cells(values, [_hex(rgba) for rgba in cmap(shade.ravel())], grid),
    ]
    if cell_text is not None:
        dark = np.abs(shade - 0.5) > 0.3 if diverging else shade > 0.6
        parts.append(_cell_texts(values, dark, cell_text, grid))
    scale_h = grid_h * SCALE_SHRINK
    scale_top = top + (grid_h - scale_h) / 2
    parts.append(_scale(cmap, ticks, value_label, id_prefix, left + grid_w + 6, scale_top, scale_h))
    parts.append("</svg>")
    return "".join(parts)


def _colours(
    table: pd.DataFrame, diverging: bool, limits: tuple[float, float] | None
) -> tuple[Colormap, float, float]:
    """The colour map and the values at its two ends (see :func:`heatmap_svg`)."""
    from matplotlib import colormaps  # its colours only: nothing is drawn by matplotlib

    low, high = value_range([table]) if limits is None else limits
    if diverging:
        top = max(abs(low), abs(high)) or 1.0
        return colormaps["RdBu"], -top, top
    return colormaps["YlOrRd"], low, max(high, low + 1e-9)


def _labels(title: str, rows: list[str], columns: list[str], row_axis: str, grid: Grid) -> str:
    """The title and the column labels above the grid, the row labels and ``row_axis``
    (what the rows are) on its left."""
    grid_w, grid_h = grid.cell_w * len(columns), grid.cell_h * len(rows)
    return "".join(
        [
            _text(grid.left + grid_w / 2, 4 + TITLE_PT, title, TITLE_PT, "middle"),
            *(
                _text(grid.left + (j + 0.5) * grid.cell_w, grid.top - 4, name, TICK_PT, "middle")
                for j, name in enumerate(columns)
            ),
            *(
                _text(
                    grid.left - 4, _middle(grid.top, i, grid.cell_h, TICK_PT), name, TICK_PT, "end"
                )
                for i, name in enumerate(rows)
            ),
            _text(4 + LABEL_PT, grid.top + grid_h / 2, row_axis, LABEL_PT, "middle", rotation=-90),
        ]
    )


def _cells(values: np.ndarray, fills: list[str], grid: Grid) -> str:
    """One rectangle per finite cell in its colour (``fills``, row by row), white edges."""
    rects = "".join(
        f'<rect x="{grid.left + j * grid.cell_w:.2f}" y="{grid.top + i * grid.cell_h:.2f}" '
        f'width="{grid.cell_w:.2f}" height="{grid.cell_h:.2f}" fill="{fill}"/>'
        for ((i, j), value), fill in zip(np.ndenumerate(values), fills, strict=True)
        if math.isfinite(value)
    )
    return f'<g stroke="#ffffff" stroke-width="0.5">{rects}</g>'


def _cell_texts(
    values: np.ndarray, dark: np.ndarray, cell_text: Callable[[float], str], grid: Grid
) -> str:
    """Each finite cell's text centred on it, white on the darkest colours."""
    return "".join(
        _text(
            grid.left + (j + 0.5) * grid.cell_w,
            _middle(grid.top, i, grid.cell_h, CELL_PT),
            cell_text(value),
            CELL_PT,
            "middle",
            fill="#ffffff" if dark[i, j] else None,
        )
        for (i, j), value in np.ndenumerate(values)
        if math.isfinite(value)
    )


class Ticks(NamedTuple):
    """The colour scale's range, its round values inside it and their labels."""

    low: float
    high: float
    values: list[float]
    labels: list[str]


def _scale_ticks(low: float, high: float) -> Ticks:
    """Round values between ``low`` and ``high`` (as a colour bar picks them), labelled
    with thousands separators and ``−`` for minus."""
    from matplotlib.ticker import MaxNLocator

    found = MaxNLocator(nbins=SCALE_TICKS, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    values = [float(v) for v in found if low - 1e-9 <= v <= high + 1e-9]
    step = f"{found[1] - found[0]:.6f}".rstrip("0") if len(found) > 1 else "1."
    decimals = len(step.split(".")[1])  # as many as the step has: 0.25 → 2, 200 → 0
    labels = [f"{v + 0.0:,.{decimals}f}".replace("-", "−") for v in values]
    return Ticks(low, high, values, labels)


def _scale(
    cmap: Colormap, ticks: Ticks, label: str, id_prefix: str, x: float, top_y: float, height: float
) -> str:
    """The colour scale: a bar from ``ticks.low`` (bottom) to ``ticks.high`` (top) at
    (``x``, ``top_y``), its ticks labelled on the right and ``label`` beside them."""
    gradient = f"{id_prefix}-scale"
    last = SCALE_STOPS - 1
    stops = "".join(
        f'<stop offset="{k / last:.2f}" stop-color="{_hex(cmap(1 - k / last))}"/>'
        for k in range(SCALE_STOPS)
    )
    parts = [
        f'<defs><linearGradient id="{gradient}" x1="0" y1="0" x2="0" y2="1">{stops}'
        "</linearGradient></defs>",
        f'<rect x="{x:.2f}" y="{top_y:.2f}" width="{SCALE_WIDTH_PT:.2f}" height="{height:.2f}" '
        f'fill="url(#{gradient})"/>',
    ]
    tick_x = x + SCALE_WIDTH_PT
    span = ticks.high - ticks.low
    for value, text in zip(ticks.values, ticks.labels, strict=True):
        y = top_y + height * (ticks.high - value) / span
        parts.append(f'<path d="M {tick_x:.2f} {y:.2f} h 3" stroke="#000000" stroke-width="0.8"/>')
        parts.append(_text(tick_x + 5, y + BASELINE_EM * TICK_PT, text, TICK_PT, "start"))
    label_x = tick_x + 5 + _text_width(ticks.labels, TICK_PT) + 4 + LABEL_PT
    parts.append(_text(label_x, top_y + height / 2, label, LABEL_PT, "middle", rotation=-90))
    return "".join(parts)


def _middle(top: float, row: int, cell_h: float, size_pt: float) -> float:
    """The baseline that centres a line of ``size_pt`` text on row ``row``."""
    return top + (row + 0.5) * cell_h + BASELINE_EM * size_pt


def _text_width(labels: list[str], size_pt: float) -> float:
    """An estimate of the widest label's width, pt."""
    return max((len(label) for label in labels), default=0) * size_pt * CHAR_EM


def _text(
    x: float,
    y: float,
    text: str,
    size_pt: float,
    anchor: str,
    *,
    rotation: int = 0,
    fill: str | None = None,
) -> str:
    """A ``<text>`` element: ``text`` (escaped) with its baseline at (``x``, ``y``),
    anchored ``start``, ``middle`` or ``end``, turned ``rotation`` degrees (negative:
    reads upwards) about that point, black unless ``fill``; nothing if ``text`` is empty."""
    if not text:
        return ""
    turn = f' transform="rotate({rotation} {x:.2f} {y:.2f})"' if rotation else ""
    colour = f' fill="{fill}"' if fill else ""
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size_pt:g}" text-anchor="{anchor}"'
        f"{colour}{turn}>{escape(text, quote=False)}</text>"
    )


def _hex(rgba) -> str:
    """A colour as ``#rrggbb``."""
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgba[:3])
