"""Solve the covering model: LP bound first, then a fast near-optimal integer schedule.

1. The LP relaxation gives the bound every schedule is measured against.
2. A quick rounding of the LP (:mod:`._quick`, a fraction of a second) gives a first
   schedule, so there is always one, however short the time limit.
3. Unless that is already within ``mip_gap`` of the bound, a restricted MILP keeps what
   the LP decided firmly: each shift the LP uses at least ``floor(x)`` times stays, any
   length of a start group the LP uses may be added, start groups the LP does not use
   are left out. HiGHS solves it in its root node only: its root heuristics find the
   good schedules, while branching on these models is slow and would only end at the
   time limit. A root-only search does the same work on every run, so it returns the
   same schedule on every run unless the time limit cuts it short (``timed_out``).

The better of the two schedules is kept. The LP is not cut short by the time limit (it
takes well under a second for a week of quarter-hours and every answer depends on it).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.optimize as so

from staffplan.milp import run_highs
from staffplan.schedule._candidates import Candidates
from staffplan.schedule._model import CoverModel
from staffplan.schedule._quick import quick_schedule

_EPS = 1e-6
ROOT_ONLY = 1  # HiGHS finds its schedules in the root; nodes are slow and cut by time


@dataclasses.dataclass(frozen=True)
class Solved:
    """An integer solution ``values`` of a :class:`CoverModel` with its LP bound.

    ``gap`` is ``(objective - lp_bound) / lp_bound``; ``timed_out`` says the time limit
    cut a stage short (the schedule is valid but may differ between runs).
    """

    values: np.ndarray
    objective: float
    lp_bound: float
    method: str
    timed_out: bool

    @property
    def gap(self) -> float:
        """Relative gap of the objective above the LP bound (0 when both are 0)."""
        if self.lp_bound <= 0:
            return 0.0 if self.objective <= 0 else float("inf")
        return max(self.objective - self.lp_bound, 0.0) / self.lp_bound


def solve_lp(model: CoverModel) -> so.OptimizeResult:
    """The LP relaxation (HiGHS); ``status`` 2 means infeasible."""
    return _highs(model, np.zeros(model.c.size), model.lb, model.ub, mip_gap=0.0)


def quick_solution(model: CoverModel, cands: Candidates, lp: so.OptimizeResult) -> Solved | None:
    """The quick rounding of the LP ``lp`` as a :class:`Solved`, or None if it fails."""
    values = quick_schedule(model, cands, lp.x)
    if values is None:
        return None
    return Solved(values, float(model.c @ values), float(lp.fun), "LP + rounding", False)


def improve(
    model: CoverModel,
    cands: Candidates,
    lp: so.OptimizeResult,
    best: Solved | None,
    *,
    time_limit_s: float,
    mip_gap: float,
) -> Solved | None:
    """``best`` replaced by the restricted MILP's schedule (step 3) if that is better."""
    if best is not None and best.gap <= mip_gap:
        return best
    result = _restricted(model, cands, lp.x, time_limit_s, mip_gap)
    timed_out = result.status == 1
    if result.x is not None:
        values = model.settle(result.x)
        objective = float(model.c @ values)
        if best is None or objective < best.objective - _EPS:
            method = "LP + restricted MILP"
            return Solved(values, objective, float(lp.fun), method, timed_out)
    if best is None:
        return None
    return dataclasses.replace(best, timed_out=best.timed_out or timed_out)


def _restricted(
    model: CoverModel, cands: Candidates, lp_x: np.ndarray, time_limit_s: float, mip_gap: float
) -> so.OptimizeResult:
    """HiGHS, root node only, on the start groups the LP uses, keeping its floors."""
    lb, ub = model.lb.copy(), model.ub.copy()
    for layout in model.blocks:
        x = lp_x[layout.x]
        used = np.zeros(cands.group_start.size, dtype=bool)
        used[cands.group[x > _EPS]] = True
        lb[layout.x] = np.floor(x + _EPS)
        ub[layout.x] = np.where(used[cands.group], np.inf, 0.0)
        ub[layout.b] = np.where(used[cands.slot_group], np.inf, 0.0)
    integer = model.integer.astype(np.uint8)
    return _highs(
        model,
        integer,
        lb,
        ub,
        mip_gap=mip_gap,
        time_limit_s=max(time_limit_s, 0.01),
        node_limit=ROOT_ONLY,
    )


def _highs(
    model: CoverModel,
    integrality: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    *,
    mip_gap: float,
    time_limit_s: float | None = None,
    node_limit: int | None = None,
) -> so.OptimizeResult:
    """The covering model with these bounds and integrality, solved by HiGHS."""
    return run_highs(
        model.c,
        integrality=integrality,
        lower=lb,
        upper=ub,
        matrix=model.A,
        row_lower=model.row_lb,
        row_upper=model.row_ub,
        mip_gap=mip_gap,
        time_limit_s=time_limit_s,
        node_limit=node_limit,
    )
