"""What ``staffplan plan``'s output stage costs on the bundled demo week: ``plan_files``
(the CSV tables, the PNG charts and ``report.html`` with its inline SVG charts and heat
maps), after the plan itself is computed, and the size of the report.

Run from the repository root: ``PYTHONPATH=. python benchmarks/plan_output_bench.py``
(it runs the demo's plan once, ≈ 12 CPU-s, then times the output stage). CPU seconds
(process time: others' load on a shared machine barely moves it). The first call pays
matplotlib's one-time costs (its import, loading the font), as the command does; then
the best of three.
"""

from __future__ import annotations

import time

import staffplan
from staffplan.config.locate import demo_config
from staffplan.jobs.plan import plan_files, run_plan
from staffplan.tables.calendar import load_calendar
from staffplan.tables.inputs import load_history, load_market


def cpu_s(work) -> tuple[float, object]:
    """Process time of one call of ``work()``, seconds, and its result."""
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def main() -> None:
    config = staffplan.load_config(demo_config())
    plan_s, result = cpu_s(
        lambda: run_plan(
            config, load_history(config), load_market(config), calendar=load_calendar(config)
        )
    )
    first_s, files = cpu_s(lambda: plan_files(result, config))
    best_s = min(cpu_s(lambda: plan_files(result, config))[0] for _ in range(3))
    charts = sum(name.endswith(".png") for name in files)
    page = files["report.html"].encode()
    print(f"run_plan (demo, 7 days): {plan_s:.2f} CPU-s")
    print(f"plan_files: first call {first_s:.2f} CPU-s, best of 3 {best_s:.2f} CPU-s")
    print(f"  {len(files)} files, {charts} PNG charts; report.html {len(page) / 1024:,.0f} KiB")


if __name__ == "__main__":
    main()
