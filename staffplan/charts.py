"""What every chart shares: text drawn exactly as written, PNG and SVG output, the tables
behind the heat maps (:mod:`staffplan.heat_map` writes those as SVG).

Queue, scenario and agent names go into titles, legends and tick labels. matplotlib
reads text between two ``$`` as mathtext (TeX-like math) and raises on what it cannot
parse, so a queue called ``$\\x$`` would crash a chart. Every function that draws or
saves a chart is wrapped in :func:`literal_text`, which turns math parsing (and TeX) off
while it runs (tick labels are made while saving, so saving needs it too).

Charts are bare :class:`~matplotlib.figure.Figure` objects (no pyplot: no global backend,
nothing left open). :func:`figure_png` and :func:`figure_svg` save one without a creation
date, so the same data gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Params = ParamSpec("Params")
Drawn = TypeVar("Drawn")

SVG_ID = re.compile(r'(\bid="|url\(#|href="#)')  # where an SVG id is set or referenced
SVG_FONTS = ("DejaVu Sans", "Arial", "Helvetica")  # matplotlib's layout font, then look-alikes
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def literal_text(draw: Callable[Params, Drawn]) -> Callable[Params, Drawn]:
    """``draw`` with every text it creates taken literally (no mathtext, no TeX)."""

    @functools.wraps(draw)
    def drawing(*args: Params.args, **kwargs: Params.kwargs) -> Drawn:
        import matplotlib  # only charts load it

        with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
            return draw(*args, **kwargs)

    return drawing


@literal_text
def figure_png(figure: Figure, *, dpi: int = 100) -> bytes:
    """``figure`` as PNG bytes at ``dpi`` dots per inch."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


@literal_text
def figure_svg(figure: Figure, *, id_prefix: str) -> str:
    """``figure`` as an ``<svg>`` element to inline in HTML (no XML prolog).

    Text stays text (the browser's fonts draw it, crisp at any zoom, and selectable).
    Every id in the SVG (and every reference to one) starts with ``id_prefix`` and ``-``:
    give each chart on a page its own prefix, so no two inlined charts share an id.
    """
    import matplotlib

    buffer = io.StringIO()
    # Each text's style names its fonts: a short list keeps the page small.
    fonts = {"font.sans-serif": list(SVG_FONTS)}
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": id_prefix, **fonts}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    return SVG_ID.sub(lambda m: f"{m[1]}{id_prefix}-", text)


def set_margins(
    figure: Figure,
    *,
    left_in: float,
    right_in: float,
    top_in: float,
    bottom_in: float,
    gap_in: float = 0.0,
) -> None:
    """Place ``figure``'s grid of panels (one column) by fixed margins, inches: from the
    figure's edges and ``gap_in`` between panels (room for the next panel's title).

    ``tight_layout`` and ``layout="constrained"`` find margins by measuring every label,
    which costs more than drawing the figure (a constrained figure is laid out again at
    each save); our labels' room is known, so the margins are fixed instead.
    """
    width, height = figure.get_size_inches()
    rows = figure.axes[0].get_subplotspec().get_topmost_subplotspec().get_gridspec().nrows
    panel_in = (height - top_in - bottom_in - gap_in * (rows - 1)) / rows
    figure.subplots_adjust(
        left=left_in / width,
        right=1 - right_in / width,
        top=1 - top_in / height,
        bottom=bottom_in / height,
        hspace=gap_in / panel_in,
    )


def hour_by_weekday(
    times: pd.Series, values: pd.Series, *, within_hour: str = "sum"
) -> pd.DataFrame:
    """A 24 × weekday table: per hour of day (rows 0-23) and weekday (columns ``Mon`` to
    ``Sun``, only those present), the mean over the dates of that weekday of ``values``
    aggregated within each clock hour by ``within_hour`` (``"sum"``: contacts per hour;
    ``"mean"``: agents on an average interval). ``times`` are tz-aware interval starts,
    read on their own zone's wall clock; hours no date has are NaN.
    """
    frame = pd.DataFrame(
        {
            "date": times.dt.date.to_numpy(),
            "weekday": times.dt.day_of_week.to_numpy(),
            "hour": times.dt.hour.to_numpy(),
            "value": values.to_numpy(dtype=float),
        }
    )
    hourly = frame.groupby(["date", "weekday", "hour"], sort=True)["value"].agg(within_hour)
    table = hourly.groupby(level=["hour", "weekday"]).mean().unstack("weekday")
    table = table.reindex(index=range(24), columns=sorted(table.columns))
    table.columns = [WEEKDAY_NAMES[day] for day in table.columns]
    return table.rename_axis(index="hour", columns="weekday")


def value_range(tables: Iterable[pd.DataFrame]) -> tuple[float, float]:
    """The lowest and highest finite value in ``tables``: one colour scale for several
    heat maps (``heatmap_svg(..., limits=value_range(tables))``)."""
    values = np.concatenate([t.to_numpy(dtype=float).ravel() for t in tables])
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)


@literal_text
def grouped_bars_figure(table: pd.DataFrame, *, ylabel: str, title: str = "") -> Figure:
    """Bars side by side for each row of ``table``: its index labels the groups (e.g.
    days), each column is one bar per group (named in the legend), and every bar carries
    its value, rounded to a whole number."""
    from matplotlib.figure import Figure

    groups, series = len(table.index), len(table.columns)
    width = 0.8 / max(series, 1)
    figure = Figure(figsize=(1.2 + 0.3 * groups * series, 3.0))
    ax = figure.subplots()
    top_in = 0.3 if title else 0.05
    set_margins(figure, left_in=0.65, right_in=0.05, top_in=top_in, bottom_in=0.6)
    where = np.arange(groups)
    for i, column in enumerate(table.columns):
        offset = (i - (series - 1) / 2) * width
        bars = ax.bar(where + offset, table[column].to_numpy(dtype=float), width, label=str(column))
        ax.bar_label(bars, fmt="{:,.0f}", fontsize=7, padding=1)
    ax.set_xticks(where, [str(label) for label in table.index])
    ax.tick_params(axis="x", length=0, labelsize=8)
    ax.set_ylabel(ylabel)
    ax.margins(y=0.15)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=series, fontsize=8,
              frameon=False)  # fmt: skip
    if title:
        ax.set_title(title, fontsize=10)
    return figure
