"""A chart of required vs scheduled agents per interval, with the gaps shaded red and the
surplus the integer schedule accepted shaded grey (its causes: :mod:`.surplus`).

One panel per queue, up to ``MAX_PANELS``; with more queues one panel shows the totals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.charts import figure_png, literal_text, set_margins

if TYPE_CHECKING:  # matplotlib loads when a chart is drawn, not with the solver
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_PANELS = 6


def coverage_png(coverage: pd.DataFrame, *, title: str = "") -> bytes:
    """PNG bytes of :func:`coverage_figure`."""
    return figure_png(coverage_figure(coverage, title=title))


@literal_text
def coverage_figure(coverage: pd.DataFrame, *, title: str = "") -> Figure:
    """Required vs scheduled agents per interval of ``coverage`` (the coverage table)."""
    from matplotlib.figure import Figure

    panels = _panels(coverage)
    fig = Figure(figsize=(12, 2.6 * len(panels) + 0.8))
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)
    for ax, (label, frame) in zip(axes[:, 0], panels, strict=True):
        _draw(ax, label, frame)
    axes[0, 0].legend(loc="upper right", fontsize=8, ncols=3)
    axes[-1, 0].set_xlabel(f"interval start ({coverage['interval_start'].dt.tz})")
    if title:
        fig.suptitle(title)
    top_in = 0.7 if title else 0.35
    set_margins(fig, left_in=0.65, right_in=0.15, top_in=top_in, bottom_in=0.6, gap_in=0.42)
    return fig


def _panels(coverage: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    queues = list(dict.fromkeys(coverage["queue"]))
    if len(queues) <= MAX_PANELS:
        return [(q, coverage[coverage["queue"] == q]) for q in queues]
    total = coverage.groupby("interval_start", sort=True)[["required", "scheduled"]].sum()
    return [(f"all {len(queues)} queues", total.reset_index())]


def _draw(ax: Axes, label: str, frame: pd.DataFrame) -> None:
    times = frame["interval_start"].dt.tz_localize(None).to_numpy()
    required = frame["required"].to_numpy(dtype=float)
    scheduled = frame["scheduled"].to_numpy(dtype=float)
    ax.step(times, required, where="post", color="black", linewidth=1.0, label="required")
    ax.step(times, scheduled, where="post", color="tab:blue", linewidth=1.0, label="scheduled")
    short = scheduled < required - 1e-9
    ax.fill_between(
        times,
        scheduled,
        required,
        where=short,
        step="post",
        color="tab:red",
        alpha=0.5,
        label="gap",
        interpolate=False,
    )
    ax.fill_between(
        times,
        required,
        scheduled,
        where=scheduled > required + 1e-9,
        step="post",
        color="tab:gray",
        alpha=0.35,
        label="surplus (shift shapes, whole agents)",
        interpolate=False,
    )
    missing = float(np.maximum(required - scheduled, 0).sum())
    ax.set_title(
        f"{label}: {int(short.sum())} intervals short ({missing:g} agent-intervals)", fontsize=9
    )
    ax.set_ylabel("agents")
    ax.grid(True, alpha=0.3)
