"""The breaks text format of shift tables: ``HH:MM-HH:MM;HH:MM-HH:MM`` (planning-zone clock).

Written by the covering schedule (:mod:`staffplan.schedule._shift_table`), read by the
roster, the calendars and surge re-planning; docs/tables.md describes it.
"""

from __future__ import annotations

import pandas as pd

from staffplan.config.shifts import clock_minutes


def break_times(
    start: pd.Timestamp, end: pd.Timestamp, breaks: str
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The breaks ``HH:MM-HH:MM;...`` of a shift as timestamps in the shift's zone.

    Each clock time is the first time at or after the shift start that shows that clock,
    so breaks after midnight in a night shift fall on the next day. Raises ValueError on
    text that is not ``HH:MM-HH:MM`` pairs.
    """
    text = "" if breaks is None or (isinstance(breaks, float) and pd.isna(breaks)) else str(breaks)
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        first, sep, second = part.partition("-")
        if not sep:
            raise ValueError(f"break {part!r} is not HH:MM-HH:MM")
        begin = _next_clock(start, clock_minutes(first, "breaks"))
        finish = _next_clock(begin, clock_minutes(second, "breaks"))
        out.append((begin, finish))
    return out


def _next_clock(after: pd.Timestamp, minutes: int) -> pd.Timestamp:
    """The first instant at or after ``after`` whose local clock reads ``minutes``."""
    zone = after.tz
    naive = after.tz_localize(None)
    day = naive.normalize()
    for offset in range(3):
        wall = day + pd.Timedelta(days=offset, minutes=minutes)
        for earlier in (True, False):
            candidate = wall.tz_localize(zone, ambiguous=earlier, nonexistent="shift_forward")
            if candidate >= after:
                return candidate
    raise ValueError(f"no clock time {minutes} min after {after}")
