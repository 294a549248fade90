"""A forecast or backtest from a history folder, each part read by the tasks.

A history too large for one process is a folder of parts (CSV files, or Parquet
partitioned by queue: :mod:`staffplan.tables.folders`). The tasks get the parts' paths,
never their rows: a first round of tasks reads and checks each part and returns each
queue's first and last interval; from those the main process finds the start, checks it
and prepares what the queues share (the market drivers over the intervals they are
fitted on); a second round reads each part again and fits and forecasts its queues
(a backtest: scores them at every origin). The results are the same, to the byte, as
from the one-file history.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
import zoneinfo
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from staffplan.config.forecast import ForecastConfig
from staffplan.engine import Progress, Workers
from staffplan.errors import InputError
from staffplan.forecast._base import Forecaster, Horizon, QueueFit, queue_parts
from staffplan.forecast.backtest import (
    assemble,
    check_windows,
    known_by,
    queue_tasks,
    score_queue,
    window_rows,
    window_starts,
)
from staffplan.forecast.events import QueueCalendar, unseen_warning
from staffplan.forecast.run import (
    ForecastRun,
    backtest_models,
    build_model,
    check_after_history,
    forecast_queue,
    history_gap_warning,
    mark_peaks,
    market_gap_warning,
    next_midnight,
    volatility_driver,
)
from staffplan.tables import read_history
from staffplan.tables.dates import parse_start
from staffplan.tables.folders import check_one_part_per_queue, table_parts

TAIL_DAYS = 14  # days of history before the start kept in the run, for the chart


@dataclasses.dataclass(frozen=True)
class HistoryReader:
    """How a task reads one part: the planning zone, ``interval_min`` (minutes), the
    ``fill_gaps`` choice, and the ``queues`` kept (None: every queue of the part)."""

    zone: zoneinfo.ZoneInfo
    interval_min: int
    fill_gaps: str | None = None
    queues: Collection[str] | None = None

    def read(self, part: Path) -> pd.DataFrame:
        """The part's history counts (see :func:`~staffplan.tables.read_history`)."""
        table = read_history(part, self.zone, self.interval_min, fill_gaps=self.fill_gaps)
        return table if self.queues is None else table[table["queue"].isin(self.queues)]


def forecast_history_parts(
    path: Path,
    reader: HistoryReader,
    start: pd.Timestamp | str | None,
    horizon_days: int,
    *,
    market: pd.DataFrame | None = None,
    settings: ForecastConfig | None = None,
    scenario: str | float | None = None,
    calendar: pd.DataFrame | None = None,
    workers: Workers,
    progress: Progress | None = None,
) -> ForecastRun:
    """:func:`~staffplan.forecast.run.run_forecast` of the history folder ``path``, its
    parts read by the tasks on ``workers`` (see module doc). ``progress(done, total)``
    counts both rounds' tasks. The run's ``history`` holds each queue's last
    :data:`TAIL_DAYS` days before the start (what the chart draws), not the whole history.
    """
    settings = settings or ForecastConfig()
    parts, spans, fitting = _read_spans(path, reader, workers, progress)
    bounds = pd.DataFrame({"interval_start": [spans["first"].min(), spans["last"].max()]})
    if start is None:
        start = next_midnight(bounds["interval_start"].max())
    start = parse_start(start, reader.zone, reader.interval_min)
    check_after_history(bounds, start)
    ends = pd.DataFrame({"queue": spans.index, "interval_start": spans["last"].to_numpy()})
    gap = history_gap_warning(ends, start, settings.max_history_gap_days)
    model = build_model(settings, calendar=calendar)
    step = pd.Timedelta(minutes=reader.interval_min)
    weeks = pd.Timedelta(weeks=model.history_weeks)
    model.share(_intervals(spans, step, weeks), reader.interval_min, market)
    horizon = model.horizon(start, horizon_days, scenario=scenario)
    tail_from = start - pd.Timedelta(days=TAIL_DAYS)
    common = (model, horizon, settings.levels, reader, tail_from)
    fitted = workers.map(forecast_part, parts, common=common, progress=fitting)
    per_queue = sorted((row for part in fitted for row in part), key=lambda row: row[0])
    model.queues_ = {queue: fit for queue, fit, *_ in per_queue}
    model.calendar_ = {queue: known for queue, *_, known in per_queue if known is not None}
    forecast = pd.concat([table for _, _, table, *_ in per_queue], ignore_index=True)
    forecast = mark_peaks(forecast, settings.peak_share)
    past = pd.DataFrame({"interval_start": _intervals(spans, step)})
    driver = volatility_driver(model, past, forecast, scenario)
    tails = pd.concat([tail for _, _, _, tail, _ in per_queue], ignore_index=True)
    unseen = unseen_warning(model.calendar_, horizon.positions.day)
    market_gap = market_gap_warning(model, start, settings.max_history_gap_days)
    warnings = tuple(w for w in (gap, market_gap, unseen) if w is not None)
    return ForecastRun(forecast, model, driver, tails, warnings)


def backtest_history_parts(
    path: Path,
    reader: HistoryReader,
    *,
    origins: int = 4,
    horizon_days: int = 7,
    train_weeks: int = 16,
    market: pd.DataFrame | None = None,
    realised_market: bool = False,
    settings: ForecastConfig | None = None,
    calendar: pd.DataFrame | None = None,
    workers: Workers,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """:func:`~staffplan.forecast.run.run_backtest` of the history folder ``path``: the
    same two rounds as :func:`forecast_history_parts`, the second scoring every window of
    each part's queues in one task (the part is read once)."""
    check_windows(origins, horizon_days, train_weeks)
    models = backtest_models(settings, train_weeks, calendar)
    parts, spans, scoring = _read_spans(path, reader, workers, progress)
    step = pd.Timedelta(minutes=reader.interval_min)
    first, last = spans["first"].min(), spans["last"].max()
    windows, seconds = [], []
    for origin in window_starts(first, last, step, origins, horizon_days, train_weeks):
        known = None if market is None else known_by(market, origin)
        window, prepare_s = [], []
        for model in models:
            began = time.perf_counter()
            prepared = copy.deepcopy(model)
            trained = _trained(spans, step, origin, train_weeks)
            weeks = pd.Timedelta(weeks=prepared.history_weeks)
            prepared.share(_intervals(trained, step, weeks), reader.interval_min, known)
            ahead = market if realised_market else None
            window.append((prepared, prepared.horizon(origin, horizon_days, ahead)))
            prepare_s.append(time.perf_counter() - began)
        windows.append((origin, window))
        seconds.append(prepare_s)
    common = (windows, reader, train_weeks, horizon_days)
    scored = workers.map(score_part, parts, common=common, progress=scoring)
    done = sorted((row for part in scored for row in part), key=lambda row: row[0][:2])
    tasks = [task for task, _ in done]
    scores = [score for _, score in done]
    summary, _ = assemble(windows, tasks, scores, seconds, [m.name for m in models])
    return summary


def score_part(
    windows: list[tuple[pd.Timestamp, list[tuple[Forecaster, Horizon]]]],
    reader: HistoryReader,
    train_weeks: int,
    horizon_days: int,
    part: Path,
) -> list[tuple[tuple, list[tuple[list[dict], float]]]]:
    """One task: read one part and score each of its queues in every window (as
    :func:`~staffplan.forecast.backtest.score_queue`); per queue × window, the task and
    its scores."""
    history = reader.read(part)
    out = []
    for number, (origin, window) in enumerate(windows):
        train, actual = window_rows(history, origin, train_weeks, horizon_days)
        for model, _ in window:
            model.learn_calendar(train)
        rows = [dict(queue_parts(model.recent_rows(train))) for model, _ in window]
        for task in queue_tasks(number, rows, train, actual):
            out.append((task[:2], score_queue(windows, task)))
    return out


def part_spans(reader: HistoryReader, part: Path) -> pd.DataFrame:
    """One task: read and check one part; per queue (the index, sorted), the ``first``
    and ``last`` interval start."""
    times = reader.read(part).groupby("queue", sort=True)["interval_start"]
    return pd.DataFrame({"first": times.min(), "last": times.max()})


def forecast_part(
    model: Forecaster,
    horizon: Horizon,
    levels: tuple[int, ...],
    reader: HistoryReader,
    tail_from: pd.Timestamp,
    part: Path,
) -> list[tuple[str, QueueFit, pd.DataFrame, pd.DataFrame, QueueCalendar | None]]:
    """One task: read one part, fit and forecast each of its queues (model shared by
    :meth:`Forecaster.share`); per queue: name, fit, forecast rows, history from
    ``tail_from`` and the calendar effects learned from its history."""
    history = reader.read(part)
    model.learn_calendar(history)
    recent = model.recent_rows(history)
    tails = dict(queue_parts(history[history["interval_start"] >= tail_from]))
    out = []
    for queue, rows in queue_parts(recent):
        fit, table = forecast_queue(model, horizon, levels, (queue, rows))
        tail = tails.get(queue, history.iloc[:0])
        out.append((queue, fit, table, tail, model.calendar_.get(queue)))
    return out


def _read_spans(
    path: Path, reader: HistoryReader, workers: Workers, progress: Progress | None
) -> tuple[list[Path], pd.DataFrame, Progress]:
    """The first round: the parts of ``path``, each queue's span (sorted by queue), and the
    progress callback of the second round (both rounds count towards one total)."""
    parts = table_parts(path, "history")
    total = 2 * len(parts)

    def reading(done: int, _: int) -> None:
        if progress is not None:
            progress(done, total)

    def second(done: int, _: int) -> None:
        if progress is not None:
            progress(len(parts) + done, total)

    spans = workers.map(part_spans, parts, common=(reader,), progress=reading)
    check_one_part_per_queue((p, span.index) for p, span in zip(parts, spans, strict=True))
    by_queue = pd.concat(spans).sort_index()
    if by_queue.empty:
        raise InputError(f"{path}: no history rows for the queues to forecast")
    return parts, by_queue, second


def _trained(
    spans: pd.DataFrame, step: pd.Timedelta, origin: pd.Timestamp, train_weeks: int
) -> pd.DataFrame:
    """Each queue's span within a window's training rows (``train_weeks`` before
    ``origin``, as :func:`~staffplan.forecast.backtest.window_rows` cuts them); queues
    without any such row left out."""
    since = origin - pd.DateOffset(weeks=train_weeks)
    first, last = spans["first"], spans["last"]
    skipped = ((since - first) / step).clip(lower=0).apply(math.ceil)
    kept = ((origin - first) / step).apply(math.ceil) - 1
    trained = pd.DataFrame(
        {"first": first + skipped * step, "last": (first + kept * step).clip(upper=last)}
    )
    return trained[trained["first"] <= trained["last"]]


def _intervals(
    spans: pd.DataFrame, step: pd.Timedelta, weeks: pd.Timedelta | None = None
) -> pd.DatetimeIndex:
    """The distinct intervals of contiguous per-queue ``spans`` (queue order, then time,
    as :meth:`Forecaster.prepare` meets them), only the last ``weeks`` of each if given."""
    grids = []
    for first, last in spans[["first", "last"]].drop_duplicates().itertuples(index=False):
        begin = first if weeks is None else max(first, last - weeks + step)
        grids.append(pd.date_range(begin, last, freq=step))
    return pd.DatetimeIndex(pd.concat([g.to_series() for g in grids]).drop_duplicates())
