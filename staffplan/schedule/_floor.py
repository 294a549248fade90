"""Agents on the floor at the breaks' own resolution, recounted from the shifts table.

The covering model works in intervals, but a 15-minute break in a 30-minute interval
takes its agent off for one quarter-hour only, and which one matters: coverage is
checked at the finest step the shifts and their breaks use (the greatest common divisor
of ``interval_min`` and every break's start and end, in minutes after the shift start).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from staffplan.schedule._candidates import Grid


def on_floor(shifts: pd.DataFrame, grid: Grid) -> np.ndarray:
    """Agents of ``shifts`` (one queue's rows of the shifts table) on the floor (present
    and not on a break): one row per grid interval, one column per equal step of it at the
    breaks' resolution (one column when no break splits an interval)."""
    spans = [_spans(text) for text in shifts["break_offsets_min"].fillna("")]
    step = math.gcd(grid.interval_min, *(m for span in spans for pair in span for m in pair))
    per = grid.interval_min // step
    steps = grid.size * per
    change = np.zeros(steps + 1)
    first = grid.starts.get_indexer(shifts["start"]) * per
    length = ((shifts["end"] - shifts["start"]).dt.total_seconds() // 60).to_numpy() // step
    for begin, steps_on, span in zip(first, length.astype(int), spans, strict=True):
        _add(change, begin, begin + steps_on, 1.0, grid.cyclic)
        for low, high in span:
            _add(change, begin + low // step, begin + high // step, -1.0, grid.cyclic)
    return np.cumsum(change[:steps]).reshape(grid.size, per)


def _spans(text: str) -> list[tuple[int, int]]:
    """``"90-105;240-270"`` → ``[(90, 105), (240, 270)]`` (minutes after the start)."""
    return [tuple(int(m) for m in part.split("-")) for part in text.split(";") if part]


def _add(change: np.ndarray, begin: int, end: int, value: float, cyclic: bool) -> None:
    """Add ``value`` over steps ``[begin, end)``: wrapped onto the start on a cyclic
    week, cut at the horizon's end otherwise."""
    steps = change.size - 1
    if cyclic and begin >= steps:
        begin, end = begin - steps, end - steps
    if end > steps and cyclic:
        _add(change, 0, end - steps, value, cyclic)
    begin, end = min(begin, steps), min(end, steps)
    change[begin] += value
    change[end] -= value
