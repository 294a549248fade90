"""Line up a simulation's schedule and demand per queue.

The schedule decides the horizon: every queue in the coverage table is simulated over
its coverage intervals, which must be contiguous, and the forecast must have a row for
each of them. Forecast queues without a schedule are reported, not simulated.
"""

from __future__ import annotations

import dataclasses
import math
import zlib
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.backlog import open_intervals
from staffplan.engine_inputs import queue_parameters, row_aht_s
from staffplan.errors import InputError
from staffplan.escalation import escalation_aht_s, own_demand, tiers
from staffplan.simulate.model import Feed, QueueArrays

if TYPE_CHECKING:
    from staffplan.config import Config, QueueConfig

FORECAST_EXTRAS = ("offered", "aht_s", "lo80", "hi80", "escalated")  # used when present
Z80 = 1.2815515655446004  # standard-normal quantile of 0.9: an 80% interval is +-Z80 sd


def queue_arrays(
    forecast: pd.DataFrame, coverage: pd.DataFrame, config: Config
) -> tuple[list[QueueArrays], list[pd.DataFrame]]:
    """Per scheduled queue (config order): its simulation inputs and its interval table
    (see :func:`queue_parts` and :func:`line_up_queue`)."""
    lined_up = [line_up_queue(part, config) for part in queue_parts(forecast, coverage, config)]
    return [arrays for arrays, _ in lined_up], [table for _, table in lined_up]


QueuePart = tuple[str, pd.DataFrame, pd.DataFrame, tuple]
"""A queue's name, its coverage and forecast rows, and the parts of the tier-1 queues
whose escalations feed it in the simulation (empty unless every one is simulated)."""


def queue_parts(forecast: pd.DataFrame, coverage: pd.DataFrame, config: Config) -> list[QueuePart]:
    """Per scheduled queue (config order): ``(name, coverage rows, forecast rows,
    feeding parts)``, the coverage in the planning zone and the forecast cut to the columns
    a simulation reads, so each part can be lined up alone (on a worker) by
    :func:`line_up_queue`: a tier-2 queue's part carries its tier-1 parts, replayed with
    the same streams wherever it runs."""
    coverage = coverage.assign(interval_start=coverage["interval_start"].dt.tz_convert(config.zone))
    needed = ["queue", "interval_start", "volume", *(c for c in FORECAST_EXTRAS if c in forecast)]
    covered = dict(tuple(coverage.groupby("queue", sort=False)))
    demand = dict(tuple(forecast[needed].groupby("queue", sort=False)))
    empty = forecast[needed].iloc[:0]
    fed = _fed_queues(coverage, config)
    order = [queue for level in tiers(config) for queue in level]  # a feed before its tier 2
    parts: dict[str, QueuePart] = {}
    for queue in order:
        if queue.name not in covered:
            continue
        sources = ()
        if queue.name in fed:
            sources = tuple(
                parts[q.name]
                for q in order
                if q.escalation is not None and q.escalation.to == queue.name
            )
        rows = (covered[queue.name], demand.get(queue.name, empty))
        parts[queue.name] = (queue.name, *rows, sources)
    return [parts[q.name] for q in config.queues if q.name in parts]


def line_up_queue(part: QueuePart, config: Config) -> tuple[QueueArrays, pd.DataFrame]:
    """One queue's simulation inputs and its interval table ``queue, interval_start,
    volume, scheduled[, aht_s]``: ``forecast`` rows ``queue, interval_start, volume[,
    offered][, aht_s][, lo80, hi80][, escalated]``; contacts reaching agents are ``offered``
    when present, else ``volume``, and their mean handle time is the per-interval ``aht_s``
    when present, else the queue's. ``coverage`` rows: ``queue, interval_start,
    scheduled`` (agents, fractions allowed). A fed tier-2 queue takes its own contacts from
    the forecast and the escalated ones from its feeds' simulated answers. Errors name
    the queue and the first interval that does not line up."""
    name, rows, forecast, sources = part
    table = _line_up(rows, forecast, name, config)
    arrays = _arrays(table, config.queue(name), config, own_only=bool(sources))
    feeds = []
    for source in sources:
        tier1 = config.queue(source[0])
        feeds.append(
            Feed(
                source=line_up_queue(source, config)[0],
                share=tier1.escalation.share,
                delay_s=tier1.escalation.delay_min * 60.0,
                aht_s=escalation_aht_s(tier1, config),
            )
        )
    kept = ["queue", "interval_start", "volume", "scheduled", "aht_s"]
    return dataclasses.replace(arrays, feeds=tuple(feeds)), table[[c for c in kept if c in table]]


def _fed_queues(coverage: pd.DataFrame, config: Config) -> set[str]:
    """Tier-2 queues whose every tier-1 queue is simulated too: their escalated contacts
    come from the simulated tier 1, not from the forecast's ``escalated`` column."""
    simulated = set(coverage["queue"])
    sources: dict[str, list[str]] = {}
    for queue in config.queues:
        if queue.escalation is not None:
            sources.setdefault(queue.escalation.to, []).append(queue.name)
    return {
        name
        for name, feeding in sources.items()
        if name in simulated and all(s in simulated for s in feeding)
    }


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


def _arrays(
    table: pd.DataFrame, queue: QueueConfig, config: Config, *, own_only: bool
) -> QueueArrays:
    if own_only and "escalated" in table:
        table = _own_contacts(table, queue, config)
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
        wrap=_wrap(queue, table, config),
        clock=(
            open_intervals(table["interval_start"], queue).astype(float)
            if queue.backlog and queue.target.business_hours
            else None
        ),
    )


def _wrap(queue: QueueConfig, table: pd.DataFrame, config: Config) -> int:
    """Intervals a backlog queue is played beyond each end of its horizon: its target
    and a day more (what a contact near an end may wait), at most the horizon; 0 live."""
    if not queue.backlog:
        return 0
    if queue.target.business_hours:  # its target may span a weekend: play a whole turn
        return len(table)
    interval_s = config.interval_min * 60.0
    span = math.ceil(queue.target.answer_within_s / interval_s) + round(86400.0 / interval_s)
    return min(span, len(table))


def _own_contacts(table: pd.DataFrame, queue: QueueConfig, config: Config) -> pd.DataFrame:
    """A tier-2 queue's rows without the escalated contacts (the simulated tier 1 sends
    them): ``volume`` less ``escalated``, and the ``aht_s`` of its own contacts."""
    escalated = table["escalated"].fillna(0.0).to_numpy(dtype=float)
    own, own_aht_s = own_demand(
        table["queue"].to_numpy(),
        table["volume"].to_numpy(dtype=float),
        row_aht_s(table, queue_parameters(table["queue"], config)),
        escalated,
        config,
    )
    bounds = {c: table[c] - escalated for c in ("lo80", "hi80") if c in table}
    return table.assign(volume=own, aht_s=own_aht_s, **bounds)


def _rate_spread(count_sd: np.ndarray, volume: np.ndarray) -> np.ndarray:
    """Standard deviation of the *rate*: the forecast interval's count variance minus the
    Poisson variance (= volume) that the simulated arrivals add by themselves."""
    return np.sqrt(np.maximum(count_sd**2 - volume, 0.0))
