"""The files of a schedule: ``shifts.csv``, ``coverage.csv`` and ``summary.json``.

Tables follow docs/tables.md (timestamps ISO 8601 with offset); ``summary.json`` holds the
headline figures of :meth:`Schedule.summary`. Writing them as one folder, atomically and
with a manifest, is :func:`staffplan.jobs.publish.publish`.
"""

from __future__ import annotations

from staffplan.schedule.cover import Schedule
from staffplan.tables import to_csv_text, to_json_text


def schedule_files(schedule: Schedule) -> dict[str, str]:
    """File name → text of the schedule's output folder."""
    return {
        "shifts.csv": to_csv_text(schedule.shifts),
        "coverage.csv": to_csv_text(schedule.coverage),
        "summary.json": to_json_text(schedule.summary()),
    }
