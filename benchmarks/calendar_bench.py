"""What a calendar of real holidays and closures buys on the real bank series (run by hand).

Usage::

    PYTHONPATH=. python benchmarks/calendar_bench.py [--data ../shared/data]

Series as in ``forecast_bench.py``: anonbank (Israeli bank, hourly 24 × 7, 1999) and
usbank on its true calendar (US bank, 15-minute slots 07:00–20:45, 2003; its six missing
weekdays are zero). Protocol: rolling origin, one week ahead, 16 training weeks, every
weekly origin the series allows (36 and 17), and the issue's last 4 and 8 weeks.

Calendars (``benchmarks/calendars/``), written from the public holiday calendars, not
fitted to the series: usbank — Memorial Day, Independence Day and Labor Day ``closed``,
the day after each ``learned``, and the three other weekdays the bank had no calls
(2003-04-04, 04-07, 10-14) ``closed``; anonbank — the Jewish holidays and Independence
Day (``yom tov``) ``closed``; their eves, the intermediate days of Passover and Sukkot,
Purim, Tisha B'Av and the 1999 election day ``learned`` from earlier days of the same name
in the training weeks. Variants, each a staffplan backtest:

- ``none``: no calendar (the model's outlier cleaning only);
- ``planner``: the calendar as written;
- ``all learned``: every effect ``learned`` (nothing told but the names);
- ``perfect``: every calendar day ``x<true ratio>`` of actual to the forecast that leaves
  the same days out of the fit, so each calendar day's total is exact: the bound a
  calendar can reach.

The peer, measured in the same run, is the 4-week same-slot average without a calendar.
Times are CPU seconds (``time.process_time``) per variant: the machine is shared.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from benchmarks.forecast_bench import anonbank, usbank
from staffplan.forecast import SameSlotAverage, StaffplanForecaster, backtest
from staffplan.forecast.backtest import _origins
from staffplan.tables.calendar import read_calendar

ROOT = Path(__file__).resolve().parents[1]
TRAIN_WEEKS = 16


def all_origins(history: pd.DataFrame) -> int:
    days = (history["interval_start"].max() - history["interval_start"].min()).days + 1
    return (days - 7 * TRAIN_WEEKS) // 7


def perfect(history: pd.DataFrame, calendar: pd.DataFrame, origins: int) -> pd.DataFrame:
    """The calendar with each day's effect set to its true ratio to the forecast."""
    neutral = calendar.assign(effect="x1")
    local_day = history["interval_start"].dt.strftime("%Y-%m-%d")
    actual = history.groupby(local_day)["volume"].sum()
    ratio = {}
    for origin in _origins(history, origins, 7, TRAIN_WEEKS):
        times = history["interval_start"]
        train = history[(times < origin) & (times >= origin - pd.DateOffset(weeks=TRAIN_WEEKS))]
        model = StaffplanForecaster(history_weeks=TRAIN_WEEKS, calendar=neutral).fit(train)
        forecast = model.predict(origin, 7)
        day = forecast["interval_start"].dt.strftime("%Y-%m-%d")
        totals = forecast.groupby(day)["volume"].sum()
        for date in calendar["date"]:
            if date in totals.index and totals[date] > 0:
                ratio[date] = actual.get(date, 0.0) / totals[date]
    effects = [f"x{ratio[d]:.6f}" if d in ratio else "x1" for d in calendar["date"]]
    return calendar.assign(effect=effects)


def scores(history: pd.DataFrame, calendar: pd.DataFrame, origins: int) -> list[dict]:
    variants = {
        "none": None,
        "planner": calendar,
        "all learned": calendar.assign(effect="learned"),
        "perfect": perfect(history, calendar, origins),
    }
    rows = []
    began = time.process_time()
    peer, _ = backtest(history, [SameSlotAverage()], origins=origins, train_weeks=TRAIN_WEEKS)
    rows.append({"calendar": "none", "model": "same_slot_average", **_summary(peer, began)})
    for name, days in variants.items():
        began = time.process_time()
        model = StaffplanForecaster(history_weeks=TRAIN_WEEKS, calendar=days)
        summary, _ = backtest(history, [model], origins=origins, train_weeks=TRAIN_WEEKS)
        rows.append({"calendar": name, "model": "staffplan", **_summary(summary, began)})
    return rows


def _summary(summary: pd.DataFrame, began: float) -> dict:
    row = summary.iloc[0]
    return {
        "mase": row["mase"],
        "wape": row["wape"],
        "coverage80": row["coverage80"],
        "coverage95": row["coverage95"],
        "cpu_s": time.process_time() - began,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    data = parser.parse_args().data
    series = {
        "anonbank": (anonbank(data), "anonbank_1999.csv"),
        "usbank": (usbank(data, relabel=False), "usbank_2003.csv"),
    }
    rows = []
    for name, (history, file) in series.items():
        calendar = read_calendar(ROOT / "benchmarks" / "calendars" / file, [name])
        for origins in sorted({all_origins(history), 8, 4}, reverse=True):
            for row in scores(history, calendar, origins):
                rows.append({"series": name, "origins": origins, **row})
            print(f"{name}, {origins} origins done", file=sys.stderr)
    table = pd.DataFrame(rows)
    base = table[(table["model"] == "staffplan") & (table["calendar"] == "none")]
    base = base.set_index(["series", "origins"])["mase"]
    keys = pd.MultiIndex.from_frame(table[["series", "origins"]])
    table["mase_change_%"] = 100 * (table["mase"].to_numpy() / base.reindex(keys).to_numpy() - 1)
    pd.set_option("display.width", 200)
    print(table.round(4).to_string(index=False))
    print(f"\nnumpy {np.__version__}, pandas {pd.__version__}")


if __name__ == "__main__":
    main()
