"""Re-forecast from actuals on real call-centre series (run by hand).

Usage::

    python benchmarks/reforecast_bench.py [--data /work/shared/data]

Protocol: weekly origins with 16 training weeks (the series of
``benchmarks/forecast_bench.py``: Israeli bank hourly, US bank 15-minute on its true
dates); at each origin the staffplan model forecasts 7 days with 80/95 % intervals.

- **Rest of day**: on each day of the week, at the 10:00, 11:00 and 12:00 cuts, the
  actuals so far (that day and the earlier days of the week) update the rest of the day;
  WAPE of the rest of the day, pooled over cuts, against the unchanged forecast.
- **Nightly**: after each night, the finished days update days 2-7; MASE (scaled by the
  in-sample weekly seasonal-naive MAE) of each next day against the unchanged forecast.

The plain ratio baseline of issue 13: rest of day × ``1 + λ(A/F − 1)`` with
``λ = 0.5 + 0.2 · share of the day's forecast seen``; remaining days ×
``1 + 0.5 (r − 1)``, ``r`` over finished days, skipping days off by more than 2×.
staffplan's settings (``day_share``, ``week_share``, ``recency``) are chosen on the first half of
each series' origins (one setting for both series, the library default is that one) and
scored on the second half. Coverage: share of actual rest-of-day intervals inside the
updated 80 / 95 % bands.

**Re-plan speed**: ``staffplan reforecast --baseline`` on the bundled demo's storm day
(forecast published at 2020-03-09 with the prices known then, the shifts scheduled for
2020-03-13, actuals and prices to 11:00 that day), run in-process three times: wall and
CPU seconds (CPU: this process; HiGHS runs in it).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from forecast_bench import anonbank, usbank
from typer.testing import CliRunner

from staffplan import api
from staffplan.cli import app
from staffplan.forecast import StaffplanForecaster
from staffplan.forecast.market_shift import prices_known_by
from staffplan.forecast.reforecast import ReforecastSettings, reforecast
from staffplan.tables import to_csv_text
from staffplan.tables.inputs import load_history, load_market

CUTS_H = (10, 11, 12)
TRAIN_WEEKS = 16
DAY_SHARES = (0.5, 0.7, 0.9)
WEEK_SHARES = (0.7, 0.8, 0.9)
RECENCIES = (0.1, 0.2, 0.4)


def origins(history: pd.DataFrame) -> list[dict]:
    """Per weekly origin: the forecast, the actual week and the MASE scale."""
    times = history["interval_start"]
    last = times.max().normalize()
    first = times.min().normalize() + pd.Timedelta(weeks=TRAIN_WEEKS)
    starts = []
    start = last + pd.Timedelta(days=1) - pd.Timedelta(weeks=1)
    while start >= first:
        starts.append(start)
        start -= pd.Timedelta(weeks=1)
    out = []
    for start in sorted(starts):
        train = history[(times < start) & (times >= start - pd.Timedelta(weeks=TRAIN_WEEKS))]
        week = history[(times >= start) & (times < start + pd.Timedelta(weeks=1))]
        model = StaffplanForecaster().fit(train)
        forecast = model.predict(start, 7)
        y = train["volume"].to_numpy(float)
        per_week = int(pd.Timedelta(weeks=1) / times.diff().min())
        scale = float(np.mean(np.abs(y[per_week:] - y[:-per_week])))
        out.append({"start": start, "forecast": forecast, "week": week.reset_index(drop=True)})
        out[-1]["scale"] = scale
    return out


def plain_rest_of_day(
    forecast: pd.DataFrame, actual: np.ndarray, seen: np.ndarray, day: np.ndarray
):
    """The baseline on one day: λ rising from 0.5 to 0.7 with the share of the day seen."""
    f = forecast["volume"].to_numpy(float)
    seen_f = f[seen].sum()
    if seen_f <= 0:
        return f
    share = seen_f / f[day].sum()
    lam = 0.5 + 0.2 * share
    factor = 1 + lam * (actual[seen].sum() / seen_f - 1)
    return np.where(day & ~seen, f * factor, f)


def plain_nightly(f: np.ndarray, actual: np.ndarray, days: np.ndarray, done: int) -> np.ndarray:
    """The baseline: remaining days × 1 + 0.5 (r − 1), days off by more than 2× skipped."""
    keep = []
    for d in range(done):
        rows = days == d
        ratio = actual[rows].sum() / max(f[rows].sum(), 1e-9)
        if 0.5 <= ratio <= 2.0:
            keep.append(rows)
    if not keep:
        return f
    rows = np.any(keep, axis=0)
    r = actual[rows].sum() / max(f[rows].sum(), 1e-9)
    return f * (1 + 0.5 * (r - 1))


def evaluate(cases: list[dict], settings: ReforecastSettings, with_plain: bool) -> dict:
    """Pooled errors of the unchanged forecast, staffplan's update and (optionally) the
    plain ratio, for rest of day and nightly."""
    sums = {k: 0.0 for k in ("rod_none", "rod_plain", "rod_plain_night", "rod_sp", "rod_act")}
    sums |= {f"{k}_{cut}": 0.0 for k in ("rod_none", "rod_plain", "rod_sp") for cut in CUTS_H}
    sums |= {k: 0.0 for k in ("n_none", "n_plain", "n_sp", "n_count")}
    sums |= {k: 0.0 for k in ("in80_none", "in95_none", "in80_sp", "in95_sp", "cells")}
    for case in cases:
        forecast, week = case["forecast"], case["week"]
        times = pd.DatetimeIndex(forecast["interval_start"])
        actual = week.set_index("interval_start")["volume"].reindex(times).to_numpy(float)
        f = forecast["volume"].to_numpy(float)
        day_index = ((times.normalize() - times[0].normalize()).days).to_numpy()
        for d in range(7):
            today = day_index == d
            if f[today].sum() <= 0 or actual[today].sum() <= 0:
                continue
            for cut in CUTS_H:
                as_of = times[today][0].normalize() + pd.Timedelta(hours=cut)
                rest = today & (times >= as_of)
                seen = today & (times < as_of)
                if actual[rest].sum() <= 0:
                    continue
                acts = week[week["interval_start"] < as_of]
                updated, _ = reforecast(forecast, acts, as_of, settings=settings)
                new = updated["volume"].to_numpy(float)
                for key in ("rod_none", f"rod_none_{cut}"):
                    sums[key] += np.abs(f[rest] - actual[rest]).sum()
                for key in ("rod_sp", f"rod_sp_{cut}"):
                    sums[key] += np.abs(new[rest] - actual[rest]).sum()
                sums["rod_act"] += actual[rest].sum()
                sums["cells"] += rest.sum()
                for level in (80, 95):
                    for name, table in (("none", forecast), ("sp", updated)):
                        lo = table[f"lo{level}"].to_numpy(float)[rest]
                        hi = table[f"hi{level}"].to_numpy(float)[rest]
                        inside = (actual[rest] >= lo) & (actual[rest] <= hi)
                        sums[f"in{level}_{name}"] += inside.sum()
                if with_plain:
                    plain = plain_rest_of_day(forecast, actual, seen, today)
                    for key in ("rod_plain", f"rod_plain_{cut}"):
                        sums[key] += np.abs(plain[rest] - actual[rest]).sum()
                    night = plain_nightly(f, actual, day_index, d)
                    both = plain_rest_of_day(forecast.assign(volume=night), actual, seen, today)
                    sums["rod_plain_night"] += np.abs(both[rest] - actual[rest]).sum()
        for d in range(1, 7):
            day_rows = day_index == d
            as_of = times[day_rows][0]
            acts = week[week["interval_start"] < as_of]
            updated, _ = reforecast(forecast, acts, as_of, settings=settings)
            new = updated["volume"].to_numpy(float)
            scale = case["scale"]
            sums["n_none"] += np.mean(np.abs(f[day_rows] - actual[day_rows])) / scale
            sums["n_sp"] += np.mean(np.abs(new[day_rows] - actual[day_rows])) / scale
            if with_plain:
                night = plain_nightly(f, actual, day_index, d)
                sums["n_plain"] += np.mean(np.abs(night[day_rows] - actual[day_rows])) / scale
            sums["n_count"] += 1
    return sums


def change(after: float, before: float) -> float:
    return after / before - 1.0


def objective(sums: dict) -> float:
    return change(sums["rod_sp"], sums["rod_none"]) + change(sums["n_sp"], sums["n_none"])


def choose(halves: dict[str, list[dict]]) -> tuple[ReforecastSettings, float]:
    best, best_score = None, np.inf
    for day, week, recency in itertools.product(DAY_SHARES, WEEK_SHARES, RECENCIES):
        settings = ReforecastSettings(day_share=day, week_share=week, recency=recency)
        score = sum(objective(evaluate(c, settings, False)) for c in halves.values())
        print(f"  {settings}: {score:+.4f}", flush=True)
        if score < best_score:
            best, best_score = settings, score
    return best, best_score


def report(name: str, sums: dict) -> dict:
    return {
        "series": name,
        "rest_of_day_wape_none": sums["rod_none"] / sums["rod_act"],
        "rest_of_day_plain": change(sums["rod_plain"], sums["rod_none"]),
        "rest_of_day_plain_with_nightly": change(sums["rod_plain_night"], sums["rod_none"]),
        "rest_of_day_staffplan": change(sums["rod_sp"], sums["rod_none"]),
        **{
            f"rest_of_day_{cut}h_{name}": change(sums[f"rod_{key}_{cut}"], sums[f"rod_none_{cut}"])
            for cut in CUTS_H
            for name, key in (("plain", "plain"), ("staffplan", "sp"))
        },
        "nightly_mase_none": sums["n_none"] / sums["n_count"],
        "nightly_plain": change(sums["n_plain"], sums["n_none"]),
        "nightly_staffplan": change(sums["n_sp"], sums["n_none"]),
        "cover80_forecast": sums["in80_none"] / sums["cells"],
        "cover80_staffplan": sums["in80_sp"] / sums["cells"],
        "cover95_forecast": sums["in95_none"] / sums["cells"],
        "cover95_staffplan": sums["in95_sp"] / sums["cells"],
    }


def storm_files(folder: Path) -> list[str]:
    """The demo's storm-day inputs in ``folder``; the command line that re-plans them."""
    example = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"
    config = api.load_config(example)
    history, market = load_history(config), load_market(config)
    origin = pd.Timestamp("2020-03-09", tz=config.zone)
    as_of = pd.Timestamp("2020-03-13T11:00", tz=config.zone)
    run = api.forecast(
        config,
        history=history[history["interval_start"] < origin],
        market=prices_known_by(market, origin),
        start=origin,
        horizon_days=7,
    )
    times = run.forecast["interval_start"]
    day = run.forecast[
        (times >= as_of.normalize()) & (times < as_of.normalize() + pd.Timedelta(days=1))
    ]
    seen = history[(history["interval_start"] >= origin) & (history["interval_start"] < as_of)]
    tables = {
        "forecast.csv": run.forecast,
        "shifts.csv": api.schedule(api.size(day, config), config).shifts,
        "actuals.csv": seen,
        "prices.csv": prices_known_by(market, as_of),
    }
    for name, table in tables.items():
        (folder / name).write_text(to_csv_text(table), encoding="utf-8")
    return [
        "reforecast", "--config", str(example), "--forecast", str(folder / "forecast.csv"),
        "--actuals", str(folder / "actuals.csv"), "--as-of", "2020-03-13T11:00",
        "--market", str(folder / "prices.csv"), "--baseline", str(folder / "shifts.csv"),
        "--quiet", "--output",
    ]  # fmt: skip


def replan_speed() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        args = storm_files(folder)
        for run in range(3):
            wall, cpu = time.perf_counter(), time.process_time()
            result = CliRunner().invoke(app, [*args, str(folder / f"replan{run}")])
            assert result.exit_code == 0, result.stderr
            changes = pd.read_csv(folder / f"replan{run}" / "changes.csv")
            rows.append(
                {
                    "run": run + 1,
                    "wall_s": time.perf_counter() - wall,
                    "cpu_s": time.process_time() - cpu,
                    "changes": len(changes),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = parser.parse_args()
    clock = time.process_time()
    series = {"anonbank": anonbank(args.data), "usbank": usbank(args.data, relabel=False)}
    cases = {name: origins(history) for name, history in series.items()}
    fit_s = time.process_time() - clock
    first = {name: c[: len(c) // 2] for name, c in cases.items()}
    second = {name: c[len(c) // 2 :] for name, c in cases.items()}
    print(
        f"origins: {', '.join(f'{n} {len(c)}' for n, c in cases.items())}; fits {fit_s:.0f} s CPU"
    )
    settings, score = choose(first)
    print(f"chosen on the first halves: {settings} (objective {score:+.4f})")
    rows = [report(n, evaluate(second[n], settings, True)) for n in cases]
    rows += [
        report(
            f"{n} (default {ReforecastSettings()})", evaluate(second[n], ReforecastSettings(), True)
        )
        for n in cases
    ]
    pd.set_option("display.width", 200)
    print(pd.DataFrame(rows).T.to_string(float_format=lambda v: f"{v:+.3f}"))
    print(pd.DataFrame(replan_speed()).to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"total {time.process_time() - clock:.0f} s CPU")


if __name__ == "__main__":
    main()
