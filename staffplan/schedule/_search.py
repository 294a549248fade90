"""Fix-and-optimise over time windows: the search that improves the quick schedule.

The whole covering MILP is slow for HiGHS (its root alone takes seconds on a week of
quarter-hours), but the same model with every shift fixed except those starting inside
a window of a few hours is small and solves in a few hundredths of a second. So:

1. the incumbent is the quick rounding of the LP (:mod:`._quick`);
2. windows of the first ``WINDOW_PASSES`` size (hours), half a window apart, are
   visited worst first (most surplus agent-intervals under the incumbent, where shifts
   are misplaced); in each, the shifts and breaks of start groups starting inside it
   are freed, every other count is fixed at the incumbent's, and HiGHS solves the rest
   from the incumbent (a warm start, so it never returns anything worse) within
   ``NODE_BUDGET`` branch-and-bound nodes;
3. then one pass of the next, wider size, over the worst share of its windows; the
   search ends after the widest, or as soon as the incumbent is within ``mip_gap`` of
   the bound.

Every limit is a count (windows, nodes), HiGHS runs on one thread with a fixed seed,
and windows are ordered by the incumbent alone, so the same inputs give the same
schedule on a fast or a loaded machine. The time limit is only a safety net: when it
cuts the search short, ``timed_out`` says so (then a re-run may differ).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from staffplan.milp import Outcome, solve_from
from staffplan.schedule._candidates import Candidates
from staffplan.schedule._model import CoverModel

# Per pass, narrow to wide: hours of shift starts freed at once, and the share of that
# size's windows visited (worst first; the wide pass's last windows rarely improve).
WINDOW_PASSES = ((6, 1.0), (10, 0.75))
NODE_BUDGET = 10  # branch-and-bound nodes per window: a count, the same on every run
_EPS = 1e-6

Progress = Callable[[float, float], None]  # (incumbent, bound) after each improvement


@dataclasses.dataclass(frozen=True)
class Searched:
    """The search's best ``values`` and ``objective``, and whether the time limit cut it
    short (``timed_out``)."""

    values: np.ndarray
    objective: float
    timed_out: bool


def fix_and_optimise(
    model: CoverModel,
    cands: Candidates,
    values: np.ndarray,
    bound: float,
    *,
    mip_gap: float,
    cyclic: bool,
    interval_min: int,
    deadline: float = math.inf,
    progress: Progress | None = None,
) -> Searched:
    """Improve the settled integer ``values`` of ``model`` (see module doc); ``bound`` is
    the proven lower bound the ``mip_gap`` (share of it) is measured against and
    ``deadline`` the ``time.monotonic()`` of the safety net."""
    csc = model.A.tocsc()
    starts = _column_starts(model, cands)
    size = model.shift_coverage.shape[0]
    reach = int(cands.length.max())
    objective = float(model.c @ values)
    for hours, share in WINDOW_PASSES:
        width = max(1, hours * 60 // interval_min)
        order = _worst_first(model, values, width, reach, cyclic)
        for first in order[: math.ceil(share * len(order))]:
            if _close_enough(objective, bound, mip_gap):
                return Searched(values, objective, False)
            left_s = deadline - time.monotonic()
            if left_s <= 0:
                return Searched(values, objective, True)
            free = _inside(starts, first, width, size, cyclic)
            outcome, columns = _solve_window(model, csc, values, free, left_s)
            change = outcome.objective - float(model.c[columns] @ values[columns])
            if outcome.x is not None and change < -_EPS:
                trial = values.copy()
                trial[columns] = outcome.x
                values = model.settle(trial)
                objective = float(model.c @ values)
                if progress is not None:
                    progress(objective, bound)
            if outcome.stop == "clock":
                return Searched(values, objective, True)
    return Searched(values, objective, False)


def _solve_window(
    model: CoverModel, csc: sp.csc_matrix, values: np.ndarray, free: np.ndarray, left_s: float
) -> tuple[Outcome, np.ndarray]:
    """The model restricted to the window: its free counts, the rows they touch and the
    shortfall/surplus of those rows; the fixed counts move into the row bounds."""
    counts = np.flatnonzero(free & model.integer)
    rows = np.unique(csc[:, counts].indices)
    touched = np.zeros(model.A.shape[0], dtype=bool)
    touched[rows] = True
    continuous = np.flatnonzero(~model.integer)  # shortfall/surplus: one coverage row each
    continuous = continuous[touched[csc.indices[csc.indptr[continuous]]]]
    columns = np.concatenate([counts, continuous])
    columns.sort()
    inside = np.zeros(model.c.size, dtype=bool)
    inside[columns] = True
    sub = model.A[rows]
    fixed = sub[:, ~inside] @ values[~inside]
    outcome = solve_from(
        model.c[columns],
        values[columns],
        integrality=model.integer[columns],
        lower=model.lb[columns],
        upper=model.ub[columns],
        matrix=sub[:, columns],
        row_lower=model.row_lb[rows] - fixed,
        row_upper=model.row_ub[rows] - fixed,
        node_limit=NODE_BUDGET,
        time_limit_s=left_s,
    )
    return outcome, columns


def _close_enough(objective: float, bound: float, mip_gap: float) -> bool:
    return objective - bound <= mip_gap * max(abs(bound), _EPS)


def _column_starts(model: CoverModel, cands: Candidates) -> np.ndarray:
    """Per model column: the grid interval its start group starts at, or -1 for the
    continuous columns (shortfall, surplus), which are always free."""
    starts = np.full(model.c.size, -1, dtype=np.int64)
    for layout in model.blocks:
        starts[layout.x] = cands.group_start[cands.group]
        starts[layout.b] = cands.group_start[cands.slot_group]
    return starts


def _inside(starts: np.ndarray, first: int, width: int, size: int, cyclic: bool) -> np.ndarray:
    """Columns free in the window of ``width`` intervals from ``first`` (wrapping on a
    cyclic week), and every continuous column."""
    since = (starts - first) % size if cyclic else starts - first
    return (starts < 0) | ((since >= 0) & (since < width))


def _worst_first(
    model: CoverModel, values: np.ndarray, width: int, reach: int, cyclic: bool
) -> list[int]:
    """Window starts, half a window apart, by the surplus agent-intervals their shifts
    can touch (``width + reach`` intervals from the window's start), most first; ties in
    time order."""
    size = model.shift_coverage.shape[0]
    surplus = sum(
        np.maximum(model.coverage(values, i) - model.required[i], 0.0)
        for i in range(len(model.blocks))
    )
    stride = max(1, width // 2)
    firsts = np.arange(0, size, stride)
    span = np.arange(width + reach)
    rows = firsts[:, None] + span[None, :]
    if cyclic:
        rows %= size
        weights = surplus[rows].sum(axis=1)
    else:
        weights = np.where(rows < size, surplus[np.minimum(rows, size - 1)], 0.0).sum(axis=1)
    order = np.lexsort((firsts, -np.round(weights, 6)))
    return [int(f) for f in firsts[order]]
