"""Assigning named agents to the week's shifts: rules always hold, the most needed
shifts are staffed (checked against brute force), fairness and preferences steer."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffplan.config.shifts import RulesConfig
from staffplan.config.team import AgentConfig, AssignWeights, TeamConfig
from staffplan.roster.assign import assign_agents
from staffplan.roster.rules_check import violations

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
MONDAY = dt.date(2026, 12, 7)
RULES = RulesConfig()


def shifts_table(specs: list[tuple[int, int, int]], queue: str = "chat") -> pd.DataFrame:
    """Shifts from (day, start hour, length hours); day 0 = Monday 2026-12-07."""
    rows = []
    for n, (day, hour, hours) in enumerate(specs):
        start = pd.Timestamp(f"{MONDAY + dt.timedelta(days=day)} {hour:02d}:00").tz_localize(BERLIN)
        rows.append(
            {
                "shift_id": f"S{n + 1:03d}",
                "day": start.date().isoformat(),
                "start": start,
                "end": start + pd.Timedelta(hours=hours),
                "paid_hours": float(hours),
                "breaks": "",
                "queue": queue,
                "template": "late" if hour >= 12 else "early",
            }
        )
    columns = ["shift_id", "day", "start", "end", "paid_hours", "breaks", "queue", "template"]
    return pd.DataFrame(rows, columns=columns)


def history_table(specs: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    """Earlier rosters from (agent, day, start hour, length hours); day -1 = last Sunday."""
    rows = shifts_table([(d, h, n) for _, d, h, n in specs])
    return pd.DataFrame(
        {
            "agent": [a for a, *_ in specs],
            "start": rows["start"],
            "end": rows["end"],
            "weeks_ago": [1 + (-d - 1) // 7 for _, d, _, _ in specs],
        }
    )


def team_of(*agents: AgentConfig, **options) -> TeamConfig:
    return TeamConfig(agents=agents, **options)


# --------------------------------------------------------------------------- rules always hold

agent_strategy = st.builds(
    AgentConfig,
    name=st.sampled_from(["a", "b", "c", "d"]),
    queues=st.sampled_from([(), ("chat",), ("phone",)]),
    contracted_hours_per_week=st.sampled_from([16.0, 24.0, 40.0]),
    unavailable_weekdays=st.lists(st.sampled_from(["mon", "wed", "sat", "sun"]), unique=True).map(
        tuple
    ),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from([6, 9, 14, 16, 22]), st.sampled_from([4, 8])),
        min_size=1,
        max_size=24,
    ),
    agents=st.lists(agent_strategy, min_size=1, max_size=4, unique_by=lambda a: a.name),
    days=st.integers(2, 6),
    rest=st.sampled_from([0.0, 8.0, 11.0, 13.0]),
    run=st.integers(2, 6),
    same_start=st.booleans(),
    last_week=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.integers(-7, -1),
            st.sampled_from([6, 16, 22]),
            st.just(8),
        ),
        max_size=8,
        unique_by=lambda s: (s[0], s[1]),
    ),
)
def test_every_agents_week_obeys_every_rule(specs, agents, days, rest, run, same_start, last_week):
    rules = RulesConfig(
        days_per_week=days,
        consecutive_days_off=min(2, 7 - days),
        max_hours_per_week=40,
        min_rest_hours=rest,
        max_consecutive_days=run,
        same_start_time=same_start,
    )
    team = team_of(*agents)
    shifts = shifts_table(specs)
    history = history_table(last_week)
    result = assign_agents(shifts, team, rules, week_start=MONDAY, history=history)
    assert violations(result.roster, rules, team, week_start=MONDAY, previous=history) == []
    assert result.roster["shift_id"].is_unique
    staffed_or_open = [*result.roster["shift_id"], *result.open_shifts["shift_id"]]
    assert sorted(staffed_or_open) == sorted(shifts["shift_id"])


# --------------------------------------------------------------------------- optimal


def brute_force_best(shifts: pd.DataFrame, team: TeamConfig, rules: RulesConfig) -> float:
    """The most paid hours any rule-abiding assignment staffs (tries every assignment)."""
    names = [None] + [a.name for a in team.agents]
    best = 0.0
    for choice in itertools.product(names, repeat=len(shifts)):
        picked = [i for i, name in enumerate(choice) if name is not None]
        roster = shifts.iloc[picked].assign(agent=[choice[i] for i in picked])
        if not violations(roster, rules, team, week_start=MONDAY):
            best = max(best, float(roster["paid_hours"].sum()))
    return best


def test_staffs_as_many_needed_hours_as_brute_force():
    rules = RulesConfig(
        days_per_week=2, consecutive_days_off=2, max_hours_per_week=16, min_rest_hours=11
    )
    team = team_of(
        AgentConfig(name="a", contracted_hours_per_week=16),
        AgentConfig(name="b", contracted_hours_per_week=12),
    )
    shifts = shifts_table([(0, 14, 8), (1, 6, 8), (1, 16, 6), (2, 9, 8), (3, 6, 4)])
    result = assign_agents(shifts, team, rules, week_start=MONDAY)
    assert result.roster["paid_hours"].sum() == pytest.approx(brute_force_best(shifts, team, rules))


def test_a_too_small_team_leaves_named_open_shifts_instead_of_failing():
    team = team_of(AgentConfig(name="solo"))
    shifts = shifts_table([(d, 8, 8) for d in range(7)] * 2)
    result = assign_agents(shifts, team, RULES, week_start=MONDAY)
    assert len(result.roster) == 5  # days_per_week
    assert len(result.open_shifts) == 9
    assert set(result.open_shifts["shift_id"]).isdisjoint(result.roster["shift_id"])


def test_the_most_needed_shifts_are_staffed_first():
    team = team_of(AgentConfig(name="solo", contracted_hours_per_week=8))
    shifts = shifts_table([(0, 8, 8), (1, 8, 8)])
    result = assign_agents(shifts, team, RULES, week_start=MONDAY, need_hours=np.array([2.0, 7.5]))
    assert list(result.roster["shift_id"]) == ["S002"]


# --------------------------------------------------------------------------- soft wishes


def test_who_had_last_weekends_gets_fewer_weekend_shifts():
    team = team_of(AgentConfig(name="had"), AgentConfig(name="fresh"))
    shifts = shifts_table([(5, 9, 8), (6, 9, 8)])
    history = history_table([("had", -1, 9, 8), ("had", -2, 9, 8), ("had", -8, 9, 8)])
    result = assign_agents(shifts, team, RULES, week_start=MONDAY, history=history)
    assert set(result.roster["agent"]) == {"fresh"}
    loads = result.agents.set_index("agent")["recent_load"]
    assert loads["had"] == pytest.approx(2 + 0.5)  # last week counts 1, the week before 1/2


def test_fairness_spreads_this_weeks_late_shifts():
    team = team_of(*(AgentConfig(name=n) for n in "abc"))
    shifts = shifts_table([(d, 14, 8) for d in range(3)] + [(d, 6, 8) for d in range(3)])
    result = assign_agents(shifts, team, RULES, week_start=MONDAY)
    late = result.agents.set_index("agent")["late_shifts"]
    assert late.max() - late.min() <= 1, late


def test_preferred_templates_and_start_windows_are_honoured_when_free():
    team = team_of(
        AgentConfig(name="owl", preferred_templates=("late",), contracted_hours_per_week=8),
        AgentConfig(
            name="lark", preferred_start_window=("05:00", "07:00"), contracted_hours_per_week=8
        ),
    )
    shifts = shifts_table([(0, 6, 8), (0, 14, 8)])
    result = assign_agents(shifts, team, RULES, week_start=MONDAY)
    by_agent = result.roster.set_index("agent")["template"]
    assert by_agent["owl"] == "late" and by_agent["lark"] == "early"


def test_hours_below_contract_are_avoided_when_shifts_allow():
    team = team_of(
        AgentConfig(name="full", contracted_hours_per_week=16),
        AgentConfig(name="part", contracted_hours_per_week=8),
    )
    shifts = shifts_table([(0, 8, 8), (1, 8, 8), (2, 8, 8)])
    result = assign_agents(shifts, team, RULES, week_start=MONDAY)
    hours = result.agents.set_index("agent")["paid_hours"]
    assert hours["full"] == 16 and hours["part"] == 8


def test_skills_dates_and_pooled_queues_limit_who_works_what():
    team = team_of(
        AgentConfig(name="chatter", queues=("chat",), unavailable_dates=(MONDAY,)),
        AgentConfig(name="caller", queues=("phone",)),
        AgentConfig(name="both", queues=("chat", "phone")),
    )
    shifts = pd.concat(
        [
            shifts_table([(0, 8, 8)], "chat"),
            shifts_table([(1, 8, 8)], "chat+phone"),
            shifts_table([(2, 8, 8)], "phone"),
        ],
        ignore_index=True,
    ).assign(shift_id=["S1", "S2", "S3"])
    result = assign_agents(shifts, team, RULES, week_start=MONDAY)
    who = dict(zip(result.roster["shift_id"], result.roster["agent"], strict=True))
    assert who["S1"] == "both" and who["S2"] == "both" and who["S3"] in {"caller", "both"}


def test_last_weeks_late_sunday_keeps_monday_morning_free():
    team = team_of(AgentConfig(name="x"), AgentConfig(name="y"))
    shifts = shifts_table([(0, 6, 8)])
    history = history_table([("x", -1, 16, 8)])  # ends Monday 00:00
    result = assign_agents(shifts, team, RULES, week_start=MONDAY, history=history)
    assert list(result.roster["agent"]) == ["y"]


def test_the_same_inputs_give_the_same_roster():
    team = team_of(
        *(AgentConfig(name=f"agent{i}") for i in range(6)), weights=AssignWeights(fairness=0.0)
    )
    shifts = shifts_table([(d, h, 8) for d in range(7) for h in (6, 6, 14)])
    first = assign_agents(shifts, team, RULES, week_start=MONDAY)
    second = assign_agents(shifts, team, RULES, week_start=MONDAY)
    pd.testing.assert_frame_equal(first.roster, second.roster)


def test_a_shift_outside_the_week_is_an_input_error():
    from staffplan.errors import InputError

    with pytest.raises(InputError, match="outside the week"):
        assign_agents(
            shifts_table([(7, 8, 8)]), team_of(AgentConfig(name="x")), RULES, week_start=MONDAY
        )
