"""The peaks heat map: one panel per queue, weekday rows × local hour columns."""

from __future__ import annotations

import io as _bytes_io

import numpy as np
import pandas as pd

from staffplan.charts import literal_text, set_margins
from staffplan.peaks.tables import WEEKDAYS


@literal_text
def heatmap_figure(heatmap: pd.DataFrame):
    """A matplotlib ``Figure`` of the ``heatmap`` table (see
    :func:`staffplan.peaks.tables.heatmap`): mean contacts per hour, darker = busier."""
    from matplotlib.figure import Figure  # a bare Figure: no pyplot state

    grids = heatmap_grids(heatmap)
    figure = Figure(figsize=(11, 2.6 * len(grids) + 0.6))
    axes = figure.subplots(len(grids), 1, squeeze=False)[:, 0]
    for ax, (queue, grid) in zip(axes, grids.items(), strict=True):
        image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="YlOrRd", interpolation="nearest")
        ax.set_title(f"{queue}: mean contacts per hour")
        ax.set_yticks(range(7), list(grid.index))
        ax.set_xticks(range(0, 24, 2), list(grid.columns[::2]))
        ax.set_xlabel("local hour of day")
        figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    set_margins(figure, left_in=0.6, right_in=0.4, top_in=0.35, bottom_in=0.6, gap_in=0.8)
    return figure


def heatmap_grids(heatmap: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per queue of the ``heatmap`` table, its mean contacts per hour as a weekday (rows
    ``Mon`` to ``Sun``) × local hour of day (columns ``00`` to ``23``) table, NaN where
    the history has no such hour."""
    grids = {}
    for queue, rows in heatmap.groupby("queue", sort=False):
        grid = np.full((7, 24), np.nan)
        weekday = rows["weekday"].map({w: i for i, w in enumerate(WEEKDAYS)}).to_numpy()
        grid[weekday, rows["hour"].to_numpy()] = rows["contacts_per_hour"].to_numpy()
        grids[str(queue)] = pd.DataFrame(
            grid,
            index=pd.Index([w.capitalize() for w in WEEKDAYS], name="weekday"),
            columns=[f"{h:02d}" for h in range(24)],
        )
    return grids


def heatmap_png(heatmap: pd.DataFrame) -> bytes:
    """PNG bytes of :func:`heatmap_figure` (no timestamps in the file: same data, same
    bytes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = heatmap_figure(heatmap)
    FigureCanvasAgg(figure)
    buffer = _bytes_io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()
