"""Cover the required agents with shifts: the library behind ``staffplan schedule``.

``build_schedule(requirements, config)`` takes the requirements table (at least ``queue,
interval_start, agents``) and the config's ``shifts:`` section and returns the shifts
and coverage tables with the LP bound and the gap to it. Each queue is covered by its
own shifts, the queues of a pool (``pools:``) by one block covering their summed
``agents``, its coverage rows labelled with the joined queue names. Queues are separate
models unless ``max_headcount`` couples them into one (queues that share no agents solve
independently, on ``workers`` when given). Every model gets its LP bound, a quick
rounding and a window search that stops on counts, not on the clock.

Costs are in paid hours × ``cost_per_hour``; the objective adds
``understaffing_penalty`` per uncovered agent-interval and ``overstaffing_penalty`` per
surplus agent-interval.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.optimize as so

from staffplan.config.pools import block_shares
from staffplan.config.shifts import ShiftsConfig
from staffplan.engine import IN_PROCESS, Workers, in_threads, usable_cpus
from staffplan.errors import InfeasiblePlanError, InputError, StaffplanError
from staffplan.milp import check_time_limit
from staffplan.schedule._candidates import Candidates, Grid, build_candidates, build_grid
from staffplan.schedule._floor import on_floor, short_agent_intervals
from staffplan.schedule._model import CoverModel, build_model
from staffplan.schedule._search import Progress
from staffplan.schedule._shift_table import shift_table
from staffplan.schedule._solve import Solved, improve, quick_solution, solve_lp
from staffplan.schedule.coverage import coverage_table
from staffplan.schedule.surplus import surplus_causes, surplus_hours

if TYPE_CHECKING:
    from staffplan.config import Config

SolverProgress = Callable[[str], None]  # one line: the incumbent and its gap
# one model to cover: the model, its block labels, who hears its progress (None: nobody)
CoverTask = tuple[CoverModel, list[str], Progress | None]


@dataclasses.dataclass(frozen=True)
class Schedule:
    """A covering schedule and how good it is.

    ``lp_bound``, ``proven_bound`` and ``objective`` are in cost units (paid hours ×
    ``cost_per_hour`` plus penalties); ``gap`` = (objective − lp_bound) / lp_bound.
    ``proven_bound`` is the best lower bound proven (the LP's, or on small queues, where
    the LP is weak, HiGHS's root bound with cuts); no schedule can cost less.
    ``uncovered_agent_hours`` counts the agents short over time at the breaks' resolution
    (a quarter-hour one agent short is 0.25, though ``coverage.gap`` of its half-hour
    interval, the worst moment, is 1). ``timed_out`` says the wall-clock
    safety net cut the search short (then a rerun may return a different schedule).
    ``service_level_note`` says why ``coverage.service_level`` is empty, or is blank.
    ``surplus_causes`` splits the over-coverage the integer schedule accepted by cause
    (:func:`staffplan.schedule.surplus.surplus_causes`).
    """

    shifts: pd.DataFrame
    coverage: pd.DataFrame
    lp_bound: float
    objective: float
    paid_hours: float
    uncovered_agent_hours: float
    method: str
    timed_out: bool
    service_level_note: str
    proven_bound: float
    surplus_causes: pd.DataFrame

    @property
    def gap(self) -> float:
        """Relative gap of ``objective`` above ``lp_bound`` (0 when the bound is 0)."""
        return _relative(self.objective, self.lp_bound)

    @property
    def proven_gap(self) -> float:
        """Relative gap of ``objective`` above ``proven_bound``: at most this much could
        any schedule save."""
        return _relative(self.objective, self.proven_bound)

    @property
    def stopped_on(self) -> str:
        """How the search ended, in words: on its own counted limits (the same on any
        machine) or on the wall-clock safety net."""
        if self.timed_out:
            return "wall-clock safety net (time limit): a re-run may differ"
        return "its counted limits (the same schedule on any machine)"

    def solver_record(self) -> dict[str, float | str | bool]:
        """How the solve ended, for manifests: ``stopped_at_time_limit`` (the wall-clock
        safety net: a re-run with more time, or on a less busy machine, may find another
        schedule), in words (``stopped_on``), the gaps to the LP and proven bounds and the
        method."""
        return {
            "stopped_at_time_limit": self.timed_out,
            "stopped_on": self.stopped_on,
            "gap_to_lp_bound": round(self.gap, 6),
            "gap_to_proven_bound": round(self.proven_gap, 6),
            "method": self.method,
        }

    def summary(self) -> dict[str, float | int | str | bool]:
        """The headline figures, JSON-ready."""
        return {
            "shifts": len(self.shifts),
            "paid_hours": round(self.paid_hours, 4),
            "objective": round(self.objective, 4),
            "shift_cost": round(float(self.shifts["cost"].sum()), 4),
            "penalty_cost": round(self.objective - float(self.shifts["cost"].sum()), 4),
            "lp_bound": round(self.lp_bound, 4),
            "proven_bound": round(self.proven_bound, 4),
            "gap_to_lp_bound": round(self.gap, 6),
            "gap_to_proven_bound": round(self.proven_gap, 6),
            "uncovered_agent_hours": round(self.uncovered_agent_hours, 4),
            **surplus_hours(self.surplus_causes, self.coverage),
            "intervals_with_gaps": int((self.coverage["gap"] > 1e-9).sum()),
            "method": self.method,
            "timed_out": self.timed_out,
            "stopped_on": self.stopped_on,
            "service_level_note": self.service_level_note,
        }


def _relative(objective: float, bound: float) -> float:
    if bound <= 0:
        return 0.0 if objective <= 0 else float("inf")
    return max(objective - bound, 0.0) / bound


def build_schedule(
    requirements: pd.DataFrame,
    config: Config,
    *,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    allow_moves: bool = False,
    workers: Workers = IN_PROCESS,
    progress: SolverProgress | None = None,
) -> Schedule:
    """Shifts covering ``requirements.agents`` per queue and interval (see module doc).

    ``requirements`` has ``queue``, ``interval_start`` (tz-aware) and ``agents`` (agents
    needed on the phones/chats); optional ``offered`` (or ``volume``) and ``aht_s`` give a
    projected service level per interval. ``time_limit_s`` (seconds) and ``mip_gap``
    (share of the LP bound) default to the config's. Hard understaffing that cannot be
    met raises :class:`InfeasiblePlanError` saying by how much. ``allow_moves`` belongs to
    re-planning a published schedule (:func:`staffplan.replan.replan_surge`): a schedule
    built from scratch has no shifts to move, so it is an :class:`InputError`, not ignored.

    Models that share no agents (queues, pools) are solved side by side: by default on
    threads of this process, one per usable CPU, else on ``workers``. The search stops on
    counts (see :mod:`._search`), so the schedule does not depend on how fast or busy the
    machine is, nor on how many models ran at once; ``time_limit_s`` is a safety net (in
    this process for all models together, on other ``workers`` for each model as one
    task), and ``timed_out`` says it was hit. ``progress(line)`` hears the incumbent and
    its gap as the search improves it (in this process only).
    """
    if allow_moves:
        raise InputError(
            "only moves the shifts of a published schedule: give the baseline schedule to "
            "re-plan, or leave it off",
            parameter="allow_moves",
        )
    check_time_limit(time_limit_s)
    started = time.monotonic()
    shifts = config.require("shifts")
    budget = shifts.time_limit_s if time_limit_s is None else time_limit_s
    gap = shifts.mip_gap if mip_gap is None else mip_gap
    _check_columns(requirements)
    source = config.source or "config"
    grid = build_grid(
        requirements["interval_start"], config.zone, config.interval_min, shifts.cyclic_week, source
    )
    labels, required = _blocks(requirements, grid, block_shares(config))
    cands = build_candidates(grid, shifts, source)
    groups = (
        [list(range(len(labels)))] if shifts.max_headcount else [[i] for i in range(len(labels))]
    )
    models = [build_model(cands, grid, [required[i] for i in g], shifts) for g in groups]
    labelled = [[labels[i] for i in g] for g in groups]
    left_s = budget - (time.monotonic() - started)
    if workers is IN_PROCESS:
        # Models share no agents: side by side on this machine's cores (HiGHS releases
        # the interpreter lock), each the same schedule as when solved alone.
        deadline = time.monotonic() + left_s
        told = [_told(progress, n, len(models)) for n in range(len(models))]
        tasks = list(zip(models, labelled, told, strict=True))
        # the largest first (most agent-intervals), so no thread is left with a big one
        # at the end; the results go back in model order
        order = sorted(range(len(tasks)), key=lambda n: -sum(map(np.sum, models[n].required)))
        solved_in_order = in_threads(min(usable_cpus(), len(tasks))).map(
            _cover, [tasks[n] for n in order], common=(cands, grid, shifts, deadline, gap)
        )
        results = [solved_in_order[order.index(n)] for n in range(len(tasks))]
    else:
        # Each task gets the whole limit: it is a safety net, not a share of the work.
        tasks = [(model, names, None) for model, names in zip(models, labelled, strict=True)]
        results = workers.map(cover_block, tasks, common=(cands, grid, shifts, left_s, gap))
    solved = _found(results, left_s)
    return _assemble(solved, models, groups, labels, requirements, cands, grid, config)


def cover_block(
    cands: Candidates,
    grid: Grid,
    shifts: ShiftsConfig,
    time_limit_s: float,
    mip_gap: float,
    task: CoverTask,
) -> Solved | None:
    """One task: the LP bound, quick schedule and window search of one model (a queue,
    or queues solved together), with ``time_limit_s`` seconds as its safety net."""
    deadline = time.monotonic() + time_limit_s
    return _cover(cands, grid, shifts, deadline, mip_gap, task)


def _cover(
    cands: Candidates,
    grid: Grid,
    shifts: ShiftsConfig,
    deadline: float,
    mip_gap: float,
    task: CoverTask,
) -> Solved | None:
    model, labels, progress = task
    lp, first = _first(model, cands, grid, shifts, labels)
    return improve(
        model,
        cands,
        lp,
        first,
        mip_gap=mip_gap,
        cyclic=grid.cyclic,
        interval_min=grid.interval_min,
        deadline=deadline,
        progress=progress,
    )


def _told(progress: SolverProgress | None, n: int, total: int) -> Progress | None:
    """The search's ``(incumbent, bound)`` reports as a line for ``progress``."""
    if progress is None:
        return None
    where = f"model {n + 1}/{total}, " if total > 1 else ""

    def report(incumbent: float, bound: float) -> None:
        gap = (incumbent - bound) / bound if bound > 0 else 0.0
        progress(f"{where}incumbent {incumbent:,.2f}, gap {gap:.2%}")

    return report


def _check_columns(requirements: pd.DataFrame) -> None:
    missing = [c for c in ("queue", "interval_start", "agents") if c not in requirements.columns]
    if missing:
        raise InputError(
            f"the requirements table has no column {missing[0]!r}; it needs queue, "
            "interval_start and agents (e.g. the output of staffplan staff)"
        )
    if requirements.empty:
        raise InputError("the requirements table has no rows; nothing to schedule")
    if not isinstance(requirements["interval_start"].dtype, pd.DatetimeTZDtype):
        raise InputError("requirements.interval_start must be timezone-aware timestamps")


def _blocks(
    requirements: pd.DataFrame, grid: Grid, blocks: dict[str, list[tuple[str, float]]]
) -> tuple[list[str], list[np.ndarray]]:
    index = grid.starts.get_indexer(requirements["interval_start"])
    if (index < 0).any():
        bad = requirements["interval_start"].iloc[int(np.flatnonzero(index < 0)[0])]
        raise InputError(
            f"requirements: {bad.isoformat()} is not the start of a {grid.interval_min}-minute "
            "interval; set interval_min in the config to match the file"
        )
    return block_needs(requirements, index, grid.size, blocks)


NEED_DECIMALS = 3  # agents: a block's summed need is kept to a thousandth of an agent


def block_needs(
    requirements: pd.DataFrame,
    index: np.ndarray,
    size: int,
    blocks: dict[str, list[tuple[str, float]]],
) -> tuple[list[str], list[np.ndarray]]:
    """(block labels, agents each needs per grid interval): each row's ``agents`` at grid
    position ``index`` (rows at −1 are skipped) go to its queue's blocks by their shares
    (:func:`staffplan.config.pools.block_shares`; a queue not in the config: itself)."""
    agents = requirements["agents"].to_numpy(dtype=float)
    queues = requirements["queue"].astype(str).to_numpy()
    needs: dict[str, np.ndarray] = {}
    for queue in dict.fromkeys(queues):
        rows = (queues == queue) & (index >= 0)
        for label, share in blocks.get(queue, [(queue, 1.0)]):
            need = needs.setdefault(label, np.zeros(size))
            np.add.at(need, index[rows], agents[rows] * share)
    # a pool's queues carry fractional shares of its whole agents, read back at the
    # tables' 6 significant digits: their sum is whole up to that rounding, not above it
    return list(needs), [np.round(need, NEED_DECIMALS) for need in needs.values()]


def _first(
    model: CoverModel, cands: Candidates, grid: Grid, shifts: ShiftsConfig, labels: list[str]
) -> tuple[so.OptimizeResult, Solved | None]:
    """The LP (or the hard-coverage failure it proves) and the quick schedule from it."""
    lp = solve_lp(model)
    if lp.status == 2:
        _raise_short(model, cands, grid, shifts, labels)
    if lp.x is None:
        raise RuntimeError(f"the covering LP failed: {lp.message}")
    return lp, quick_solution(model, cands, lp)


def _found(results: list[Solved | None], budget_s: float) -> list[Solved]:
    if any(result is None for result in results):
        raise StaffplanError(
            f"no schedule that covers every interval was found within the time limit "
            f"({budget_s:.0f} s left after the LP); raise --time-limit or use "
            "shifts.understaffing: soft"
        )
    return [result for result in results if result is not None]


def _raise_short(
    model: CoverModel,
    cands: Candidates,
    grid: Grid,
    shifts: ShiftsConfig,
    labels: list[str],
) -> None:
    """Explain a hard-coverage failure: the least uncovered agent-hours any schedule has."""
    soft = dataclasses.replace(shifts, understaffing="soft", understaffing_penalty=1.0)
    relaxed = build_model(cands, grid, list(model.required), soft)
    costs = np.zeros_like(relaxed.c)
    for layout in relaxed.blocks:
        costs[layout.u] = 1.0
    lp = solve_lp(dataclasses.replace(relaxed, c=costs))
    short = np.vstack([lp.x[layout.u] for layout in relaxed.blocks])
    block, worst = np.unravel_index(int(np.argmax(short)), short.shape)
    hours = float(short.sum()) * grid.interval_min / 60
    cap = f" with max_headcount {shifts.max_headcount}" if shifts.max_headcount else ""
    raise InfeasiblePlanError(
        f"shifts.understaffing is hard but no schedule{cap} covers every interval: at least "
        f"{hours:,.1f} agent-hours stay uncovered (worst: {short[block, worst]:g} agents at "
        f"{grid.starts[worst].isoformat()} in {labels[block]!r}); raise the headcount, add "
        "templates that reach those hours, or use understaffing: soft to get the gaps named"
    )


def _assemble(
    results: list[Solved],
    models: list[CoverModel],
    groups: list[list[int]],
    labels: list[str],
    requirements: pd.DataFrame,
    cands: Candidates,
    grid: Grid,
    config: Config,
) -> Schedule:
    shift_parts, scheduled, lp_surplus = [], {}, {}
    for solved, model, members in zip(results, models, groups, strict=True):
        for position, i in enumerate(members):
            layout = model.blocks[position]
            lp_cover = model.coverage(solved.lp_values, position)
            lp_surplus[labels[i]] = np.maximum(lp_cover - model.required[position], 0.0)
            shift_parts.append(
                shift_table(
                    solved.values[layout.x], solved.values[layout.b], cands, grid, config, labels[i]
                )
            )
    required = {
        labels[i]: m.required[p]
        for m, g in zip(models, groups, strict=True)
        for p, i in enumerate(g)
    }
    shifts = pd.concat(shift_parts, ignore_index=True)
    lowest, short = {}, 0.0  # short: agent-intervals uncovered, at the breaks' resolution
    for label in labels:  # the shifts as written
        floor = on_floor(shifts[shifts["queue"] == label], grid)
        scheduled[label], lowest[label] = floor.mean(axis=1), floor.min(axis=1)
        short += short_agent_intervals(required[label], floor)
    coverage, note = coverage_table(labels, required, scheduled, grid, requirements, config, lowest)
    causes = surplus_causes(coverage, lp_surplus)
    shifts = shifts.sort_values(["start", "queue", "template", "end"], kind="stable").reset_index(
        drop=True
    )
    width = max(4, len(str(len(shifts))))
    shifts.insert(0, "shift_id", [f"S{n:0{width}d}" for n in range(1, len(shifts) + 1)])
    return Schedule(
        shifts=shifts,
        coverage=coverage,
        lp_bound=sum(r.lp_bound for r in results),
        objective=sum(r.objective for r in results),
        paid_hours=float(shifts["paid_hours"].sum()),
        uncovered_agent_hours=short * grid.interval_min / 60,
        method="; ".join(dict.fromkeys(r.method for r in results)),
        timed_out=any(r.timed_out for r in results),
        service_level_note=note,
        proven_bound=sum(r.proven_bound for r in results),
        surplus_causes=causes,
    )
