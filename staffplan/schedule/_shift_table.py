"""Turn shift and break counts into the shifts table, one row per shift.

Shifts of one start group share their break windows, so the group's break counts can be
handed out to its shifts in any order; they go in start-group order, earliest slot to the
first shift. Break times are planning-zone clock times ``HH:MM-HH:MM`` joined by ``;``;
a time inside the repeated hour of a DST fall-back is written with its UTC offset
(``02:15+01:00``) because the clock time alone would be ambiguous.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.schedule._candidates import Candidates, Grid

if TYPE_CHECKING:
    from staffplan.config import Config

SHIFT_COLUMNS = ["queue", "template", "day", "start", "end", "paid_hours", "breaks", "cost"]


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
    frame = pd.DataFrame(
        {
            "queue": queue,
            "template": [templates[t].name for t in cands.template[column]],
            "day": start.strftime("%Y-%m-%d"),
            "start": start,
            "end": end,
            "paid_hours": cands.paid_hours[column],
            "breaks": _break_texts(column, b, cands, grid, config),
            "cost": cands.cost[column],
        }
    )
    return frame[SHIFT_COLUMNS]


def _break_texts(
    column: np.ndarray, b: np.ndarray, cands: Candidates, grid: Grid, config: Config
) -> np.ndarray:
    texts = np.full(column.size, "", dtype=object)
    if column.size == 0 or cands.slot_group.size == 0:
        return texts
    slot = np.repeat(np.arange(b.size), np.round(b).astype(np.int64))
    templates = config.shifts.templates if config.shifts else ()
    rows_shift, rows_slot = [], []
    for k in range(int(cands.slot_pause.max()) + 1):
        holders = np.flatnonzero(
            np.array([len(templates[t].pauses()) > k for t in cands.template[column]])
        )
        taken = slot[cands.slot_pause[slot] == k]
        if taken.size != holders.size:
            raise RuntimeError(f"break {k}: {taken.size} breaks for {holders.size} shifts")
        rows_shift.append(holders)
        rows_slot.append(taken)
    shift_of = np.concatenate(rows_shift)
    slot_of = np.concatenate(rows_slot)
    step = pd.Timedelta(minutes=grid.interval_min)
    begins = grid.starts[cands.start[column[shift_of]]] + step * cands.slot_offset[slot_of]
    minutes = [
        templates[t].pauses()[k][1]
        for t, k in zip(cands.template[column[shift_of]], cands.slot_pause[slot_of], strict=True)
    ]
    ends = begins + pd.to_timedelta(np.asarray(minutes), unit="min")
    spans = pd.DataFrame(
        {"shift": shift_of, "begin": begins, "text": _clock(begins) + "-" + _clock(ends)}
    )
    spans = spans.sort_values(["shift", "begin"], kind="stable")
    joined = spans.groupby("shift", sort=True)["text"].agg(";".join)
    texts[joined.index.to_numpy()] = joined.to_numpy()
    return texts


def _clock(times: pd.DatetimeIndex) -> np.ndarray:
    """``HH:MM``, with the UTC offset where the clock time happens twice (DST fall-back)."""
    text = np.asarray(times.strftime("%H:%M"), dtype=object)
    wall = times.tz_localize(None)
    ambiguous = np.asarray(wall.tz_localize(times.tz, ambiguous="NaT", nonexistent="NaT").isna())
    if ambiguous.any():
        offset = np.asarray(times.strftime("%z"), dtype=object)
        marked = [f"{t}{o[:3]}:{o[3:]}" for t, o in zip(text, offset, strict=True)]
        text = np.where(ambiguous, np.asarray(marked, dtype=object), text)
    return text
