"""Local calendar positions of intervals: day, weekday and time-of-day slot.

Models learn per (weekday, slot) on the planning zone's clock. A DST day simply has
fewer or more intervals: a spring-forward day has no rows for the skipped slots, a
fall-back day has two rows for the repeated slots (both get that slot's rate).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

MINUTES_PER_DAY = 1440


@dataclasses.dataclass(frozen=True)
class Positions:
    """Where each interval sits on the local calendar (arrays of one length)."""

    day: np.ndarray  # local date as whole days since 1970-01-01
    weekday: np.ndarray  # 0 = Monday
    slot: np.ndarray  # minutes after local midnight // interval_min


def positions(times: pd.Series | pd.DatetimeIndex, interval_min: int) -> Positions:
    """Local day, weekday and slot of tz-aware interval starts ``times``."""
    index = pd.DatetimeIndex(times)
    wall = index.tz_localize(None)
    day = wall.normalize().to_numpy().astype("datetime64[D]").astype(np.int64)
    slot = (wall.hour * 60 + wall.minute).to_numpy() // interval_min
    return Positions(day=day, weekday=(day + 3) % 7, slot=slot.astype(np.int64))


def horizon(start: pd.Timestamp, horizon_days: int, interval_min: int) -> pd.DatetimeIndex:
    """Interval starts from ``start`` over ``horizon_days`` local calendar days.

    Days are calendar days in ``start``'s zone, so a DST day adds 92 or 100 quarter-hours,
    not 96.
    """
    end = start + pd.DateOffset(days=horizon_days)
    grid = pd.date_range(start, end, freq=pd.Timedelta(minutes=interval_min), inclusive="left")
    grid.name = "interval_start"
    return grid
