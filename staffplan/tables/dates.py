"""The one parser of a horizon's start (``--start``, ``start=``) for every stage and job."""

from __future__ import annotations

from datetime import tzinfo

import pandas as pd

from staffplan.errors import InputError


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
