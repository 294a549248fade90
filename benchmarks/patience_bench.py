"""Priority classes with patience: staffplan's approximation against ciw, case by case.

    PYTHONPATH=. python benchmarks/patience_bench.py

:func:`staffplan.erlang.priority.stream_metrics` prices abandonment in a block of
priority classes by an approximation (the exact formulas hold without patience); the test
suite checks it against ciw on three cases (``tests/test_priority_erlang.py``). This runs a
grid: near the target and overloaded, short and long patience, two and three classes,
equal and unequal handle times. Per class: the service level (answered within the target
time, of all arrivals) and the abandonment rate, ours and ciw's (one seeded run of
``HORIZON_MIN`` simulated minutes after a warm-up, via the test suite's ``ciw_waits``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from staffplan.erlang.priority import stream_metrics

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_priority_erlang import ciw_waits, streams

HORIZON_MIN = 20_000.0
CASES = [
    # label, agents, contacts per 30 min per class (first served first), AHT s, target s,
    # patience s
    ("the suite's case", 36, [20.0, 180.0], [420.0, 300.0], [10, 60], 180.0),
    ("same, overloaded", 30, [20.0, 180.0], [420.0, 300.0], [10, 60], 180.0),
    ("short patience", 12, [30.0, 40.0], [300.0, 300.0], [20, 60], 60.0),
    ("three classes", 20, [10.0, 60.0, 40.0], [300.0, 240.0, 360.0], [20, 60, 120], 600.0),
    ("small team, overloaded", 8, [10.0, 50.0], [240.0, 300.0], [30, 120], 90.0),
    ("moderate, patience 300 s", 15, [15.0, 60.0], [300.0, 300.0], [20, 60], 300.0),
    ("big pool", 62, [60.0, 240.0], [300.0, 360.0], [20, 60], 120.0),
    ("top class two thirds", 26, [100.0, 50.0], [300.0, 300.0], [20, 60], 200.0),
    (
        "three classes, overloaded",
        16,
        [10.0, 60.0, 40.0],
        [300.0, 240.0, 360.0],
        [20, 60, 120],
        300.0,
    ),
    ("impatient, 30 s", 10, [20.0, 20.0], [420.0, 420.0], [20, 60], 30.0),
]


def main() -> None:
    print("case | agents | Erlangs | class | SL ours / ciw | abandon ours / ciw | ASA s")
    for label, agents, volumes, aht_s, within_s, patience_s in CASES:
        within = np.array(within_s, dtype=float)
        ours = stream_metrics(
            np.array([float(agents)]), streams(volumes, aht_s, within, patience_s)
        )
        runs = ciw_waits(
            agents,
            [v / 30 for v in volumes],
            [a / 60 for a in aht_s],
            patience_s / 60,
            HORIZON_MIN,
            seed=agents,
        )
        erlangs = sum(v * a for v, a in zip(volumes, aht_s, strict=True)) / 1800
        for k, (_, waited, answered) in enumerate(runs):
            level = (answered & (waited <= within[k] / 60)).mean()
            print(
                f"{label} | {agents} | {erlangs:.1f} | {k} | "
                f"{ours.service_level[0, k]:.3f} / {level:.3f} | "
                f"{ours.abandon_rate[0, k]:.3f} / {(~answered).mean():.3f} | "
                f"{ours.asa_s[0, k]:.1f} / {waited[answered].mean() * 60:.1f}"
            )


if __name__ == "__main__":
    main()
