"""Readers of the shift tables people publish and feed back: a roster and a baseline.

``roster.csv`` (a week folder's named shifts) decides the fairness of later weeks; a
baseline (a published ``shifts.csv`` or ``roster.csv``) is what a surge re-plan keeps.
Breaks are the text format of :mod:`staffplan.tables.breaks`.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd

from staffplan.errors import InputError
from staffplan.tables.breaks import break_times, offset_minutes
from staffplan.tables.parse import parse_numbers, parse_times, read_csv, row_number


def read_roster(path: str | Path, zone: zoneinfo.ZoneInfo) -> pd.DataFrame:
    """A published ``roster.csv``: ``agent, start, end`` (tz-aware in ``zone``), other
    columns as text."""
    frame = read_csv(path, required=("agent", "start", "end"), kind="roster")
    out = frame.copy()
    out["agent"] = frame["agent"].astype(str).str.strip()
    out["start"] = parse_times(frame, "start", path, zone)
    out["end"] = parse_times(frame, "end", path, zone)
    return out


def read_baseline(path: str | Path, zone: zoneinfo.ZoneInfo) -> pd.DataFrame:
    """A published shifts or roster CSV (``shift_id, start, end`` and optionally
    ``paid_hours, breaks, break_offsets_min, queue, template, agent``), checked row by
    row. Readers take the breaks from ``break_offsets_min`` where a row has them."""
    frame = read_csv(path, required=("shift_id", "start", "end"), kind="baseline shifts")
    out = frame.copy()
    out["start"] = parse_times(frame, "start", path, zone)
    out["end"] = parse_times(frame, "end", path, zone)
    elapsed = (out["end"] - out["start"]).dt.total_seconds() / 3600
    if (elapsed <= 0).any():
        i = int(np.flatnonzero((elapsed <= 0).to_numpy())[0])
        raise InputError(f"{path}: row {row_number(i, path)}: the shift ends before it starts")
    if "paid_hours" in frame.columns:
        out["paid_hours"] = parse_numbers(frame, "paid_hours", path, maximum=24)
    else:
        out["paid_hours"] = elapsed.to_numpy()
    for i, row in enumerate(out.itertuples(index=False)):
        _check_breaks(row, path, i)
    return out


def _check_breaks(row: object, path: str | Path, i: int) -> None:
    """Raise InputError when row ``i``'s ``breaks`` or ``break_offsets_min`` don't parse."""
    try:
        break_times(row.start, row.end, getattr(row, "breaks", ""))  # type: ignore[attr-defined]
    except ValueError as exc:
        raise InputError(f"{path}: row {row_number(i, path)}, column 'breaks': {exc}") from None
    try:
        offset_minutes(getattr(row, "break_offsets_min", ""))
    except ValueError as exc:
        raise InputError(
            f"{path}: row {row_number(i, path)}, column 'break_offsets_min': {exc}"
        ) from None
