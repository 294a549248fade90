"""The one HiGHS wrapper: every linear and mixed-integer program of staffplan is solved here.

The covering model (:mod:`staffplan.schedule`) hands over its arrays to :func:`run_highs`;
the assignment (:mod:`staffplan.roster`) and re-planning (:mod:`staffplan.replan`) models
are built column by column (:class:`Columns`) and row by row (:class:`Rows`) and solved
with :func:`solve_milp`. Costs are in the caller's units; times in seconds.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from scipy import optimize, sparse

from staffplan.engine import join
from staffplan.errors import InputError, real_number


def check_time_limit(time_limit_s: float | None) -> None:
    """A time limit given by the user (None: the config's) must be a finite number of
    seconds, 0 or more (0: no search beyond the first rounded solution); the error names
    ``--time-limit``."""
    if time_limit_s is None:
        return
    if not 0 <= real_number(time_limit_s, "time_limit", "seconds", 60) < math.inf:
        raise InputError(
            f"{time_limit_s:g} is not a solver time limit; give the seconds as a number "
            "of 0 or more, e.g. 60",
            parameter="time_limit",
        )


def run_highs(
    cost: np.ndarray,
    *,
    integrality: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    matrix: sparse.sparray | None,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    mip_gap: float,
    time_limit_s: float | None = None,
    node_limit: int | None = None,
) -> optimize.OptimizeResult:
    """Minimise ``cost @ x`` with ``lower <= x <= upper``, ``row_lower <= matrix @ x <=
    row_upper`` (no rows when ``matrix`` is None) and ``x`` whole where ``integrality``
    is 1, with HiGHS stopping within ``mip_gap`` (share of the objective) of the bound,
    after ``time_limit_s`` seconds or ``node_limit`` branch-and-bound nodes.

    Returns scipy's result as is: ``status`` 1 means a limit stopped the search, 2 that
    the program is infeasible; ``x`` is None when HiGHS found no solution.
    """
    options: dict[str, float] = {"mip_rel_gap": mip_gap}
    if node_limit is not None:
        options["node_limit"] = node_limit
    if time_limit_s is not None:
        options["time_limit"] = time_limit_s
    constraints = (
        [] if matrix is None else [optimize.LinearConstraint(matrix, row_lower, row_upper)]
    )
    with warnings.catch_warnings():
        # HiGHS's own status (time limit, node limit) is in the result; scipy's warning
        # about it would only reach the user as noise.
        warnings.simplefilter("ignore", RuntimeWarning)
        return _interruptible(
            lambda: optimize.milp(
                cost,
                integrality=integrality,
                bounds=optimize.Bounds(lower, upper),
                constraints=constraints,
                options=options,
            )
        )


T = TypeVar("T")
_NO_LIMIT = 2**31 - 1  # HiGHS's "no node limit"
# One thread and a fixed seed: HiGHS then does the same work on every run.
_DETERMINISTIC: dict[str, bool | int | str] = {
    "output_flag": False,
    "threads": 1,
    "random_seed": 0,
    # Window models are small and start from a feasible schedule: HiGHS's symmetry
    # detection, restarts and start heuristics cost more than they find there
    # (benchmarks/schedule_bench.py: same schedules at half the time).
    "mip_pool_soft_limit": 100,
    "mip_detect_symmetry": False,
    "mip_allow_restart": False,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
}


def _interruptible(solve: Callable[[], T]) -> T:
    """``solve()`` run in a worker thread while this one waits, so Ctrl-C stops at once.

    HiGHS keeps the thread that calls it until it finishes (up to its time limit), and
    Python handles Ctrl-C only in the main thread, between its own steps; HiGHS releases
    the interpreter lock, so the main thread can wait instead and take the signal (it
    wakes every :data:`staffplan.engine.JOIN_POLL_S` seconds, so a Ctrl-C the kernel gave
    to HiGHS's thread is raised too). After Ctrl-C the solve runs on in the background
    until the process exits.
    """
    outcome: list[tuple[bool, Any]] = []

    def work() -> None:
        try:
            outcome.append((True, solve()))
        except BaseException as exc:  # handed to the waiting thread
            outcome.append((False, exc))

    worker = threading.Thread(target=work, name="highs", daemon=True)
    worker.start()
    join(worker)
    solved, value = outcome[0]
    if not solved:
        raise value
    return value


class Rows:
    """Sparse constraint rows ``lo <= A x <= hi``, added one at a time."""

    def __init__(self) -> None:
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, cols: Any, vals: Any, lo: float, hi: float) -> None:
        """Add the row ``lo <= sum(vals * x[cols]) <= hi`` (``vals`` may be a scalar)."""
        cols = np.asarray(cols, dtype=np.int64)
        self.cols.append(cols)
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=float), cols.shape))
        self.lo.append(lo)
        self.hi.append(hi)

    def matrix(self, n_vars: int) -> sparse.csr_array:
        """The rows as a sparse matrix of ``n_vars`` columns."""
        lengths = [len(c) for c in self.cols]
        rows = np.repeat(np.arange(len(self.cols)), lengths)
        return sparse.csr_array(
            (np.concatenate(self.vals), (rows, np.concatenate(self.cols))),
            shape=(len(self.cols), n_vars),
        )


@dataclasses.dataclass
class Columns:
    """Columns of a model: objective cost, bounds and integrality, added one at a time."""

    cost: list[float] = dataclasses.field(default_factory=list)
    lower: list[float] = dataclasses.field(default_factory=list)
    upper: list[float] = dataclasses.field(default_factory=list)
    integer: list[int] = dataclasses.field(default_factory=list)

    def new(self, cost: float, upper: float = 1.0, integer: bool = True, lower: float = 0.0) -> int:
        """Add a column; returns its index."""
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(int(integer))
        return len(self.cost) - 1


@dataclasses.dataclass(frozen=True)
class Solution:
    """Column values, and whether the time limit stopped HiGHS before ``mip_gap`` (then a
    re-run on another machine may differ)."""

    values: np.ndarray
    timed_out: bool


def solve_milp(columns: Columns, rows: Rows, *, mip_gap: float, time_limit_s: float) -> Solution:
    """Minimise the columns' cost subject to ``rows`` with HiGHS, to within ``mip_gap`` of
    the bound (share of the objective); RuntimeError if HiGHS returns no solution."""
    result = run_highs(
        np.array(columns.cost),
        integrality=np.array(columns.integer),
        lower=np.array(columns.lower),
        upper=np.array(columns.upper),
        matrix=rows.matrix(len(columns.cost)) if rows.cols else None,
        row_lower=np.array(rows.lo),
        row_upper=np.array(rows.hi),
        mip_gap=mip_gap,
        time_limit_s=time_limit_s,
    )
    if result.x is None:
        raise RuntimeError(f"MILP failed: {result.message}")
    return Solution(result.x, timed_out=result.status == 1)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One solve of :func:`solve_from`: ``x`` (None when HiGHS found no solution),
    its ``objective``, HiGHS's proven ``dual_bound`` on this model, ``nodes`` searched,
    and ``stop``: ``"optimal"`` (within the gap), ``"budget"`` (the node budget, the same
    on every run), ``"clock"`` (the wall-clock safety net: a re-run may differ) or
    ``"infeasible"``."""

    x: np.ndarray | None
    objective: float
    dual_bound: float
    nodes: int
    stop: str


@functools.cache
def _highspy() -> Any:
    """highspy, imported on first use (only the search needs it), its first ``Highs()``
    made with stdout pointed at the null device: HiGHS prints its banner there once per
    process, before any option can silence it, and stdout may be a command's CSV."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return highspy


def solve_from(
    cost: np.ndarray,
    start: np.ndarray | None,
    *,
    integrality: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    matrix: sparse.sparray | sparse.spmatrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    node_limit: int,
    mip_gap: float = 0.0,
    time_limit_s: float = math.inf,
    bound_only: bool = False,
) -> Outcome:
    """Minimise ``cost @ x`` as :func:`run_highs` does, starting HiGHS from the feasible
    solution ``start`` (so it never returns anything worse) and stopping after
    ``node_limit`` branch-and-bound nodes, within ``mip_gap`` or at ``time_limit_s``.
    ``bound_only`` runs no presolve and no primal heuristics: for the proven ``dual_bound``
    alone.

    This one uses highspy, not scipy: scipy's ``milp`` cannot take a starting solution.
    HiGHS runs on one thread with a fixed seed, so the same call does the same work and
    gives the same answer on a fast or a loaded machine; only ``time_limit_s`` (a safety
    net) depends on the clock.
    """
    highspy = _highspy()
    highs = highspy.Highs()
    for name, value in _DETERMINISTIC.items():
        highs.setOptionValue(name, value)
    highs.setOptionValue("mip_rel_gap", mip_gap)
    highs.setOptionValue("mip_max_nodes", int(node_limit))
    highs.setOptionValue("time_limit", float(time_limit_s))
    if bound_only:
        # No presolve either: on the covering models the root's cuts then prove about
        # the same bound (within 0.1 %) in a third less time (benchmarks/schedule_bench.py).
        highs.setOptionValue("presolve", "off")
        highs.setOptionValue("mip_heuristic_effort", 0.0)
        highs.setOptionValue("mip_heuristic_run_root_reduced_cost", False)
    csc = sparse.csc_matrix(matrix)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(cost.size), int(csc.shape[0])
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
    lp.row_lower_, lp.row_upper_ = row_lower, row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr
    lp.a_matrix_.index_ = csc.indices
    lp.a_matrix_.value_ = csc.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
        for flag in np.asarray(integrality, dtype=bool)
    ]
    highs.passModel(lp)
    if start is not None:
        columns = np.arange(cost.size, dtype=np.int32)
        highs.setSolution(columns.size, columns, np.asarray(start, dtype=float))
    _interruptible(highs.run)
    status = highs.getModelStatus()
    info = highs.getInfo()
    found = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    stop = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "clock",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
    }.get(status, "budget")
    x = np.asarray(highs.getSolution().col_value) if found and stop != "infeasible" else None
    objective = float(info.objective_function_value) if x is not None else math.inf
    return Outcome(x, objective, float(info.mip_dual_bound), int(info.mip_node_count), stop)
