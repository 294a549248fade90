"""The backlog chart of a plan: contacts waiting and agents on duty, per backlog queue.

One panel per backlog queue; the figure carries no creation date, so the same table
gives the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from staffplan.charts import figure_png, literal_text, set_margins

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def backlog_png(requirements: pd.DataFrame, queues: list[str]) -> bytes:
    """PNG bytes of :func:`backlog_figure`."""
    return figure_png(backlog_figure(requirements, queues))


@literal_text
def backlog_figure(requirements: pd.DataFrame, queues: list[str]) -> Figure:
    """Per queue of ``queues`` (backlog queues of the requirements table), the
    contacts waiting at each interval's end (``backlog_end``) and, on the right axis, the
    agents required (``agents``) across the horizon."""
    from matplotlib.figure import Figure  # only charts load matplotlib

    fig = Figure(figsize=(12, 2.6 * len(queues) + 0.8))
    axes = fig.subplots(len(queues), 1, sharex=True, squeeze=False)[:, 0]
    for ax, name in zip(axes, queues, strict=True):
        rows = requirements[requirements["queue"] == name]
        times = rows["interval_start"].dt.tz_localize(None).to_numpy()
        ax.plot(times, rows["backlog_end"].to_numpy(dtype=float), color="tab:blue", label="waiting")
        ax.set_ylabel("contacts waiting")
        ax.set_title(name, loc="left", fontsize=10)
        agents = ax.twinx()
        agents.fill_between(
            times, rows["agents"].to_numpy(dtype=float), step="post", color="tab:green", alpha=0.25
        )
        agents.set_ylabel("agents (shaded)")
    axes[0].legend(loc="upper right", fontsize=8)
    axes[-1].set_xlabel(f"interval start ({requirements['interval_start'].dt.tz})")
    set_margins(fig, left_in=0.75, right_in=0.65, top_in=0.35, bottom_in=0.6, gap_in=0.42)
    return fig
