"""The plan report's over-coverage section: the surplus the shift schedule had to accept
and why (:mod:`staffplan.schedule.surplus`), as one table per queue and day."""

from __future__ import annotations

import pandas as pd

from staffplan.schedule import Schedule
from staffplan.schedule.surplus import surplus_by_day

CAPTION = (
    "Over-coverage by cause (agent-hours): forced by shift lengths, start windows and "
    "breaks (the fractional LP optimum has it too) or the price of whole agents"
)


def surplus_tables(schedule: Schedule, zone: str) -> dict[str, pd.DataFrame]:
    """Caption → table for :func:`staffplan.jobs.report.render_report` (days in ``zone``)."""
    return {CAPTION: surplus_by_day(schedule.surplus_causes, zone)}
