"""Benchmarks for the covering solver (run by hand, not in tests).

    python benchmarks/schedule_bench.py                  # every case below
    python benchmarks/schedule_bench.py sample week      # some of them
    python benchmarks/schedule_bench.py q30@15 --against previous,highs

Cases: ``sample`` (the issue's sample week: the two-queue demo's requirements as
``staffplan plan`` sized them before issue 14, pinned in
``data/sample_week_requirements.csv``, covered with today's demo shifts at 30-minute
intervals), ``demo`` (today's bundled demo as ``staffplan plan`` schedules it: five
queues, one pool), ``week`` (the realistic week: 7 × 96 quarter-hours, a two-humped
daily curve from 5 to 120 agents, one template starting every 15 minutes around the
clock with 8 h and 10 h lengths, a 30-minute unpaid lunch and two paid 15-minute breaks,
cyclic), ``qN@M`` (N queues of random two-humped curves, peaks 15-150, at M-minute
intervals, N in 1/5/15/30, M in 15/30), ``big`` (one queue, peak 1,200) and ``sdp`` (TU
Wien SDP DataSet1 RandomExample1..20: exact cover, see sdp_instances.py).

Each case prints, per solver, the objective (cost units: paid hours × rate + penalties),
its gap to the best known solution and to the best proven bound
(``schedule_best_known.json``, each with where it came from), CPU seconds
(``time.process_time``, which the other jobs on a shared machine distort far less than
wall time) and wall seconds. Solvers: ``staffplan`` (this checkout), ``previous`` (the
solver of git revision ``--previous-rev``, run from ``git archive`` in a subprocess) and
``highs`` (HiGHS's MILP alone on the same model for ``--highs-seconds``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.optimize as so

# run_previous sets SCHEDULE_BENCH_CODE to the folder of the previous revision's code
sys.path.insert(0, os.environ.get("SCHEDULE_BENCH_CODE", str(Path(__file__).parents[1])))

from benchmarks.sdp_instances import as_inputs, read_instance
from staffplan.config import Config, QueueConfig
from staffplan.config.shifts import BreakConfig, LunchConfig, ShiftsConfig, ShiftTemplate
from staffplan.schedule._candidates import build_candidates, build_grid
from staffplan.schedule._model import build_model
from staffplan.schedule.cover import build_schedule

REPO = Path(__file__).resolve().parents[1]
CODE = "SCHEDULE_BENCH_CODE"
BEST = Path(__file__).with_name("schedule_best_known.json")
SAMPLE_WEEK = Path(__file__).with_name("data") / "sample_week_requirements.csv"
PREVIOUS_REV = "561f1f7"  # main before issue 14: LP + rounding + restricted root-only MILP
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


def week_inputs(
    curves: dict[str, np.ndarray], interval_min: int = 15
) -> tuple[pd.DataFrame, Config]:
    """Requirements (one week per queue, UTC) and a config with the benchmark template;
    at 30 minutes an interval needs the larger of its two quarter-hours."""
    per_day = 24 * 60 // interval_min
    times = pd.date_range(MONDAY, periods=7 * per_day, freq=f"{interval_min}min", tz="UTC")
    frames = []
    for name, day in curves.items():
        need = day.reshape(per_day, -1).max(axis=1)
        frames.append(
            pd.DataFrame({"queue": name, "interval_start": times, "agents": np.tile(need, 7)})
        )
    template = TEMPLATE if interval_min == 15 else dataclasses.replace(TEMPLATE, start_every_min=30)
    config = Config(
        queues=tuple(QueueConfig(name=name, aht_s=300.0) for name in curves),
        timezone="UTC",
        interval_min=interval_min,
        shifts=ShiftsConfig(templates=(template,), cyclic_week=True),
    )
    return pd.concat(frames, ignore_index=True), config


def queue_curves(count: int) -> dict[str, np.ndarray]:
    """``count`` queues of two-humped days, peaks 15-150 (the same for every count: the
    first queues of the 30)."""
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
    return dict(list(curves.items())[:count])


def sample_inputs() -> tuple[pd.DataFrame, Config]:
    """The issue's sample week: the pinned requirements of the two-queue demo (chat_en,
    phone_zh; captured at revision 561f1f7) with the bundled demo's zone, interval and
    shifts (only those sections are read, so the previous solver's code reads them too)."""
    import yaml

    from staffplan.config import parse_config

    demo = yaml.safe_load((REPO / "configs" / "example.yaml").read_text())
    requirements = pd.read_csv(SAMPLE_WEEK)
    queues = [{"name": str(name), "aht_s": 300} for name in requirements.queue.unique()]
    sections = {key: demo[key] for key in ("timezone", "interval_min", "shifts")}
    config = parse_config(yaml.safe_dump({**sections, "queues": queues}))
    requirements["interval_start"] = pd.to_datetime(
        requirements["interval_start"], format="ISO8601"
    ).dt.tz_convert(config.timezone)
    return requirements, config


def demo_inputs() -> tuple[pd.DataFrame, Config]:
    """Today's demo week as ``staffplan plan`` schedules it (forecast → staff)."""
    import staffplan.jobs.plan as planning
    from staffplan import api

    captured: dict[str, object] = {}

    class Captured(Exception):
        pass

    def capture(requirements: pd.DataFrame, config: Config, **_: object) -> None:
        captured.update(requirements=requirements, config=config)
        raise Captured

    real = planning.build_schedule
    planning.build_schedule = capture
    try:
        api.plan(REPO / "configs" / "example.yaml")
    except Captured:
        pass
    finally:
        planning.build_schedule = real
    return captured["requirements"], captured["config"]  # type: ignore[return-value]


def case_inputs(case: str) -> tuple[pd.DataFrame, Config]:
    """The requirements and config of a covering case (see module doc)."""
    if case == "sample":
        return sample_inputs()
    if case == "demo":
        return demo_inputs()
    if case == "week":
        return week_inputs({"chat": daily_curve(5, 120)})
    if case == "big":
        return week_inputs({"chat": daily_curve(50, 1200)})
    count, interval = case[1:].split("@")
    return week_inputs(queue_curves(int(count)), int(interval))


@dataclasses.dataclass
class Run:
    """One solver on one case: objective, bounds (NaN when unknown), times, stop."""

    solver: str
    objective: float
    lp_bound: float
    proven_bound: float
    cpu_s: float
    wall_s: float
    timed_out: bool
    uncovered_intervals: int


def run_staffplan(requirements: pd.DataFrame, config: Config, limit: float) -> Run:
    cpu, wall = time.process_time(), time.perf_counter()
    schedule = build_schedule(requirements, config, time_limit_s=limit)
    return Run(
        "staffplan",
        schedule.objective,
        schedule.lp_bound,
        getattr(schedule, "proven_bound", math.nan),
        time.process_time() - cpu,
        time.perf_counter() - wall,
        schedule.timed_out,
        int((schedule.coverage["gap"] > 1e-9).sum()),
    )


def run_previous(case: str, revision: str, limit: float) -> Run:
    """This benchmark's ``--worker`` mode on the solver of git ``revision``."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", revision, "staffplan", "benchmarks"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": folder, CODE: folder}
        out = subprocess.run(
            [sys.executable, str(Path(__file__)), case, "--worker", "--time-limit", str(limit)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    fields = json.loads(out.strip().splitlines()[-1])
    return Run(**{**fields, "solver": f"previous ({revision})"})


def run_highs(requirements: pd.DataFrame, config: Config, seconds: float) -> Run:
    """HiGHS's MILP alone on the whole model of each block (a queue, or a pool's queues
    together, as ``build_schedule`` covers them), for ``seconds`` each."""
    # here, not at the top: the previous revision's code (--worker) has no pools
    from staffplan.config.pools import block_shares
    from staffplan.schedule.cover import block_needs

    assert config.shifts is not None
    shifts = config.shifts
    grid = build_grid(
        requirements["interval_start"], config.zone, config.interval_min, shifts.cyclic_week
    )
    cands = build_candidates(grid, shifts)
    cpu, wall = time.process_time(), time.perf_counter()
    objective, bound, short, timed_out = 0.0, 0.0, 0, False
    index = grid.starts.get_indexer(requirements["interval_start"])
    for need in block_needs(requirements, index, grid.size, block_shares(config))[1]:
        model = build_model(cands, grid, [need], shifts)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = so.milp(
                model.c,
                integrality=model.integer.astype(np.uint8),
                bounds=so.Bounds(model.lb, model.ub),
                constraints=so.LinearConstraint(model.A, model.row_lb, model.row_ub),
                options={"time_limit": seconds, "mip_rel_gap": 0.0},
            )
        timed_out |= result.status == 1
        if result.x is None:
            return Run(
                "HiGHS alone",
                math.inf,
                math.nan,
                math.nan,
                time.process_time() - cpu,
                time.perf_counter() - wall,
                True,
                -1,
            )
        values = model.settle(result.x)
        objective += float(model.c @ values)
        bound += float(getattr(result, "mip_dual_bound", math.nan))
        short += int((model.coverage(values, 0) < need - 1e-9).sum())
    return Run(
        f"HiGHS alone ({seconds:g} s per queue)",
        objective,
        math.nan,
        bound,
        time.process_time() - cpu,
        time.perf_counter() - wall,
        timed_out,
        short,
    )


def best_known() -> dict[str, dict[str, object]]:
    return json.loads(BEST.read_text()) if BEST.exists() else {}


def report(case: str, run: Run) -> None:
    best = best_known().get(case, {})
    known = float(best.get("best_known", math.nan))
    bound = float(best.get("best_bound", math.nan))
    above_known = (run.objective - known) / known
    above_bound = (run.objective - bound) / bound
    stop = "TIMED OUT" if run.timed_out else "stopped on its limits"
    print(
        f"  {run.solver:34s} objective {run.objective:12,.2f}  vs best known "
        f"{above_known:+7.2%}  vs best bound {above_bound:+7.2%}  proven bound "
        f"{run.proven_bound:12,.2f}  CPU {run.cpu_s:6.1f} s  wall {run.wall_s:6.1f} s  "
        f"{stop}  short intervals {run.uncovered_intervals}",
        flush=True,
    )
    if run.objective < known - 1e-6:
        print(f"  ^ better than the best known {known:,.2f} ({best.get('found_by')})")
    if run.proven_bound > bound + 1e-6:
        print(f"  ^ a better bound than the best known {bound:,.2f} ({best.get('bound_by')})")


def bench_case(case: str, args: argparse.Namespace) -> None:
    requirements, config = case_inputs(case)
    peaks = requirements.groupby("queue")["agents"].max()
    print(
        f"{case}: {peaks.size} queue(s), {config.interval_min}-min intervals, peaks "
        f"{peaks.min():g}-{peaks.max():g}, {len(requirements)} rows",
        flush=True,
    )
    report(case, run_staffplan(requirements, config, args.time_limit))
    against = [a for a in args.against.split(",") if a]
    if "previous" in against and case != "demo":  # today's demo config is newer than it
        report(case, run_previous(case, args.previous_rev, args.previous_limit))
    if "highs" in against and args.highs_seconds > 0:
        report(case, run_highs(requirements, config, args.highs_seconds))


def bench_sdp(limit: float) -> None:
    exact, cpu_total, wall_total = 0, 0.0, 0.0
    for n in range(1, 21):
        instance = read_instance(SDP / f"RandomExample{n}.txt")
        requirements, config = as_inputs(instance)
        cpu, wall = time.process_time(), time.perf_counter()
        schedule = build_schedule(requirements, config, time_limit_s=limit)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        cpu_total, wall_total = cpu_total + cpu, wall_total + wall
        deviation = float(np.abs(schedule.coverage["scheduled"] - instance.required).sum())
        exact += deviation == 0
        print(
            f"  {instance.name:16s} {instance.interval_min:2d} min, {len(schedule.shifts):3d} "
            f"shifts, deviation {deviation:g} agent-slots, CPU {cpu:.2f} s, wall {wall:.2f} s"
        )
    print(
        f"SDP DataSet1 1-20: {exact}/20 covered exactly, CPU {cpu_total:.1f} s, "
        f"wall {wall_total:.1f} s"
    )


CASES = [
    "sample",
    "demo",
    "week",
    "q1@15",
    "q5@15",
    "q15@15",
    "q30@15",
    "q1@30",
    "q5@30",
    "q15@30",
    "q30@30",
    "sdp",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=CASES)
    parser.add_argument("--time-limit", type=float, default=300.0, help="safety net, seconds")
    parser.add_argument("--against", default="previous,highs", help="previous, highs or both")
    parser.add_argument("--previous-rev", default=PREVIOUS_REV)
    parser.add_argument("--previous-limit", type=float, default=30.0, help="its time limit, s")
    parser.add_argument("--highs-seconds", type=float, default=20.0, help="per queue")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # run_previous: this checkout's staffplan is the previous revision
        requirements, config = case_inputs(args.cases[0])
        run = run_staffplan(requirements, config, args.time_limit)
        print(json.dumps({k: v for k, v in dataclasses.asdict(run).items() if k != "solver"}))
        return
    for case in args.cases:
        if case == "sdp":
            bench_sdp(args.time_limit)
        else:
            bench_case(case, args)


if __name__ == "__main__":
    main()
