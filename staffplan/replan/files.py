"""A re-plan's files: the published baseline it reads and the files of its folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from staffplan.config import Config
from staffplan.errors import InputError
from staffplan.replan.result import Replan
from staffplan.roster.rules_check import break_times
from staffplan.tables import (
    parse_numbers,
    parse_times,
    read_csv,
    row_number,
    to_csv_text,
    to_json_text,
)


def read_baseline(path: Path, config: Config) -> pd.DataFrame:
    """A published shifts or roster CSV (``shift_id, start, end`` and optionally
    ``paid_hours, breaks, queue, template, agent``), checked row by row."""
    frame = read_csv(path, required=("shift_id", "start", "end"), kind="baseline shifts")
    out = frame.copy()
    out["start"] = parse_times(frame, "start", path, config.zone)
    out["end"] = parse_times(frame, "end", path, config.zone)
    elapsed = (out["end"] - out["start"]).dt.total_seconds() / 3600
    if (elapsed <= 0).any():
        i = int(np.flatnonzero((elapsed <= 0).to_numpy())[0])
        raise InputError(f"{path}: row {row_number(i)}: the shift ends before it starts")
    if "paid_hours" in frame.columns:
        out["paid_hours"] = parse_numbers(frame, "paid_hours", path, maximum=24)
    else:
        out["paid_hours"] = elapsed.to_numpy()
    for i, row in enumerate(out.itertuples(index=False)):
        try:
            break_times(row.start, row.end, getattr(row, "breaks", ""))
        except ValueError as exc:
            raise InputError(f"{path}: row {row_number(i)}, column 'breaks': {exc}") from None
    return out


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
