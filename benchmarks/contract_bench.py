"""What the pipeline contract costs: handing each stage its predecessor's table exactly as
written (``tables.as_written``), against writing the same table as CSV, and the plan's
non-solver stages on the bundled demo week.

Run from the repository root: ``PYTHONPATH=. python benchmarks/contract_bench.py``.
CPU seconds (process time), best of three.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import staffplan
from staffplan.config.locate import demo_config
from staffplan.tables import as_written, to_csv_text


def best_cpu_s(work, repeat: int = 3) -> float:
    """Least process time of ``repeat`` calls of ``work()``, seconds."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    frame = pd.DataFrame(np.random.default_rng(1).random((100_000, 20)) * 1000)
    rounding = best_cpu_s(lambda: as_written(frame))
    writing = best_cpu_s(lambda: to_csv_text(frame))
    print(f"as_written, 2,000,000 floats: {rounding:.2f} s; to_csv_text of them: {writing:.2f} s")
    config = staffplan.load_config(demo_config())
    run = staffplan.forecast(config, start="2020-05-11", horizon_days=7)
    demand = staffplan.deflect(run.forecast, config).intervals
    requirements = staffplan.size(demand, config)
    stages = {
        "forecast": lambda: staffplan.forecast(config, start="2020-05-11", horizon_days=7),
        "deflection": lambda: staffplan.deflect(run.forecast, config),
        "staff": lambda: staffplan.size(demand, config),
        "as_written of the three tables": lambda: [
            as_written(t) for t in (run.forecast, demand, requirements)
        ],
    }
    for name, work in stages.items():
        print(f"demo week, {name}: {best_cpu_s(work):.3f} s")


if __name__ == "__main__":
    main()
