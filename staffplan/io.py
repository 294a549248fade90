"""Reading input tables and writing outputs, atomically.

Readers check a file once, at the boundary, and raise :class:`InputError` naming the file,
the row (as numbered in a spreadsheet: the header is row 1) and what to do. Writers never
leave half a file: they write a temp file in the same folder and ``os.replace`` it; a
multi-file output is built in a temp folder and renamed into place.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import json
import math
import os
import re
import shutil
import tempfile
import zoneinfo
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from staffplan.errors import InputError

MAX_COUNT = 10_000_000  # contacts per interval; more is a unit or export mistake


# --------------------------------------------------------------------------- reading


def read_csv(path: str | Path, *, required: Sequence[str], kind: str) -> pd.DataFrame:
    """Read a CSV of text cells and check it has the ``required`` columns.

    ``kind`` names the table in messages ("history", "forecast", ...). Extra columns are
    kept. Cells are left as text; use :func:`parse_numbers` and :func:`parse_times`.
    """
    path = Path(path)
    raw = _read_bytes(path, kind)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}); re-export the {kind} file as UTF-8 "
            "(in Excel: 'CSV UTF-8')"
        ) from None
    if not text.strip():
        raise InputError(
            f"{path}: the {kind} file is empty; expected a header row with {', '.join(required)}"
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(f"{path}: not a readable CSV ({str(exc).strip()})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_columns(frame, path, required, kind)
    if frame.empty:
        raise InputError(f"{path}: the {kind} file has a header but no data rows")
    return frame


def _read_bytes(path: Path, kind: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: {kind} file not found; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; pass the {kind} CSV file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {kind} file ({exc.strerror})") from None


def _check_columns(frame: pd.DataFrame, path: Path, required: Sequence[str], kind: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if not missing:
        return
    if len(frame.columns) == 1:
        header = frame.columns[0]
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if sep in header:
                raise InputError(
                    f"{path}: the {kind} file is separated by {name}, not commas; "
                    "save it as comma-separated CSV"
                )
    column = missing[0]
    hint = difflib.get_close_matches(column, list(frame.columns), n=1, cutoff=0.6)
    found = f"; found {hint[0]!r}, did you mean {column!r}?" if hint else ""
    raise InputError(
        f"{path}: the {kind} file has no column {column!r}{found} "
        f"(needed: {', '.join(required)}; present: {', '.join(frame.columns)})"
    )


def row_number(position: int) -> int:
    """The spreadsheet row of data row ``position`` (0-based; the header is row 1)."""
    return int(position) + 2


def parse_numbers(
    frame: pd.DataFrame,
    column: str,
    path: str | Path,
    *,
    integer: bool = False,
    minimum: float | None = 0.0,
    strictly_positive: bool = False,
    maximum: float | None = MAX_COUNT,
) -> np.ndarray:
    """Column ``column`` as float64, every cell checked; errors name the first bad row."""
    cells = frame[column].astype(str).str.strip()
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
    checks = [
        (cells == "", "is blank; fill in a number"),
        (np.isnan(values) & (cells != ""), "is not a number"),
        (~np.isfinite(values) & ~np.isnan(values), "is not a finite number"),
    ]
    if minimum is not None:
        checks.append((values < minimum, f"is below {minimum:g}"))
    if strictly_positive:
        checks.append((values <= 0, "must be greater than 0"))
    if maximum is not None:
        checks.append((values > maximum, f"is implausibly large (over {maximum:,.0f})"))
    if integer:
        checks.append(
            (
                np.isfinite(values) & (values != np.round(values)),
                "is not a whole number of contacts",
            )
        )
    for bad, problem in checks:
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{path}: row {row_number(i)}, column {column!r}: {cells.iloc[i]!r} {problem}"
            )
    return values


def parse_times(
    frame: pd.DataFrame,
    column: str,
    path: str | Path,
    zone: zoneinfo.ZoneInfo,
    *,
    group: str | None = None,
) -> pd.Series:
    """Column ``column`` as timestamps in ``zone``.

    Timestamps with an offset are converted to ``zone``; naive ones are read as ``zone``
    clock time. A naive time that does not exist (inside a spring-forward gap) is an
    error; one that exists twice (the repeated autumn hour) is resolved by order when the
    file lists it twice (per ``group`` column, e.g. queue), else an error. All rows must use
    the same style and, if they carry offsets, one offset or the planning zone's own offsets (DST).
    """
    cells = frame[column].astype(str).str.strip()
    blank = cells == ""
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise InputError(f"{path}: row {row_number(i)}, column {column!r}: blank timestamp")
    has_offset = cells.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
    if has_offset.any() and not has_offset.all():
        i = int(np.flatnonzero((has_offset != has_offset.iloc[0]).to_numpy())[0])
        _parse_strings(cells.iloc[: i + 1], column, path, utc=True)  # text, not a mix?
        raise InputError(
            f"{path}: row {row_number(i)}, column {column!r}: {cells.iloc[i]!r} mixes "
            "timestamps with and without a UTC offset; export all rows the same way"
        )
    parsed = _parse_strings(cells, column, path, utc=bool(has_offset.iloc[0]))
    if has_offset.iloc[0]:
        _check_offsets(cells, parsed, column, path, zone)
        return parsed.dt.tz_convert(zone)
    return _localize(parsed, cells, column, path, zone, frame[group] if group else None)


def _parse_strings(cells: pd.Series, column: str, path: str | Path, utc: bool) -> pd.Series:
    parsed = pd.to_datetime(cells, errors="coerce", format="ISO8601", utc=utc)
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{path}: row {row_number(i)}, column {column!r}: {cells.iloc[i]!r} is not a "
            "timestamp; use ISO 8601 like 2026-12-07 09:30 or 2026-12-07T09:30:00+08:00"
        )
    return parsed


def _check_offsets(
    cells: pd.Series, parsed: pd.Series, column: str, path: str | Path, zone: zoneinfo.ZoneInfo
) -> None:
    written = cells.str.extract(r"([+-]\d\d:?\d\d|Z)$")[0].str.replace(":", "", regex=False)
    if written.nunique() <= 1:
        return
    local = parsed.dt.tz_convert(zone)
    zone_offsets = local.map(lambda t: t.strftime("%z"))
    normalised = written.replace("Z", "+0000")
    bad = (normalised != zone_offsets).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{path}: row {row_number(i)}, column {column!r}: offset of {cells.iloc[i]!r} "
            f"differs from row 2's and from the planning zone {zone.key}; mixed UTC offsets "
            "usually mean files from different systems were joined: export in one zone"
        )


def _localize(
    naive: pd.Series,
    cells: pd.Series,
    column: str,
    path: str | Path,
    zone: zoneinfo.ZoneInfo,
    group: pd.Series | None,
) -> pd.Series:
    earlier = np.ones(len(naive), dtype=bool)
    gap = naive.dt.tz_localize(zone, nonexistent="NaT", ambiguous=earlier).isna().to_numpy()
    if gap.any():
        i = int(np.flatnonzero(gap)[0])
        raise InputError(
            f"{path}: row {row_number(i)}, column {column!r}: {cells.iloc[i]!r} does not exist "
            f"in {zone.key} (clocks spring forward over it); fix the export or add UTC offsets"
        )
    parts = [naive] if group is None else [s for _, s in naive.groupby(group, sort=False)]
    try:
        localized = [part.dt.tz_localize(zone, ambiguous="infer") for part in parts]
    except ValueError:
        twice = naive.dt.tz_localize(zone, ambiguous="NaT").isna().to_numpy()
        i = int(np.flatnonzero(twice)[0]) if twice.any() else 0
        raise InputError(
            f"{path}: row {row_number(i)}, column {column!r}: {cells.iloc[i]!r} happens twice "
            f"in {zone.key} (clocks go back) and the file's order does not say which; "
            "add UTC offsets to the timestamps"
        ) from None
    return pd.concat(localized).reindex(naive.index)


def check_aligned(
    times: pd.Series, interval_min: int, path: str | Path, column: str = "interval_start"
) -> None:
    """Every timestamp must start an interval of ``interval_min`` minutes (local clock)."""
    minutes = times.dt.hour * 60 + times.dt.minute
    bad = ((minutes % interval_min != 0) | (times.dt.second != 0)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{path}: row {row_number(i)}, column {column!r}: {times.iloc[i].isoformat()} is "
            f"not the start of a {interval_min}-minute interval; set interval_min in the "
            "config to match the data, or re-aggregate it"
        )


def check_series_order(
    frame: pd.DataFrame, path: str | Path, *, key: str = "queue", time: str = "interval_start"
) -> None:
    """Per ``key``: no duplicate timestamps, and timestamps in increasing order."""
    for name, group in frame.groupby(key, sort=False):
        values = group[time]
        dup = values.duplicated().to_numpy()
        if dup.any():
            j = int(np.flatnonzero(dup)[0])
            first = int(np.flatnonzero((values == values.iloc[j]).to_numpy())[0])
            raise InputError(
                f"{path}: row {row_number(group.index[j])}: {key} {name!r} has "
                f"{values.iloc[j].isoformat()} again (first at row "
                f"{row_number(group.index[first])}); remove the duplicate"
            )
        back = (values.diff() <= pd.Timedelta(0)).to_numpy()
        if back.any():
            j = int(np.flatnonzero(back)[0])
            raise InputError(
                f"{path}: row {row_number(group.index[j])}: {key} {name!r} goes back in time "
                f"({values.iloc[j].isoformat()} after {values.iloc[j - 1].isoformat()}); "
                "sort the file by time"
            )


# --------------------------------------------------------------------------- writing


def iso_times(times: pd.Series) -> pd.Series:
    """Timestamps as ISO 8601 text with offset, e.g. ``2026-12-07T09:30:00+08:00``."""
    text = times.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    return text.str.slice(0, -2) + ":" + text.str.slice(-2)


def to_csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV text: timestamps ISO 8601 with offset, floats to 6 significant digits."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = iso_times(out[column])
    return out.to_csv(index=False, float_format="%.6g", lineterminator="\n")


def to_json_text(payload: Any) -> str:
    """JSON text; a DataFrame becomes a list of records; NaN and inf become null."""
    if isinstance(payload, pd.DataFrame):
        payload = records(payload)
    return json.dumps(_finite(payload), indent=2, ensure_ascii=False) + "\n"


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready records (ISO timestamps, plain Python numbers)."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = iso_times(out[column])
    return [{k: _plain(v) for k, v in row.items()} for row in out.to_dict(orient="records")]


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return _plain(value)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    _check_writable(folder, path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _check_writable(folder: Path, target: Path) -> None:
    if not folder.is_dir():
        raise InputError(f"{target}: the folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{target}: the folder {folder} is not writable; choose another --output")


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """Build a multi-file output in a temp folder; it replaces ``path`` only on success.

    Yields the temp folder to write into. If the body raises, the temp folder is removed
    and an existing ``path`` is left as it was.
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    _check_writable(parent, path)
    if path.exists() and not path.is_dir():
        raise InputError(f"{path}: exists and is not a folder; choose another --output")
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent))
    os.chmod(staging, 0o777 & ~_umask())
    try:
        yield staging
        _swap_in(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, path: Path) -> None:
    if not path.exists():
        os.rename(staging, path)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    os.rename(path, old / path.name)
    try:
        os.rename(staging, path)
    except BaseException:
        os.rename(old / path.name, path)
        raise
    shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- tables


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
) -> pd.DataFrame:
    """A long table ``queue, interval_start, <value_column>[, extra]`` checked row by row.

    ``integer`` demands whole counts (observed history); forecasts may be fractional.
    Timestamps must start ``interval_min`` intervals; per queue no duplicates and in
    order. Columns in ``extra_numeric`` (>= 0) and ``positive_numeric`` (> 0, e.g.
    ``aht_s``) are parsed when present. Gaps
    are not checked here (see :func:`check_gaps`).
    """
    frame = read_csv(path, required=("queue", "interval_start", value_column), kind=kind)
    queue = frame["queue"].astype(str).str.strip()
    empty = (queue == "").to_numpy()
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise InputError(f"{path}: row {row_number(i)}, column 'queue': blank queue name")
    frame = frame.assign(queue=queue)
    out = pd.DataFrame({"queue": queue})
    out["interval_start"] = parse_times(frame, "interval_start", path, zone, group="queue")
    out[value_column] = parse_numbers(frame, value_column, path, integer=integer)
    for column in (*extra_numeric, *positive_numeric):
        if column in frame.columns:
            positive = column in positive_numeric
            out[column] = parse_numbers(frame, column, path, strictly_positive=positive)
    check_aligned(out["interval_start"], interval_min, path)
    check_series_order(out, path)
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
                f"{path}: row {row_number(group.index[j])}: queue {name!r} has no rows for "
                f"{missing} interval(s) between {times.iloc[j - 1].isoformat()} and "
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
    """
    if fill_gaps not in (None, "zero"):
        raise InputError(f"--fill-gaps {fill_gaps!r} is not supported; use 'zero' or leave it out")
    header = _header(Path(path), "history")
    if "created_at" in header:
        return read_events(path, zone, interval_min)
    if "interval_start" not in header:
        raise InputError(
            f"{path}: not a history file; expected the columns of {HISTORY_FORMATS[0]} or "
            f"{HISTORY_FORMATS[1]} (present: {', '.join(header)})"
        )
    counts = read_counts(path, zone, interval_min, positive_numeric=("aht_s",))
    return check_gaps(counts, path, interval_min, fill_zero=fill_gaps == "zero")


def _header(path: Path, kind: str) -> list[str]:
    raw = _read_bytes(path, kind)
    first = re.split(rb"[\r\n]", raw, maxsplit=1)[0].decode("utf-8-sig", errors="replace")
    return [cell.strip() for cell in next(csv.reader([first]), [])]


def read_events(path: str | Path, zone: zoneinfo.ZoneInfo, interval_min: int) -> pd.DataFrame:
    """Raw contacts ``created_at, queue[, reason][, handle_time_s]`` as a counts table.

    Each contact is counted in the ``interval_min`` interval (planning-zone clock) that
    contains its ``created_at``. Every queue gets every interval from the first to the last
    contact in the file, zero where none arrived. With ``handle_time_s`` the table has
    ``aht_s``: the mean handle time in seconds of the interval's contacts (empty when none).
    """
    frame = read_csv(path, required=("created_at", "queue"), kind="history")
    queue = frame["queue"].astype(str).str.strip()
    if (queue == "").any():
        i = int(np.flatnonzero((queue == "").to_numpy())[0])
        raise InputError(f"{path}: row {row_number(i)}, column 'queue': blank queue name")
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
    Returns the columns present, ``timestamp`` as tz-aware UTC.
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
            raise InputError(f"{path}: row {row_number(i)}: low is above high; check the columns")
    _check_market_steps(out["timestamp"], path)
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
            f"{path}: row {row_number(i)}: {times.iloc[i].isoformat()} is off the "
            f"{'hourly' if bar == MARKET_STEPS[0] else 'daily'} grid of the other rows; "
            "export one bar per row"
        )


def read_forecast_table(
    path: str | Path, zone: zoneinfo.ZoneInfo, interval_min: int
) -> pd.DataFrame:
    """A forecast (or net-of-deflection) table: ``queue, interval_start, volume`` with
    optional ``deflected``, ``offered`` and ``aht_s``; volumes may be fractional."""
    return read_counts(
        path,
        zone,
        interval_min,
        kind="forecast",
        integer=False,
        extra_numeric=("deflected", "offered"),
        positive_numeric=("aht_s",),
    )
