"""Who takes an extra surge shift: a named agent free that day who keeps every labour
rule (rest, days per week, consecutive days, days off, weekly hours plus the overtime
allowance), or nobody (the shift stays open)."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd

from staffplan.config.shifts import RulesConfig
from staffplan.config.team import AgentConfig, SurgeConfig, TeamConfig
from staffplan.replan._options import Option


def free_agents(
    base: pd.DataFrame,
    team: TeamConfig,
    rules: RulesConfig,
    surge: SurgeConfig,
    pool: str,
    day: object,
    hours: float,
) -> list[AgentConfig]:
    """Rostered agents who could take ``hours`` more on ``day`` in ``pool``: skilled,
    available, not working that day, under ``days_per_week`` and within the weekly cap
    plus the overtime allowance."""
    out = []
    for agent in team.rostered():
        mine = base[base["agent"] == agent.name]
        days = {t.date() for t in mine["start"]}
        cap = min(
            rules.max_hours_per_week, agent.contracted_hours_per_week + team.max_hours_over_contract
        )
        if (
            agent.can_work(pool)
            and not agent.unavailable_on(day)
            and day not in days
            and len(days) < rules.days_per_week
            and float(mine["paid_hours"].sum()) + hours
            <= cap + surge.max_overtime_hours_per_week + 1e-9
        ):
            out.append(agent)
    return out


def name_extra_shifts(
    extras: list[Option],
    overtime: list[Option],
    base: pd.DataFrame,
    team: TeamConfig | None,
    rules: RulesConfig,
) -> list[str]:
    """An agent for each extra shift (in start order), or "" where nobody free keeps the
    rules (rest, days per week, consecutive days, hours) given the baseline and the
    overtime already chosen."""
    if team is None or not (base["agent"] != "").any():
        return [""] * len(extras)
    spans = pd.DataFrame(
        {
            "agent": [o.agent for o in overtime],
            "start": [o.start for o in overtime],
            "end": [o.end for o in overtime],
            "paid_hours": [o.hours for o in overtime],
        }
    )
    taken = base[["agent", "start", "end", "paid_hours"]]
    if overtime:
        taken = pd.concat([taken, spans], ignore_index=True)
    names = []
    for option in extras:
        day = option.start.date()
        free = free_agents(taken, team, rules, team.surge, option.pool, day, option.hours)
        fits = [a for a in free if _keeps_rules(taken, a.name, option, rules)]
        fits.sort(
            key=lambda a: (float(taken.loc[taken["agent"] == a.name, "paid_hours"].sum()), a.name)
        )
        name = fits[0].name if fits else ""
        names.append(name)
        if name:
            added = pd.DataFrame(
                {
                    "agent": [name],
                    "start": [option.start],
                    "end": [option.end],
                    "paid_hours": [option.hours],
                }
            )
            taken = pd.concat([taken, added], ignore_index=True)
    return names


def _keeps_rules(taken: pd.DataFrame, name: str, option: Option, rules: RulesConfig) -> bool:
    mine = taken[taken["agent"] == name]
    rest = pd.Timedelta(hours=rules.min_rest_hours)
    for start, end in zip(mine["start"], mine["end"], strict=True):
        if option.start < end + rest and start < option.end + rest:
            return False
    worked = {t.date() for t in mine["start"]} | {option.start.date()}
    days = sorted(worked)
    run = longest = 1
    for before, after in itertools.pairwise(days):
        run = run + 1 if (after - before).days == 1 else 1
        longest = max(longest, run)
    return longest <= rules.max_consecutive_days and _days_off_kept(worked, option, rules)


def _days_off_kept(worked: set[dt.date], option: Option, rules: RulesConfig) -> bool:
    """A run of ``consecutive_days_off`` days off remains in the shift's ISO week (days
    before its Monday count as off, as in the roster)."""
    day = option.start.date()
    monday = day - dt.timedelta(days=day.weekday())
    needed = rules.consecutive_days_off
    run = best = 0
    for offset in range(1 - needed, 7):
        run = 0 if monday + dt.timedelta(days=offset) in worked else run + 1
        best = max(best, run)
    return best >= needed
