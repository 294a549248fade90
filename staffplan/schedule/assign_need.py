"""Which intervals a shift covers, and how much of it the requirements need.

A shift is on the phones from its start to its end minus its breaks; per interval of the
grid it counts the share of the interval it works (a 15-minute break in a 30-minute
interval leaves 0.5). Shifts whose ``queue`` is blank serve the pool of all queues.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import sparse

from staffplan.schedule.rules_check import break_times


@dataclasses.dataclass(frozen=True)
class Pools:
    """Required agents per pool and interval: ``required[pool]`` is aligned with
    ``grid`` (tz-aware interval starts, ``interval_min`` apart). Pool ``""`` is the sum of
    all queues, for shifts that serve every queue."""

    grid: pd.DatetimeIndex
    interval_min: int
    required: dict[str, np.ndarray]


def requirement_pools(requirements: pd.DataFrame, interval_min: int) -> Pools:
    """The requirements' ``agents`` per queue and summed, on one regular grid."""
    times = requirements["interval_start"]
    step = pd.Timedelta(minutes=interval_min)
    grid = pd.date_range(times.min(), times.max(), freq=step)
    required = {}
    for queue, rows in requirements.groupby("queue", sort=True):
        series = rows.groupby("interval_start")["agents"].sum()
        required[str(queue)] = series.reindex(grid, fill_value=0.0).to_numpy(dtype=float)
    required[""] = np.sum(list(required.values()), axis=0)
    return Pools(grid, interval_min, required)


def presence_matrix(
    starts: list[pd.Timestamp],
    ends: list[pd.Timestamp],
    breaks: list[str],
    grid: pd.DatetimeIndex,
    interval_min: int,
) -> sparse.csr_array:
    """Grid intervals × shifts: the share of each interval each shift works."""
    step_ns = interval_min * 60 * 10**9
    origin = grid[0].value
    rows, cols, vals = [], [], []
    for j, (start, end, text) in enumerate(zip(starts, ends, breaks, strict=True)):
        for begin, finish in _worked_spans(start, end, text):
            a, b = (begin.value - origin) / step_ns, (finish.value - origin) / step_ns
            for t in range(max(int(np.floor(a)), 0), min(int(np.ceil(b)), len(grid))):
                share = min(b, t + 1) - max(a, t)
                if share > 1e-12:
                    rows.append(t)
                    cols.append(j)
                    vals.append(share)
    return sparse.csr_array(
        sparse.coo_array((vals, (rows, cols)), shape=(len(grid), len(starts)))
    )


def _worked_spans(
    start: pd.Timestamp, end: pd.Timestamp, breaks: str
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    spans, cursor = [], start
    for begin, finish in sorted(break_times(start, end, breaks)):
        if begin > cursor:
            spans.append((cursor, begin))
        cursor = max(cursor, finish)
    if end > cursor:
        spans.append((cursor, end))
    return spans


def shift_need_hours(shifts: pd.DataFrame, pools: Pools) -> np.ndarray:
    """Per shift, the hours of it the requirements need: each worked interval counts by
    required / scheduled in its pool (capped at 1), so a shift that only adds surplus
    agents is worth little and one in a short-staffed stretch is worth its full time."""
    queues = _queues(shifts)
    present = presence_matrix(
        list(shifts["start"]), list(shifts["end"]), _breaks(shifts), pools.grid, pools.interval_min
    )
    need = np.zeros(len(shifts))
    for pool in sorted(set(queues)):
        members = np.flatnonzero(np.array(queues) == pool)
        block = present[:, members]
        scheduled = np.asarray(block.sum(axis=1)).ravel()
        required = pools.required.get(pool, np.zeros(len(pools.grid)))
        ratio = np.divide(required, scheduled, out=np.zeros_like(scheduled), where=scheduled > 0)
        need[members] = block.T @ np.minimum(ratio, 1.0) * pools.interval_min / 60.0
    return need


def _queues(shifts: pd.DataFrame) -> list[str]:
    if "queue" not in shifts.columns:
        return [""] * len(shifts)
    return [str(q) for q in shifts["queue"].fillna("")]


def _breaks(shifts: pd.DataFrame) -> list[str]:
    if "breaks" not in shifts.columns:
        return [""] * len(shifts)
    return [str(b) for b in shifts["breaks"].fillna("")]
