"""Agents on the floor at the breaks' resolution (staffplan.schedule._floor): the one
recount the schedule, the roster and a surge re-plan share."""

from __future__ import annotations

import zoneinfo

import numpy as np
import pandas as pd

from staffplan.schedule._candidates import build_grid
from staffplan.schedule._floor import on_floor

ZONE = zoneinfo.ZoneInfo("Europe/Berlin")


def grid(days: int = 1, cyclic: bool = False):
    """30-minute intervals from Monday 2026-03-02, ``days`` days."""
    times = pd.Series(pd.date_range("2026-03-02", periods=48 * days, freq="30min", tz=ZONE))
    return build_grid(times, ZONE, 30, cyclic)


def at(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_localize(ZONE)


def minute(clock: str) -> int:
    """``"HH:MM"`` as minutes after midnight."""
    return int(clock[:2]) * 60 + int(clock[3:])


def test_clock_breaks_and_off_grid_shifts_are_counted_by_the_minute_step():
    """A hand-edited baseline: a shift from 07:50 with a 10:15-10:30 break, another that
    began the day before: 5-minute steps (the gcd of 30 and the minutes of 07:50 and
    10:15)."""
    shifts = pd.DataFrame(
        {
            "start": [at("2026-03-02 07:50"), at("2026-03-01 20:00")],
            "end": [at("2026-03-02 16:00"), at("2026-03-02 04:00")],
            "breaks": ["10:15-10:30", ""],
        }
    )
    floor = on_floor(shifts, grid())
    assert floor.shape == (48, 6)
    by_minute = np.repeat(floor.ravel(), 5)  # agents at each minute of the day
    assert by_minute[minute("03:59")] == 1 and by_minute[minute("04:00")] == 0
    assert by_minute[minute("07:49")] == 0 and by_minute[minute("07:50")] == 1
    assert by_minute[minute("10:14")] == 1 and by_minute[minute("10:15")] == 0
    assert by_minute[minute("10:30")] == 1 and by_minute[minute("15:59")] == 1
    assert by_minute[minute("16:00")] == 0


def test_offsets_win_over_clock_text_and_a_cyclic_week_wraps_sunday_night():
    """A Sunday night shift of a cyclic week covers Monday's first hours; its break is
    read from ``break_offsets_min`` (two hours in: Monday 00:00-00:15), not from the
    clock text beside it."""
    shifts = pd.DataFrame(
        {
            "start": [at("2026-03-08 22:00")],
            "end": [at("2026-03-09 06:00")],
            "breaks": ["23:00-23:30"],
            "break_offsets_min": ["120-135"],
        }
    )
    floor = on_floor(shifts, grid(days=7, cyclic=True))
    assert floor.shape == (336, 2)  # 15-minute steps
    quarter = floor.ravel()  # Monday 00:00 is quarter 0, Sunday 22:00 is 6 * 96 + 88
    assert quarter[6 * 96 + 88] == 1 and quarter[6 * 96 + 92] == 1  # Sunday 23:00 works
    assert quarter[0] == 0 and quarter[1] == 1  # the break: Monday 00:00-00:15
    assert quarter[23] == 1 and quarter[24] == 0  # ends 06:00 Monday
    assert quarter[6 * 96 + 87] == 0 and quarter[2 * 96] == 0


def test_no_shifts_leave_nobody_on_the_floor():
    empty = pd.DataFrame({"start": pd.Series(dtype=object), "end": pd.Series(dtype=object)})
    assert not on_floor(empty, grid()).any()
