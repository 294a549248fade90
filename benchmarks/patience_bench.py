"""Priority classes with patience: staffplan's approximation against ciw, case by case.

    PYTHONPATH=. python benchmarks/patience_bench.py                      # the ten cases
    PYTHONPATH=. python benchmarks/patience_bench.py --drawn 20 --seed 5  # random ones

:func:`staffplan.erlang.priority.stream_metrics` prices a block of priority classes
whose callers give up by an approximation (the exact formulas hold without patience);
the test suite checks it against ciw on one case for service level and three for
abandonment (``tests/test_priority_erlang.py``). This runs a grid: near the target and
overloaded, short and long patience, two and three classes, equal and unequal handle
times. Per class: the service level (answered within the target time, of all
arrivals), the abandonment rate and the ASA of the answered contacts, ours and ciw's
(one seeded run of ``HORIZON_MIN`` simulated minutes after a warm-up, via the test
suite's ``ciw_waits``).
"""

from __future__ import annotations

import argparse
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


def drawn_cases(seed: int, count: int) -> list[tuple]:
    """``count`` cases drawn at random: 2–3 classes, 5–40 agents, 80–115 % load, AHT
    180–480 s, targets 10–120 s, patience 45–400 s."""
    rng = np.random.default_rng(seed)
    cases = []
    for n in range(count):
        classes, agents = int(rng.integers(2, 4)), int(rng.integers(5, 40))
        aht_s = rng.uniform(180, 480, classes)
        shares = rng.dirichlet(np.ones(classes))
        per_30 = agents * rng.uniform(0.8, 1.15) * 1800 / float((shares * aht_s).sum())
        within_s = rng.choice([10, 20, 30, 60, 120], classes).astype(float)
        patience_s = float(rng.choice([45, 90, 180, 400]))
        cases.append(
            (f"drawn {n}", agents, list(per_30 * shares), list(aht_s), within_s, patience_s)
        )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawn", type=int, default=0, help="cases drawn at random instead")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    cases = drawn_cases(args.seed, args.drawn) if args.drawn else CASES
    horizon_min = HORIZON_MIN / 2 if args.drawn else HORIZON_MIN
    errors = []
    print("case | agents | Erlangs | class | SL ours / ciw | abandon ours / ciw | ASA s")
    for n, (label, agents, volumes, aht_s, within_s, patience_s) in enumerate(cases):
        within = np.array(within_s, dtype=float)
        ours = stream_metrics(
            np.array([float(agents)]), streams(volumes, aht_s, within, patience_s)
        )
        runs = ciw_waits(
            agents,
            [v / 30 for v in volumes],
            [a / 60 for a in aht_s],
            patience_s / 60,
            horizon_min,
            seed=n + 100 if args.drawn else agents,
        )
        erlangs = sum(v * a for v, a in zip(volumes, aht_s, strict=True)) / 1800
        for k, (_, waited, answered) in enumerate(runs):
            level = (answered & (waited <= within[k] / 60)).mean()
            gave_up = (~answered).mean()
            errors.append((ours.service_level[0, k] - level, ours.abandon_rate[0, k] - gave_up))
            print(
                f"{label} | {agents} | {erlangs:.1f} | {k} | "
                f"{ours.service_level[0, k]:.3f} / {level:.3f} | "
                f"{ours.abandon_rate[0, k]:.3f} / {gave_up:.3f} | "
                f"{ours.asa_s[0, k]:.1f} / {waited[answered].mean() * 60:.1f}"
            )
    error = np.abs(np.array(errors))
    print(
        f"largest error: service level {error[:, 0].max():.3f}, abandonment "
        f"{error[:, 1].max():.3f}; mean {error[:, 0].mean():.4f}, {error[:, 1].mean():.4f}"
    )


if __name__ == "__main__":
    main()
