"""Benchmarks for the covering solver (run by hand, not in tests).

    python benchmarks/schedule_bench.py week        # the realistic week, staffplan vs plain HiGHS
    python benchmarks/schedule_bench.py big         # the 1,900-agent week (peak 1,200)
    python benchmarks/schedule_bench.py queues30    # 30 queues, each covered by its own shifts
    python benchmarks/schedule_bench.py sdp         # TU Wien SDP DataSet1 RandomExample1..20

The realistic week: 7 × 96 quarter-hours, a two-humped daily curve from 5 to 120 required
agents, one template starting every 15 minutes around the clock (overnight shifts) with
8 h and 10 h on-site lengths, a 30-minute unpaid lunch and two paid 15-minute breaks in
windows, cyclic week. Its LP bound is 7,351.75 paid hours. ``week`` also runs HiGHS's MILP
alone on the same model (``--highs-seconds``, default 60) for comparison.
Times are wall-clock seconds on whatever else the machine is doing: say so when quoting.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.optimize as so

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.sdp_instances import as_inputs, read_instance
from staffplan.config import Config, QueueConfig
from staffplan.config.shifts import BreakConfig, LunchConfig, ShiftsConfig, ShiftTemplate
from staffplan.schedule._candidates import build_candidates, build_grid
from staffplan.schedule._model import build_model
from staffplan.schedule.cover import Schedule, build_schedule

SDP = Path("/work/shared/data/scheduling/shift_design_dbai/DataSet1")
MONDAY = "2026-03-02"
TEMPLATE = ShiftTemplate(
    name="any",
    start_window=("00:00", "23:45"),
    start_every_min=15,
    lengths_min=(480, 600),
    lunch=LunchConfig(minutes=30, paid=False, window_after_start_min=(180, 330)),
    breaks=(
        BreakConfig(minutes=15, window_after_start_min=(60, 150)),
        BreakConfig(minutes=15, window_after_start_min=(360, 450)),
    ),
)


def daily_curve(
    low: float,
    peak: float,
    morning: float = 10.5,
    afternoon: float = 15.75,
    widths: tuple[float, float] = (1.32, 1.5),
    second: float = 0.92,
) -> np.ndarray:
    """Required agents per quarter-hour of one day: two humps on a night floor."""
    hour = np.arange(96) / 4
    hump = np.maximum(
        np.exp(-0.5 * ((hour - morning) / widths[0]) ** 2),
        second * np.exp(-0.5 * ((hour - afternoon) / widths[1]) ** 2),
    )
    return np.round(low + (peak - low) * hump)


def week_inputs(curves: dict[str, np.ndarray]) -> tuple[pd.DataFrame, Config]:
    """Requirements (one week per queue, UTC) and a config with the benchmark template."""
    times = pd.date_range(MONDAY, periods=7 * 96, freq="15min", tz="UTC")
    frames = [
        pd.DataFrame({"queue": name, "interval_start": times, "agents": np.tile(day, 7)})
        for name, day in curves.items()
    ]
    config = Config(
        queues=tuple(QueueConfig(name=name, aht_s=300.0) for name in curves),
        timezone="UTC",
        interval_min=15,
        shifts=ShiftsConfig(templates=(TEMPLATE,), cyclic_week=True),
    )
    return pd.concat(frames, ignore_index=True), config


def report(label: str, schedule: Schedule, seconds: float) -> None:
    short = int((schedule.coverage["gap"] > 0).sum())
    print(
        f"{label}: {seconds:.1f} s, paid {schedule.paid_hours:,.2f} h, LP bound "
        f"{schedule.lp_bound:,.2f}, gap {schedule.gap:.2%}, uncovered intervals {short}, "
        f"shifts {len(schedule.shifts)}, timed out {schedule.timed_out}, {schedule.method}",
        flush=True,
    )


def run(label: str, requirements: pd.DataFrame, config: Config, limit: float) -> Schedule:
    started = time.perf_counter()
    schedule = build_schedule(requirements, config, time_limit_s=limit)
    report(label, schedule, time.perf_counter() - started)
    return schedule


def plain_highs(requirements: pd.DataFrame, config: Config, seconds: float, bound: float) -> None:
    """HiGHS's MILP on the whole model (same variables and rows), no LP-guided restriction."""
    assert config.shifts is not None
    grid = build_grid(requirements["interval_start"], config.zone, 15, config.shifts.cyclic_week)
    cands = build_candidates(grid, config.shifts)
    model = build_model(cands, grid, [requirements["agents"].to_numpy(float)], config.shifts)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = so.milp(
            model.c,
            integrality=model.integer.astype(np.uint8),
            bounds=so.Bounds(model.lb, model.ub),
            constraints=so.LinearConstraint(model.A, model.row_lb, model.row_ub),
            options={"time_limit": seconds, "mip_rel_gap": 0.005},
        )
    elapsed = time.perf_counter() - started
    if result.x is None:
        print(f"plain HiGHS MILP: no schedule after {elapsed:.1f} s ({result.message})")
        return
    values = model.settle(result.x)
    short = int((model.coverage(values, 0) < model.required[0] - 1e-9).sum())
    print(
        f"plain HiGHS MILP, {seconds:g} s limit: {elapsed:.1f} s, objective {result.fun:,.2f}, "
        f"{(result.fun - bound) / bound:.2%} above the LP bound, uncovered intervals {short}"
    )


def bench_week(limit: float, highs_seconds: float) -> None:
    requirements, config = week_inputs({"chat": daily_curve(5, 120)})
    schedule = run("realistic week (peak 120)", requirements, config, limit)
    if highs_seconds > 0:
        plain_highs(requirements, config, highs_seconds, schedule.lp_bound)


def bench_big(limit: float) -> None:
    requirements, config = week_inputs({"chat": daily_curve(50, 1200)})
    schedule = run("1,900-agent week (peak 1,200)", requirements, config, limit)
    per_agent = 5 * 8  # shifts a week × paid hours, roughly
    print(f"  about {schedule.paid_hours / per_agent:,.0f} full-time agents")


def bench_queues(limit: float) -> None:
    rng = np.random.default_rng(30)
    curves = {}
    for i in range(30):
        peak = float(np.exp(rng.uniform(np.log(15), np.log(150))))
        curves[f"q{i:02d}"] = daily_curve(
            max(1.0, round(peak / 20)),
            peak,
            morning=rng.uniform(9.5, 11.5),
            afternoon=rng.uniform(14.5, 17.0),
            widths=(rng.uniform(1.2, 2.2), rng.uniform(1.3, 2.4)),
            second=rng.uniform(0.6, 1.0),
        )
    requirements, config = week_inputs(curves)
    print(
        f"  30 queues, peaks {min(c.max() for c in curves.values()):g}-"
        f"{max(c.max() for c in curves.values()):g}, "
        f"{requirements['agents'].sum() / 4:,.0f} required agent-hours"
    )
    schedule = run("30-queue week", requirements, config, limit)
    by_queue = schedule.shifts.groupby("queue")["cost"].sum()
    print(
        f"  queues: {len(by_queue)}, paid hours per queue {by_queue.min():,.1f} to "
        f"{by_queue.max():,.1f}"
    )


def bench_sdp(limit: float) -> None:
    exact = 0
    total = 0.0
    for n in range(1, 21):
        instance = read_instance(SDP / f"RandomExample{n}.txt")
        requirements, config = as_inputs(instance)
        started = time.perf_counter()
        schedule = build_schedule(requirements, config, time_limit_s=limit)
        seconds = time.perf_counter() - started
        total += seconds
        deviation = float(np.abs(schedule.coverage["scheduled"] - instance.required).sum())
        exact += deviation == 0
        print(
            f"  {instance.name:16s} {instance.interval_min:2d} min, {len(schedule.shifts):3d} "
            f"shifts, deviation {deviation:g} agent-slots, {seconds:.2f} s"
        )
    print(f"SDP DataSet1 1-20: {exact}/20 covered exactly, {total:.1f} s in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=["week", "big", "queues30", "sdp"])
    parser.add_argument("--time-limit", type=float, default=30.0, help="staffplan seconds")
    parser.add_argument("--highs-seconds", type=float, default=60.0)
    args = parser.parse_args()
    for case in args.cases:
        if case == "week":
            bench_week(args.time_limit, args.highs_seconds)
        elif case == "big":
            bench_big(args.time_limit)
        elif case == "queues30":
            bench_queues(args.time_limit)
        elif case == "sdp":
            bench_sdp(args.time_limit)
        else:
            parser.error(f"unknown case {case!r}")


if __name__ == "__main__":
    main()
