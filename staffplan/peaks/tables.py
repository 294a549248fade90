"""Where the peaks were: the weekly heat map, the surge days and the volatility effect.

From past history (and the market prices):

- ``heatmap``: mean contacts per local hour of day on each weekday, per queue, and that
  hour against the queue's average hour (``vs_average``);
- ``surge_days``: each queue's ``top`` days by their ratio to a normal day (the median of
  the same weekday over the four weeks before and after, as the calendar uses), with the
  market's realised volatility over that local day and against its typical day;
- ``volatility_effect``: the fitted multiplicative effect of each volatility driver as
  the % change in contacts per doubling of the driver, with a 95 % confidence interval
  from the day-clustered standard error (see :mod:`staffplan.forecast._glm`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd

from staffplan.config.forecast import ForecastConfig
from staffplan.errors import InputError
from staffplan.forecast import volatility
from staffplan.forecast._calendar import positions
from staffplan.forecast._days import day_matrix
from staffplan.forecast._glm import NOISE_T
from staffplan.forecast.events import normal_days
from staffplan.forecast.model import StaffplanForecaster
from staffplan.forecast.run import build_model, history_interval_min

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Z95 = 1.959964
DRIVER_NAMES = {"log_daily_vol": "daily_vol", "log_shock": "shock"}


@dataclasses.dataclass(frozen=True)
class PeakTables:
    """The peaks report's tables (see the module docstring and ``docs/tables.md``)."""

    heatmap: pd.DataFrame
    surge_days: pd.DataFrame
    volatility_effect: pd.DataFrame


def peak_tables(
    history: pd.DataFrame,
    market: pd.DataFrame | None = None,
    settings: ForecastConfig | None = None,
    *,
    weeks: int | None = None,
    top: int = 10,
) -> PeakTables:
    """The peaks of the last ``weeks`` weeks of ``history`` (default: all of it).

    The volatility effect is the staffplan model's (``settings``), fitted to those weeks
    and ``market``; without a market that table is empty.
    """
    if weeks is not None and weeks < 1:
        raise InputError(f"{weeks} is out of range; use at least 1 week", parameter="weeks")
    if top < 1:
        raise InputError(f"{top} is out of range; list at least 1 day", parameter="top")
    settings = settings or ForecastConfig()
    times = history["interval_start"]
    if weeks is not None:
        history = history[times > times.max() - pd.Timedelta(weeks=weeks)]
    span_weeks = (
        math.ceil((history["interval_start"].max() - history["interval_start"].min()).days / 7) + 1
    )
    fit_settings = dataclasses.replace(
        settings,
        history_weeks=max(span_weeks, settings.level_weeks, settings.shape_weeks),
    )
    model = build_model(fit_settings, "staffplan")
    model.fit(history, market)
    return tables_from_model(history, model, top)


def tables_from_model(
    history: pd.DataFrame, model: StaffplanForecaster, top: int = 10
) -> PeakTables:
    """The peaks of ``history`` with the volatility effect of ``model`` (a fitted
    staffplan forecaster; e.g. the one a forecast run used)."""
    return PeakTables(
        heatmap=heatmap(history),
        surge_days=surge_days(history, model.drivers_, top),
        volatility_effect=volatility_effect(model),
    )


def heatmap(history: pd.DataFrame) -> pd.DataFrame:
    """Per queue, weekday and local hour: mean contacts per hour over the days seen."""
    wall = history["interval_start"].dt.tz_localize(None)
    frame = pd.DataFrame(
        {
            "queue": history["queue"],
            "date": wall.dt.normalize(),
            "weekday": wall.dt.day_of_week,
            "hour": wall.dt.hour,
            "volume": history["volume"].to_numpy(dtype=float),
        }
    )
    hourly = frame.groupby(["queue", "date", "weekday", "hour"], sort=True)["volume"].sum()
    days = frame.groupby(["queue", "weekday"])["date"].nunique()
    sums = hourly.groupby(level=["queue", "weekday", "hour"]).sum()
    mean = sums / days.reindex(sums.index.droplevel("hour")).to_numpy()
    table = mean.rename("contacts_per_hour").reset_index()
    average = table.groupby("queue")["contacts_per_hour"].transform("mean")
    table["vs_average"] = np.where(average > 0, table["contacts_per_hour"] / average, 0.0)
    table["weekday"] = [WEEKDAYS[w] for w in table["weekday"]]
    return table[["queue", "weekday", "hour", "contacts_per_hour", "vs_average"]]


def surge_days(
    history: pd.DataFrame, drivers: volatility.MarketDrivers | None, top: int = 10
) -> pd.DataFrame:
    """Each queue's ``top`` days by volume against a normal day, busiest ratio first."""
    interval_min = history_interval_min(history)
    rows = []
    for queue, part in history.groupby("queue", sort=True):
        times = pd.DatetimeIndex(part["interval_start"])
        days = day_matrix(
            positions(times, interval_min),
            part["volume"].to_numpy(dtype=float),
            1440 // interval_min,
        )
        expected = normal_days(days.day, days.totals, np.zeros(len(days.day), dtype=bool))
        ratio = np.divide(
            days.totals, expected, out=np.full(len(days.day), np.nan), where=expected > 0
        )
        order = np.argsort(-np.nan_to_num(ratio, nan=-np.inf), kind="stable")[:top]
        for rank, i in enumerate(order, start=1):
            if not np.isfinite(ratio[i]):
                break
            date = pd.Timestamp(int(days.day[i]), unit="D")
            rows.append(
                {
                    "queue": queue,
                    "rank": rank,
                    "date": date.strftime("%Y-%m-%d"),
                    "weekday": WEEKDAYS[int(days.weekday[i])],
                    "volume": float(days.totals[i]),
                    "expected": float(expected[i]),
                    "ratio": float(ratio[i]),
                    **_day_volatility(drivers, date, times.tz),
                }
            )
    columns = ["queue", "rank", "date", "weekday", "volume", "expected", "ratio"]
    return pd.DataFrame(rows, columns=[*columns, "daily_vol", "vol_vs_typical"])


def _day_volatility(
    drivers: volatility.MarketDrivers | None, date: pd.Timestamp, zone: dt.tzinfo
) -> dict[str, float]:
    """The realised volatility of the 24 hours to the local day's end, and its ratio to
    the market file's median day (NaN without a market, or where it does not reach)."""
    if drivers is None:
        return {"daily_vol": math.nan, "vol_vs_typical": math.nan}
    midnight = (date + pd.Timedelta(days=1)).tz_localize(
        zone, nonexistent="shift_forward", ambiguous=True
    )
    end = pd.DatetimeIndex([midnight])
    day_vol = float(volatility.observed(drivers, end)["daily_vol"].iloc[0])
    return {"daily_vol": day_vol, "vol_vs_typical": day_vol / drivers.scenario_vol("typical")}


def volatility_effect(model: StaffplanForecaster) -> pd.DataFrame:
    """Per queue and driver: % change in contacts per doubling of the driver, its 95 %
    confidence interval, the coefficient per standard deviation and its standard error."""
    columns = [
        "queue",
        "driver",
        "change_per_doubling_pct",
        "lo95_pct",
        "hi95_pct",
        "estimate",
        "std_error",
        "clear",
    ]
    if model.drivers_ is None:
        return pd.DataFrame(columns=columns)
    effects = model.effects()
    per_doubling = math.log(2.0) / effects["driver_scale"]
    change = effects["estimate"] * per_doubling
    margin = Z95 * effects["std_error"] * per_doubling
    t = effects["estimate"].abs() / effects["std_error"].where(effects["std_error"] > 0)
    return pd.DataFrame(
        {
            "queue": effects["queue"],
            "driver": effects["driver"].map(DRIVER_NAMES),
            "change_per_doubling_pct": 100 * np.expm1(change),
            "lo95_pct": 100 * np.expm1(change - margin),
            "hi95_pct": 100 * np.expm1(change + margin),
            "estimate": effects["estimate"],
            "std_error": effects["std_error"],
            "clear": (t > NOISE_T).fillna(False).astype(bool),
        },
        columns=columns,
    )


def effect_sentences(effect: pd.DataFrame) -> list[str]:
    """One line per queue on the 24 h volatility effect, e.g. ``chat: +35 % contacts per
    doubling of 24 h volatility (95 % CI +28 % to +42 %)``."""
    lines = []
    for row in effect[effect["driver"] == "daily_vol"].itertuples():
        note = "" if row.clear else "; not distinguishable from noise"
        lines.append(
            f"{row.queue}: {row.change_per_doubling_pct:+.0f} % contacts per doubling of 24 h "
            f"volatility (95 % CI {row.lo95_pct:+.0f} % to {row.hi95_pct:+.0f} %{note})"
        )
    return lines
