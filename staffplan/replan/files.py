"""The files of a re-plan's output folder."""

from __future__ import annotations

from staffplan.replan.result import Replan
from staffplan.tables import (
    to_csv_text,
    to_json_text,
)


def replan_files(replan: Replan) -> dict[str, str]:
    """File name → text of a re-plan's folder: ``changes.csv``, ``shifts.csv`` (the
    schedule after), ``coverage.csv`` and ``summary.json`` (written by
    :func:`staffplan.jobs.publish.publish`)."""
    return {
        "changes.csv": to_csv_text(replan.changes),
        "shifts.csv": to_csv_text(replan.schedule),
        "coverage.csv": to_csv_text(replan.coverage),
        "summary.json": to_json_text(replan.summary),
    }
