"""Why a schedule over-covers: the surplus the integer schedule had to accept, by cause.

Shifts are blocks of fixed lengths that start only in their windows and take their
breaks in theirs, and a schedule hires whole agents. So some intervals get more agents
than required. Per interval the surplus splits into:

* ``from_shift_shapes``: surplus the LP relaxation's optimum has too. Even with
  fractional agents the cheapest cover of these shift lengths, start windows and breaks
  over-covers there, e.g. where demand falls faster than shifts may end;
* ``from_whole_agents``: the rest, the price of whole shifts (rounding the fractional
  optimum to whole agents).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SURPLUS_COLUMNS = ["queue", "interval_start", "surplus", "from_shift_shapes", "from_whole_agents"]


def surplus_causes(coverage: pd.DataFrame, lp_surplus: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per coverage row: its ``surplus`` (agents) split into ``from_shift_shapes`` (the
    LP optimum's surplus there, ``lp_surplus`` per queue label, at most the surplus) and
    ``from_whole_agents`` (the rest)."""
    shapes = np.concatenate([lp_surplus[label] for label in dict.fromkeys(coverage["queue"])])
    surplus = coverage["surplus"].to_numpy(dtype=float)
    from_shapes = np.round(np.minimum(shapes, surplus), 9) + 0.0
    table = coverage[["queue", "interval_start", "surplus"]].copy()
    table["from_shift_shapes"] = from_shapes
    table["from_whole_agents"] = np.round(surplus - from_shapes, 9) + 0.0
    return table[SURPLUS_COLUMNS].reset_index(drop=True)


def surplus_hours(causes: pd.DataFrame, coverage: pd.DataFrame) -> dict[str, float]:
    """The surplus agent-hours in all and by cause, for the summary."""
    hours = _interval_hours(coverage)
    return {
        "surplus_agent_hours": round(float(causes["surplus"].sum()) * hours, 4),
        "surplus_from_shift_shapes_agent_hours": round(
            float(causes["from_shift_shapes"].sum()) * hours, 4
        ),
        "surplus_from_whole_agents_agent_hours": round(
            float(causes["from_whole_agents"].sum()) * hours, 4
        ),
    }


def surplus_by_day(causes: pd.DataFrame, zone: str | None = None) -> pd.DataFrame:
    """Surplus agent-hours per queue and local day, by cause: the report's table."""
    hours = _interval_hours(causes)
    times = causes["interval_start"]
    day = (times.dt.tz_convert(zone) if zone else times).dt.strftime("%Y-%m-%d")
    table = (
        causes.assign(day=day)
        .groupby(["queue", "day"], sort=True)[["surplus", "from_shift_shapes", "from_whole_agents"]]
        .sum()
        .mul(hours)
        .round(2)
        .reset_index()
    )
    return table.rename(
        columns={
            "surplus": "surplus agent-hours",
            "from_shift_shapes": "forced by shift shapes (LP has it too)",
            "from_whole_agents": "from whole agents (rounding)",
        }
    )


def _interval_hours(table: pd.DataFrame) -> float:
    """Hours per interval, from the spacing of ``interval_start`` (0 with one interval)."""
    times = pd.DatetimeIndex(table["interval_start"].drop_duplicates().sort_values())
    if len(times) < 2:
        return 0.0
    return float((times[1:] - times[:-1]).min().total_seconds()) / 3600
