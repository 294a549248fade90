"""A backlog queue's rows of the requirements table, and its share answered in time per day.

:func:`backlog_queue` turns one queue's demand rows (``interval_start, offered, aht_s``,
contiguous, in time order) and its config into the arrays of
:mod:`staffplan.backlog.sizing`; :func:`size_backlog` sizes them and returns the sizing
columns of ``requirements.csv`` (docs/tables.md), :func:`day_shares` the per-day table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.backlog.sizing import (
    BacklogPlan,
    BacklogQueue,
    Unreachable,
    evaluate,
    size_queue,
)
from staffplan.errors import ConfigError, InputError
from staffplan.tables.schema import columns

if TYPE_CHECKING:
    from staffplan.config import Config, QueueConfig

SECONDS_PER_HOUR = 3600.0


def open_intervals(interval_start: pd.Series, queue: QueueConfig) -> np.ndarray:
    """Whether each interval (planning-zone timestamps) starts in the queue's opening hours."""
    hours = queue.week_hours()
    weekday = interval_start.dt.day_of_week.to_numpy()
    minute = (interval_start.dt.hour * 60 + interval_start.dt.minute).to_numpy()
    opens = np.array([-1 if h is None else h[0] for h in hours])[weekday]
    closes = np.array([-1 if h is None else h[1] for h in hours])[weekday]
    return (minute >= opens) & (minute < closes)


def backlog_queue(rows: pd.DataFrame, queue: QueueConfig, config: Config) -> BacklogQueue:
    """The sizing arrays of one backlog queue's rows (``interval_start, offered, aht_s``)."""
    interval_s = config.interval_min * 60.0
    return BacklogQueue(
        contacts=rows["offered"].to_numpy(dtype=float),
        aht_s=rows["aht_s"].to_numpy(dtype=float),
        open=open_intervals(rows["interval_start"], queue),
        day=pd.factorize(rows["interval_start"].dt.date, sort=True)[0],
        within=queue.target.answer_within_s / interval_s,
        interval_s=interval_s,
        max_occupancy=queue.max_occupancy,
        service_level=queue.target.service_level,
        handle_cv=handle_cv(config),
        business_hours=queue.target.business_hours,
    )


def handle_cv(config: Config) -> float:
    """Coefficient of variation of handle times the simulation draws: ``aht_cv`` for
    lognormal ones, 1 for exponential ones (also without a ``simulation:`` section)."""
    settings = config.simulation
    if settings is None or settings.handle_time == "exponential":
        return 1.0
    return settings.aht_cv


def size_backlog(rows: pd.DataFrame, queue: QueueConfig, config: Config) -> pd.DataFrame:
    """The sizing columns for one backlog queue's rows (same order): ``agents,
    service_level`` (share of the interval's contacts answered in time), ``asa_s`` (their
    mean wait, s), ``occupancy, p_wait, abandon_rate`` (0), ``backlog_end`` (contacts
    waiting at the interval's end) and ``oldest_age_h`` (hours the oldest of them has
    waited), and ``answered`` (contacts answered in the interval, for escalation). A
    :class:`ConfigError` when no staffing in opening hours meets the target."""
    _check_contiguous(rows["interval_start"], queue.name, config.interval_min)
    arrays = backlog_queue(rows, queue, config)
    try:
        plan = size_queue(arrays)
    except Unreachable as exc:
        raise _unreachable(exc, rows, queue, config) from None
    return _columns(plan, arrays, config.interval_min * 60.0)


def first_gap(times: pd.Series, interval_min: int) -> int | None:
    """Position of the first of ``times`` (in time order) that is not one interval after
    the time before it; None when they are contiguous."""
    steps = times.diff().iloc[1:].to_numpy()
    jumps = np.flatnonzero(steps != pd.Timedelta(minutes=interval_min))
    return int(jumps[0]) + 1 if jumps.size else None


def _check_contiguous(times: pd.Series, name: str, interval_min: int) -> None:
    """A backlog carries over from one interval to the next, so none may be missing
    (:func:`staffplan.staffing.size_requirements` checks it first, naming the row)."""
    gap = first_gap(times, interval_min)
    if gap is not None:
        before, after = (times.iloc[k].isoformat() for k in (gap - 1, gap))
        raise InputError(
            f"forecast: backlog queue {name!r} has no row between {before} and {after}; its "
            "backlog carries over every interval, so give each one a row (volume 0 if none)"
        )


def projected_in_time(
    rows: pd.DataFrame, scheduled: np.ndarray, queue: QueueConfig, config: Config
) -> np.ndarray:
    """Per row of one backlog queue (``interval_start, offered, aht_s``, contiguous, in
    time order): the share of its contacts the ``scheduled`` agents answer in time."""
    arrays = backlog_queue(rows, queue, config)
    return evaluate(arrays, np.asarray(scheduled, dtype=float)).fluid.in_time


def backlog_projection(
    out: np.ndarray,
    queues: pd.Series,
    scheduled: np.ndarray,
    offered: np.ndarray,
    aht_s: np.ndarray,
    interval_start: pd.Series,
    config: Config,
) -> None:
    """Overwrite ``out`` (a service level per row) on the rows of backlog queues with
    :func:`projected_in_time`, each queue's rows taken in time order."""
    names = queues.to_numpy()
    for queue in config.queues:
        at = np.flatnonzero(names == queue.name) if queue.backlog else np.zeros(0, int)
        if at.size == 0:
            continue
        times = interval_start.iloc[at].reset_index(drop=True)
        order = at[np.argsort(times.to_numpy(dtype="datetime64[ns]"), kind="stable")]
        rows = pd.DataFrame(
            {
                "interval_start": interval_start.iloc[order].dt.tz_convert(config.zone),
                "offered": np.asarray(offered, dtype=float)[order],
                "aht_s": np.asarray(aht_s, dtype=float)[order],
            }
        ).reset_index(drop=True)
        out[order] = projected_in_time(rows, np.asarray(scheduled)[order], queue, config)


def _columns(plan: BacklogPlan, queue: BacklogQueue, interval_s: float) -> pd.DataFrame:
    fluid = plan.fluid
    capacity_s = plan.agents * interval_s
    contacts = queue.contacts.sum()
    mean_aht_s = queue.work_s.sum() / contacts if contacts > 0 else float(queue.aht_s.mean())
    waiting = (fluid.backlog_s > 0) | (fluid.wait > 0)
    return pd.DataFrame(
        {
            "agents": plan.agents,
            "service_level": fluid.in_time,
            "asa_s": fluid.wait * interval_s,
            "occupancy": np.divide(
                fluid.served_s, capacity_s, out=np.zeros_like(capacity_s), where=capacity_s > 0
            ),
            "p_wait": waiting.astype(float),
            "abandon_rate": 0.0,
            "backlog_end": fluid.backlog_s / mean_aht_s,
            "answered": fluid.served_s / mean_aht_s,
            "oldest_age_h": fluid.oldest_age * interval_s / SECONDS_PER_HOUR,
        }
    )


def _unreachable(
    exc: Unreachable, rows: pd.DataFrame, queue: QueueConfig, config: Config
) -> ConfigError:
    index = config.queues.index(queue)
    target = queue.target
    hours = target.answer_within_s / SECONDS_PER_HOUR
    if exc.day is None:
        when = "over the horizon"
    else:
        first = np.flatnonzero(
            pd.factorize(rows["interval_start"].dt.date, sort=True)[0] == exc.day
        )
        when = f"on {rows['interval_start'].iloc[first[0]]:%a %Y-%m-%d}"
    return ConfigError(
        f"{config.source or 'config'}: queues[{index}].target: queue {queue.name!r} "
        f"({queue.channel}) can answer at most {exc.best_share:.0%} of the contacts "
        f"arriving {when} within {hours:g} h when agents work only in its open_hours, "
        f"below service_level {target.service_level:g}; no staffing meets it: lengthen "
        "target.answer_within_h, widen open_hours, or lower target.service_level"
    )


def day_shares(
    requirements: pd.DataFrame, config: Config, scheduled_sl: pd.Series | None = None
) -> pd.DataFrame:
    """The ``backlog_daily`` table (docs/tables.md): per backlog queue and planning-zone
    day, the share of the day's contacts answered in time with the required agents (the
    requirements' ``service_level``) and, given ``scheduled_sl`` (per requirements row:
    the schedule's projection), with the scheduled ones. Empty without backlog queues."""
    backlog = [q.name for q in config.queues if q.backlog]
    rows = requirements["queue"].isin(backlog)
    offered = requirements["offered"][rows]
    table = pd.DataFrame(
        {
            "queue": requirements["queue"][rows],
            "day": requirements["interval_start"][rows].dt.strftime("%Y-%m-%d"),
            "contacts": offered,
            "_required": offered * requirements["service_level"][rows],
            "_scheduled": offered * (np.nan if scheduled_sl is None else scheduled_sl[rows]),
            "agent_hours": requirements["agents"][rows] * config.interval_min / 60.0,
        }
    )
    daily = table.groupby(["queue", "day"], sort=False).sum(min_count=1).reset_index()
    contacts = daily["contacts"].where(daily["contacts"] > 0)
    daily["answered_in_time"] = daily.pop("_required") / contacts
    daily["scheduled_in_time"] = daily.pop("_scheduled") / contacts
    daily["target"] = [config.queue(q).target.service_level for q in daily["queue"]]
    return daily[columns("backlog_daily")]
