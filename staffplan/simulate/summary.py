"""Turn replication tallies into the simulation tables: per interval and per day.

Per interval, each replication gives a service level (answered within the target time /
offered; abandons are misses), an ASA (mean wait of answered contacts, s), an abandon
rate, an occupancy (busy share of the scheduled slots' time) and the queue length at the
interval's end; the table holds their mean and 10th/90th percentiles across
replications (an interval without contacts in a replication does not count for it).
Per day, a replication meets the target when its day's pooled service level reaches it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from staffplan.simulate.model import QueueArrays
from staffplan.simulate.tallies import (
    ABANDONED,
    ANSWERED,
    BUSY_S,
    OFFERED,
    QUEUE_END,
    WAIT_S,
    WITHIN,
)

MEASURES = ("service_level", "asa_s", "abandon_rate", "occupancy", "queue_at_end")
INTERVAL_COLUMNS = [
    "queue",
    "interval_start",
    "service_level",
    "service_level_p10",
    "service_level_p90",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "queue_at_end",
    "volume",
    "scheduled",
    "offered",
    "erlang_service_level",
    *(f"{m}_{p}" for m in MEASURES[1:] for p in ("p10", "p90")),
]
DAILY_COLUMNS = [
    "queue",
    "day",
    "volume",
    "service_level",
    "service_level_p10",
    "service_level_p90",
    "asa_s",
    "abandon_rate",
    "erlang_service_level",
    "target",
    "target_met_share",
]


def interval_table(
    table: pd.DataFrame, queue: QueueArrays, tallies: np.ndarray, erlang_sl: np.ndarray
) -> pd.DataFrame:
    """One queue's rows of ``simulation.csv`` (columns :data:`INTERVAL_COLUMNS`).

    ``table`` has ``queue, interval_start, volume, scheduled``; ``tallies`` is the
    ``(replications, N_TALLIES, intervals)`` array; ``erlang_sl`` the queueing engine's
    service level for the scheduled agents, per interval.
    """
    capacity_s = queue.slots * queue.interval_s
    per_rep = {
        "service_level": _ratio(tallies[:, WITHIN], tallies[:, OFFERED]),
        "asa_s": _ratio(tallies[:, WAIT_S], tallies[:, ANSWERED]),
        "abandon_rate": _ratio(tallies[:, ABANDONED], tallies[:, OFFERED]),
        "occupancy": _ratio(
            tallies[:, BUSY_S], np.broadcast_to(capacity_s, tallies[:, BUSY_S].shape)
        ),
        "queue_at_end": tallies[:, QUEUE_END],
    }
    out = table.reset_index(drop=True).copy()
    out["offered"] = tallies[:, OFFERED].mean(axis=0)
    out["erlang_service_level"] = erlang_sl
    for name, values in per_rep.items():
        mean, p10, p90 = _spread(values)
        out[name], out[f"{name}_p10"], out[f"{name}_p90"] = mean, p10, p90
    return out[INTERVAL_COLUMNS]


def daily_table(
    table: pd.DataFrame,
    queue: QueueArrays,
    tallies: np.ndarray,
    erlang_sl: np.ndarray,
    target: float,
) -> pd.DataFrame:
    """One queue's rows of ``daily.csv`` (columns :data:`DAILY_COLUMNS`).

    ``target_met_share`` is the share of replications whose day-level service level
    reached ``target`` (replications without contacts that day do not count).
    """
    first = np.flatnonzero(np.diff(queue.day, prepend=-1))  # intervals are in time order
    by_day = np.add.reduceat(tallies, first, axis=2)
    day_sl = _ratio(by_day[:, WITHIN], by_day[:, OFFERED])
    mean, p10, p90 = _spread(day_sl)
    counted = ~np.isnan(day_sl)
    met = np.where(counted, day_sl >= target, False).sum(axis=0)
    volume = np.add.reduceat(queue.volume, first)
    erlang_contacts = np.add.reduceat(queue.volume * np.nan_to_num(erlang_sl), first)
    day_start = table["interval_start"].iloc[first]
    return pd.DataFrame(
        {
            "queue": queue.name,
            "day": day_start.dt.strftime("%Y-%m-%d").to_numpy(),
            "volume": volume,
            "service_level": mean,
            "service_level_p10": p10,
            "service_level_p90": p90,
            "asa_s": _spread(_ratio(by_day[:, WAIT_S], by_day[:, ANSWERED]))[0],
            "abandon_rate": _spread(_ratio(by_day[:, ABANDONED], by_day[:, OFFERED]))[0],
            "erlang_service_level": _ratio(erlang_contacts, volume),
            "target": target,
            "target_met_share": _ratio(met, counted.sum(axis=0)),
        }
    )[DAILY_COLUMNS]


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    return np.divide(numerator, denominator, out=out, where=denominator > 0)


def _spread(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, 10th and 90th percentile across replications (axis 0), ignoring NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        mean = np.nanmean(values, axis=0)
        p10, p90 = np.nanpercentile(values, [10.0, 90.0], axis=0)
    return mean, p10, p90
