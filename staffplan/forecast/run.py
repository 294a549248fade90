"""The forecast and backtest jobs: settings in, tables out (the CLI only parses and writes)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from staffplan.config.forecast import ForecastConfig
from staffplan.engine import IN_PROCESS, Progress, Workers
from staffplan.errors import InputError, StaleInputError
from staffplan.forecast import volatility
from staffplan.forecast._base import (
    Forecaster,
    Horizon,
    QueueFit,
    history_interval_min,
    queue_parts,
)
from staffplan.forecast.backtest import backtest, check_windows
from staffplan.forecast.baselines import SameSlotAverage, SeasonalNaive
from staffplan.forecast.events import unseen_warning
from staffplan.forecast.model import StaffplanForecaster
from staffplan.tables.dates import parse_start

SAME_SLOT_WEEKS = 4  # the baseline to beat: the plain 4-week same-slot average


def build_model(
    settings: ForecastConfig, name: str | None = None, calendar: pd.DataFrame | None = None
) -> Forecaster:
    """The forecaster called ``name`` (default ``settings.model``) with ``settings`` and
    the ``calendar`` of known events (see :mod:`staffplan.forecast.events`)."""
    name = name or settings.model
    common = {
        "history_weeks": settings.history_weeks,
        "calibration_weeks": settings.calibration_weeks,
        "calendar": calendar,
    }
    if name == "seasonal_naive":
        return SeasonalNaive(**common)
    if name == "same_slot_average":
        return SameSlotAverage(weeks=SAME_SLOT_WEEKS, **common)
    return StaffplanForecaster(
        level_weeks=settings.level_weeks,
        shape_weeks=settings.shape_weeks,
        outlier_threshold=settings.outlier_threshold,
        volatility_window_h=settings.volatility_window_h,
        shock_window_h=settings.shock_window_h,
        **common,
    )


@dataclasses.dataclass(frozen=True)
class ForecastRun:
    """A forecast with what explains it: the fitted model, the history it was fitted on
    (from a history folder read by the tasks: each queue's last days before the start,
    see :mod:`staffplan.forecast.parts`) and the volatility driver."""

    forecast: pd.DataFrame  # the forecast table plus ``peak``
    model: Forecaster
    driver: pd.DataFrame  # interval_start, daily_vol, source ("observed" or the scenario)
    history: pd.DataFrame
    warnings: tuple[str, ...] = ()  # for the user: e.g. a horizon long after the history


def run_forecast(
    history: pd.DataFrame,
    start: pd.Timestamp | str | None,
    horizon_days: int,
    *,
    market: pd.DataFrame | None = None,
    settings: ForecastConfig | None = None,
    scenario: str | float | None = None,
    calendar: pd.DataFrame | None = None,
    workers: Workers = IN_PROCESS,
    progress: Progress | None = None,
) -> ForecastRun:
    """Fit the configured model and forecast ``horizon_days`` from ``start``.

    ``start`` defaults to the local midnight after the history ends; a ``start`` inside
    the history is an :class:`InputError` (that is a backtest), and one more than
    ``settings.max_history_gap_days`` after it adds a warning to the run. ``market`` serves
    both as the volatility history and, where it reaches into the horizon, as the
    conditional path; an explicit ``scenario`` overrides the latter. The ``calendar``
    table's known events (see :mod:`staffplan.tables.calendar`) are applied; a
    ``learned`` event in the horizon with no earlier day in the history adds a warning.
    Each queue is fitted and forecast alone, one task on ``workers``;
    ``progress(done, total)`` counts queues.
    """
    settings = settings or ForecastConfig()
    if start is None:
        start = next_midnight(history["interval_start"].max())
    zone = history["interval_start"].dt.tz
    start = parse_start(start, zone, history_interval_min(history))
    check_after_history(history, start)  # before the fit: a cheap mistake fails fast
    gap = history_gap_warning(history, start, settings.max_history_gap_days)
    model = build_model(settings, calendar=calendar)
    recent = model.prepare(history, market)
    horizon = model.horizon(start, horizon_days, scenario=scenario)
    parts = queue_parts(recent)
    fitted = workers.map(
        forecast_queue, parts, common=(model, horizon, settings.levels), progress=progress
    )
    model.queues_ = {queue: fit for (queue, _), (fit, _) in zip(parts, fitted, strict=True)}
    forecast = pd.concat([table for _, table in fitted], ignore_index=True)
    forecast = mark_peaks(forecast, settings.peak_share)
    driver = volatility_driver(model, history, forecast, scenario)
    unseen = unseen_warning(model.calendar_, horizon.positions.day)
    market_gap = market_gap_warning(model, start, settings.max_history_gap_days)
    warnings = tuple(w for w in (gap, market_gap, unseen) if w is not None)
    return ForecastRun(forecast, model, driver, history, warnings)


def check_after_history(history: pd.DataFrame, start: pd.Timestamp) -> None:
    """:class:`InputError` (parameter ``start``) unless ``start`` is after the history's
    last interval: a forecast of days the history holds is a backtest."""
    first, last = history_span(history)
    if start <= last:
        raise InputError(
            f"{start.isoformat()} is not after the history ({first.isoformat()} to "
            f"{last.isoformat()}); plan from after its end (leave out --start), or measure "
            "accuracy on past days with `staffplan backtest`",
            parameter="start",
        )


def history_gap_days(history: pd.DataFrame, start: pd.Timestamp) -> float:
    """Days from the history's last interval to ``start``."""
    return (start - history_span(history)[1]) / pd.Timedelta(days=1)


def history_gap_warning(
    history: pd.DataFrame, start: pd.Timestamp, max_gap_days: float
) -> str | None:
    """A warning when ``start`` is more than ``max_gap_days`` after the history ends, or
    after the history of some of its queues ends (when it has a ``queue`` column)."""
    gap = history_gap_days(history, start)
    limit = f"forecast.max_history_gap_days is {max_gap_days:g}"
    if gap > max_gap_days:
        last = history_span(history)[1]
        return (
            f"warning: the horizon starts {gap:.0f} days after the history ends "
            f"({last.isoformat()}; {limit}): the forecast repeats that old pattern; export "
            "a fresher history"
        )
    if "queue" not in history.columns:
        return None
    ends = history.groupby("queue", sort=True)["interval_start"].max()
    stale = ends[(start - ends) / pd.Timedelta(days=1) > max_gap_days]
    if stale.empty:
        return None
    names = ", ".join(f"{queue} ({last.isoformat()})" for queue, last in stale.items())
    return (
        f"warning: the history of {names} ends more than {max_gap_days:g} days before the "
        f"horizon starts ({limit}): {'its' if len(stale) == 1 else 'their'} forecast "
        "repeats that old pattern; export a fresher history"
    )


def market_gap_warning(model: Forecaster, start: pd.Timestamp, max_gap_days: float) -> str | None:
    """A warning when the market prices the model learned from end more than
    ``max_gap_days`` before ``start``: the volatility effect then misses the latest days
    and the horizon's volatility starts from that old level."""
    drivers = model.drivers_
    if drivers is None:
        return None
    last = drivers.known_at[-1]
    gap = (start - last) / pd.Timedelta(days=1)
    if gap <= max_gap_days:
        return None
    return (
        f"warning: {drivers.source}: the market prices end {last.isoformat()}, {gap:.0f} "
        f"days before the horizon starts (forecast.max_history_gap_days is "
        f"{max_gap_days:g}): the volatility effect misses the latest days and the "
        "horizon starts from that old volatility; export fresher prices"
    )


def check_history_age(history: pd.DataFrame, start: pd.Timestamp, max_age_days: float) -> None:
    """:class:`StaleInputError` (exit 6) when ``start`` is more than ``max_age_days`` after
    the history ends (``team.max_history_age_days``: cron must not publish a stale plan)."""
    gap = history_gap_days(history, start)
    if gap > max_age_days:
        last = history_span(history)[1]
        raise StaleInputError(
            f"the history ends {last.isoformat()}, {gap:.0f} days before the week starting "
            f"{start.date()} (team.max_history_age_days is {max_age_days:g}); export a fresh "
            "history, or raise that limit"
        )


def history_span(history: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last ``interval_start`` of the history."""
    times = history["interval_start"]
    return times.min(), times.max()


def forecast_queue(
    model: Forecaster,
    horizon: Horizon,
    levels: Sequence[int],
    part: tuple[str, pd.DataFrame],
) -> tuple[QueueFit, pd.DataFrame]:
    """One task: fit the prepared ``model`` to one queue's rows and forecast ``horizon``."""
    queue, rows = part
    fit = model.fit_queue(queue, rows)
    return fit, model.queue_forecast(queue, fit, horizon, levels)


def next_midnight(last: pd.Timestamp) -> pd.Timestamp:
    """The local midnight after ``last`` (the first day a forecast usually starts)."""
    return (last + pd.Timedelta(days=1)).normalize()


def mark_peaks(forecast: pd.DataFrame, share: float = 0.10) -> pd.DataFrame:
    """Add ``peak``: per queue, true for the busiest ``share`` of the horizon's intervals.

    Ties keep time order; intervals expecting no contacts are never peaks.
    """
    peak = np.zeros(len(forecast), dtype=bool)
    for _, index in forecast.groupby("queue", sort=False).indices.items():
        volume = forecast["volume"].to_numpy()[index]
        count = math.ceil(share * len(index))
        order = np.argsort(-volume, kind="stable")[:count]
        peak[index[order]] = volume[order] > 0
    return forecast.assign(peak=peak)


def volatility_driver(
    model: Forecaster,
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    scenario: str | float | None,
) -> pd.DataFrame:
    """The daily volatility driver over the ``history``'s intervals (observed) and the
    ``forecast``'s (the horizon's path); empty for a model without a market."""
    drivers = model.drivers_
    if drivers is None:
        return pd.DataFrame(columns=["interval_start", "daily_vol", "source"])
    past = pd.DatetimeIndex(history["interval_start"].drop_duplicates().sort_values())
    future = pd.DatetimeIndex(forecast["interval_start"].drop_duplicates())
    seen = volatility.observed(drivers, past).assign(source="observed")
    ahead = volatility.horizon_path(drivers, future, scenario)
    both = pd.concat([seen, ahead.rename(columns={"volatility_path": "source"})])
    both = both[["daily_vol", "source"]].rename_axis("interval_start").reset_index()
    return both.dropna(subset=["daily_vol"])


def backtest_models(
    settings: ForecastConfig | None, train_weeks: int, calendar: pd.DataFrame | None = None
) -> list[Forecaster]:
    """The staffplan model (``settings``) and both baselines, fitted on ``train_weeks``,
    all given the ``calendar`` of known events."""
    base = settings or ForecastConfig()
    settings = dataclasses.replace(
        base,
        history_weeks=train_weeks,
        level_weeks=min(base.level_weeks, train_weeks),
        shape_weeks=min(base.shape_weeks, train_weeks),
    )
    return [
        build_model(settings, name, calendar)
        for name in ("staffplan", "same_slot_average", "seasonal_naive")
    ]


def run_backtest(
    history: pd.DataFrame,
    *,
    origins: int = 4,
    horizon_days: int = 7,
    train_weeks: int = 16,
    market: pd.DataFrame | None = None,
    realised_market: bool = False,
    settings: ForecastConfig | None = None,
    calendar: pd.DataFrame | None = None,
    workers: Workers = IN_PROCESS,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Backtest the staffplan model and both baselines, all given the ``calendar`` of
    known events; one row per model (each queue × origin one task on ``workers``)."""
    check_windows(origins, horizon_days, train_weeks)
    summary, _ = backtest(
        history,
        backtest_models(settings, train_weeks, calendar),
        origins=origins,
        horizon_days=horizon_days,
        train_weeks=train_weeks,
        market=market,
        realised_market=realised_market,
        workers=workers,
        progress=progress,
    )
    return summary
