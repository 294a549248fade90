"""Reading CSV files and parsing their cells, checked once at the boundary.

Readers raise :class:`InputError` naming the file, the row (as numbered in a
spreadsheet: the header is row 1) and what to do.
"""

from __future__ import annotations

import csv
import difflib
import io
import sys
import zoneinfo
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from staffplan.errors import InputError, shown

MAX_COUNT = 10_000_000  # contacts per interval; more is a unit or export mistake


class InMemory(str):
    """A table given to the Python API as a DataFrame instead of a file: every reader
    takes it where it takes a path and checks its cells as it checks a file's (typed
    columns like a Parquet file's, text like a CSV's). Messages name it by the argument
    (``requirements``) and its rows by position, 0-based as ``frame.iloc`` counts them."""

    frame: pd.DataFrame

    def __new__(cls, argument: str, frame: pd.DataFrame) -> InMemory:
        table = super().__new__(cls, argument)
        table.frame = frame.reset_index(drop=True)
        return table


def read_csv(
    path: str | Path, *, required: Sequence[str], kind: str, text: str | None = None
) -> pd.DataFrame:
    """Read a CSV of text cells and check it has the ``required`` columns.

    ``kind`` names the table in messages ("history", "forecast", ...). Extra columns are
    kept. Cells are left as text; use :func:`parse_numbers` and :func:`parse_times`.
    ``text`` is the file's content when the caller has read it already (standard input
    can be read only once); ``path`` then only names it in messages. An
    :class:`InMemory` ``path`` is its frame, checked the same way.
    """
    if isinstance(path, InMemory):
        return _in_memory(path, required, kind)
    path = Path(path)
    if text is None:
        text = read_text(path, kind)
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


def _in_memory(table: InMemory, required: Sequence[str], kind: str) -> pd.DataFrame:
    """The frame of ``table``, checked to have the ``required`` columns and a row."""
    _check_columns(table.frame, table, required, kind)
    if table.frame.empty:
        raise InputError(f"{table}: the {kind} table has no rows")
    return table.frame


_EXPORT = "re-export the {kind} file as UTF-8 CSV (in Excel: 'CSV UTF-8')"
# What a file that is not UTF-8 text usually is, by its first bytes (longest first).
_NOT_TEXT = (
    (b"\xff\xfe\x00\x00", "is UTF-32 text; " + _EXPORT),
    (b"\x00\x00\xfe\xff", "is UTF-32 text; " + _EXPORT),
    (b"\xff\xfe", "is UTF-16 text (Excel's 'Unicode Text'); " + _EXPORT),
    (b"\xfe\xff", "is UTF-16 text; " + _EXPORT),
    (b"\x1f\x8b", "is gzip-compressed, not CSV text; decompress it first (gunzip)"),
    (b"PK\x03\x04", "is a ZIP archive or an Excel workbook, not CSV text; " + _EXPORT),
    (b"\xd0\xcf\x11\xe0", "is an Excel 97-2003 workbook, not CSV text; " + _EXPORT),
)


def read_text(path: str | Path, kind: str) -> str:
    """The UTF-8 text of the ``kind`` file at ``path`` (``-``: standard input; a
    byte-order mark is dropped).

    A missing file, a folder, compressed or spreadsheet bytes, UTF-16/32 text and any
    other non-UTF-8 bytes are an :class:`InputError` saying what the file is and how to
    export it as CSV.
    """
    path = Path(path)
    raw = _read_bytes(path, kind)
    for magic, problem in _NOT_TEXT:
        if raw.startswith(magic):
            raise InputError(f"{path}: the {kind} file {problem.format(kind=kind)}")
    export = _EXPORT.format(kind=kind)
    if b"\x00" in raw:
        head = raw[:64]
        if head[0::2].count(0) == len(head[0::2]) or head[1::2].count(0) == len(head[1::2]):
            raise InputError(f"{path}: the {kind} file is UTF-16 text; {export}")
        at = raw.index(b"\x00")
        raise InputError(f"{path}: binary data (a NUL byte at byte {at}), not CSV text; {export}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); {export}") from None


STDIN = Path("-")  # a table read from standard input


def _read_bytes(path: Path, kind: str) -> bytes:
    if path == STDIN:
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: {kind} file not found; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; pass the {kind} CSV file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {kind} file ({exc.strerror})") from None


def _check_columns(
    frame: pd.DataFrame, path: str | Path, required: Sequence[str], kind: str
) -> None:
    missing = [c for c in required if c not in frame.columns]
    if not missing:
        return
    present = [str(c) for c in frame.columns]
    if len(present) == 1:
        header = present[0]
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if sep in header:
                raise InputError(
                    f"{path}: the {kind} file is separated by {name}, not commas; "
                    "save it as comma-separated CSV"
                )
    hints = [
        f"; found {shown(hint[0])}, did you mean {column!r}?"
        for column in missing
        if (hint := difflib.get_close_matches(column, present, n=1, cutoff=0.6))
    ]
    names = ", ".join(repr(c) for c in missing)
    noun = "table" if isinstance(path, InMemory) else "file"
    raise InputError(
        f"{path}: the {kind} {noun} has no column{'s' if len(missing) > 1 else ''} {names}"
        f"{''.join(hints)} (needed: {', '.join(required)}; present: {listed(present) or 'none'})"
    )


def listed(names: Sequence[str], most: int = 12) -> str:
    """Column names for a message: each cut to 40 characters, at most ``most`` of them."""
    cut = [name if len(name) <= 40 else f"{name[:39]}…" for name in names[:most]]
    more = f", … ({len(names)} in all)" if len(names) > most else ""
    return ", ".join(cut) + more


def row_number(position: int, source: object = None) -> int:
    """The spreadsheet row of data row ``position`` (0-based; the header is row 1); the
    position itself for an :class:`InMemory` ``source``."""
    return int(position) + (0 if isinstance(source, InMemory) else 2)


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
    """Column ``column`` as float64, every cell checked; errors name the first bad row.
    The cells are text (CSV) or already numbers (Parquet, where a null is blank)."""
    if _typed_numbers(frame[column]):
        values = frame[column].to_numpy(dtype=float, na_value=np.nan)
        cells = frame[column]
        blank, junk = np.isnan(values), np.zeros(values.size, dtype=bool)
    else:
        cells = frame[column].astype(str).str.strip()
        values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
        blank = (cells == "").to_numpy()
        junk = np.isnan(values) & ~blank
    checks = [
        (blank, "is blank; fill in a number"),
        (junk, "is not a number"),
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
                f"{path}: row {row_number(i, path)}, column {column!r}: "
                f"{shown(str(cells.iloc[i]))} {problem}"
            )
    return values


def _typed_numbers(cells: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells)


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
    Timestamps typed with a zone (a Parquet column) are converted to ``zone``.
    """
    if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
        return _zoned_times(frame[column], column, path, zone)
    cells = frame[column].astype(str).str.strip()
    blank = cells == ""
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise InputError(f"{path}: row {row_number(i, path)}, column {column!r}: blank timestamp")
    has_offset = cells.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
    if has_offset.any() and not has_offset.all():
        i = int(np.flatnonzero((has_offset != has_offset.iloc[0]).to_numpy())[0])
        _parse_strings(cells.iloc[: i + 1], column, path, utc=True)  # text, not a mix?
        raise InputError(
            f"{path}: row {row_number(i, path)}, column {column!r}: {shown(cells.iloc[i])} mixes "
            "timestamps with and without a UTC offset; export all rows the same way"
        )
    parsed = _parse_strings(cells, column, path, utc=bool(has_offset.iloc[0]))
    if has_offset.iloc[0]:
        _check_offsets(cells, parsed, column, path, zone)
        return parsed.dt.tz_convert(zone)
    return _localize(parsed, cells, column, path, zone, frame[group] if group else None)


def _zoned_times(
    times: pd.Series, column: str, path: str | Path, zone: zoneinfo.ZoneInfo
) -> pd.Series:
    blank = times.isna().to_numpy()
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        raise InputError(f"{path}: row {row_number(i, path)}, column {column!r}: blank timestamp")
    return times.dt.tz_convert(zone)


def _parse_strings(cells: pd.Series, column: str, path: str | Path, utc: bool) -> pd.Series:
    parsed = pd.to_datetime(cells, errors="coerce", format="ISO8601", utc=utc)
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{path}: row {row_number(i, path)}, column {column!r}: {shown(cells.iloc[i])} is "
            "not a timestamp; use ISO 8601 like 2026-12-07 09:30 or 2026-12-07T09:30:00+08:00"
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
            f"{path}: row {row_number(i, path)}, column {column!r}: offset of "
            f"{shown(cells.iloc[i])} differs from row {row_number(0, path)}'s and from the "
            f"planning zone {zone.key}; mixed UTC offsets usually mean files from different "
            "systems were joined: export in one zone"
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
            f"{path}: row {row_number(i, path)}, column {column!r}: {shown(cells.iloc[i])} "
            f"does not exist in {zone.key} (clocks spring forward over it); fix the export or "
            "add UTC offsets"
        )
    parts = [naive] if group is None else [s for _, s in naive.groupby(group, sort=False)]
    try:
        localized = [part.dt.tz_localize(zone, ambiguous="infer") for part in parts]
    except ValueError:
        twice = naive.dt.tz_localize(zone, ambiguous="NaT").isna().to_numpy()
        i = int(np.flatnonzero(twice)[0]) if twice.any() else 0
        raise InputError(
            f"{path}: row {row_number(i, path)}, column {column!r}: {shown(cells.iloc[i])} "
            f"happens twice in {zone.key} (clocks go back) and the file's order does not say "
            "which; add UTC offsets to the timestamps"
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
            f"{path}: row {row_number(i, path)}, column {column!r}: {times.iloc[i].isoformat()} is "
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
                f"{path}: row {row_number(group.index[j], path)}: {key} {shown(name)} has "
                f"{values.iloc[j].isoformat()} again (first at row "
                f"{row_number(group.index[first], path)}); remove the duplicate"
            )
        back = (values.diff() <= pd.Timedelta(0)).to_numpy()
        if back.any():
            j = int(np.flatnonzero(back)[0])
            raise InputError(
                f"{path}: row {row_number(group.index[j], path)}: {key} {shown(name)} goes back "
                f"in time ({values.iloc[j].isoformat()} after {values.iloc[j - 1].isoformat()}); "
                "sort the file by time"
            )


# --------------------------------------------------------------------------- writing


def iso_times(times: pd.Series) -> pd.Series:
    """Timestamps as ISO 8601 text with offset, e.g. ``2026-12-07T09:30:00+08:00``;
    NaT stays missing (NaN)."""
    # A table repeats each interval once per queue: format each distinct time once.
    codes, distinct = pd.factorize(times)
    text = distinct.strftime("%Y-%m-%dT%H:%M:%S%z")
    text = text.str.slice(0, -2) + ":" + text.str.slice(-2)
    taken = text.take(codes, allow_fill=True, fill_value=np.nan)  # code -1: NaT
    return pd.Series(taken, index=times.index, name=times.name)
