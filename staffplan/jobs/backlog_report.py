"""The plan's backlog section: the per-day table, the chart and a headline per run.

Kept apart from :mod:`staffplan.jobs.plan` and :mod:`staffplan.jobs.report` so each
needs one hook: :func:`backlog_section` gives what a plan with backlog queues (email,
tickets, ...) adds to its folder, headlines and report; nothing for a plan without them.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd

from staffplan.backlog import day_shares

if TYPE_CHECKING:
    from staffplan.jobs.plan import PlanResult


@dataclasses.dataclass(frozen=True)
class BacklogSection:
    """The backlog ``queues`` of a plan, their ``headlines`` (label → text) and the share
    answered in time per day (``daily``, the ``backlog_daily.csv`` table)."""

    queues: list[str]
    headlines: dict[str, str]
    daily: pd.DataFrame


def backlog_section(result: PlanResult) -> BacklogSection:
    """The backlog part of a plan (empty when no queue of the plan is backlog work, or
    the result does not carry its config)."""
    config = result.config
    if config is None:
        return BacklogSection([], {}, pd.DataFrame())
    req = result.requirements
    names = [q.name for q in config.queues if q.backlog and q.name in set(req["queue"])]
    if not names:
        return BacklogSection([], {}, pd.DataFrame())
    coverage = result.schedule.coverage[["queue", "interval_start", "service_level"]]
    scheduled = (
        req[["queue", "interval_start"]]
        .merge(coverage, on=["queue", "interval_start"], how="left")["service_level"]
        .set_axis(req.index)
    )
    daily = day_shares(req, config, scheduled)
    lowest = daily.groupby("queue", sort=False)["scheduled_in_time"].min()
    text = " · ".join(f"{name} {lowest[name]:.0%}" for name in names)
    return BacklogSection(names, {"Backlog in time, worst day": text}, daily)
