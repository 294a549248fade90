"""Roster assignment: CPU time, determinism and the shifts a small change moves; by hand.

From the repository root:

    PYTHONPATH=. python benchmarks/roster_rerun_bench.py

The bundled demo (``configs/example.yaml``: 70 rostered agents, two queues, 30-minute
intervals) plans the week after its sample history (2020-W20) once; its shifts are then
assigned with :func:`assign_agents`:

1. the first roster: CPU seconds (``time.process_time``: other jobs share the machine,
   so wall time would measure them too), objective (needed hours lost × 100 plus
   penalties, paid-hour units) and the LP bound, for the shipped solve (LP, fix the
   binaries at 1 for ``FIX_ROUNDS`` rounds, MIP of the rest) twice (are both rosters
   identical?) and for the peer, the full MIP as solved before (``FIX_ROUNDS = 0``);
2. a re-run after a small change, one agent unavailable on two days it worked, with the
   published roster as ``published`` and ``team.weights.stability`` at 0 (the peer:
   the re-run as it was before, nothing ties it to the published week) and at the
   configured weight: CPU seconds, shifts changed (calendar events added, removed or
   altered) and the share of the agents' calendar events whose bytes changed.

Everything runs on one core (thread variables set before numpy loads).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import dataclasses  # noqa: E402
import datetime as dt  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import icalendar  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from staffplan.config import Config  # noqa: E402
from staffplan.config.loader import load_config  # noqa: E402
from staffplan.jobs.roster import _team_sized, plan_week  # noqa: E402
from staffplan.roster import assign_model  # noqa: E402
from staffplan.roster.assign import Assignment, assign_agents  # noqa: E402
from staffplan.roster.changes import changed_shifts  # noqa: E402
from staffplan.roster.ics import agent_calendar, read_published  # noqa: E402
from staffplan.roster.need import requirement_pools, shift_need_hours  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"
MONDAY = dt.date(2020, 5, 11)


SOLVES: list[tuple[int, float]] = []  # per HiGHS call: integer columns, objective
_solve_milp = assign_model.solve_milp


def _recorded(columns, rows, **limits):
    solution = _solve_milp(columns, rows, **limits)
    SOLVES.append((sum(columns.integer), float(np.array(columns.cost) @ solution.values)))
    return solution


assign_model.solve_milp = _recorded


def assign(config: Config, shifts, need, published=None) -> tuple[float, Assignment]:
    SOLVES.clear()
    start = time.process_time()
    result = assign_agents(
        shifts,
        config.team,
        config.shifts.rules,
        week_start=MONDAY,
        need_hours=need,
        templates=config.shifts.templates,
        published=published,
    )
    return time.process_time() - start, result


def unavailable(config: Config, roster: pd.DataFrame) -> tuple[Config, str, list[str]]:
    """The config with the first agent (by name) who works Tuesday and Wednesday made
    unavailable on both days."""
    days = [(MONDAY + dt.timedelta(days=d)).isoformat() for d in (1, 2)]
    works = roster.groupby("agent")["day"].agg(set)
    name = sorted(a for a, worked in works.items() if set(days) <= worked)[0]
    agents = tuple(
        dataclasses.replace(
            a, unavailable_dates=(*a.unavailable_dates, *map(dt.date.fromisoformat, days))
        )
        if a.name == name
        else a
        for a in config.team.agents
    )
    return (
        dataclasses.replace(config, team=dataclasses.replace(config.team, agents=agents)),
        name,
        days,
    )


def calendars_changed(config: Config, before: pd.DataFrame, after: pd.DataFrame) -> tuple[int, int]:
    """Calendar events (all agents) whose bytes differ after re-publishing, and all events."""
    changed = total = 0
    for agent in config.team.rostered():
        first = agent_calendar(
            agent.name, before[before["agent"] == agent.name], config.zone, MONDAY
        )
        again = agent_calendar(
            agent.name,
            after[after["agent"] == agent.name],
            config.zone,
            MONDAY,
            read_published(first),
        )
        old = {
            str(e["uid"]): e.to_ical() for e in icalendar.Calendar.from_ical(first).walk("VEVENT")
        }
        new = {
            str(e["uid"]): e.to_ical() for e in icalendar.Calendar.from_ical(again).walk("VEVENT")
        }
        total += len(old.keys() | new.keys())
        changed += sum(old.get(uid) != new.get(uid) for uid in old.keys() | new.keys())
    return changed, total


def main() -> None:
    base = load_config(EXAMPLE)
    config = _team_sized(base, base.team)
    week = plan_week(config, MONDAY, warn=lambda _: None)
    shifts = week.schedule.shifts
    need = shift_need_hours(shifts, requirement_pools(week.requirements, config))
    print(f"{len(config.team.rostered())} agents, {len(shifts)} shifts, 2020-W20")
    cpu_a, first = assign(config, shifts, need)
    objective = SOLVES[-1][1]
    bound = next(value for ints, value in SOLVES if ints == 0)
    cpu_b, second = assign(config, shifts, need)
    same = first.roster.equals(second.roster)
    print(
        f"first roster, shipped: {cpu_a:.2f} / {cpu_b:.2f} s CPU (two runs), identical: "
        f"{same}, objective {objective:,.2f}, LP bound {bound:,.2f}, HiGHS calls "
        f"{len(SOLVES)}, timed out: {first.timed_out}, open shifts: {len(first.open_shifts)}"
    )
    rounds, assign_model.FIX_ROUNDS = assign_model.FIX_ROUNDS, 0
    cpu_full, full = assign(config, shifts, need)
    assign_model.FIX_ROUNDS = rounds
    print(
        f"first roster, peer (full MIP): {cpu_full:.2f} s CPU, objective {SOLVES[-1][1]:,.2f}, "
        f"open shifts: {len(full.open_shifts)}"
    )
    changed_config, name, days = unavailable(config, first.roster)
    print(f"change: {name} unavailable on {', '.join(days)}")
    for weight in (0.0, config.team.weights.stability):
        weights = dataclasses.replace(config.team.weights, stability=weight)
        run_config = dataclasses.replace(
            changed_config, team=dataclasses.replace(changed_config.team, weights=weights)
        )
        cpu, again = assign(run_config, shifts, need, published=first.roster)
        moved = changed_shifts(first.roster, again.roster)
        events, total = calendars_changed(run_config, first.roster, again.roster)
        print(
            f"re-run, stability {weight:g}: {cpu:.2f} s CPU, {moved} shifts changed of "
            f"{len(first.roster)}, calendar events changed {events}/{total} "
            f"({events / total:.0%}), open shifts {len(again.open_shifts)}"
        )


if __name__ == "__main__":
    main()
