"""Deflection and finance scenarios on the bundled sample; run by hand (not a test).

    python benchmarks/deflection_scenarios_bench.py [--config configs/example.yaml]

The config needs the deflection: and scenarios: sections (configs/example.yaml has them).

1. Deflection over the last four weeks of the sample history, moved (by whole weeks) to
   after every programme has ramped up: time of ``project_deflection`` (two engine runs
   per queue), and the saving the engine finds next to the volume × AHT figure a
   spreadsheet would claim.
2. Finance scenarios on the sample history: time of the whole run (every case, 12
   months, the ±10% sensitivity of every driver), the workbook and the chart; and the
   first month's required FTE next to the flat spreadsheet method (monthly volume × AHT /
   occupancy cap / (1 − shrinkage) / hours per FTE), the peer the issue warns about.

Everything runs on one core: the thread-count variables are set before numpy loads.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from staffplan.config import Config, load_config  # noqa: E402
from staffplan.deflection import project_deflection  # noqa: E402
from staffplan.finance.report import scenario_chart, scenario_workbook  # noqa: E402
from staffplan.finance.scenarios import representative_week, run_scenarios  # noqa: E402
from staffplan.tables.inputs import load_every_queue_history  # noqa: E402


def best_of(runs: int, work: Callable[[], object]) -> tuple[str, object]:
    """The fastest of ``runs`` timings of ``work()`` as text, wall clock and CPU (seconds,
    CPU time is steadier on a shared machine), and its result."""
    times, result = [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall_s, cpu_s = min(times)
    return f"{wall_s:.3f} s wall ({cpu_s:.3f} s CPU)", result


def deflection_part(config: Config, history: pd.DataFrame) -> None:
    forecast = _at_full_ramp(config, history)
    seconds, result = best_of(3, lambda: project_deflection(forecast, config))
    print(f"1. deflection: {len(forecast):,} queue-intervals, 4 weeks at full ramp")
    print(f"   project_deflection (two engine runs per queue): {seconds}, best of 3")
    totals = result.summary[result.summary["reason"] == "all"]
    for _, row in totals.iterrows():
        print(
            f"   {row['channel']:>5}: {row['deflection_rate']:.1%} net deflected; hours saved "
            f"per week: volume × AHT {row['workload_hours_saved_per_week']:.1f}, engine "
            f"{row['agent_hours_saved_per_week']:.1f}; FTE saved {row['fte_saved']:.2f}"
        )


def _at_full_ramp(config: Config, history: pd.DataFrame) -> pd.DataFrame:
    """The last 4 weeks of history, moved by whole weeks to after every programme's ramp."""
    ready = max(
        pd.Timestamp(q.launch) + pd.Timedelta(weeks=max(r.ramp_weeks for r in q.reasons))
        for q in config.deflection.queues
        if q.launch is not None
    )
    times = history["interval_start"]
    recent = history[times > times.max() - pd.Timedelta(days=28)]
    first = recent["interval_start"].min().tz_localize(None).normalize()
    weeks = -(-(ready.normalize() - first).days // 7)  # whole weeks keep the weekdays
    return recent.assign(interval_start=recent["interval_start"] + pd.Timedelta(weeks=weeks))


def scenarios_part(config: Config, history: pd.DataFrame) -> None:
    week = representative_week(history, config, config.scenarios.profile_weeks)
    seconds, result = best_of(3, lambda: run_scenarios(week, config))
    cases, months = len(config.scenarios.cases), config.scenarios.horizon_months
    print(f"2. scenarios: {cases} cases × {months} months, {len(week)} intervals per week")
    print(f"   run_scenarios incl. sensitivity: {seconds}, best of 3")
    book_s, _ = best_of(3, lambda: scenario_workbook(result))
    chart_s, _ = best_of(3, lambda: scenario_chart(result))
    print(f"   workbook {book_s}, chart {chart_s}, best of 3")
    for case in config.scenarios.cases:
        first = result.months[result.months["scenario"] == case.name].iloc[0]
        print(
            f"   {case.name:>10} {first['month']}: engine {first['required_fte']:.1f} FTE, "
            f"flat volume × AHT {spreadsheet_fte(week, config, case, first):.1f} FTE"
        )


def spreadsheet_fte(week: pd.DataFrame, config: Config, case, first: pd.Series) -> float:
    """The flat method: offered work / occupancy cap / (1 − shrinkage) / hours per FTE."""
    hours_per_week = 0.0
    for queue in config.queues:
        rows = week[week["queue"] == queue.name]
        work_h = (rows["volume"] * rows["aht_s"]).sum() / 3600.0 / queue.concurrency
        shrinkage = queue.shrinkage if case.shrinkage is None else case.shrinkage
        hours_per_week += work_h / queue.max_occupancy / (1.0 - shrinkage)
    offered_share = first["offered"] / first["volume"]
    scale = first["volume"] / (week["volume"].sum() * pd.Period(first["month"]).days_in_month / 7)
    aht_scale = 1.0 + case.aht_change
    return hours_per_week * scale * offered_share * aht_scale / config.scenarios.hours_per_fte_week


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=Path("configs/example.yaml"))
    config = load_config(parser.parse_args().config)
    if config.deflection is None or config.scenarios is None:
        raise SystemExit("the config needs deflection: and scenarios: sections")
    history = load_every_queue_history(config)
    deflection_part(config, history)
    scenarios_part(config, history)


if __name__ == "__main__":
    main()
