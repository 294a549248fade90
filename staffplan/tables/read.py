"""The input tables: counts (history, coverage, requirements), events, market, forecast.

Each reader returns a table with the documented columns (see ``docs/tables.md``) and
checks every row; problems name the file and the spreadsheet row.
"""

from __future__ import annotations

import csv
import re
import zoneinfo
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from staffplan.errors import InputError, shown
from staffplan.tables._demand import REQUIREMENTS
from staffplan.tables._types import blank_cells
from staffplan.tables.folders import is_folder, is_parquet, parquet_columns, read_cells, read_parts
from staffplan.tables.parse import (
    InMemory,
    check_aligned,
    check_series_order,
    listed,
    parse_numbers,
    parse_times,
    read_csv,
    read_text,
    row_number,
)


def read_counts(
    path: str | Path,
    zone: zoneinfo.ZoneInfo,
    interval_min: int,
    *,
    kind: str = "history",
    value_column: str = "volume",
    integer: bool = True,
    extra_numeric: Sequence[str] = (),
    positive_numeric: Sequence[str] = (),
    keep_text: bool = False,
    text: str | None = None,
) -> pd.DataFrame:
    """A long table ``queue, interval_start, <value_column>[, extra]`` checked row by row.

    ``integer`` demands whole counts (observed history); forecasts may be fractional.
    Timestamps must start ``interval_min`` intervals; per queue no duplicates and in
    order. Columns in ``extra_numeric`` (>= 0) and ``positive_numeric`` (> 0, e.g.
    ``aht_s``) are parsed when present; with ``keep_text`` every other column is kept as
    stripped text and the file's column order is kept. Gaps are not checked here (see
    :func:`check_gaps`). ``text``: the file's content, already read (see :func:`read_csv`).
    """
    required = ("queue", "interval_start", value_column)
    frame = read_cells(path, required=required, kind=kind, text=text)
    queue = frame["queue"].astype(str).str.strip()
    empty = (queue == "").to_numpy()
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise InputError(f"{path}: row {row_number(i, path)}, column 'queue': blank queue name")
    series = "queue"
    if keep_text and "scenario" in frame.columns:  # user-made alternatives, one series each
        series = "_series"
        frame = frame.assign(_series=queue + "\x1f" + frame["scenario"].astype(str).str.strip())
    frame = frame.assign(queue=queue)
    out = pd.DataFrame({"queue": queue})
    out["interval_start"] = parse_times(frame, "interval_start", path, zone, group=series)
    out[value_column] = parse_numbers(frame, value_column, path, integer=integer)
    for column in (*extra_numeric, *positive_numeric):
        if column in frame.columns:
            positive = column in positive_numeric
            out[column] = parse_numbers(frame, column, path, strictly_positive=positive)
    check_aligned(out["interval_start"], interval_min, path)
    check_series_order(
        out.assign(_series=frame[series]) if series != "queue" else out, path, key=series
    )
    if keep_text:
        for column in frame.columns.difference([*out.columns, "_series"]):
            out[column] = frame[column].astype(str).str.strip()
        out = out[[c for c in frame.columns if c in out.columns]]
    return out


def check_gaps(
    counts: pd.DataFrame,
    path: str | Path,
    interval_min: int,
    *,
    fill_zero: bool = False,
    value_column: str = "volume",
) -> pd.DataFrame:
    """Check each queue's intervals are contiguous; with ``fill_zero`` fill gaps with 0.

    Without ``fill_zero`` the first gap is an error naming the queue, the row after it and
    the number of missing intervals.
    """
    step = pd.Timedelta(minutes=interval_min)
    filled = []
    for name, group in counts.groupby("queue", sort=False):
        times = group["interval_start"]
        jumps = (times.diff() > step).to_numpy()
        if jumps.any() and not fill_zero:
            j = int(np.flatnonzero(jumps)[0])
            missing = int((times.iloc[j] - times.iloc[j - 1]) / step) - 1
            raise InputError(
                f"{path}: row {row_number(group.index[j], path)}: queue {shown(name)} has no "
                f"rows for {missing} interval(s) between {times.iloc[j - 1].isoformat()} and "
                f"{times.iloc[j].isoformat()}; add them, or pass --fill-gaps zero if those "
                "intervals really had no contacts"
            )
        grid = pd.date_range(times.iloc[0], times.iloc[-1], freq=step)
        full = group.set_index("interval_start").reindex(grid)
        full.index.name = "interval_start"
        full["queue"] = name
        full[value_column] = full[value_column].fillna(0.0)
        filled.append(full.reset_index())
    return pd.concat(filled, ignore_index=True)[list(counts.columns)]


# --------------------------------------------------------------------------- history and market

HISTORY_FORMATS = (
    "counts (queue, interval_start, volume[, aht_s])",
    "events (created_at, queue[, reason][, handle_time_s])",
)


def read_history(
    path: str | Path,
    zone: zoneinfo.ZoneInfo,
    interval_min: int,
    *,
    fill_gaps: str | None = None,
) -> pd.DataFrame:
    """Contact history as counts ``queue, interval_start, volume[, aht_s]``.

    The header says which format the file is: counts (``interval_start`` column, whole
    contacts per interval) or raw events (``created_at`` column, one row per contact,
    aggregated by :func:`read_events`). Missing intervals in a counts file are an error
    unless ``fill_gaps == "zero"``, which records them as intervals with no contacts.
    ``path`` may be a folder of CSV files or a Parquet dataset, each part read in turn
    (see :mod:`staffplan.tables.folders`).
    """
    if fill_gaps not in (None, "zero"):
        raise InputError(
            f"{fill_gaps!r} is not supported; use 'zero' or leave it out", parameter="fill_gaps"
        )
    if is_folder(path):
        return read_parts(
            path,
            "history",
            lambda part: read_history(part, zone, interval_min, fill_gaps=fill_gaps),
        )
    text = None  # a Parquet part's or a DataFrame's columns are typed: no text to read
    if isinstance(path, InMemory):
        header = [str(column) for column in path.frame.columns]
    elif is_parquet(Path(path)):
        header = parquet_columns(Path(path), "history")
    else:  # read once: standard input (``-``) can be read only once
        text = read_text(path, "history")
        header = _header(text, path, "history")
    if "created_at" in header:
        return read_events(path, zone, interval_min, text=text)
    if "interval_start" not in header:
        raise InputError(
            f"{path}: not a history file; expected the columns of {HISTORY_FORMATS[0]} or "
            f"{HISTORY_FORMATS[1]} (present: {listed(header)})"
        )
    counts = read_counts(path, zone, interval_min, positive_numeric=("aht_s",), text=text)
    return check_gaps(counts, path, interval_min, fill_zero=fill_gaps == "zero")


def _header(text: str, path: str | Path, kind: str) -> list[str]:
    if not text.strip():
        raise InputError(f"{path}: the {kind} file is empty; expected a header row")
    first = re.split(r"[\r\n]", text.lstrip("\r\n"), maxsplit=1)[0]
    return [cell.strip() for cell in next(csv.reader([first]), [])]


def read_events(
    path: str | Path, zone: zoneinfo.ZoneInfo, interval_min: int, *, text: str | None = None
) -> pd.DataFrame:
    """Raw contacts ``created_at, queue[, reason][, handle_time_s]`` as a counts table.

    Each contact is counted in the ``interval_min`` interval (planning-zone clock) that
    contains its ``created_at``. Every queue gets every interval from the first to the last
    contact in the file, zero where none arrived. With ``handle_time_s`` the table has
    ``aht_s``: the mean handle time in seconds of the interval's contacts (empty when none).
    ``text``: the file's content, already read (see :func:`read_csv`).
    """
    frame = read_cells(path, required=("created_at", "queue"), kind="history", text=text)
    queue = frame["queue"].astype(str).str.strip()
    if (queue == "").any():
        i = int(np.flatnonzero((queue == "").to_numpy())[0])
        raise InputError(f"{path}: row {row_number(i, path)}, column 'queue': blank queue name")
    frame = frame.assign(queue=queue)
    created = parse_times(frame, "created_at", path, zone, group="queue")
    minutes = created.dt.hour * 60 + created.dt.minute
    into = pd.to_timedelta((minutes % interval_min) * 60 + created.dt.second, unit="s")
    starts = (created - into - pd.to_timedelta(created.dt.microsecond, unit="us")).dt.floor("s")
    events = pd.DataFrame({"queue": queue, "interval_start": starts, "volume": 1.0})
    if "handle_time_s" in frame.columns:
        events["handle_time_s"] = parse_numbers(frame, "handle_time_s", path, maximum=None)
    grid = pd.date_range(starts.min(), starts.max(), freq=pd.Timedelta(minutes=interval_min))
    grid.name = "interval_start"
    tables = []
    for name in sorted(events["queue"].unique()):
        group = events[events["queue"] == name].groupby("interval_start")
        table = pd.DataFrame({"volume": group["volume"].sum()}).reindex(grid, fill_value=0.0)
        if "handle_time_s" in events.columns:
            table["aht_s"] = group["handle_time_s"].mean().reindex(grid)
        tables.append(table.reset_index().assign(queue=name))
    columns = ["queue", "interval_start", "volume"]
    columns += ["aht_s"] if "handle_time_s" in events.columns else []
    return pd.concat(tables, ignore_index=True)[columns]


MARKET_STEPS = (pd.Timedelta(hours=1), pd.Timedelta(days=1))


def read_market(path: str | Path) -> pd.DataFrame:
    """Market prices ``timestamp, close[, high, low, volume]``, hourly or daily.

    ``timestamp`` marks the start of each bar (its close is known one bar later).
    Timestamps with a UTC offset are converted to UTC; naive timestamps are read as UTC
    (crypto exchanges export UTC). Closes must be positive; rows must be in time order
    without duplicates, one bar per hour or per day (missing bars are allowed).
    Returns the columns present, ``timestamp`` as tz-aware UTC; ``attrs["source"]`` is
    the path.
    """
    frame = read_csv(path, required=("timestamp", "close"), kind="market")
    out = pd.DataFrame(
        {"timestamp": parse_times(frame, "timestamp", path, zoneinfo.ZoneInfo("UTC"))}
    )
    out["close"] = parse_numbers(frame, "close", path, strictly_positive=True, maximum=None)
    for column in ("high", "low"):
        if column in frame.columns:
            out[column] = parse_numbers(frame, column, path, strictly_positive=True, maximum=None)
    if "volume" in frame.columns:
        out["volume"] = parse_numbers(frame, "volume", path, maximum=None)
    if "high" in out.columns and "low" in out.columns:
        bad = (out["low"] > out["high"]).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{path}: row {row_number(i, path)}: low is above high; check the columns"
            )
    _check_market_steps(out["timestamp"], path)
    out.attrs["source"] = str(path)  # named in the forecast's messages about the prices
    return out


def _check_market_steps(times: pd.Series, path: str | Path) -> None:
    check_series_order(
        times.to_frame().assign(series="market"), path, key="series", time="timestamp"
    )
    steps = times.diff().iloc[1:]
    if steps.empty:
        raise InputError(f"{path}: the market file needs at least two prices to measure returns")
    bar = steps.mode().iloc[0]
    if bar not in MARKET_STEPS:
        raise InputError(
            f"{path}: prices are {bar} apart; use hourly or daily closes (one row per bar)"
        )
    uneven = (steps % bar != pd.Timedelta(0)).to_numpy()
    if uneven.any():
        i = int(np.flatnonzero(uneven)[0]) + 1
        raise InputError(
            f"{path}: row {row_number(i, path)}: {times.iloc[i].isoformat()} is off the "
            f"{'hourly' if bar == MARKET_STEPS[0] else 'daily'} grid of the other rows; "
            "export one bar per row"
        )


DEMAND_NUMBERS = tuple(  # the demand table's numeric columns, from the contract
    c.name for c in REQUIREMENTS.columns if c.type in ("number", "count", "share") and not c.blank
)
# numeric columns a row may leave empty (a backlog queue's, on a live queue's row)
DEMAND_BLANK_NUMBERS = tuple(
    c.name for c in REQUIREMENTS.columns if c.type in ("number", "count", "share") and c.blank
)
DEMAND_POSITIVE = ("aht_s",)  # seconds: a handle time of 0 is an export mistake
DEMAND_FLAGS = tuple(c.name for c in REQUIREMENTS.columns if c.type == "bool")
FLAG_TEXT = {"true": True, "false": False, "1": True, "0": False}


def read_demand(
    path: str | Path,
    zone: zoneinfo.ZoneInfo,
    interval_min: int,
    *,
    value_column: str = "volume",
    kind: str = "forecast",
    scenario: str | None = None,
) -> pd.DataFrame:
    """A demand table as a stage wrote it: forecast, deflection output or requirements.

    ``queue, interval_start`` and ``value_column`` are required; every other column is
    kept, in the file's order, so a stage run on this file passes them on: the numbers of
    the contract (docs/tables.md: ``lo80 … hi95``, ``deflected``, ``offered``, ``aht_s``
    (> 0, seconds), the sizing columns) are parsed and checked, its flags (``peak``) as
    true/false, the rest kept as text. Volumes may be fractional; an 80 % band must
    contain ``volume``.

    A user-made ``scenario`` column holding several alternative forecasts needs
    ``scenario`` to pick one (the forecast's own ``volatility_path`` label is not one).
    ``path`` may be a folder of CSV files or a Parquet dataset (see
    :mod:`staffplan.tables.folders`).
    """
    if is_folder(path):
        return read_parts(
            path,
            kind,
            lambda part: read_demand(
                part, zone, interval_min, value_column=value_column, kind=kind, scenario=scenario
            ),
        )
    table = read_counts(
        path,
        zone,
        interval_min,
        kind=kind,
        value_column=value_column,
        integer=False,
        extra_numeric=tuple(
            c for c in DEMAND_NUMBERS if c != value_column and c not in DEMAND_POSITIVE
        ),
        positive_numeric=DEMAND_POSITIVE,
        keep_text=True,
    )
    for column in DEMAND_FLAGS:
        if column in table.columns:
            table[column] = _flags(table[column], path, column)
    for column in DEMAND_BLANK_NUMBERS:
        if column in table.columns:
            table[column] = _numbers_or_blank(table, column, path)
    if {"lo80", "hi80"} <= set(table.columns):
        _check_band(path, table["lo80"], table["volume"], table["hi80"])
    return _one_scenario(table, path, scenario)


def _numbers_or_blank(table: pd.DataFrame, column: str, path: str | Path) -> np.ndarray:
    """Column ``column`` as float64 (>= 0), an empty cell (text, or a typed column's
    null) as NaN; errors name the row."""
    blank = blank_cells(table[column])
    values = parse_numbers(table.assign(**{column: table[column].where(~blank, "0")}), column, path)
    return np.where(blank, np.nan, values)


def _one_scenario(table: pd.DataFrame, path: str | Path, scenario: str | None) -> pd.DataFrame:
    if "scenario" not in table.columns:
        if scenario is not None:
            raise InputError(
                f"{path}: has no scenario column, so scenario {scenario!r} cannot be picked; "
                "leave out --scenario"
            )
        return table
    names = table["scenario"]
    found = sorted(names.unique())
    if scenario is None and len(found) > 1:
        raise InputError(
            f"{path}: holds the forecast scenarios {', '.join(found)}; pick one with --scenario"
        )
    if scenario is not None and scenario not in found:
        raise InputError(
            f"{path}: has no scenario {scenario!r} (scenarios: {', '.join(found)}); fix --scenario"
        )
    return table[(names == (scenario or found[0])).to_numpy()].reset_index(drop=True)


def _check_band(path: str | Path, lo80: pd.Series, volume: pd.Series, hi80: pd.Series) -> None:
    bad = ((lo80 > volume) | (hi80 < volume)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{path}: row {row_number(i, path)}: the 80% interval [{lo80.iloc[i]:g}, "
            f"{hi80.iloc[i]:g}] does not contain the forecast volume {volume.iloc[i]:g}; "
            "check the lo80 and hi80 columns"
        )


def read_coverage(path: str | Path, zone: zoneinfo.ZoneInfo, interval_min: int) -> pd.DataFrame:
    """``queue, interval_start, scheduled`` from a schedule (or plan) folder or a coverage CSV.

    A folder must hold the ``coverage.csv`` written by ``staffplan schedule`` or ``plan``;
    ``scheduled`` is the agents on the queue in each interval (a fraction is an agent
    there for part of it, e.g. 0.5 for a 15-minute break in a 30-minute interval).
    """
    if not isinstance(path, InMemory) and Path(path).is_dir():
        path = Path(path) / "coverage.csv"
        if not path.is_file():
            raise InputError(
                f"{path.parent}: no coverage.csv in this folder; pass the folder written by "
                "staffplan schedule, or a coverage CSV with queue, interval_start, scheduled"
            )
    return read_counts(
        path, zone, interval_min, kind="coverage", value_column="scheduled", integer=False
    )


def read_requirements(path: str | Path, zone: zoneinfo.ZoneInfo, interval_min: int) -> pd.DataFrame:
    """A requirements CSV: ``queue, interval_start, agents`` and any other demand-table
    column (e.g. the whole table ``staffplan staff`` writes), checked row by row."""
    return read_demand(path, zone, interval_min, value_column="agents", kind="requirements")


def _flags(cells: pd.Series, path: str | Path, column: str) -> pd.Series:
    flags = cells.str.lower().map(FLAG_TEXT)
    bad = flags.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{path}: row {row_number(i, path)}, column {column!r}: {shown(cells.iloc[i])} is not "
            "true or false"
        )
    return flags.astype(bool)
