"""The one parser of a horizon's start (``--start``, ``start=``) for every stage and job,
and the calendar every plan must fit in."""

from __future__ import annotations

from datetime import tzinfo

import pandas as pd

from staffplan.errors import InputError, whole_number

# Plans start in these years: the horizon (at most MAX_HORIZON_DAYS) then ends well
# before 2262-04-11, the last instant a pandas timestamp holds.
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_HORIZON_DAYS = 3660  # ten years of days; a plan covers weeks, a forecast months


def check_year(year: int, shown: str, parameter: str) -> None:
    """A :class:`InputError` naming ``parameter`` unless ``year`` is a planning year
    (``shown`` is the value as the user gave it)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(
            f"{shown} is out of range; plan between the years {FIRST_YEAR} and {LAST_YEAR}",
            parameter=parameter,
        )


def check_horizon_days(horizon_days: int) -> None:
    """``horizon_days`` must be a whole number of days from 1 to :data:`MAX_HORIZON_DAYS`."""
    horizon_days = whole_number(horizon_days, "horizon_days", "days", 7)
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise InputError(
            f"{horizon_days} is out of range; plan from 1 to {MAX_HORIZON_DAYS:,} days (10 years)",
            parameter="horizon_days",
        )


def parse_start(start: pd.Timestamp | str, zone: tzinfo, interval_min: int) -> pd.Timestamp:
    """``start`` as a tz-aware timestamp in ``zone``, checked to begin an interval.

    A naive ``start`` (``2026-12-07``) is planning-zone clock time; a date whose midnight
    a DST change skips (or repeats) is an error that says how to give it unambiguously.
    Errors carry the parameter name ``start`` (the CLI shows it as ``--start``).
    """
    try:
        stamp = pd.Timestamp(start)
    except ValueError:
        raise InputError(
            f"{start!r} is not a date; use YYYY-MM-DD, e.g. 2026-12-07", parameter="start"
        ) from None
    if stamp is pd.NaT:
        raise InputError(f"{start!r} is not a date; use YYYY-MM-DD", parameter="start")
    check_year(stamp.year, str(start), "start")
    if stamp.tzinfo is None:
        try:
            stamp = stamp.tz_localize(zone, nonexistent="raise", ambiguous="raise")
        except ValueError:  # pytz/pandas raise subclasses of ValueError for both cases
            raise InputError(
                f"{stamp.isoformat()} does not exist exactly once in {zone} (a DST change); "
                "give the first instant with its UTC offset, e.g. 2018-11-04T01:00:00-02:00",
                parameter="start",
            ) from None
    stamp = stamp.tz_convert(zone)
    if (stamp.hour * 60 + stamp.minute) % interval_min or stamp.second or stamp.microsecond:
        raise InputError(
            f"{stamp.isoformat()} is not the start of a {interval_min}-minute interval; "
            "use a round time like 2026-12-07 or 2026-12-07T09:00",
            parameter="start",
        )
    return stamp
