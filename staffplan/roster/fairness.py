"""Fairness memory: who had the weekends and late shifts in the last published rosters.

Rosters live in ``<output>/<ISO week>/roster.csv`` (e.g. ``rosters/2026-W49/roster.csv``);
the recent ones tell the assignment who should not get the next unsocial shifts, and
last week's tells it where each agent's rest and run of working days stand on Monday.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd

from staffplan.tables.shifts import read_roster


def week_label(monday: dt.date) -> str:
    """The ISO week name of the week starting ``monday``, e.g. ``2026-W50``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def unsocial(start: pd.Series, end: pd.Series, late_after_min: int) -> pd.DataFrame:
    """Per shift: ``weekend`` (starts on Saturday or Sunday) and ``late`` (ends after
    ``late_after_min`` minutes past midnight, local clock, or on a later day) as 0/1."""
    end_min = end.dt.hour * 60 + end.dt.minute
    past_midnight = end.dt.date > start.dt.date
    late = past_midnight | (end_min > late_after_min)
    weekend = start.dt.day_of_week >= 5
    return pd.DataFrame(
        {"weekend": weekend.astype(int).to_numpy(), "late": late.astype(int).to_numpy()}
    )


def previous_rosters(
    output_dir: Path,
    week_start: dt.date,
    weeks: int,
    zone: zoneinfo.ZoneInfo,
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The rosters of the ``weeks`` weeks before ``week_start`` found under ``output_dir``.

    Columns ``agent, start, end, weeks_ago`` (1 = last week); weeks without a roster are
    skipped, so the first run of a new team simply has no memory. ``previous`` is a
    roster (``agent, start, end``, see :func:`~staffplan.tables.shifts.read_roster`) of
    earlier weeks kept elsewhere, e.g. the last roster before staffplan: its shifts fill
    the weeks the folder does not have.
    """
    frames = []
    found = set()
    for ago in range(1, weeks + 1):
        monday = week_start - dt.timedelta(weeks=ago)
        path = Path(output_dir) / week_label(monday) / "roster.csv"
        if path.is_file():
            frame = read_roster(path, zone)[["agent", "start", "end"]]
            frames.append(frame.assign(weeks_ago=ago))
            found.add(ago)
    if previous is not None:
        frames.append(_given_weeks(previous, week_start, weeks, found))
    if not frames:
        empty = pd.Series([], dtype=f"datetime64[ns, {zone.key}]")
        return pd.DataFrame({"agent": [], "start": empty, "end": empty, "weeks_ago": []})
    return pd.concat(frames, ignore_index=True)


def _given_weeks(
    roster: pd.DataFrame, week_start: dt.date, weeks: int, found: set[int]
) -> pd.DataFrame:
    """The shifts of ``roster`` in the ``weeks`` weeks before ``week_start`` that the
    folder has no roster for, with their ``weeks_ago``."""
    days_before = np.array([(week_start - t.date()).days for t in roster["start"]], dtype=int)
    ago = (days_before + 6) // 7  # day -1..-7 -> 1, -8..-14 -> 2, ...
    keep = (days_before >= 1) & (ago <= weeks) & ~np.isin(ago, sorted(found))
    return roster.loc[keep, ["agent", "start", "end"]].assign(weeks_ago=ago[keep])


def last_week_known(history: pd.DataFrame) -> bool:
    """Whether ``history`` (see :func:`previous_rosters`) has any shift of last week."""
    return bool((history["weeks_ago"] == 1).any())


def recent_load(history: pd.DataFrame, late_after_min: int) -> dict[str, float]:
    """Per agent: weekend plus late shifts in ``history``, last week counting 1, the week
    before 1/2, then 1/4 ... (recent unsocial shifts weigh most)."""
    if history.empty:
        return {}
    flags = unsocial(history["start"], history["end"], late_after_min)
    weight = np.power(0.5, history["weeks_ago"].to_numpy(dtype=float) - 1)
    load = (flags["weekend"] + flags["late"]).to_numpy() * weight
    totals = pd.Series(load, index=history["agent"].to_numpy()).groupby(level=0).sum()
    return {str(k): float(v) for k, v in totals.items()}
