"""Read requirements for ``staffplan schedule`` and write a schedule, all files or none.

The folder gets ``shifts.csv``, ``coverage.csv`` (design.md tables, timestamps ISO 8601
with offset) and ``summary.json`` (the headline figures of :meth:`Schedule.summary`). It
is built in a temp folder beside it and renamed into place, so a cron job never sees half
a schedule. The optional plot goes to its own path, or into the folder if it is there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from staffplan.schedule.cover import Schedule
from staffplan.schedule.plot import coverage_png
from staffplan.tables import (
    atomic_folder,
    atomic_write_bytes,
    read_demand,
    to_csv_text,
    to_json_text,
)

if TYPE_CHECKING:
    from staffplan.config import Config


def write_schedule(
    schedule: Schedule, folder: str | Path, *, plot: str | Path | None = None
) -> None:
    """Write ``schedule`` into ``folder`` (replaced atomically) and the PNG to ``plot``."""
    folder = Path(folder)
    plot = Path(plot) if plot is not None else None
    inside = plot is not None and plot.resolve().parent == folder.resolve()
    with atomic_folder(folder) as staging:
        (staging / "shifts.csv").write_text(to_csv_text(schedule.shifts), encoding="utf-8")
        (staging / "coverage.csv").write_text(to_csv_text(schedule.coverage), encoding="utf-8")
        (staging / "summary.json").write_text(to_json_text(schedule.summary()), encoding="utf-8")
        if plot is not None and inside:
            (staging / plot.name).write_bytes(coverage_png(schedule.coverage))
    if plot is not None and not inside:
        atomic_write_bytes(plot, coverage_png(schedule.coverage))


def read_requirements(path: str | Path, config: Config) -> pd.DataFrame:
    """A requirements CSV: ``queue, interval_start, agents`` and any other demand-table
    column (e.g. the whole table ``staffplan staff`` writes), checked row by row."""
    return read_demand(
        path, config.zone, config.interval_min, value_column="agents", kind="requirements"
    )
