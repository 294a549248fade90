"""A simulation's outputs: ``simulation.csv`` and ``daily.csv``, and the chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan import tables
from staffplan.charts import figure_png, literal_text, set_margins
from staffplan.simulate.run import SimulationResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PEAK_QUANTILE = 0.9  # intervals in a queue's top 10% of volume are shaded as peaks


def simulation_files(result: SimulationResult) -> dict[str, str]:
    """File name → text of a simulation's output folder: the per-interval band
    (``simulation.csv``) and the per-day table (``daily.csv``)."""
    return {
        "simulation.csv": tables.to_csv_text(result.intervals),
        "daily.csv": tables.to_csv_text(result.daily),
    }


def plot_simulation(result: SimulationResult) -> bytes:
    """PNG bytes of :func:`simulation_figure`."""
    return figure_png(simulation_figure(result))


@literal_text
def simulation_figure(result: SimulationResult) -> Figure:
    """Per queue, the Erlang-projected service level against the simulated 10th-90th
    percentile band and mean, with the target and the peak intervals shaded."""
    from matplotlib.figure import Figure

    names = list(dict.fromkeys(result.intervals["queue"]))
    figure = Figure(figsize=(12, 3.2 * len(names)), dpi=100)
    for ax, name in zip(figure.subplots(len(names), 1, squeeze=False)[:, 0], names, strict=True):
        rows = result.intervals[result.intervals["queue"] == name]
        target = result.daily.loc[result.daily["queue"] == name, "target"].iloc[0]
        _plot_queue(ax, rows, name, float(target), result.replications)
    set_margins(figure, left_in=0.55, right_in=0.1, top_in=0.3, bottom_in=0.4, gap_in=0.7)
    return figure


def _plot_queue(ax, rows, name: str, target: float, replications: int) -> None:
    starts = rows["interval_start"].dt.tz_localize(None)
    step = starts.diff().iloc[-1] if len(starts) > 1 else pd.Timedelta(minutes=30)
    times = np.append(starts.to_numpy(), (starts.iloc[-1] + step).to_datetime64())

    def edges(column: str) -> np.ndarray:  # repeat the last value so the last step shows
        values = rows[column].to_numpy(dtype=float)
        return np.append(values, values[-1])

    volume = edges("volume")
    busy = volume[:-1] > 0
    if busy.any():
        threshold = np.quantile(volume[:-1][busy], PEAK_QUANTILE)
        if threshold > np.median(volume[:-1][busy]):  # a flat day has no peak
            ax.fill_between(
                times, 0, 1, where=volume >= threshold, step="post", color="#f4a261",
                alpha=0.25, transform=ax.get_xaxis_transform(), label="peak volume (top 10%)",
            )  # fmt: skip
    ax.fill_between(
        times, edges("service_level_p10"), edges("service_level_p90"), step="post",
        color="#4c78a8", alpha=0.3, label=f"simulated 10th-90th percentile ({replications} runs)",
    )  # fmt: skip
    ax.step(times, edges("service_level"), where="post", color="#4c78a8", label="simulated mean")
    ax.step(
        times, edges("erlang_service_level"), where="post", color="#222222", linestyle="--",
        linewidth=1, label="Erlang projection",
    )  # fmt: skip
    ax.axhline(target, color="#e45756", linewidth=1, label=f"target {target:.0%}")
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("service level")
    ax.set_title(f"{name}: simulated vs Erlang service level per interval (planning-zone clock)")
    ax.legend(loc="lower left", fontsize=8, ncol=3)
