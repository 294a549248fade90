"""Turn replication tallies into the simulation tables: per interval and per day.

Service level is contacts answered within the target time / contacts offered (abandons
are misses), ASA the mean wait of answered contacts (s), occupancy the busy share of the
scheduled slots' time, all counted by the interval a contact arrives in. The mean
columns pool the contacts of all replications (total answered in time / total offered),
which estimates the same per-contact probability the Erlang formulas give; averaging
each replication's ratio instead would over-weight quiet runs, where few contacts meet
little queue. The 10th/90th percentiles are of the replications' own values (a
replication without contacts in an interval does not count there). Per day, a
replication meets the target when its day's service level reaches it.
"""

from __future__ import annotations

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

PERCENTILES = np.array([10.0, 90.0])  # the band's edges, percent
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
# The daily columns that fit a terminal: the answer to "do we meet the target each day?"
DAILY_SCREEN_COLUMNS = [
    "queue",
    "day",
    "service_level",
    "service_level_p10",
    "service_level_p90",
    "erlang_service_level",
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
    capacity_s = np.broadcast_to(queue.capacity_s(), tallies[:, BUSY_S].shape)
    out = table.reset_index(drop=True).copy()
    out["offered"] = tallies[:, OFFERED].mean(axis=0)
    out["erlang_service_level"] = erlang_sl
    for name, values in _measures(tallies, capacity_s).items():
        out[name] = values[0]
        out[f"{name}_p10"], out[f"{name}_p90"] = _percentiles(values[1])
    out["queue_at_end"] = tallies[:, QUEUE_END].mean(axis=0)
    out["queue_at_end_p10"], out["queue_at_end_p90"] = _percentiles(tallies[:, QUEUE_END])
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
    ``erlang_service_level`` weights the intervals' Erlang projections by volume.
    """
    first = np.flatnonzero(np.diff(queue.day, prepend=-1))  # intervals are in time order
    by_day = np.add.reduceat(tallies, first, axis=2)
    capacity_s = np.broadcast_to(
        np.add.reduceat(queue.capacity_s(), first), by_day[:, BUSY_S].shape
    )
    measures = _measures(by_day, capacity_s)
    day_sl = measures["service_level"][1]
    counted = ~np.isnan(day_sl)
    met = np.where(counted, day_sl >= target, False).sum(axis=0)
    volume = np.add.reduceat(table["volume"].to_numpy(dtype=float), first)  # escalated too
    erlang_contacts = np.add.reduceat(
        table["volume"].to_numpy(dtype=float) * np.nan_to_num(erlang_sl), first
    )
    p10, p90 = _percentiles(day_sl)
    return pd.DataFrame(
        {
            "queue": queue.name,
            "day": table["interval_start"].iloc[first].dt.strftime("%Y-%m-%d").to_numpy(),
            "volume": volume,
            "service_level": measures["service_level"][0],
            "service_level_p10": p10,
            "service_level_p90": p90,
            "asa_s": measures["asa_s"][0],
            "abandon_rate": measures["abandon_rate"][0],
            "erlang_service_level": _ratio(erlang_contacts, volume),
            "target": target,
            "target_met_share": _ratio(met, counted.sum(axis=0)),
        }
    )[DAILY_COLUMNS]


def _measures(
    tallies: np.ndarray, capacity_s: np.ndarray
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per ratio measure: (pooled over replications, per replication)."""
    pairs = {
        "service_level": (tallies[:, WITHIN], tallies[:, OFFERED]),
        "asa_s": (tallies[:, WAIT_S], tallies[:, ANSWERED]),
        "abandon_rate": (tallies[:, ABANDONED], tallies[:, OFFERED]),
        "occupancy": (tallies[:, BUSY_S], capacity_s),
    }
    return {
        name: (_ratio(num.sum(axis=0), den.sum(axis=0)), _ratio(num, den))
        for name, (num, den) in pairs.items()
    }


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    return np.divide(numerator, denominator, out=out, where=denominator > 0)


def _percentiles(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """10th and 90th percentile across replications (axis 0), ignoring NaN (NaN where a
    column has no value): numpy's ``nanpercentile`` (its default, linear method) to the
    bit, vectorised; it loops over the columns in Python, which made this summary the
    slowest serial step of a large simulation."""
    ordered = np.sort(values, axis=0)  # NaN sort last
    count = np.count_nonzero(~np.isnan(values), axis=0)
    last = np.maximum(count - 1, 0)
    p10, p90 = (_linear_quantile(ordered, count, last, q) for q in PERCENTILES / 100)
    return p10, p90


def _linear_quantile(ordered: np.ndarray, count: np.ndarray, last: np.ndarray, q: float):
    virtual = (count - 1) * q  # the position between order statistics, as numpy computes it
    below = np.floor(virtual)
    top = virtual >= count - 1
    low = np.take_along_axis(ordered, np.where(top, last, below).astype(np.intp)[None], 0)[0]
    high = np.take_along_axis(ordered, np.where(top, last, below + 1).astype(np.intp)[None], 0)[0]
    gamma = virtual - below
    step = high - low
    value = np.where(gamma >= 0.5, high - step * (1 - gamma), low + step * gamma)
    return np.where(count > 0, value, np.nan)
