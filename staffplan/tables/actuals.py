"""The actuals of a re-forecast (contacts so far, the history's columns, a partial day
allowed) and the checks that tie them to the forecast and the ``--as-of`` time."""

from __future__ import annotations

import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd

from staffplan.errors import InputError, shown
from staffplan.tables.dates import parse_start
from staffplan.tables.parse import row_number
from staffplan.tables.read import read_counts


def read_actuals(path: str | Path, zone: zoneinfo.ZoneInfo, interval_min: int) -> pd.DataFrame:
    """``queue, interval_start, volume`` (whole contacts) of an actuals file, checked row
    by row like a history; gaps are allowed (an interval without a row is not used)."""
    return read_counts(path, zone, interval_min, kind="actuals", positive_numeric=("aht_s",))


def parse_as_of(
    as_of: pd.Timestamp | str, zone: zoneinfo.ZoneInfo, interval_min: int
) -> pd.Timestamp:
    """``as_of`` as a planning-zone timestamp on the interval grid (errors name
    ``as_of``)."""
    try:
        return parse_start(as_of, zone, interval_min)
    except InputError as exc:
        raise InputError(exc.message, parameter="as_of") from None


def check_actuals(
    actuals: pd.DataFrame,
    forecast: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    actuals_source: str = "actuals",
    forecast_source: str = "forecast",
) -> None:
    """:class:`InputError` naming the file and row when ``as_of`` is outside the
    forecast, an actual is for a queue the forecast lacks, or an actual is at or after
    ``as_of`` (an update never uses what was not yet known); naming the file when no
    actual is an interval of the forecast (before ``as_of``): an update from them would
    be the forecast itself, presented as if today had been seen."""
    times = forecast["interval_start"]
    step = times.groupby(forecast["queue"]).diff().min()
    step = pd.Timedelta(minutes=30) if pd.isna(step) else step
    first, last = times.min(), times.max()
    if not first <= as_of <= last:
        edge = int(np.argmin(times.to_numpy())) if as_of <= first else int(np.argmax(times))
        raise InputError(
            f"{forecast_source}: {as_of.isoformat()} is outside the forecast (rows "
            f"{row_number(0)}-{row_number(len(forecast) - 1)} run from {first.isoformat()} to "
            f"{(last + step).isoformat()}; row {row_number(edge)} is the nearest); give an "
            "--as-of within it, or the forecast of this week",
            parameter="as_of",
        )
    known = set(forecast["queue"].astype(str))
    unknown = ~actuals["queue"].astype(str).isin(known).to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise InputError(
            f"{actuals_source}: row {row_number(i)}: queue {shown(actuals['queue'].iloc[i])} is "
            f"not in the forecast {forecast_source} (queues: {', '.join(sorted(known))}); fix "
            "the queue name or leave its rows out"
        )
    late = (actuals["interval_start"] >= as_of).to_numpy()
    if late.any():
        i = int(np.flatnonzero(late)[0])
        when = actuals["interval_start"].iloc[i].isoformat()
        raise InputError(
            f"{actuals_source}: row {row_number(i)}: {when} "
            f"is at or after --as-of {as_of.isoformat()}; a re-forecast uses only intervals "
            "that ended by then: leave later rows out or give a later --as-of"
        )
    inside = _in_forecast(actuals, forecast)
    if not inside.any():
        raise InputError(
            f"{actuals_source}: none of its {len(actuals)} row(s) is an interval of the "
            f"forecast {forecast_source} before --as-of: {_span(actuals)}, the forecast's "
            f"window is {first.isoformat()} to --as-of {as_of.isoformat()}; give the actuals "
            "of that window (today's export), a later --as-of, or the forecast of their week"
        )


def ignored_actuals_warning(
    actuals: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    actuals_source: str = "actuals",
) -> str | None:
    """A warning counting the actuals that are no interval of the forecast (e.g. days
    before it starts): the update ignores them. None when every actual is used."""
    outside = ~_in_forecast(actuals, forecast)
    if not outside.any():
        return None
    first = forecast["interval_start"].min()
    return (
        f"warning: {actuals_source}: {int(outside.sum())} of {len(actuals)} rows are not "
        f"intervals of the forecast (it starts {first.isoformat()}): "
        f"{_span(actuals[outside])}; the re-forecast ignores them"
    )


def _in_forecast(actuals: pd.DataFrame, forecast: pd.DataFrame) -> np.ndarray:
    """Per actual row: whether the forecast has a row for its queue and interval."""
    keys = pd.MultiIndex.from_arrays([forecast["queue"].astype(str), forecast["interval_start"]])
    rows = pd.MultiIndex.from_arrays([actuals["queue"].astype(str), actuals["interval_start"]])
    return np.asarray(rows.isin(keys))


def _span(actuals: pd.DataFrame) -> str:
    """Where ``actuals`` rows lie, for a message: ``rows run from … to …``."""
    times = actuals["interval_start"]
    if times.empty:
        return "it has no rows"
    return f"they run from {times.min().isoformat()} to {times.max().isoformat()}"
