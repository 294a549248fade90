"""Which intervals a shift covers, how much of it is needed, and the coverage it gives.

A shift is on the phones from its start to its end minus its breaks; per interval of the
grid it counts the share of the interval it works (a 15-minute break in a 30-minute
interval leaves 0.5), as in :mod:`staffplan.schedule.coverage`. Shortfalls are counted at
the breaks' own resolution, as the covering schedule counts them: a quarter-hour with an
agent too few inside a half-hour interval is a gap of one agent in that interval and
0.25 agent-hours uncovered. Shifts serve the block named by their ``queue``: one queue,
or a pool's label ``a+b`` (``pools:``) of the covering schedule.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import sparse

from staffplan.config import Config
from staffplan.config.pools import block_shares
from staffplan.schedule._candidates import Grid, build_grid
from staffplan.schedule._floor import on_floor, short_agent_intervals
from staffplan.schedule.cover import block_needs
from staffplan.schedule.coverage import coverage_table
from staffplan.tables.breaks import break_offsets, shift_breaks


@dataclasses.dataclass(frozen=True)
class Pools:
    """Required agents per block on the covering grid: ``required[label]`` per
    ``grid.starts``; labels are the queues, or a pool's ``a+b``."""

    grid: Grid
    required: dict[str, np.ndarray]

    @property
    def interval_h(self) -> float:
        """Interval length in hours."""
        return self.grid.interval_min / 60


def requirement_pools(requirements: pd.DataFrame, config: Config) -> Pools:
    """The requirements' ``agents`` per block, on the grid the covering model uses."""
    shifts = config.shifts
    cyclic = bool(shifts and shifts.cyclic_week)
    grid = build_grid(
        requirements["interval_start"],
        config.zone,
        config.interval_min,
        cyclic,
        config.source or "config",
    )
    index = grid.starts.get_indexer(requirements["interval_start"])
    labels, needs = block_needs(requirements, index, grid.size, block_shares(config))
    return Pools(grid, dict(zip(labels, needs, strict=True)))


def presence_matrix(
    starts: list[pd.Timestamp],
    ends: list[pd.Timestamp],
    breaks: list[str],
    grid: Grid,
    offsets: list[str] | None = None,
) -> sparse.csr_array:
    """Grid intervals × shifts: the share of each interval each shift works. Breaks are
    read from ``offsets`` (``break_offsets_min`` text) where a shift has them, else from
    its clock ``breaks``. In a cyclic week, time past the last interval wraps to the
    first."""
    offsets = [""] * len(starts) if offsets is None else offsets
    step_ns = grid.interval_min * 60 * 10**9
    origin = grid.starts[0].value
    rows, cols, vals = [], [], []
    for j, (start, end, text, after) in enumerate(zip(starts, ends, breaks, offsets, strict=True)):
        for begin, finish in _worked_spans(start, end, text, after):
            a, b = (begin.value - origin) / step_ns, (finish.value - origin) / step_ns
            for t in range(int(np.floor(a)), int(np.ceil(b))):
                share = min(b, t + 1) - max(a, t)
                slot = t % grid.size if grid.cyclic else t
                if share > 1e-12 and 0 <= slot < grid.size:
                    rows.append(slot)
                    cols.append(j)
                    vals.append(share)
    shape = (grid.size, len(starts))
    return sparse.csr_array(sparse.coo_array((vals, (rows, cols)), shape=shape))


def _worked_spans(
    start: pd.Timestamp, end: pd.Timestamp, breaks: str, offsets: str
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    spans, cursor = [], start
    for begin, finish in sorted(shift_breaks(start, end, breaks, offsets)):
        if begin > cursor:
            spans.append((cursor, begin))
        cursor = max(cursor, finish)
    if end > cursor:
        spans.append((cursor, end))
    return spans


def shift_need_hours(shifts: pd.DataFrame, pools: Pools) -> np.ndarray:
    """Per shift, the hours of it the requirements need: each worked interval counts by
    required / scheduled in its block (capped at 1), so a shift that only adds surplus
    agents is worth little and one in a short-staffed stretch its full time."""
    present = presence_matrix(
        list(shifts["start"]),
        list(shifts["end"]),
        text_column(shifts, "breaks"),
        pools.grid,
        break_offsets(shifts),
    )
    queues = np.array(text_column(shifts, "queue"), dtype=object)
    need = np.zeros(len(shifts))
    for label, required in pools.required.items():
        members = np.flatnonzero(queues == label)
        block = present[:, members]
        scheduled = np.asarray(block.sum(axis=1)).ravel()
        ratio = np.divide(required, scheduled, out=np.zeros_like(scheduled), where=scheduled > 0)
        need[members] = block.T @ np.minimum(ratio, 1.0) * pools.interval_h
    return need


def block_floors(shifts: pd.DataFrame, pools: Pools) -> dict[str, np.ndarray]:
    """Per block: its shifts' agents on the floor at the breaks' resolution
    (:func:`staffplan.schedule._floor.on_floor`; the block is the shift's ``queue``)."""
    queues = np.array(text_column(shifts, "queue"), dtype=object)
    return {label: on_floor(shifts[queues == label], pools.grid) for label in pools.required}


def uncovered_agent_hours(floors: dict[str, np.ndarray], pools: Pools) -> float:
    """Agent-hours short of the requirements with ``floors`` (:func:`block_floors`)."""
    short = sum(short_agent_intervals(pools.required[label], f) for label, f in floors.items())
    return short * pools.interval_h


@dataclasses.dataclass(frozen=True)
class Covered:
    """The coverage table of some shifts, the note on its service level (or ""), and the
    agent-hours uncovered, counted at the breaks' resolution."""

    table: pd.DataFrame
    note: str
    uncovered_agent_hours: float


def coverage_of(
    shifts: pd.DataFrame, pools: Pools, requirements: pd.DataFrame, config: Config
) -> Covered:
    """The coverage (:mod:`staffplan.schedule.coverage`) of ``shifts`` (e.g. only the
    shifts that have an agent): ``gap`` is the worst moment of each interval and the
    uncovered agent-hours are counted at the breaks' resolution, as the covering
    schedule reports them, so a roster staffing every shift reports the schedule's own."""
    floors = block_floors(shifts, pools)
    scheduled = {label: floor.mean(axis=1) for label, floor in floors.items()}
    lowest = {label: floor.min(axis=1) for label, floor in floors.items()}
    labels = list(pools.required)
    table, note = coverage_table(
        labels, pools.required, scheduled, pools.grid, requirements, config, lowest
    )
    return Covered(table, note, uncovered_agent_hours(floors, pools))


def text_column(frame: pd.DataFrame, column: str) -> list[str]:
    """A column as text ("" for missing cells or a missing column)."""
    if column not in frame.columns:
        return [""] * len(frame)
    return [str(v) for v in frame[column].fillna("")]
