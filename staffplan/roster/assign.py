"""Assign named agents to the week's shifts: the roster.

The library behind ``staffplan roster``: takes the shifts table chosen by the covering
model and the team, returns who works which shift (with the shift's break times), the
shifts nobody could take, and each agent's week in numbers. Every roster is checked by
the independent :func:`~staffplan.roster.rules_check.violations` before it is returned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from staffplan.config.shifts import RulesConfig, ShiftTemplate, clock_minutes
from staffplan.config.team import TeamConfig
from staffplan.errors import InputError
from staffplan.roster.assign_model import (
    CarryIn,
    ShiftKey,
    WeekShifts,
    solve_assignment,
    week_days,
)
from staffplan.roster.fairness import recent_load, unsocial
from staffplan.roster.need import text_column
from staffplan.roster.rules_check import violations
from staffplan.tables.breaks import break_offsets

ROSTER_COLUMNS = [
    "agent",
    "day",
    "start",
    "end",
    "breaks",
    "queue",
    "shift_id",
    "paid_hours",
    "template",
    "break_offsets_min",
]


@dataclasses.dataclass(frozen=True)
class Assignment:
    """The roster of a week.

    ``roster``: ``agent, day, start, end, breaks, queue, shift_id, paid_hours, template,
    break_offsets_min`` (the breaks as minutes after the start), one row per worked shift,
    by start then agent. ``open_shifts``: the input rows nobody could take (too few
    agents, skills or rules). ``agents``: per rostered agent
    ``agent, shifts, paid_hours, contracted_hours, weekend_shifts, late_shifts,
    recent_load`` (the weighted weekend/late shifts of past weeks). ``timed_out``: the
    solver hit ``team.time_limit_s`` (the roster is valid, a re-run may differ).
    """

    roster: pd.DataFrame
    open_shifts: pd.DataFrame
    agents: pd.DataFrame
    timed_out: bool = False


def assign_agents(
    shifts: pd.DataFrame,
    team: TeamConfig,
    rules: RulesConfig,
    *,
    week_start: dt.date,
    need_hours: np.ndarray | None = None,
    history: pd.DataFrame | None = None,
    templates: Sequence[ShiftTemplate] = (),
    published: pd.DataFrame | None = None,
) -> Assignment:
    """Assign the rostered agents of ``team`` to ``shifts`` for the week from ``week_start``.

    ``shifts`` is the shifts table (``shift_id, start, end, paid_hours, breaks`` and
    optionally ``break_offsets_min, queue, template``), every shift starting in the week.
    ``need_hours`` is how many hours of each shift are needed (default its paid hours; see
    :func:`~staffplan.roster.need.shift_need_hours`). ``history`` are earlier rosters
    with ``agent, start, end, weeks_ago`` (see
    :func:`~staffplan.roster.fairness.previous_rosters`). ``published`` is the roster
    already published for this week (``agent, start, end`` and optionally ``queue,
    shift_id``): a re-run keeps its shifts where it can (``team.weights.stability`` per
    shift moved), each on the same row of ``shifts`` when that row is still there. Raises
    :class:`InputError` for a shift outside the week; a broken rule in the result is a bug
    (RuntimeError).
    """
    shifts = shifts.reset_index(drop=True)
    history = _empty_history(shifts) if history is None else history
    need = shifts["paid_hours"] if need_hours is None else need_hours
    need = np.asarray(need, dtype=float)
    kind = _kinds(shifts)
    week = _week_arrays(shifts, kind, week_start, team, need)
    chosen, timed_out = solve_assignment(
        week,
        team,
        rules,
        carry_in(history, week_start),
        _load(history, team),
        published_keys(published),
    )
    pairs = _expand(chosen, kind, need, _published_rows(published, shifts, kind))
    taken = [s for _, s in pairs]
    roster = _roster(shifts, pairs)
    problems = violations(
        roster, rules, team, week_start=week_start, previous=history, templates=templates
    )
    if problems:
        raise RuntimeError(f"the assignment broke a rule (please report): {problems[0]}")
    open_shifts = shifts.drop(index=taken).sort_values("start", kind="stable")
    summary = _agent_summary(roster, team, history)
    return Assignment(roster, open_shifts.reset_index(drop=True), summary, timed_out)


def _empty_history(shifts: pd.DataFrame) -> pd.DataFrame:
    empty = shifts["start"].iloc[:0]
    return pd.DataFrame({"agent": [], "start": empty, "end": empty, "weeks_ago": []})


def _kinds(shifts: pd.DataFrame) -> np.ndarray:
    """Per row, the number of its kind: rows alike in times, paid hours, queue and
    template share a kind (numbered in order of first appearance)."""
    key = pd.DataFrame(
        {
            "start": shifts["start"],
            "end": shifts["end"],
            "paid": shifts["paid_hours"].to_numpy(dtype=float),
            "queue": text_column(shifts, "queue"),
            "template": text_column(shifts, "template"),
        }
    )
    return key.groupby(list(key.columns), sort=False, dropna=False).ngroup().to_numpy()


def _week_arrays(
    shifts: pd.DataFrame, kind: np.ndarray, week_start: dt.date, team: TeamConfig, need: np.ndarray
) -> WeekShifts:
    starts = list(shifts["start"])
    days = week_days(week_start, starts)
    if (days < 0).any():
        i = int(np.flatnonzero(days < 0)[0])
        raise InputError(
            f"shift {shifts['shift_id'].iloc[i]} starts {starts[i].isoformat()}, outside the "
            f"week of {week_start}; roster one week at a time"
        )
    first = np.unique(kind, return_index=True)[1]
    rows = shifts.iloc[first].reset_index(drop=True)
    flags = unsocial(rows["start"], rows["end"], clock_minutes(team.late_after, "late_after"))
    return WeekShifts(
        start=list(rows["start"]),
        end=list(rows["end"]),
        day=days[first],
        paid_hours=rows["paid_hours"].to_numpy(dtype=float),
        clock_min=np.array([t.hour * 60 + t.minute for t in rows["start"]], dtype=int),
        queue=text_column(rows, "queue"),
        template=text_column(rows, "template"),
        unsocial=(flags["weekend"] + flags["late"]).to_numpy(dtype=float),
        need_sorted=tuple(-np.sort(-need[kind == k]) for k in range(len(first))),
    )


def _expand(
    chosen: list[tuple[str, int]],
    kind: np.ndarray,
    need: np.ndarray,
    before: dict[tuple[str, int], int],
) -> list[tuple[str, int]]:
    """Give each agent who works a kind of shift one concrete row of that kind: the row
    the agent had in the published roster (``before``: (agent, kind) → row) if still
    free, else the most needed first (ties in table order), as the model counted them."""
    free = {}
    for k in np.unique(kind):
        rows = np.flatnonzero(kind == k)
        free[k] = list(rows[np.argsort(-need[rows], kind="stable")])
    kept = {}
    for name, k in chosen:
        row = before.get((name, k))
        if row is not None and row in free[k]:
            free[k].remove(row)
            kept[name, k] = row
    return [
        (name, kept[name, k] if (name, k) in kept else int(free[k].pop(0))) for name, k in chosen
    ]


def published_keys(published: pd.DataFrame | None) -> dict[str, set[ShiftKey]]:
    """Per agent of a published roster: its shifts as (start ns, end ns, queue)."""
    if published is None or published.empty:
        return {}
    keys: dict[str, set[ShiftKey]] = {}
    queues = text_column(published, "queue")
    for agent, start, end, queue in zip(
        published["agent"], published["start"], published["end"], queues, strict=True
    ):
        keys.setdefault(str(agent), set()).add((start.value, end.value, queue))
    return keys


def _published_rows(
    published: pd.DataFrame | None, shifts: pd.DataFrame, kind: np.ndarray
) -> dict[tuple[str, int], int]:
    """(agent, kind) → the row of ``shifts`` with the agent's published ``shift_id``."""
    if published is None or published.empty or "shift_id" not in published:
        return {}
    row_of = {str(sid): i for i, sid in enumerate(shifts["shift_id"])}
    out = {}
    for agent, sid in zip(published["agent"], published["shift_id"], strict=True):
        row = row_of.get(str(sid))
        if row is not None:
            out[str(agent), int(kind[row])] = row
    return out


def carry_in(history: pd.DataFrame, week_start: dt.date) -> dict[str, CarryIn]:
    """Per agent in ``history``: the end of the last shift before the week and the number
    of days worked in a row up to the Sunday before ``week_start``."""
    out = {}
    sunday = week_start - dt.timedelta(days=1)
    for name, rows in history.groupby("agent", sort=True):
        worked = {t.date() for t in rows["start"]}
        day, run = sunday, 0
        while day in worked:
            run, day = run + 1, day - dt.timedelta(days=1)
        off = next(i for i in range(8) if i == 7 or sunday - dt.timedelta(days=i) in worked)
        out[str(name)] = CarryIn(last_end=rows["end"].max(), days_in_row=run, days_off_before=off)
    return out


def _load(history: pd.DataFrame, team: TeamConfig) -> dict[str, float]:
    recent = history[history["weeks_ago"] <= team.fairness_weeks]
    return recent_load(recent, clock_minutes(team.late_after, "late_after"))


def _roster(shifts: pd.DataFrame, pairs: list[tuple[str, int]]) -> pd.DataFrame:
    rows = [s for _, s in pairs]
    chosen = shifts.iloc[rows].reset_index(drop=True)
    roster = pd.DataFrame(
        {
            "agent": [name for name, _ in pairs],
            "day": [t.date().isoformat() for t in chosen["start"]],
            "start": chosen["start"],
            "end": chosen["end"],
            "breaks": text_column(chosen, "breaks"),
            "queue": text_column(chosen, "queue"),
            "shift_id": chosen["shift_id"].to_numpy(),
            "paid_hours": chosen["paid_hours"].to_numpy(dtype=float),
            "template": text_column(chosen, "template"),
            "break_offsets_min": break_offsets(chosen),
        }
    )
    return roster.sort_values(["start", "agent"], kind="stable").reset_index(drop=True)[
        ROSTER_COLUMNS
    ]


def _agent_summary(roster: pd.DataFrame, team: TeamConfig, history: pd.DataFrame) -> pd.DataFrame:
    flags = unsocial(roster["start"], roster["end"], clock_minutes(team.late_after, "late_after"))
    load = _load(history, team)
    records = []
    for agent in team.rostered():
        mine = (roster["agent"] == agent.name).to_numpy()
        records.append(
            {
                "agent": agent.name,
                "shifts": int(mine.sum()),
                "paid_hours": float(roster["paid_hours"].to_numpy()[mine].sum()),
                "contracted_hours": agent.contracted_hours_per_week,
                "weekend_shifts": int(flags["weekend"].to_numpy()[mine].sum()),
                "late_shifts": int(flags["late"].to_numpy()[mine].sum()),
                "recent_load": load.get(agent.name, 0.0),
            }
        )
    return pd.DataFrame(records)
