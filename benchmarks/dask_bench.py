"""Engines: forecast + staff + simulate for many queues, here and on a Dask LocalCluster.

Usage::

    python benchmarks/dask_bench.py --queues 1000
    python benchmarks/dask_bench.py --queues 100 --modes local dask1

Generates (seeded) ``--weeks`` weeks of 30-minute history per queue with
:mod:`staffplan.forecast.synthetic` (variants of the sample's two queues, see
``scale_bench.queue_specs``) and writes it as a Parquet dataset partitioned by queue
(``queue=NAME/``), then, for each mode, in a fresh Python process: forecasts
``--horizon-days`` days from that folder (the tasks read the parts: one task per queue
reads and checks it, a second reads it again, fits and forecasts), sizes every queue ×
interval in this process (``staff`` stays local) and simulates the required agents as
the schedule (``--replications``; one task per queue lines it up, replicates and
summarises it). Modes: ``local`` (one process), ``dask1`` and ``dask2`` (a
``LocalCluster`` of 1 or 2 single-threaded worker processes). Prints, per mode, the
wall time of each step, the CPU seconds and peak RSS of the main process and of each
worker (``getrusage``), and a SHA-256 of the forecast and simulation tables (the same on
every mode), then the speed-up per worker.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from benchmarks.scale_bench import START, config_text, market_path, queue_specs
from staffplan.config import parse_config
from staffplan.engine import open_workers
from staffplan.forecast.parts import HistoryReader, forecast_history_parts
from staffplan.forecast.synthetic import simulate_history
from staffplan.simulate import simulate_schedule
from staffplan.staffing import size_requirements
from staffplan.tables import to_csv_text

if TYPE_CHECKING:
    from distributed import Client

INTERVAL_MIN = 30
WORKERS = {"local": 0, "dask1": 1, "dask2": 2}


def write_history(folder: Path, queues: int, weeks: int) -> int:
    """The seeded history as a Parquet dataset partitioned by queue; its row count."""
    specs = queue_specs(queues)
    history = simulate_history(specs, market_path(7), START, weeks, INTERVAL_MIN, seed=7)
    history.to_parquet(folder, partition_cols=["queue"])
    return len(history)


def measure(mode: str, folder: Path, queues: int, horizon_days: int, replications: int) -> dict:
    """One mode's figures (run in its own process, so peak RSS is this mode's alone)."""
    prices = market_path(7)
    config = parse_config(config_text([s.name for s in queue_specs(queues)], None, INTERVAL_MIN))
    tasks: dict[str, int] = {}

    def counted(step: str) -> Callable[[int, int], None]:
        return lambda done, total: tasks.__setitem__(step, total)

    began = time.perf_counter()
    cpu_before = _cpu_s(resource.getrusage(resource.RUSAGE_SELF))
    with _cluster(mode) as (scheduler, observer), open_workers(scheduler=scheduler) as workers:
        started = time.perf_counter()
        run = forecast_history_parts(
            folder,
            HistoryReader(config.zone, INTERVAL_MIN),
            None,
            horizon_days,
            market=prices,
            settings=config.forecast,
            workers=workers,
            progress=counted("forecast"),
        )
        forecast_s = time.perf_counter()
        requirements = size_requirements(run.forecast, config)
        staff_s = time.perf_counter()
        coverage = requirements[["queue", "interval_start"]].assign(
            scheduled=requirements["agents"]
        )
        simulation = simulate_schedule(
            requirements,
            coverage,
            config,
            replications=replications,
            seed=7,
            workers=workers,
            progress=counted("simulate"),
        )
        simulate_s = time.perf_counter()
        peaks = {} if observer is None else observer.run(resource.getrusage, resource.RUSAGE_SELF)
    main_cpu_s = _cpu_s(resource.getrusage(resource.RUSAGE_SELF)) - cpu_before
    digest = hashlib.sha256()
    for table in (run.forecast, simulation.intervals, simulation.daily):
        digest.update(to_csv_text(table).encode())
    return {
        "mode": mode,
        "queues": queues,
        "tasks": tasks,
        "cluster_start_s": started - began,
        "forecast_s": forecast_s - started,
        "staff_s": staff_s - forecast_s,
        "simulate_s": simulate_s - staff_s,
        "total_s": simulate_s - started,
        "main_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "main_cpu_s": main_cpu_s,
        "worker_peaks_mib": [usage.ru_maxrss / 1024 for _, usage in sorted(peaks.items())],
        "worker_cpu_s": [_cpu_s(usage) for _, usage in sorted(peaks.items())],
        "sha256": digest.hexdigest()[:16],
    }


def _cpu_s(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def _cluster(mode: str) -> Iterator[tuple[str | None, Client | None]]:
    """(scheduler address, a client to ask the workers) of the mode; none for local."""
    if mode == "local":
        yield None, None
        return
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=WORKERS[mode],
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as observer,
    ):
        yield cluster.scheduler_address, observer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=16)
    parser.add_argument("--horizon-days", type=int, default=7)
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--modes", nargs="+", default=list(WORKERS), choices=list(WORKERS))
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure this mode here
    parser.add_argument("--folder", help=argparse.SUPPRESS)  # internal: the history dataset
    args = parser.parse_args()
    sizes = (args.queues, args.horizon_days, args.replications)
    if args.one:
        print(json.dumps(measure(args.one, Path(args.folder), *sizes)))
        return
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "history"
        rows = write_history(folder, args.queues, args.weeks)
        print(f"history: {rows:,} rows in {folder} (Parquet, one folder per queue)", flush=True)
        for mode in args.modes:
            command = [sys.executable, __file__, "--one", mode, "--folder", str(folder)]
            command += ["--queues", str(args.queues), "--horizon-days", str(args.horizon_days)]
            command += ["--replications", str(args.replications)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), flush=True)
    _report(results)


def _report(results: list[dict]) -> None:
    print(
        "| mode | workers | forecast | staff | simulate | forecast + staff + simulate "
        "| speed-up | per worker | cluster start | main peak RSS | worker peak RSS | sha256 |"
    )
    base = next((r["total_s"] for r in results if r["mode"] == "local"), None)
    for r in results:
        workers = WORKERS[r["mode"]]
        speed_up = base / r["total_s"] if base else float("nan")
        per_worker = speed_up / workers if workers else speed_up
        peaks = ", ".join(f"{p:.0f}" for p in r["worker_peaks_mib"]) or "—"
        print(
            f"| {r['mode']} | {workers or '— (this process)'} | {r['forecast_s']:.1f} s "
            f"| {r['staff_s']:.1f} s | {r['simulate_s']:.1f} s | {r['total_s']:.1f} s "
            f"| {speed_up:.2f}× | {per_worker:.2f}× | {r['cluster_start_s']:.1f} s "
            f"| {r['main_peak_mib']:.0f} MiB | {peaks} MiB | {r['sha256']} |"
        )


if __name__ == "__main__":
    main()
