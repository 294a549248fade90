"""The forecast chart: history tail, forecast with 80/95 % bands, volatility underneath."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from staffplan.charts import figure_png, literal_text, set_margins
from staffplan.forecast.run import ForecastRun

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TAIL_DAYS = 14
FORECAST_PNG_DPI = 110  # dots per inch of forecast.png


def forecast_png(run: ForecastRun) -> bytes:
    """PNG bytes of :func:`forecast_figure`."""
    return figure_png(forecast_figure(run), dpi=FORECAST_PNG_DPI)


@literal_text
def forecast_figure(run: ForecastRun) -> Figure:
    """One panel per queue (contacts per interval) and, when a market was used, a panel
    of daily realised volatility (observed, then the horizon's path)."""
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    forecast = run.forecast
    queues = list(dict.fromkeys(forecast["queue"]))
    panels = len(queues) + (0 if run.driver.empty else 1)
    figure = Figure(figsize=(12, 2.8 * panels + 0.6))
    axes = figure.subplots(panels, 1, sharex=True, squeeze=False)[:, 0]
    start = forecast["interval_start"].min()
    zone = str(start.tz)
    history = run.history
    tail = history[history["interval_start"] >= start - pd.Timedelta(days=TAIL_DAYS)]
    for ax, queue in zip(axes, queues, strict=False):
        _queue_panel(ax, tail[tail["queue"] == queue], forecast[forecast["queue"] == queue], queue)
    # every queue panel draws the same five things: one legend, on the top panel, says which
    axes[0].legend(loc="upper left", fontsize="small", ncol=5)
    if not run.driver.empty:
        _driver_panel(
            axes[-1], run.driver[run.driver["interval_start"] >= tail["interval_start"].min()]
        )
    locator = mdates.AutoDateLocator()
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes[-1].set_xlabel(f"interval start ({zone})")
    figure.suptitle(
        f"{run.model.name} forecast from {start:%Y-%m-%d %H:%M} ({zone}), "
        f"contacts per {run.model.interval_min_}-minute interval"
    )
    set_margins(figure, left_in=0.75, right_in=0.15, top_in=0.7, bottom_in=0.6, gap_in=0.42)
    return figure


def _local(times: pd.Series) -> pd.Series:
    # matplotlib draws tz-aware times in UTC; draw the planning zone's wall clock instead
    return times.dt.tz_localize(None)


def _queue_panel(ax, history: pd.DataFrame, forecast: pd.DataFrame, queue: str) -> None:
    when = _local(forecast["interval_start"])
    ax.plot(
        _local(history["interval_start"]), history["volume"], color="0.35", lw=0.8, label="history"
    )
    ax.fill_between(
        when,
        forecast["lo95"],
        forecast["hi95"],
        color="tab:blue",
        alpha=0.15,
        lw=0,
        label="95 % interval",
    )
    ax.fill_between(
        when,
        forecast["lo80"],
        forecast["hi80"],
        color="tab:blue",
        alpha=0.3,
        lw=0,
        label="80 % interval",
    )
    ax.plot(when, forecast["volume"], color="tab:blue", lw=1.2, label="forecast")
    peaks = forecast[forecast["peak"]]
    ax.scatter(
        _local(peaks["interval_start"]),
        peaks["volume"],
        s=6,
        color="tab:red",
        zorder=3,
        label="peak (top decile)",
    )
    ax.set_title(f"queue {queue}", loc="left")
    ax.set_ylabel("contacts")
    ax.grid(alpha=0.3)


def _driver_panel(ax, driver: pd.DataFrame) -> None:
    for source, part in driver.groupby("source", sort=False):
        style = "-" if source in ("observed", "conditional") else "--"
        ax.plot(
            _local(part["interval_start"]), 100 * part["daily_vol"], style, lw=1.0, label=source
        )
    ax.set_title("market volatility driver", loc="left")
    ax.set_ylabel("daily realised vol (%)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small", ncol=4)
