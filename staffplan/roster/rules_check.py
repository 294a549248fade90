"""An independent check of a roster against the weekly labour rules and the team.

This reads the roster as a team lead would (one agent's week at a time, shift by shift,
in real elapsed time) and shares no code with the assignment model, so it can verify the
solver: the tests run it on every roster, and :func:`~staffplan.roster.assign.assign_agents`
runs it after every solve.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from staffplan.config.shifts import RulesConfig, ShiftTemplate
from staffplan.config.team import AgentConfig, TeamConfig
from staffplan.tables.breaks import row_breaks

_EPS_H = 1e-6


def violations(
    roster: pd.DataFrame,
    rules: RulesConfig,
    team: TeamConfig,
    *,
    week_start: dt.date | None = None,
    previous: pd.DataFrame | None = None,
    templates: Sequence[ShiftTemplate] = (),
) -> list[str]:
    """Every way ``roster`` breaks ``rules`` (the ``shifts.rules`` section) or ``team``.

    ``roster`` has ``agent, start, end`` (tz-aware) and optionally ``breaks,
    break_offsets_min, queue, paid_hours, template`` (breaks are read from
    ``break_offsets_min`` when a row has them: unambiguous on a DST fall-back day).
    ``week_start`` is the Monday of the week (default: the Monday of the earliest shift);
    ``previous`` is last week's roster (same columns), so rest and consecutive-day limits
    hold across the weekend. ``templates`` (with ``name``,
    ``breaks``, ``lunch``) are checked against each shift's break times. An empty list
    means the roster is valid. Messages name the agent and the shift.
    """
    if roster.empty:
        return []
    starts = roster["start"]
    if week_start is None:
        first = min(starts.dt.date)
        week_start = first - dt.timedelta(days=first.weekday())
    problems: list[str] = []
    by_name = {t.name: t for t in templates}
    for name, rows in roster.groupby("agent", sort=True):
        agent = team.agent(str(name))
        if agent is None:
            problems.append(f"{name}: not in team.agents")
            continue
        rows = rows.sort_values("start", kind="stable")
        before = _agent_rows(previous, agent.name)
        problems += _check_agent(agent, rows, before, rules, team, week_start)
        problems += _check_breaks(agent.name, rows, by_name)
    return problems


def _agent_rows(frame: pd.DataFrame | None, name: str) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame({"start": [], "end": []})
    return frame[frame["agent"] == name].sort_values("start", kind="stable")


def _check_agent(
    agent: AgentConfig,
    rows: pd.DataFrame,
    before: pd.DataFrame,
    rules: RulesConfig,
    team: TeamConfig,
    week_start: dt.date,
) -> list[str]:
    name = agent.name
    problems = [f"{name}: is on call and must not be rostered"] if agent.on_call else []
    days = [t.date() for t in rows["start"]]
    week = [week_start + dt.timedelta(days=i) for i in range(7)]
    for day in days:
        if day not in week:
            problems.append(f"{name}: shift on {day} is outside the week of {week_start}")
        if agent.unavailable_on(day):
            problems.append(f"{name}: rostered on {day}, listed as unavailable")
    if len(set(days)) < len(days):
        problems.append(f"{name}: more than one shift on a day")
    if len(set(days)) > rules.days_per_week:
        problems.append(f"{name}: works {len(set(days))} days, max {rules.days_per_week}")
    problems += _check_rest(name, rows, before, rules.min_rest_hours)
    problems += _check_hours(agent, rows, rules, team)
    problems += _check_runs(name, set(days), before, week, rules)
    if rules.same_start_time:
        clocks = {(t.hour, t.minute) for t in rows["start"]}
        if len(clocks) > 1:
            problems.append(f"{name}: starts at {len(clocks)} different times; rule says one")
    if "queue" in rows.columns:
        for queue in rows["queue"].fillna(""):
            if not agent.can_work(str(queue)):
                problems.append(f"{name}: rostered on queue {queue!r} without that skill")
    return problems


def _check_rest(name: str, rows: pd.DataFrame, before: pd.DataFrame, rest_h: float) -> list[str]:
    ends = list(before["end"].iloc[-1:]) + list(rows["end"])
    starts = list(before["start"].iloc[-1:]) + list(rows["start"])
    problems = []
    for i in range(1, len(starts)):
        gap_h = (starts[i] - ends[i - 1]).total_seconds() / 3600
        if gap_h < rest_h - _EPS_H:
            problems.append(
                f"{name}: {gap_h:.2f} h rest between the shift ending {ends[i - 1].isoformat()} "
                f"and the one starting {starts[i].isoformat()}; min {rest_h:g} h"
            )
    return problems


def _check_hours(
    agent: AgentConfig, rows: pd.DataFrame, rules: RulesConfig, team: TeamConfig
) -> list[str]:
    if "paid_hours" in rows.columns:
        hours = float(rows["paid_hours"].sum())
    else:
        hours = float((rows["end"] - rows["start"]).dt.total_seconds().sum() / 3600)
    cap = min(
        rules.max_hours_per_week, agent.contracted_hours_per_week + team.max_hours_over_contract
    )
    if hours > cap + _EPS_H:
        return [f"{agent.name}: {hours:g} paid hours, max {cap:g}"]
    return []


def _check_runs(
    name: str, worked: set[dt.date], before: pd.DataFrame, week: list[dt.date], rules: RulesConfig
) -> list[str]:
    problems = []
    earlier = {t.date() for t in before["start"]}
    day = week[0] - dt.timedelta(days=1)
    carried = 0
    while day in earlier:
        carried += 1
        day -= dt.timedelta(days=1)
    run, longest = carried, 0
    for day in week:
        run = run + 1 if day in worked else 0
        longest = max(longest, run)
    if longest > rules.max_consecutive_days:
        problems.append(
            f"{name}: works {longest} days in a row (counting last week), "
            f"max {rules.max_consecutive_days}"
        )
    needed = rules.consecutive_days_off
    if needed > 0:
        # Days before Monday are off unless last week's roster shows a shift on them.
        lead_in = [week[0] - dt.timedelta(days=i) for i in range(needed - 1, 0, -1)]
        off_run = best = 0
        for day in lead_in + week:
            off_run = 0 if day in worked or day in earlier else off_run + 1
            best = max(best, off_run)
        if best < needed:
            problems.append(f"{name}: longest run of days off is {best}, needs {needed} in a row")
    return problems


def _check_breaks(name: str, rows: pd.DataFrame, templates: dict[str, ShiftTemplate]) -> list[str]:
    if "breaks" not in rows.columns:
        return []
    problems = []
    for row in rows.itertuples(index=False):
        try:
            spans = row_breaks(row)
        except ValueError as exc:
            problems.append(f"{name}: shift {row.start.isoformat()}: {exc}")
            continue
        problems += _check_spans(name, row.start, row.end, spans)
        template = templates.get(str(getattr(row, "template", "")))
        if template is not None:
            problems += _check_windows(name, row.start, spans, template)
    return problems


def _check_spans(
    name: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    spans: list[tuple[pd.Timestamp, pd.Timestamp]],
) -> list[str]:
    problems = []
    last_end = start
    for begin, finish in sorted(spans):
        if begin < last_end or finish > end or finish <= begin:
            problems.append(
                f"{name}: break {begin:%H:%M}-{finish:%H:%M} of the shift starting "
                f"{start.isoformat()} overlaps another break or leaves the shift"
            )
        last_end = max(last_end, finish)
    return problems


def _check_windows(
    name: str,
    start: pd.Timestamp,
    spans: list[tuple[pd.Timestamp, pd.Timestamp]],
    template: ShiftTemplate,
) -> list[str]:
    """Each of the template's pauses (lunch and breaks) must be present, of its length,
    inside its window ``[earliest start, latest end]`` in minutes after the shift start."""
    wanted = sorted(template.pauses(), key=lambda pause: tuple(pause[2]))
    spans = sorted(spans)
    if len(spans) != len(wanted):
        return [
            f"{name}: shift starting {start.isoformat()} has {len(spans)} breaks, "
            f"template {template.name!r} has {len(wanted)}"
        ]
    problems = []
    for (begin, finish), (key, minutes, window) in zip(spans, wanted, strict=True):
        offset = (begin - start).total_seconds() / 60
        length = (finish - begin).total_seconds() / 60
        low, high = window
        if abs(length - minutes) > 1e-6 or offset < low or offset + length > high:
            problems.append(
                f"{name}: break {begin:%H:%M}-{finish:%H:%M} of the shift starting "
                f"{start.isoformat()} is not the template's {key} ({minutes} min within "
                f"{low}-{high} min after the start)"
            )
    return problems
