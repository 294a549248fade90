"""Turn shift and break counts into the shifts table, one row per shift.

Shifts of one start group share their break windows, so the group's break counts can be
handed out to its shifts in any order; they go in start-group order, earliest slot to the
first shift. Short breaks that share an interval are staggered inside it (two 15-minute
breaks in a 30-minute slot: one at its start, one 15 minutes later), as the covering
model counted them. ``breaks`` are planning-zone clock times ``HH:MM-HH:MM`` joined by ``;`` (read
each as the first such clock time at or after the shift start). In the repeated hour of a
DST fall-back a clock time names two instants, so ``break_offsets_min`` gives the same
breaks unambiguously as elapsed minutes after the shift start (``90-105;240-270``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.config.shifts import ShiftTemplate
from staffplan.schedule._candidates import Candidates, Grid

if TYPE_CHECKING:
    from staffplan.config import Config

SHIFT_COLUMNS = [
    "queue",
    "template",
    "day",
    "start",
    "end",
    "paid_hours",
    "breaks",
    "break_offsets_min",
    "cost",
]


def shift_table(
    x: np.ndarray, b: np.ndarray, cands: Candidates, grid: Grid, config: Config, queue: str
) -> pd.DataFrame:
    """One row per shift (``SHIFT_COLUMNS``; no ``shift_id`` yet) for counts ``x`` and ``b``."""
    counts = np.round(x).astype(np.int64)
    column = np.repeat(np.arange(counts.size), counts)
    step = pd.Timedelta(minutes=grid.interval_min)
    start = grid.starts[cands.start[column]]
    end = start + step * cands.length[column]
    templates = config.shifts.templates if config.shifts else ()
    clocks, offsets = _break_texts(column, b, cands, grid, config)
    frame = pd.DataFrame(
        {
            "queue": queue,
            "template": [templates[t].name for t in cands.template[column]],
            "day": start.strftime("%Y-%m-%d"),
            "start": start,
            "end": end,
            "paid_hours": cands.paid_hours[column],
            "breaks": clocks,
            "break_offsets_min": offsets,
            "cost": cands.cost[column],
        }
    )
    return frame[SHIFT_COLUMNS]


def _break_texts(
    column: np.ndarray, b: np.ndarray, cands: Candidates, grid: Grid, config: Config
) -> tuple[np.ndarray, np.ndarray]:
    """Per shift: breaks as clock times and as minutes after the start."""
    clocks = np.full(column.size, "", dtype=object)
    offsets = clocks.copy()
    if column.size == 0 or cands.slot_group.size == 0:
        return clocks, offsets
    slot = np.repeat(np.arange(b.size), np.round(b).astype(np.int64))
    templates = config.shifts.templates if config.shifts else ()
    pause_min = _pause_minutes(templates)
    n_pauses = (pause_min > 0).sum(axis=1)[cands.template[column]]
    rows_shift, rows_slot = [], []
    for k in range(pause_min.shape[1]):
        holders = np.flatnonzero(n_pauses > k)
        taken = slot[cands.slot_pause[slot] == k]
        if taken.size != holders.size:
            raise RuntimeError(f"break {k}: {taken.size} breaks for {holders.size} shifts")
        rows_shift.append(holders)
        rows_slot.append(taken)
    shift_of = np.concatenate(rows_shift)
    slot_of = np.concatenate(rows_slot)
    minutes = pause_min[cands.template[column[shift_of]], cands.slot_pause[slot_of]]
    interval = cands.start[column[shift_of]] + cands.slot_offset[slot_of]
    position = _stagger(interval, minutes, cands.slot_spread[slot_of])
    after_min = cands.slot_offset[slot_of] * grid.interval_min + position * minutes
    begins = grid.starts[cands.start[column[shift_of]]] + pd.to_timedelta(after_min, unit="min")
    ends = begins + pd.to_timedelta(minutes, unit="min")
    spans = pd.DataFrame(
        {
            "shift": shift_of,
            "after": after_min,
            "clock": np.asarray(begins.strftime("%H:%M"), dtype=object)
            + "-"
            + np.asarray(ends.strftime("%H:%M"), dtype=object),
            "offset": [f"{a}-{a + m}" for a, m in zip(after_min, minutes, strict=True)],
        }
    ).sort_values(["shift", "after"], kind="stable")
    grouped = spans.groupby("shift", sort=True)
    holders = grouped.size().index.to_numpy()
    clocks[holders] = grouped["clock"].agg(";".join).to_numpy()
    offsets[holders] = grouped["offset"].agg(";".join).to_numpy()
    return clocks, offsets


def _stagger(interval: np.ndarray, minutes: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Per break: its stagger position inside its interval (0 = the interval's start; a
    position is ``minutes`` long). Breaks of one length in one interval go, those with
    the fewest positions first, each to the least-busy position it may take (the
    earliest on a tie), so no moment has more of them off than the model counted."""
    position = np.zeros(interval.size, dtype=np.int64)
    load: dict[tuple[int, int], np.ndarray] = {}
    for i in np.lexsort((np.arange(interval.size), spread, minutes, interval)):
        busy = load.setdefault((int(interval[i]), int(minutes[i])), np.zeros(spread.max(), int))
        position[i] = int(np.argmin(busy[: spread[i]]))
        busy[position[i]] += 1
    return position


def _pause_minutes(templates: tuple[ShiftTemplate, ...]) -> np.ndarray:
    """Minutes of pause ``k`` of template ``t`` at ``[t, k]`` (0 where there is none)."""
    most = max(len(t.pauses()) for t in templates)
    table = np.zeros((len(templates), max(most, 1)), dtype=np.int64)
    for i, template in enumerate(templates):
        for k, (_, minutes, _) in enumerate(template.pauses()):
            table[i, k] = minutes
    return table
