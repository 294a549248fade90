"""Solve the covering model: LP bound first, then a near-optimal integer schedule.

1. The LP relaxation gives the bound every schedule is measured against.
2. A quick rounding of the LP (:mod:`._quick`, a fraction of a second) gives a first
   schedule, so there is always one, however short the time limit (when it breaks a
   hard rule, HiGHS on the whole model within ``FALLBACK_NODES`` nodes gives it).
3. Unless that is already within ``mip_gap`` of the bound, a fix-and-optimise search over
   time windows (:mod:`._search`) improves it. Its limits are counts (windows, passes,
   branch-and-bound nodes) and HiGHS runs on one thread, so it returns the same schedule
   on every run, however busy the machine; the time limit is only a safety net
   (``timed_out`` says it was hit, then a re-run may differ).

The LP is not cut short by the time limit (it takes well under a second for a week of
quarter-hours and every answer depends on it).
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import scipy.optimize as so

from staffplan.milp import run_highs, solve_from
from staffplan.schedule._candidates import Candidates
from staffplan.schedule._model import CoverModel
from staffplan.schedule._quick import quick_schedule
from staffplan.schedule._search import Progress, fix_and_optimise

_EPS = 1e-6
PROVE_UP_TO_PEAK = 20  # agents: models up to this peak get a root-node bound, ...
PROVE_UP_TO_COLUMNS = 6000  # ... when they have no more columns than this
FALLBACK_NODES = 1000  # nodes of the whole-model MILP when rounding finds nothing


@dataclasses.dataclass(frozen=True)
class Solved:
    """An integer solution ``values`` of a :class:`CoverModel` with its LP bound.

    ``gap`` is ``(objective - lp_bound) / lp_bound``; ``proven_bound`` is the best lower
    bound proven (at least ``lp_bound``); ``timed_out`` says the time limit cut a stage
    short (the schedule is valid but may differ between runs); ``lp_values`` is the LP
    relaxation's solution (fractional agents: what the shift shapes alone force).
    """

    values: np.ndarray
    objective: float
    lp_bound: float
    method: str
    timed_out: bool
    proven_bound: float
    lp_values: np.ndarray

    @property
    def gap(self) -> float:
        """Relative gap of the objective above the LP bound (0 when both are 0)."""
        if self.lp_bound <= 0:
            return 0.0 if self.objective <= 0 else float("inf")
        return max(self.objective - self.lp_bound, 0.0) / self.lp_bound


def solve_lp(model: CoverModel) -> so.OptimizeResult:
    """The LP relaxation (HiGHS); ``status`` 2 means infeasible."""
    return run_highs(
        model.c,
        integrality=np.zeros(model.c.size),
        lower=model.lb,
        upper=model.ub,
        matrix=model.A,
        row_lower=model.row_lb,
        row_upper=model.row_ub,
        mip_gap=0.0,
    )


def full_milp(model: CoverModel, lp: so.OptimizeResult, deadline: float) -> Solved | None:
    """HiGHS on the whole model within ``FALLBACK_NODES`` nodes: the first schedule when
    the quick rounding finds none that keeps the hard rules (None if HiGHS finds none)."""
    result = run_highs(
        model.c,
        integrality=model.integer.astype(np.uint8),
        lower=model.lb,
        upper=model.ub,
        matrix=model.A,
        row_lower=model.row_lb,
        row_upper=model.row_ub,
        mip_gap=0.0,
        node_limit=FALLBACK_NODES,
        time_limit_s=max(deadline - time.monotonic(), 0.01),
    )
    if result.x is None:
        return None
    values = model.settle(result.x)
    timed_out = "time limit" in str(result.message).lower()
    objective, bound = float(model.c @ values), float(lp.fun)
    return Solved(values, objective, bound, "LP + HiGHS", timed_out, bound, lp.x)


def quick_solution(model: CoverModel, cands: Candidates, lp: so.OptimizeResult) -> Solved | None:
    """The quick rounding of the LP ``lp`` as a :class:`Solved`, or None if it fails."""
    values = quick_schedule(model, cands, lp.x)
    if values is None:
        return None
    objective, bound = float(model.c @ values), float(lp.fun)
    return Solved(values, objective, bound, "LP + rounding", False, bound, lp.x)


def prove_bound(model: CoverModel, best: Solved, deadline: float) -> Solved:
    """``best`` with HiGHS's root-node bound (LP plus cuts, no heuristics) as its
    ``proven_bound`` when the queue is small (peak ≤ ``PROVE_UP_TO_PEAK`` agents) and so
    is its model (≤ ``PROVE_UP_TO_COLUMNS`` columns): there the LP bound is weak and the
    cuts close much of the gap, cheaply. Other models keep the LP bound: on larger queues
    it is tight enough, and on a week of quarter-hours with a start every 15 minutes the
    root takes 4-6 s and moves the bound by under 0.1 % (benchmarks/schedule_bench.py,
    q30@15)."""
    peak = max(float(need.max(initial=0.0)) for need in model.required)
    if peak > PROVE_UP_TO_PEAK or model.c.size > PROVE_UP_TO_COLUMNS:
        return best
    outcome = solve_from(
        model.c,
        None,
        integrality=model.integer,
        lower=model.lb,
        upper=model.ub,
        matrix=model.A,
        row_lower=model.row_lb,
        row_upper=model.row_ub,
        node_limit=1,
        time_limit_s=max(deadline - time.monotonic(), 0.01),
        bound_only=True,
    )
    bound = min(max(best.lp_bound, outcome.dual_bound), best.objective)
    timed_out = best.timed_out or outcome.stop == "clock"
    return dataclasses.replace(best, proven_bound=bound, timed_out=timed_out)


def improve(
    model: CoverModel,
    cands: Candidates,
    lp: so.OptimizeResult,
    best: Solved | None,
    *,
    mip_gap: float,
    cyclic: bool,
    interval_min: int,
    deadline: float = math.inf,
    progress: Progress | None = None,
) -> Solved | None:
    """``best`` improved by the window search (step 3) unless it is within ``mip_gap``
    already; ``deadline`` is the safety net's ``time.monotonic()``."""
    if best is None:
        best = full_milp(model, lp, deadline)
    if best is None or best.gap <= mip_gap:
        return best
    best = prove_bound(model, best, deadline)
    searched = fix_and_optimise(
        model,
        cands,
        best.values,
        best.proven_bound,
        mip_gap=mip_gap,
        cyclic=cyclic,
        interval_min=interval_min,
        deadline=deadline,
        progress=progress,
    )
    timed_out = best.timed_out or searched.timed_out
    if searched.objective >= best.objective - _EPS:
        return dataclasses.replace(best, timed_out=timed_out)
    return dataclasses.replace(
        best,
        values=searched.values,
        objective=searched.objective,
        method=f"{best.method} + window search",
        timed_out=timed_out,
    )
