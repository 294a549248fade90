"""The independent rule checker: each labour rule caught on a hand-made roster."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd
import pytest

from staffplan.config.shifts import BreakConfig, RulesConfig, ShiftTemplate
from staffplan.config.team import AgentConfig, TeamConfig
from staffplan.roster.rules_check import violations
from staffplan.tables.breaks import break_times

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
MONDAY = dt.date(2026, 12, 7)
RULES = RulesConfig(
    days_per_week=5,
    consecutive_days_off=2,
    max_hours_per_week=40,
    min_rest_hours=11,
    max_consecutive_days=6,
)
TEAM = TeamConfig(
    agents=(
        AgentConfig(name="Ana", queues=("chat",), unavailable_weekdays=("sun",)),
        AgentConfig(name="Bo", contracted_hours_per_week=20),
        AgentConfig(name="Cy", on_call=True),
    )
)


def at(day: int, clock: str) -> pd.Timestamp:
    """Planning-zone time on day ``day`` of the week (0 = Monday 2026-12-07)."""
    return pd.Timestamp(f"{MONDAY + dt.timedelta(days=day)} {clock}").tz_localize(BERLIN)


def roster(
    *shifts: tuple[str, int, str, str], breaks: str = "", queue: str = "chat"
) -> pd.DataFrame:
    rows = []
    for agent, day, start, end in shifts:
        begin = at(day, start)
        finish = at(day, end) if end > start else at(day + 1, end)
        hours = (finish - begin).total_seconds() / 3600
        rows.append(
            {
                "agent": agent,
                "start": begin,
                "end": finish,
                "breaks": breaks,
                "queue": queue,
                "paid_hours": hours,
            }
        )
    return pd.DataFrame(rows)


def five_days(agent: str = "Ana", start: str = "08:00", end: str = "16:00") -> list:
    return [(agent, d, start, end) for d in range(5)]


def test_a_legal_week_has_no_violations():
    assert violations(roster(*five_days()), RULES, TEAM, week_start=MONDAY) == []


def test_short_rest_between_a_late_and_an_early_shift_is_caught():
    week = roster(("Ana", 0, "14:00", "22:30"), ("Ana", 1, "07:00", "15:00"))
    found = violations(week, RULES, TEAM, week_start=MONDAY)
    assert len(found) == 1 and "8.50 h rest" in found[0], found


def test_rest_counts_from_last_weeks_final_shift():
    sunday = roster(("Ana", -1, "16:00", "23:00"))
    week = roster(("Ana", 0, "07:00", "15:00"))
    found = violations(week, RULES, TEAM, week_start=MONDAY, previous=sunday)
    assert any("rest" in f for f in found), found


@pytest.mark.parametrize(
    ("shifts", "expected"),
    [
        ([("Ana", d, "08:00", "14:00") for d in range(6)], "works 6 days, max 5"),
        ([("Bo", d, "08:00", "15:00") for d in range(3)], "21 paid hours, max 20"),
        ([("Ana", d, "08:00", "14:00") for d in (0, 2, 4, 5)], "longest run of days off is 1"),
        ([("Ana", 6, "08:00", "16:00")], "listed as unavailable"),
        ([("Cy", 0, "08:00", "16:00")], "on call"),
        ([("Dee", 0, "08:00", "16:00")], "not in team.agents"),
        ([("Ana", 0, "08:00", "12:00"), ("Ana", 0, "13:00", "16:00")], "more than one shift"),
        ([("Ana", 7, "08:00", "16:00")], "outside the week"),
    ],
)
def test_each_rule_is_caught(shifts, expected):
    found = violations(roster(*shifts), RULES, TEAM, week_start=MONDAY)
    assert any(expected in f for f in found), found


def test_consecutive_days_count_last_weeks_run():
    last_week = roster(*[("Bo", d, "08:00", "10:00") for d in range(-4, 0)])
    week = roster(*[("Bo", d, "08:00", "10:00") for d in range(3)])
    found = violations(week, RULES, TEAM, week_start=MONDAY, previous=last_week)
    assert any("7 days in a row" in f for f in found), found
    assert violations(week, RULES, TEAM, week_start=MONDAY) == []


def test_a_days_off_block_may_start_on_last_weeks_sunday():
    # Monday off + last Sunday off is a 2-day block; Saturday and Sunday worked.
    week = roster(*[("Bo", d, "08:00", "10:00") for d in (1, 2, 3, 5, 6)])
    assert violations(week, RULES, TEAM, week_start=MONDAY) == []
    worked_sunday = roster(("Bo", -1, "08:00", "10:00"))
    found = violations(week, RULES, TEAM, week_start=MONDAY, previous=worked_sunday)
    assert any("days off is 1" in f for f in found), found


def test_skill_and_same_start_rules():
    found = violations(roster(("Ana", 0, "08:00", "16:00"), queue="phone"), RULES, TEAM)
    assert any("without that skill" in f for f in found), found
    same = RulesConfig(same_start_time=True)
    week = roster(("Ana", 0, "08:00", "16:00"), ("Ana", 1, "09:00", "17:00"))
    assert any("2 different times" in f for f in violations(week, same, TEAM)), found


def test_breaks_must_sit_in_the_shift_and_the_templates_windows():
    template = ShiftTemplate(
        name="day",
        start_window=("08:00", "08:00"),
        lengths_min=(480,),
        breaks=(BreakConfig(minutes=15, window_after_start_min=(90, 150)),),
    )
    good = roster(("Ana", 0, "08:00", "16:00"), breaks="09:45-10:00").assign(template="day")
    assert violations(good, RULES, TEAM, templates=[template]) == []
    late = good.assign(breaks="10:30-10:45")
    assert any(
        "within 90-150 min" in f for f in violations(late, RULES, TEAM, templates=[template])
    )
    outside = good.assign(breaks="17:00-17:15")
    assert any("leaves the shift" in f for f in violations(outside, RULES, TEAM))
    garbled = good.assign(breaks="10h00")
    assert any("not HH:MM-HH:MM" in f for f in violations(garbled, RULES, TEAM))


def test_break_times_after_midnight_and_across_the_autumn_dst_change():
    start = pd.Timestamp("2026-10-24 22:00").tz_localize(BERLIN)
    end = pd.Timestamp("2026-10-25 06:00").tz_localize(BERLIN)
    ((begin, finish),) = break_times(start, end, "03:30-04:00")
    assert begin == pd.Timestamp("2026-10-25 03:30").tz_localize(BERLIN)
    assert (finish - begin) == pd.Timedelta(minutes=30)
    assert (end - start) == pd.Timedelta(hours=9)  # the night has 25 hours
