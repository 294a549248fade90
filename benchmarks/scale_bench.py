"""Scale: forecast + staff for many queues, and one large site's weekly schedule (by hand).

Usage::

    /usr/bin/time -v python benchmarks/scale_bench.py --queues 50
    python benchmarks/scale_bench.py --queues 1 --schedule-agents 0

Generates (seeded) two years of 15-minute history per queue with
:mod:`staffplan.forecast.synthetic`, driven by a synthetic hourly price path (geometric
Brownian motion with calm and stormy regimes, so the volatility driver varies), then
forecasts 4 weeks and sizes every queue × interval with :func:`size_requirements`.
Then it schedules one pooled site: the first week's agents summed over queues, scaled to
about ``--schedule-agents`` people (40 paid hours each), covered with
:func:`build_schedule` and the sample config's shift templates. Prints wall times and
the peak RSS of the process (``resource.getrusage``).
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from staffplan.config import parse_config
from staffplan.forecast.run import run_forecast
from staffplan.forecast.synthetic import SAMPLE_QUEUES, simulate_history
from staffplan.schedule.cover import build_schedule
from staffplan.staffing import size_requirements

ZONE = "Asia/Shanghai"
INTERVAL_MIN = 15
WEEKS = 104
HORIZON_DAYS = 28
START = pd.Timestamp("2024-01-01", tz=ZONE)
EXAMPLE = Path(__file__).parents[1] / "configs" / "example.yaml"


def market_path(seed: int) -> pd.DataFrame:
    """Hourly closes from a day before the history to the end of the horizon (UTC)."""
    rng = np.random.default_rng(seed)
    hours = (WEEKS * 7 + HORIZON_DAYS + 3) * 24
    times = pd.date_range(START.tz_convert("UTC") - pd.Timedelta(days=2), periods=hours, freq="h")
    stormy = np.repeat(rng.random(hours // 24 + 1) < 0.1, 24)[:hours]
    hourly_vol = np.where(stormy, 0.03, 0.008)  # ~4 % and ~15 % daily volatility
    log_close = np.log(30_000.0) + np.cumsum(rng.normal(0.0, hourly_vol))
    return pd.DataFrame({"timestamp": times, "close": np.exp(log_close)})


def queue_specs(n_queues: int) -> tuple:
    """``n_queues`` variants of the sample queues (volume and sensitivity varied)."""
    specs = []
    for i in range(n_queues):
        base = SAMPLE_QUEUES[i % len(SAMPLE_QUEUES)]
        specs.append(
            dataclasses.replace(
                base,
                name=f"q{i:02d}_{base.name}",
                daily_volume=base.daily_volume * (0.3 + 0.05 * (i % 20)),
                beta=base.beta * (0.5 + 0.05 * (i % 10)),
            )
        )
    return tuple(specs)


def config_text(names: list[str], shifts: dict | None, interval_min: int = INTERVAL_MIN) -> str:
    queues = [
        {
            "name": name,
            "channel": "chat",
            "aht_s": 420,
            "concurrency": 2,
            "target": {"service_level": 0.8, "answer_within_s": 60},
            "patience_s": 240,
            "shrinkage": 0.3,
        }
        for name in names
    ]
    document = {"timezone": ZONE, "interval_min": interval_min, "queues": queues}
    if shifts is not None:
        document["shifts"] = shifts
    return yaml.safe_dump(document, sort_keys=False)


def forecast_and_staff(n_queues: int, seed: int) -> pd.DataFrame:
    prices = market_path(seed)
    specs = queue_specs(n_queues)
    t0 = time.perf_counter()
    history = simulate_history(specs, prices, START, WEEKS, INTERVAL_MIN, seed=seed)
    t1 = time.perf_counter()
    config = parse_config(config_text([s.name for s in specs], None))
    run = run_forecast(history, None, HORIZON_DAYS, market=prices, settings=config.forecast)
    t2 = time.perf_counter()
    requirements = size_requirements(run.forecast, config)
    t3 = time.perf_counter()
    print(
        f"queues={n_queues} history_rows={len(history)} forecast_rows={len(run.forecast)}: "
        f"generate {t1 - t0:.2f} s, forecast {t2 - t1:.2f} s, staff {t3 - t2:.2f} s, "
        f"forecast+staff {t3 - t1:.2f} s"
    )
    return requirements


def schedule_site(requirements: pd.DataFrame, agents: int, time_limit_s: float) -> None:
    week = requirements[requirements["interval_start"] < requirements["interval_start"].min()
                        + pd.Timedelta(days=7)]  # fmt: skip
    pooled = week.groupby("interval_start", sort=True)["agents"].sum()
    paid_agent_hours = float(pooled.sum()) * INTERVAL_MIN / 60 / 0.85  # + breaks, rounding
    pooled = np.ceil(pooled * (agents * 40.0) / paid_agent_hours)
    table = pd.DataFrame({"queue": "site", "interval_start": pooled.index, "agents": pooled.values})
    shifts = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["shifts"]
    config = parse_config(config_text(["site"], shifts), EXAMPLE)
    t0 = time.perf_counter()
    schedule = build_schedule(table, config, time_limit_s=time_limit_s)
    elapsed = time.perf_counter() - t0
    summary = schedule.summary()
    print(
        f"schedule: peak {int(pooled.max())} agents, {summary['shifts']} shifts "
        f"({summary['paid_hours']:.0f} paid h ≈ {summary['paid_hours'] / 40:.0f} agents): "
        f"{elapsed:.2f} s, gap to LP bound {summary['gap_to_lp_bound']:.4f}, "
        f"timed_out={summary['timed_out']}, method={summary['method']!r}, "
        f"uncovered {summary['uncovered_agent_hours']} agent-h"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=50)
    parser.add_argument("--schedule-agents", type=int, default=300, help="0: skip")
    parser.add_argument("--time-limit", type=float, default=60.0, help="schedule seconds")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    requirements = forecast_and_staff(args.queues, args.seed)
    if args.schedule_agents:
        schedule_site(requirements, args.schedule_agents, args.time_limit)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (getrusage) {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
