"""The contract every forecaster shares: ``fit(history, market)`` and ``predict(...)``.

Subclasses supply a point forecast per (weekday, slot) learned from a
:class:`~staffplan.forecast._days.DayMatrix`; this base class turns it into the forecast
table, with prediction intervals calibrated on the model's own one-week-ahead errors
over the last ``calibration_weeks`` weeks of the history, and applies the ``calendar``
of known events (see :mod:`staffplan.forecast.events`) to the days it names.
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffplan.errors import InputError
from staffplan.forecast import _calendar
from staffplan.forecast._days import DayMatrix, day_matrix
from staffplan.forecast._intervals import Dispersion, fit_dispersion, quantiles
from staffplan.forecast.events import QueueCalendar, queue_calendar
from staffplan.tables.dates import check_horizon_days, parse_start

FORECAST_COLUMNS = ("queue", "interval_start", "volume")


@dataclasses.dataclass(frozen=True)
class QueueFit:
    """What a forecaster learned for one queue."""

    state: Any  # the subclass's point-forecast state
    dispersion: Dispersion  # one-week-ahead predictive variance
    last_day: int  # last complete local day of the history (days since 1970-01-01)
    week_var: float  # added log-level variance per further week ahead


@dataclasses.dataclass(frozen=True)
class Horizon:
    """The intervals to forecast, where they sit on the calendar and their standardised
    volatility drivers and path labels (see :meth:`Forecaster.horizon`)."""

    times: pd.DatetimeIndex
    positions: _calendar.Positions
    drivers: np.ndarray | None
    labels: np.ndarray | str


def queue_parts(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """``(queue, its rows)`` of a table sorted by queue, in queue order."""
    return [(str(queue), rows) for queue, rows in table.groupby("queue", sort=True)]


class Forecaster(abc.ABC):
    """Base class: subclasses set ``name`` and implement ``_fit_point`` and ``_point``."""

    name = ""

    def __init__(
        self,
        history_weeks: int = 16,
        calibration_weeks: int = 10,
        calendar: pd.DataFrame | None = None,
    ) -> None:
        self.history_weeks = history_weeks
        self.calibration_weeks = calibration_weeks
        self.calendar = calendar  # the calendar table (date, event, effect, queue) or None

    # ------------------------------------------------------------------ contract

    def fit(self, history: pd.DataFrame, market: pd.DataFrame | None = None) -> Forecaster:
        """Learn from ``history`` (``queue, interval_start, volume``, contiguous intervals,
        tz-aware in the planning zone) and, for models that use it, ``market`` prices."""
        recent = self.prepare(history, market)
        self.queues_ = {queue: self.fit_queue(queue, part) for queue, part in queue_parts(recent)}
        return self

    def predict(
        self,
        start: pd.Timestamp | str,
        horizon_days: int,
        market: pd.DataFrame | None = None,
        levels: Sequence[int] = (80, 95),
        scenario: str | float | None = None,
    ) -> pd.DataFrame:
        """Forecast ``horizon_days`` local days from ``start``: the forecast table
        ``queue, interval_start, volume, lo<L>, hi<L>..., model, volatility_path``.

        ``volume`` is the expected contacts per interval; ``lo<L>``/``hi<L>`` bound the
        central ``L`` % prediction interval. ``market`` and ``scenario`` choose the
        volatility path (see :func:`staffplan.forecast.volatility.horizon_path`); models
        fitted without a market ignore them and report the volatility path ``none``.
        """
        if not hasattr(self, "queues_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted; call fit() first")
        horizon = self.horizon(start, horizon_days, market, scenario)
        tables = [
            self.queue_forecast(queue, fitted, horizon, levels)
            for queue, fitted in self.queues_.items()
        ]
        return pd.concat(tables, ignore_index=True)

    # ------------------------------------------------------------------ one queue at a time
    # ``fit`` and ``predict`` in steps, so each queue can be fitted and forecast alone (in
    # another process): ``prepare`` learns what the queues share, ``fit_queue`` and
    # ``queue_forecast`` work on one queue and change nothing.

    def prepare(self, history: pd.DataFrame, market: pd.DataFrame | None = None) -> pd.DataFrame:
        """Learn what every queue shares (zone, interval length, market drivers) and each
        queue's calendar effects (from its whole history) from ``history`` (see
        :meth:`fit`) and return the rows each queue is fitted on (its last
        ``history_weeks`` weeks), sorted by queue and time; no queue is fitted yet."""
        history = _checked(history)
        interval_min = history_interval_min(history)
        recent = self._recent(history)
        self.share(
            pd.DatetimeIndex(recent["interval_start"].drop_duplicates()), interval_min, market
        )
        self.learn_calendar(history)
        return recent

    def learn_calendar(self, history: pd.DataFrame) -> None:
        """Each queue's calendar effects, learned from its whole ``history`` (after
        :meth:`share`); nothing without a calendar."""
        if self.calendar is None:
            return
        for queue, rows in queue_parts(history):
            self.calendar_[queue] = queue_calendar(self.calendar, queue, rows, self.interval_min_)

    def share(
        self, times: pd.DatetimeIndex, interval_min: int, market: pd.DataFrame | None = None
    ) -> None:
        """:meth:`prepare` without the rows: learn the zone, ``interval_min`` (minutes) and
        the market drivers over ``times`` (every interval some queue is fitted on, in the
        order of :meth:`prepare`'s table), e.g. when each queue's rows are read elsewhere."""
        self.zone_ = times.tz
        self.interval_min_ = interval_min
        self.n_slots_ = _calendar.MINUTES_PER_DAY // self.interval_min_
        self._fit_market(market, pd.DataFrame({"interval_start": times}))
        self.calendar_: dict[str, QueueCalendar] = {}
        self.queues_: dict[str, QueueFit] = {}

    def recent_rows(self, history: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``history`` each queue is fitted on, as :meth:`prepare` returns them."""
        return self._recent(_checked(history))

    def _recent(self, history: pd.DataFrame) -> pd.DataFrame:
        last = history.groupby("queue")["interval_start"].transform("max")
        return history[history["interval_start"] > last - pd.Timedelta(weeks=self.history_weeks)]

    def fit_queue(self, queue: str, rows: pd.DataFrame) -> QueueFit:
        """What the model learns for ``queue`` from its ``rows`` of :meth:`prepare`'s table."""
        days = self._days(rows)
        _check_days(days, queue)
        known = self.calendar_.get(queue)
        if known is not None:
            days = dataclasses.replace(days, event=np.isin(days.day, known.event_days))
        return self._fit_queue(days)

    def horizon(
        self,
        start: pd.Timestamp | str,
        horizon_days: int,
        market: pd.DataFrame | None = None,
        scenario: str | float | None = None,
    ) -> Horizon:
        """The intervals of ``horizon_days`` local days from ``start`` and their
        volatility path (see :meth:`predict`), the same for every queue."""
        check_horizon_days(horizon_days)
        start = parse_start(start, self.zone_, self.interval_min_)
        times = _calendar.horizon(start, horizon_days, self.interval_min_)
        drivers, labels = self._horizon_drivers(times, market, scenario)
        return Horizon(times, _calendar.positions(times, self.interval_min_), drivers, labels)

    def queue_forecast(
        self, queue: str, fitted: QueueFit, horizon: Horizon, levels: Sequence[int] = (80, 95)
    ) -> pd.DataFrame:
        """The forecast table of one queue fitted as ``fitted`` (see :meth:`predict`)."""
        pos = horizon.positions
        mu = self._point(fitted.state, pos.weekday, pos.slot, horizon.drivers)
        weeks_ahead = np.maximum(pos.day - fitted.last_day - 1, 0) // 7
        level_var = fitted.week_var * weeks_ahead
        known = self.calendar_.get(queue)
        if known is not None:
            multiplier, event_var = known.at(pos.day)
            mu, level_var = mu * multiplier, level_var + event_var
        variance = fitted.dispersion.variance(mu, level_var)
        table = pd.DataFrame({"queue": queue, "interval_start": horizon.times, "volume": mu})
        for level in levels:
            tail = (1 - level / 100) / 2
            table[f"lo{level}"] = quantiles(mu, variance, tail)
            table[f"hi{level}"] = quantiles(mu, variance, 1 - tail)
        return table.assign(model=self.name, volatility_path=horizon.labels)

    # ------------------------------------------------------------------ hooks

    @abc.abstractmethod
    def _fit_point(self, days: DayMatrix, reuse: Any = None) -> Any:
        """Learn the point-forecast state from ``days``; ``reuse`` is the full-history
        state, whose slow-to-fit parts a calibration refit may keep."""

    @abc.abstractmethod
    def _point(
        self, state: Any, weekday: np.ndarray, slot: np.ndarray, drivers: np.ndarray | None
    ) -> np.ndarray:
        """Expected contacts at each (weekday, slot[, drivers])."""

    def _fit_market(self, market: pd.DataFrame | None, history: pd.DataFrame) -> None:
        self.drivers_ = None

    def _history_drivers(self, times: pd.DatetimeIndex) -> np.ndarray | None:
        return None

    def _horizon_drivers(
        self, times: pd.DatetimeIndex, market: pd.DataFrame | None, scenario: str | float | None
    ) -> tuple[np.ndarray | None, np.ndarray | str]:
        return None, "none"

    # ------------------------------------------------------------------ shared steps

    def _days(self, part: pd.DataFrame) -> DayMatrix:
        times = pd.DatetimeIndex(part["interval_start"])
        pos = _calendar.positions(times, self.interval_min_)
        volume = part["volume"].to_numpy(dtype=float)
        return day_matrix(pos, volume, self.n_slots_, self._history_drivers(times))

    def _fit_queue(self, days: DayMatrix) -> QueueFit:
        state = self._fit_point(days)
        dispersion = self._calibrate(days, state)
        return QueueFit(state, dispersion, int(days.day[-1]), _week_log_var(days))

    def _calibrate(self, days: DayMatrix, state: Any) -> Dispersion:
        """Dispersion of one-week-ahead errors on the last weeks (refit before each)."""
        means, actual = [], []
        for weeks_back in range(1, self.calibration_weeks + 1):
            cut = int(days.day[-1]) + 1 - 7 * weeks_back
            train = days.before(cut)
            scored = (days.day >= cut) & (days.day < cut + 7)
            if days.event is not None:  # an event day's error is the calendar's, not noise
                scored &= ~days.event
            week = days.select(scored)
            if len(np.unique(train.weekday)) < 7 or len(week.day) == 0:
                continue
            means.append(self._in_sample(self._fit_point(train, reuse=state), week))
            actual.append(week.volume.ravel())
        if not means:
            means, actual = [self._in_sample(state, days)], [days.volume.ravel()]
        return fit_dispersion(np.concatenate(means), np.concatenate(actual))

    def _in_sample(self, state: Any, days: DayMatrix) -> np.ndarray:
        n_days, n_slots = days.volume.shape
        weekday = np.repeat(days.weekday, n_slots)
        slot = np.tile(np.arange(n_slots), n_days)
        drivers = None if days.drivers is None else days.drivers.reshape(n_days * n_slots, -1)
        return self._point(state, weekday, slot, drivers)


def _checked(history: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in FORECAST_COLUMNS if c not in history.columns]
    if missing:
        raise InputError(
            f"history table has no column {missing[0]!r}; need queue, interval_start, volume"
        )
    if not isinstance(history["interval_start"].dtype, pd.DatetimeTZDtype):
        raise InputError(
            "history interval_start must be timezone-aware; "
            "read it with staffplan.tables.read_history"
        )
    return history.sort_values(["queue", "interval_start"], kind="stable").reset_index(drop=True)


def history_interval_min(history: pd.DataFrame) -> int:
    """The history's interval length in minutes (15, 30 or 60), from its smallest step."""
    steps = history.groupby("queue", sort=True)["interval_start"].diff().dropna()
    if steps.empty:
        raise InputError("history has fewer than two intervals per queue; nothing to learn from")
    minutes = int(steps.min() / pd.Timedelta(minutes=1))
    if minutes < 1 or minutes > 60 or 60 % minutes:
        raise InputError(f"history intervals are {minutes} minutes apart; use 15, 30 or 60")
    return minutes


def _check_days(days: DayMatrix, queue: str) -> None:
    if len(np.unique(days.weekday)) < 7:
        raise InputError(
            f"queue {queue!r}: the history has {len(days.day)} complete day(s); forecasting "
            "needs at least one full week (every weekday once)"
        )


def _week_log_var(days: DayMatrix) -> float:
    """Robust variance of week-to-week changes in the log weekly total (level drift)."""
    week = (days.day[-1] - days.day) // 7
    full = np.bincount(week) == 7
    totals = np.bincount(week, weights=days.totals)[full]
    if len(totals) < 3 or (totals <= 0).any():
        return 0.0
    changes = np.diff(np.log(totals))
    return float((1.4826 * np.median(np.abs(changes - np.median(changes)))) ** 2)
