"""The re-plan's result: the change list (each change with its cost and the service level
it buys), the schedule after it, its coverage and the summary."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import sparse

from staffplan.config import Config
from staffplan.config.team import TeamConfig
from staffplan.replan._naming import name_extra_shifts
from staffplan.replan._options import Option
from staffplan.replan._service import ServiceLevels
from staffplan.roster.need import Pools, block_floors, coverage_of, uncovered_agent_hours

CHANGE_COLUMNS = [
    "kind",
    "agent",
    "shift_id",
    "queue",
    "start",
    "end",
    "hours",
    "cost",
    "service_level_before",
    "service_level_after",
    "note",
]


@dataclasses.dataclass(frozen=True)
class Replan:
    """The re-plan: ``changes`` (only what changes, :data:`CHANGE_COLUMNS`), the full
    ``schedule`` after it (baseline rows plus added ones, with ``agent`` and ``kind``), its
    ``coverage`` table, and ``summary``: ``changes, cost, gap_before_h, gap_after_h,
    service_level_before, service_level_after`` (gaps in agent-hours short; service level
    over the intervals that were short, offered-weighted; NaN without volumes)."""

    changes: pd.DataFrame
    schedule: pd.DataFrame
    coverage: pd.DataFrame
    summary: dict[str, float]


def replan_result(
    base: pd.DataFrame,
    options: list[Option],
    adds: sparse.csc_array,
    counts: np.ndarray,
    pools: Pools,
    present: dict[str, np.ndarray],
    requirements: pd.DataFrame,
    config: Config,
    team: TeamConfig | None,
) -> Replan:
    """The :class:`Replan` of ``counts`` (times each of ``options`` is taken; ``adds`` is
    grid × option agents added) over the prepared baseline ``base``, with ``present`` the
    baseline's agents per block: extra shifts named, each change priced and its service
    level measured with and without it."""
    taken = [i for i in range(len(options)) for _ in range(int(counts[i]))]
    taken.sort(key=lambda i: (options[i].start, options[i].kind, options[i].agent, i))
    extras = [options[i] for i in taken if options[i].kind == "extra_shift"]
    named = team is not None and bool((base["agent"] != "").any())
    overtime = [options[i] for i in taken if options[i].kind.startswith("overtime")]
    names = iter(name_extra_shifts(extras, overtime, base, team, config.shifts.rules))
    agents = [next(names) if options[i].kind == "extra_shift" else options[i].agent for i in taken]
    after = {p: present[p] + adds @ (counts * _in_pool(options, p)) for p in present}
    service = ServiceLevels(requirements, pools, config)
    nearby = service.nearby(after)
    records, numbers = [], {"extra_shift": 0, "on_call": 0}
    for i, agent in zip(taken, agents, strict=True):
        pool, column = options[i].pool, adds[:, [i]].toarray().ravel()
        touched = {pool: np.flatnonzero(np.abs(column) > 1e-9)}
        without = service.leave_out(nearby, after, pool, column)
        levels = (service.level(without, touched), service.level(nearby[0], touched))
        kind = options[i].kind
        numbers[kind] = numbers.get(kind, 0) + 1
        records.append(_change(options[i], agent, base, levels, numbers[kind], named))
    changes = pd.DataFrame(records, columns=CHANGE_COLUMNS)
    schedule = _schedule(base, [options[i] for i in taken], changes)
    # counted at the breaks' resolution from the shifts as written, like every coverage
    # table (the block each row serves is its pool)
    before = uncovered_agent_hours(block_floors(base.assign(queue=base["pool"]), pools), pools)
    covered = coverage_of(schedule.assign(queue=schedule["pool"]), pools, requirements, config)
    gaps_h = (before, covered.uncovered_agent_hours)
    summary = _summary(present, after, pools, changes, service, gaps_h)
    return Replan(changes, schedule.drop(columns=["pool"]), covered.table, summary)


def _in_pool(options: list[Option], pool: str) -> np.ndarray:
    return np.array([o.pool == pool for o in options], dtype=float)


def _change(
    option: Option,
    agent: str,
    base: pd.DataFrame,
    levels: tuple[float, float],
    number: int,
    named: bool,
) -> dict[str, object]:
    note = ""
    if option.base >= 0:
        row = base.iloc[option.base]
        shift_id = str(row["shift_id"])
        if option.kind == "move":
            note = f"was {row['start']:%a %H:%M}-{row['end']:%H:%M}"
    else:
        prefix = "C" if option.kind == "on_call" else "X"
        shift_id = f"{prefix}{number:03d}"
        if not agent and named:
            note = "open: no agent is free under the rules; fill it by hand"
        elif not agent:
            note = "open: the baseline names no agents; fill it by hand"
    return {
        "kind": option.kind,
        "agent": agent,
        "shift_id": shift_id,
        "queue": option.pool,
        "start": option.start,
        "end": option.end,
        "hours": option.hours,
        "cost": option.cost,
        "service_level_before": levels[0],
        "service_level_after": levels[1],
        "note": note,
    }


def _schedule(base: pd.DataFrame, taken: list[Option], changes: pd.DataFrame) -> pd.DataFrame:
    """Baseline rows (moved ones at their new times) plus one row per added span, each
    with the ``pool`` (block) it serves."""
    out = base.assign(kind="baseline")
    added = []
    for option, change in zip(taken, changes.itertuples(index=False), strict=True):
        if option.kind == "move":
            out.loc[option.base, ["start", "end", "breaks", "break_offsets_min", "kind"]] = [
                option.start,
                option.end,
                option.breaks,
                option.break_offsets,
                "move",
            ]
            continue
        added.append(
            {
                "shift_id": change.shift_id,
                "day": option.start.date().isoformat(),
                "start": option.start,
                "end": option.end,
                "paid_hours": option.hours,
                "breaks": "",
                "break_offsets_min": "",
                "queue": option.pool,
                "pool": option.pool,
                "agent": change.agent,
                "kind": option.kind,
            }
        )
    if added:
        out = pd.concat([out, pd.DataFrame(added)], ignore_index=True)
    return out.sort_values(["start", "shift_id"], kind="stable").reset_index(drop=True)


def _summary(
    present: dict[str, np.ndarray],
    after: dict[str, np.ndarray],
    pools: Pools,
    changes: pd.DataFrame,
    service: ServiceLevels,
    gaps_h: tuple[float, float],
) -> dict[str, float]:
    short = {p: np.flatnonzero(pools.required[p] - present[p] > 1e-9) for p in present}
    return {
        "changes": float(len(changes)),
        "cost": float(changes["cost"].sum()),
        "gap_before_h": gaps_h[0],
        "gap_after_h": gaps_h[1],
        "service_level_before": service.level(service.levels(present), short),
        "service_level_after": service.level(service.levels(after), short),
    }
