"""Agents on the floor at the breaks' own resolution, recounted from a table of shifts.

The covering model works in intervals, but a 15-minute break in a 30-minute interval
takes its agent off for one quarter-hour only, and which one matters: coverage is
checked at the finest step the shifts and their breaks use (the greatest common divisor
of ``interval_min`` and every start, end and break edge, in minutes from the grid's first
instant). The schedule, the roster and a surge re-plan all count their coverage here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from staffplan.schedule._candidates import Grid
from staffplan.tables.breaks import offset_minutes, row_breaks


def on_floor(shifts: pd.DataFrame, grid: Grid) -> np.ndarray:
    """Agents of ``shifts`` (one block's rows of a shifts, roster or re-plan table:
    ``start``, ``end`` and ``break_offsets_min`` or clock-time ``breaks``) on the floor
    (present and not on a break): one row per grid interval, one column per equal step of
    it at the breaks' resolution (one column when nothing splits an interval). Time
    before the grid counts nowhere; time past its end wraps to its start on a cyclic
    week, else counts nowhere."""
    if shifts.empty:
        return np.zeros((grid.size, 1))
    origin = grid.starts[0]
    starts = _minutes(shifts["start"], origin)
    ends = _minutes(shifts["end"], origin)
    spans = [
        _break_minutes(row, first, origin)
        for row, first in zip(shifts.itertuples(index=False), starts, strict=True)
    ]
    edges = [m for span in spans for pair in span for m in pair]
    step = math.gcd(grid.interval_min, *starts.tolist(), *ends.tolist(), *edges)
    per = grid.interval_min // step
    change = np.zeros(grid.size * per + 1)
    for begin, end, span in zip(starts, ends, spans, strict=True):
        _add(change, begin // step, end // step, 1.0, grid.cyclic)
        for low, high in span:
            _add(change, low // step, high // step, -1.0, grid.cyclic)
    return np.cumsum(change[:-1]).reshape(grid.size, per)


def short_agent_intervals(required: np.ndarray, floor: np.ndarray) -> float:
    """Agent-intervals short of ``required`` (agents per grid interval) with ``floor``
    (:func:`on_floor`), each step of an interval counting its share of it."""
    return float(np.maximum(required[:, None] - floor, 0.0).mean(axis=1).sum())


def _minutes(times: pd.Series, origin: pd.Timestamp) -> np.ndarray:
    """Whole minutes from ``origin`` to each of ``times``."""
    seconds = (pd.to_datetime(times) - origin).dt.total_seconds().to_numpy(dtype=float)
    return np.round(seconds / 60).astype(np.int64)


def _break_minutes(row: object, first: int, origin: pd.Timestamp) -> list[tuple[int, int]]:
    """A row's breaks as minutes from ``origin``: from ``break_offsets_min`` (minutes after
    the start, unambiguous on a DST day) when it has them, else from its clock ``breaks``."""
    offsets = offset_minutes(getattr(row, "break_offsets_min", ""))
    if offsets:
        return [(first + low, first + high) for low, high in offsets]
    return [(_minute(begin, origin), _minute(end, origin)) for begin, end in row_breaks(row)]


def _minute(moment: pd.Timestamp, origin: pd.Timestamp) -> int:
    return round((moment - origin).total_seconds() / 60)


def _add(change: np.ndarray, begin: int, end: int, value: float, cyclic: bool) -> None:
    """Add ``value`` over steps ``[begin, end)``: wrapped onto the grid on a cyclic week,
    cut at the grid's ends otherwise."""
    steps = change.size - 1
    if cyclic:
        shift = (begin // steps) * steps
        begin, end = begin - shift, end - shift
        while end > begin:
            stop = min(end, steps)
            change[begin] += value
            change[stop] -= value
            begin, end = 0, end - steps
        return
    begin, end = max(begin, 0), min(end, steps)
    if end > begin:
        change[begin] += value
        change[end] -= value
