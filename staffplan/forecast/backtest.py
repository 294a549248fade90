"""Rolling-origin backtest: every model refitted at each origin, scored on what followed.

The last ``origins × horizon_days`` days of the history are held out in consecutive
windows; before each window every model is fitted to the ``train_weeks`` weeks before it.
Scores per model (one row each):

- ``mase``: mean absolute error over the window divided by the in-sample mean absolute
  error of the weekly seasonal naive forecast over the training weeks, averaged over
  origins and queues (below 1 beats "same as last week" in-sample);
- ``wape``: sum of absolute errors / sum of actual contacts, per interval; ``wape_daily``
  the same on daily totals (planning-zone days);
- ``coverage80``/``coverage95``: share of intervals inside the 80 %/95 % interval, over
  intervals where the forecast or the actual is non-zero (a closed slot proves nothing);
- ``fit_predict_s``: mean seconds to fit and predict one origin (compute time: the sum
  over its queues, wherever they ran).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd

from staffplan.engine import IN_PROCESS, Progress, Workers
from staffplan.errors import InputError, whole_number
from staffplan.forecast._base import Forecaster, Horizon, queue_parts
from staffplan.tables.dates import check_horizon_days

LEVELS = (80, 95)


def backtest(
    history: pd.DataFrame,
    models: Sequence[Forecaster],
    *,
    origins: int = 4,
    horizon_days: int = 7,
    train_weeks: int = 16,
    market: pd.DataFrame | None = None,
    realised_market: bool = False,
    workers: Workers = IN_PROCESS,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score ``models``; returns (summary with one row per model, scores per origin).

    Without ``realised_market`` a model sees market prices only up to each origin (an
    honest forecast); with it, the realised prices over the window too (a conditional
    forecast: "had we known how the market would move"). Each queue × origin is one task
    on ``workers`` (every model fitted and scored on it); ``progress(done, total)``
    counts them.
    """
    check_windows(origins, horizon_days, train_weeks)
    windows, tasks, seconds = [], [], []
    for number, origin in enumerate(_origins(history, origins, horizon_days, train_weeks)):
        train, actual = window_rows(history, origin, train_weeks, horizon_days)
        known = None if market is None else known_by(market, origin)
        window, rows, prepare_s = [], [], []
        for model in models:
            began = time.perf_counter()
            prepared = copy.deepcopy(model)
            rows.append(dict(queue_parts(prepared.prepare(train, known))))
            ahead = market if realised_market else None
            window.append((prepared, prepared.horizon(origin, horizon_days, ahead)))
            prepare_s.append(time.perf_counter() - began)
        windows.append((origin, window))
        seconds.append(prepare_s)
        tasks += queue_tasks(number, rows, train, actual)
    scored = workers.map(score_queue, tasks, common=(windows,), progress=progress)
    return assemble(windows, tasks, scored, seconds, [m.name for m in models])


def window_rows(
    history: pd.DataFrame, origin: pd.Timestamp, train_weeks: int, horizon_days: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of ``history`` a window trains on (``train_weeks`` before ``origin``) and
    the rows it is scored on (``horizon_days`` from ``origin``)."""
    times = history["interval_start"]
    train = history[(times < origin) & (times >= origin - pd.DateOffset(weeks=train_weeks))]
    actual = history[(times >= origin) & (times < origin + pd.DateOffset(days=horizon_days))]
    return train, actual


def queue_tasks(
    number: int, rows: list[dict[str, pd.DataFrame]], train: pd.DataFrame, actual: pd.DataFrame
) -> list[tuple[int, str, list[pd.DataFrame], pd.DataFrame | None, pd.Series]]:
    """The :func:`score_queue` tasks of window ``number``: per queue, its prepared rows for
    each model (``rows``), its actual rows and its naive scale from ``train``."""
    scale = _naive_scale(train)
    actual_parts = dict(queue_parts(actual))
    return [
        (number, queue, [r[queue] for r in rows], actual_parts.get(queue), scale.reindex([queue]))
        for queue in rows[0]
    ]


def score_queue(
    windows: list[tuple[pd.Timestamp, list[tuple[Forecaster, Horizon]]]],
    task: tuple[int, str, list[pd.DataFrame], pd.DataFrame | None, pd.Series],
) -> list[tuple[list[dict], float]]:
    """One task: every prepared model of window ``task[0]`` fitted to one queue's rows
    and scored on what followed; per model, the score rows and the seconds it took."""
    number, queue, rows_by_model, actual, scale = task
    origin, window = windows[number]
    out = []
    for (model, horizon), rows in zip(window, rows_by_model, strict=True):
        began = time.perf_counter()
        forecast = model.queue_forecast(queue, model.fit_queue(queue, rows), horizon, LEVELS)
        seconds = time.perf_counter() - began
        scores = [] if actual is None else _score(forecast, actual, scale, model.name, origin)
        out.append((scores, seconds))
    return out


def assemble(
    windows: list[tuple[pd.Timestamp, list[tuple[Forecaster, Horizon]]]],
    tasks: list[tuple],
    scored: list[list[tuple[list[dict], float]]],
    prepare_s: list[list[float]],
    names: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows in the order of a one-process run (origin, model, queue), each with its
    model's seconds for the whole origin (preparing plus every queue's fit and forecast)."""
    rows = []
    for number in range(len(windows)):
        mine = [result for task, result in zip(tasks, scored, strict=True) if task[0] == number]
        for m in range(len(names)):
            seconds = prepare_s[number][m] + sum(result[m][1] for result in mine)
            rows += [{**row, "fit_predict_s": seconds} for result in mine for row in result[m][0]]
    per_origin = pd.DataFrame(rows)
    return summarise(per_origin, names), per_origin


def check_windows(origins: int, horizon_days: int, train_weeks: int) -> None:
    """At least one origin and one training week, a horizon within range."""
    check_horizon_days(horizon_days)
    for parameter, value, unit in (
        ("origins", origins, "origin"),
        ("train_weeks", train_weeks, "week"),
    ):
        if whole_number(value, parameter, f"{unit}s", 4) < 1:
            raise InputError(f"{value} is out of range; use at least 1 {unit}", parameter=parameter)


def _origins(
    history: pd.DataFrame, origins: int, horizon_days: int, train_weeks: int
) -> list[pd.Timestamp]:
    times = history["interval_start"]
    step = pd.Series(times.unique()).sort_values().diff().min()
    return window_starts(times.min(), times.max(), step, origins, horizon_days, train_weeks)


def window_starts(
    first: pd.Timestamp,
    last: pd.Timestamp,
    step: pd.Timedelta,
    origins: int,
    horizon_days: int,
    train_weeks: int,
) -> list[pd.Timestamp]:
    """Window starts of a history from ``first`` to ``last`` (interval starts, ``step``
    apart): local midnights, the last window ending after the last full day."""
    end = (last + step).normalize()
    needed_days = origins * horizon_days + 7 * train_weeks  # whole days: no date overflow
    wall_clock = end.tz_localize(None) - first.tz_localize(None)  # days across DST
    covered_days = wall_clock // pd.Timedelta(days=1)
    if covered_days < needed_days:
        raise InputError(
            f"the history covers {covered_days} days ({first:%Y-%m-%d} to "
            f"{end:%Y-%m-%d}), but {origins} origins of {horizon_days} days after "
            f"{train_weeks} training weeks need {needed_days:,}; use fewer --origins or "
            "--train-weeks"
        )
    return [end - pd.DateOffset(days=horizon_days * k) for k in range(origins, 0, -1)]


def known_by(market: pd.DataFrame, origin: pd.Timestamp) -> pd.DataFrame:
    """Price bars that had closed by ``origin``."""
    bar = market["timestamp"].diff().median()
    return market[market["timestamp"] + bar <= origin]


def _naive_scale(train: pd.DataFrame) -> pd.Series:
    """Per queue, the mean absolute week-over-week change (same local clock time)."""
    wall = train["interval_start"].dt.tz_localize(None)
    now = pd.DataFrame({"queue": train["queue"], "wall": wall, "volume": train["volume"]})
    before = now.assign(wall=now["wall"] + pd.Timedelta(days=7))
    pairs = now.merge(before, on=["queue", "wall"], suffixes=("", "_week_before"))
    change = (pairs["volume"] - pairs["volume_week_before"]).abs()
    return change.groupby(pairs["queue"]).mean()


def _score(
    forecast: pd.DataFrame,
    actual: pd.DataFrame,
    scale: pd.Series,
    model: str,
    origin: pd.Timestamp,
) -> list[dict]:
    both = forecast.merge(
        actual[["queue", "interval_start", "volume"]],
        on=["queue", "interval_start"],
        suffixes=("", "_actual"),
    )
    rows = []
    for queue, part in both.groupby("queue", sort=True):
        y, f = part["volume_actual"].to_numpy(), part["volume"].to_numpy()
        day = part["interval_start"].dt.tz_localize(None).dt.normalize()
        daily = part.groupby(day)[["volume", "volume_actual"]].sum()
        open_ = (y > 0) | (f > 0)
        row = {
            "model": model,
            "origin": origin,
            "queue": queue,
            "mase": np.mean(np.abs(y - f)) / scale.get(queue, np.nan),
            "abs_error": np.abs(y - f).sum(),
            "abs_error_daily": (daily["volume"] - daily["volume_actual"]).abs().sum(),
            "actual": y.sum(),
            "open_intervals": int(open_.sum()),
        }
        for level in LEVELS:
            inside = (part[f"lo{level}"] <= y) & (y <= part[f"hi{level}"])
            row[f"inside{level}"] = int((inside & open_).sum())
        rows.append(row)
    return rows


def summarise(per_origin: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """One row per model from per-origin scores (see the module docstring)."""
    grouped = per_origin.groupby("model", sort=False)
    summary = pd.DataFrame(
        {
            "mase": grouped["mase"].mean(),
            "wape": grouped["abs_error"].sum() / grouped["actual"].sum(),
            "wape_daily": grouped["abs_error_daily"].sum() / grouped["actual"].sum(),
            **{
                f"coverage{level}": grouped[f"inside{level}"].sum()
                / grouped["open_intervals"].sum()
                for level in LEVELS
            },
            "fit_predict_s": per_origin.groupby(["model", "origin"], sort=False)["fit_predict_s"]
            .first()
            .groupby(level=0, sort=False)
            .mean(),
            "origins": grouped["origin"].nunique(),
        }
    )
    return summary.reindex(list(order)).reset_index()
