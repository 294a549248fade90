"""What the plan's report costs: the HTML page (inline SVG charts and heat maps) against
the three PNG charts the plan folder also holds (what the page embedded before), on the
bundled demo week (7 days, simulated), and the page's size.

Run from the repository root: ``PYTHONPATH=. python benchmarks/report_bench.py``.
CPU seconds (process time: others' load on a shared machine barely moves it), best of
three.
"""

from __future__ import annotations

import time

import staffplan
from staffplan.config.locate import demo_config
from staffplan.forecast.plot import forecast_png
from staffplan.jobs.plan import run_plan
from staffplan.jobs.plan_report import PlanReport, plan_report
from staffplan.schedule.plot import coverage_png
from staffplan.simulate import plot_simulation
from staffplan.tables.inputs import load_history, load_market


def best_cpu_s(work, repeat: int = 3) -> tuple[float, object]:
    """Least process time of ``repeat`` calls of ``work()``, seconds, and its result."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        times.append(time.process_time() - start)
    return min(times), result


def main() -> None:
    config = staffplan.load_config(demo_config())
    start = time.process_time()
    result = run_plan(
        config,
        load_history(config),
        load_market(config),
        horizon_days=7,
        simulate_replications=12,
        time_limit_s=300,
    )
    plan_s = time.process_time() - start
    pngs_s, pngs = best_cpu_s(
        lambda: [
            forecast_png(result.forecast_run),
            coverage_png(result.schedule.coverage),
            plot_simulation(result.simulation),
        ]
    )
    page_s, page = best_cpu_s(lambda: plan_report(PlanReport(result, config, 300)))
    png_bytes = sum(len(png) for png in pngs)
    print(f"run_plan (7 days, 12 replications): {plan_s:.2f} CPU-s")
    print(f"three PNG charts: {pngs_s:.2f} CPU-s, {png_bytes / 1024:,.0f} KiB")
    print(f"report.html (SVG): {page_s:.2f} CPU-s, {len(page.encode()) / 1024:,.0f} KiB")


if __name__ == "__main__":
    main()
