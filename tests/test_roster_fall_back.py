"""Rosters over a DST fall-back night: a break in the repeated hour keeps its instant.

On the fall-back night the clock shows 01:00-02:00 (New York) twice, so a break written
as clock time ``01:15-01:30`` names two instants; ``break_offsets_min`` (minutes after
the tz-aware start) names one. The roster, its rule check, the need per shift, the
coverage recount and a re-plan must all read the break from the offsets.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd

from staffplan.config.shifts import BreakConfig, RulesConfig, ShiftTemplate
from staffplan.config.team import AgentConfig, TeamConfig
from staffplan.roster.assign import assign_agents
from staffplan.roster.need import presence_matrix
from staffplan.roster.rules_check import violations
from staffplan.schedule._candidates import build_grid
from staffplan.tables.breaks import break_offsets, shift_breaks

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
FALL_BACK_MONDAY = dt.date(2027, 11, 1)  # the week whose Sunday 2027-11-07 falls back
SPRING_MONDAY = dt.date(2027, 3, 8)  # the week whose Sunday 2027-03-14 springs forward
NIGHT = ShiftTemplate(
    name="night",
    start_window=("00:00", "00:00"),
    lengths_min=(480,),
    breaks=(BreakConfig(minutes=15, window_after_start_min=(90, 150)),),
)
TEAM = TeamConfig(agents=(AgentConfig(name="Ana"), AgentConfig(name="Bo")))


def sunday_night(monday: dt.date, breaks: str, offsets: str) -> pd.DataFrame:
    """One 8-hour night shift from Sunday 00:00 (the DST night) with one break."""
    start = pd.Timestamp(f"{monday + dt.timedelta(days=6)} 00:00").tz_localize(NEW_YORK)
    return pd.DataFrame(
        {
            "shift_id": ["S001"],
            "day": [start.date().isoformat()],
            "start": [start],
            "end": [start + pd.Timedelta(hours=8)],
            "paid_hours": [8.0],
            "breaks": [breaks],
            "break_offsets_min": [offsets],
            "queue": ["chat"],
            "template": ["night"],
        }
    )


def test_a_break_in_the_repeated_hour_is_read_from_its_offsets():
    # 135 min after 00:00 EDT is 01:15 EST, the second time the clock shows 01:15.
    shift = sunday_night(FALL_BACK_MONDAY, "01:15-01:30", "135-150").iloc[0]
    ((begin, end),) = shift_breaks(shift.start, shift.end, shift.breaks, shift.break_offsets_min)
    assert begin == pd.Timestamp("2027-11-07 01:15-05:00")
    assert end - begin == pd.Timedelta(minutes=15)


def test_a_fall_back_roster_keeps_a_break_in_the_repeated_hour():
    shifts = sunday_night(FALL_BACK_MONDAY, "01:15-01:30", "135-150")
    result = assign_agents(
        shifts, TEAM, RulesConfig(), week_start=FALL_BACK_MONDAY, templates=[NIGHT]
    )
    assert len(result.roster) == 1
    row = result.roster.iloc[0]
    assert row["breaks"] == "01:15-01:30"
    assert row["break_offsets_min"] == "135-150"
    assert violations(result.roster, RulesConfig(), TEAM, templates=[NIGHT]) == []


def test_the_rule_check_still_catches_a_break_outside_its_window_on_the_fall_back_day():
    roster = sunday_night(FALL_BACK_MONDAY, "01:30-01:45", "150-165").assign(agent="Ana")
    found = violations(roster, RulesConfig(), TEAM, templates=[NIGHT])
    assert any("within 90-150 min" in f for f in found), found


def test_a_spring_forward_roster_still_holds():
    # 00:00 EST + 120 min is 03:00 EDT: the clock skips 02:00-03:00.
    shifts = sunday_night(SPRING_MONDAY, "03:00-03:15", "120-135")
    result = assign_agents(shifts, TEAM, RulesConfig(), week_start=SPRING_MONDAY, templates=[NIGHT])
    assert len(result.roster) == 1
    assert violations(result.roster, RulesConfig(), TEAM, templates=[NIGHT]) == []


def test_the_need_per_shift_counts_the_break_in_the_repeated_hour_it_is_in():
    shift = sunday_night(FALL_BACK_MONDAY, "01:15-01:30", "135-150")
    starts = pd.date_range(shift["start"].iloc[0], periods=32, freq="15min")
    grid = build_grid(pd.Series(starts), NEW_YORK, 15, False, "test")
    present = presence_matrix(
        list(shift["start"]), list(shift["end"]), list(shift["breaks"]), grid, break_offsets(shift)
    ).toarray()[:, 0]
    # 135 min after the start is the tenth quarter-hour (index 9); the first 01:15 is index 5.
    assert present[9] == 0.0 and present[5] == 1.0
    assert present.sum() == 31
