"""Line up a simulation's schedule and demand per queue.

The schedule decides the horizon: every queue in the coverage table is simulated over
its coverage intervals, which must be contiguous, and the forecast must have a row for
each of them. Forecast queues without a schedule are reported, not simulated.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.engine_inputs import queue_parameters, row_aht_s
from staffplan.errors import InputError
from staffplan.simulate.model import QueueArrays

if TYPE_CHECKING:
    from staffplan.config import Config, QueueConfig

FORECAST_EXTRAS = ("offered", "aht_s", "lo80", "hi80")  # forecast columns used when present
Z80 = 1.2815515655446004  # standard-normal quantile of 0.9: an 80% interval is +-Z80 sd


def queue_arrays(
    forecast: pd.DataFrame, coverage: pd.DataFrame, config: Config
) -> tuple[list[QueueArrays], list[pd.DataFrame]]:
    """Per scheduled queue (config order): its simulation inputs and its interval table
    (see :func:`queue_parts` and :func:`line_up_queue`)."""
    lined_up = [line_up_queue(part, config) for part in queue_parts(forecast, coverage, config)]
    return [arrays for arrays, _ in lined_up], [table for _, table in lined_up]


QueuePart = tuple[str, pd.DataFrame, pd.DataFrame]  # queue name, its coverage and forecast rows


def queue_parts(forecast: pd.DataFrame, coverage: pd.DataFrame, config: Config) -> list[QueuePart]:
    """Per scheduled queue (config order): ``(name, coverage rows, forecast rows)``, the
    coverage in the planning zone and the forecast cut to the columns a simulation reads,
    so each part can be lined up alone (on a worker) by :func:`line_up_queue`."""
    coverage = coverage.assign(interval_start=coverage["interval_start"].dt.tz_convert(config.zone))
    needed = ["queue", "interval_start", "volume", *(c for c in FORECAST_EXTRAS if c in forecast)]
    covered = dict(tuple(coverage.groupby("queue", sort=False)))
    demand = dict(tuple(forecast[needed].groupby("queue", sort=False)))
    empty = forecast[needed].iloc[:0]
    return [
        (queue.name, covered[queue.name], demand.get(queue.name, empty))
        for queue in config.queues
        if queue.name in covered
    ]


def line_up_queue(part: QueuePart, config: Config) -> tuple[QueueArrays, pd.DataFrame]:
    """One queue's simulation inputs and its interval table ``queue, interval_start,
    volume, scheduled``: ``forecast`` rows ``queue, interval_start, volume[, offered][,
    aht_s][, lo80, hi80]``; contacts reaching agents are ``offered`` when present, else
    ``volume``, and their mean handle time is the per-interval ``aht_s`` when present, else
    the queue's. ``coverage`` rows: ``queue, interval_start, scheduled`` (agents, fractions
    allowed). Errors name the queue and the first interval that does not line up."""
    name, rows, forecast = part
    table = _line_up(rows, forecast, name, config)
    arrays = _arrays(table, config.queue(name), config)
    return arrays, table[["queue", "interval_start", "volume", "scheduled"]]


def unscheduled_queues(forecast: pd.DataFrame, coverage: pd.DataFrame, config: Config) -> list[str]:
    """Forecast queues the schedule has no rows for; coverage queues must be in the config."""
    for name in pd.unique(coverage["queue"]):
        config.queue(str(name))
    return sorted(set(forecast["queue"]) - set(coverage["queue"]))


def _line_up(rows: pd.DataFrame, forecast: pd.DataFrame, name: str, config: Config) -> pd.DataFrame:
    rows = rows.sort_values("interval_start", kind="stable").reset_index(drop=True)
    _check_schedule(rows, name, pd.Timedelta(minutes=config.interval_min))
    twice = forecast["interval_start"].duplicated().to_numpy()
    if twice.any():
        when = forecast["interval_start"].iloc[int(np.flatnonzero(twice)[0])].isoformat()
        raise InputError(
            f"forecast: queue {name!r} has {when} twice; keep one row per interval (one scenario)"
        )
    extra = [c for c in FORECAST_EXTRAS if c in forecast]
    table = rows[["queue", "interval_start", "scheduled"]].merge(
        forecast[["interval_start", "volume", *extra]], on="interval_start", how="left"
    )
    missing = table["volume"].isna().to_numpy()
    if missing.any():
        when = table["interval_start"].iloc[int(np.flatnonzero(missing)[0])].isoformat()
        raise InputError(
            f"forecast: queue {name!r} has no row for {when}, which the schedule covers; "
            "forecast the whole scheduled period"
        )
    return _to_offered(table) if "offered" in table else table


def _check_schedule(rows: pd.DataFrame, name: str, step: pd.Timedelta) -> None:
    """Agents are numbers >= 0 and the intervals are contiguous, each once."""
    agents = rows["scheduled"].to_numpy(dtype=float)
    bad = ~np.isfinite(agents) | (agents < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"schedule: queue {name!r} at {rows['interval_start'].iloc[i].isoformat()}: "
            f"scheduled {agents[i]:g} is not a number of agents (0 or more)"
        )
    gaps = rows["interval_start"].diff().iloc[1:].to_numpy()
    jumps = gaps != step
    if jumps.any():
        j = int(np.flatnonzero(jumps)[0]) + 1
        before, after = (rows["interval_start"].iloc[k].isoformat() for k in (j - 1, j))
        problem = (
            f"has {after} twice" if gaps[j - 1] == pd.Timedelta(0)
            else f"has no coverage row between {before} and {after}"
        )  # fmt: skip
        raise InputError(
            f"schedule: queue {name!r} {problem}; give every interval one row "
            "(scheduled 0 where nobody works)"
        )


def _to_offered(table: pd.DataFrame) -> pd.DataFrame:
    """Use ``offered`` (contacts reaching agents) as the volume; the forecast interval
    describes ``volume``, so it is scaled by offered / volume."""
    ratio = np.divide(
        table["offered"], table["volume"], out=np.ones(len(table)), where=table["volume"] > 0
    )
    for column in ("lo80", "hi80"):
        if column in table:
            table[column] = table["offered"] + (table[column] - table["volume"]) * ratio
    table["volume"] = table["offered"]
    return table


def _arrays(table: pd.DataFrame, queue: QueueConfig, config: Config) -> QueueArrays:
    volume = table["volume"].to_numpy(dtype=float)
    spread_up = spread_down = None
    if "lo80" in table:
        spread_up = _rate_spread((table["hi80"].to_numpy(dtype=float) - volume) / Z80, volume)
        spread_down = _rate_spread((volume - table["lo80"].to_numpy(dtype=float)) / Z80, volume)
    return QueueArrays(
        name=queue.name,
        seed_key=zlib.crc32(queue.name.encode("utf-8")),
        interval_s=config.interval_min * 60.0,
        volume=volume,
        day=pd.factorize(table["interval_start"].dt.date, sort=True)[0],
        agents=table["scheduled"].to_numpy(dtype=float),
        concurrency=queue.concurrency,
        aht_s=row_aht_s(table, queue_parameters(table["queue"], config)),
        answer_within_s=queue.target.answer_within_s,
        patience_s=queue.patience_s,
        spread_up=spread_up,
        spread_down=spread_down,
    )


def _rate_spread(count_sd: np.ndarray, volume: np.ndarray) -> np.ndarray:
    """Standard deviation of the *rate*: the forecast interval's count variance minus the
    Poisson variance (= volume) that the simulated arrivals add by themselves."""
    return np.sqrt(np.maximum(count_sd**2 - volume, 0.0))
