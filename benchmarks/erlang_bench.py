"""Time the queueing engine; run by hand (it is not part of the test suite).

From the repository root, with staffplan installed (``python -m pip install -e .``):

    python benchmarks/erlang_bench.py      # or: PYTHONPATH=. python benchmarks/erlang_bench.py

1. Requirements for 1,000 queues × 672 fifteen-minute intervals (a week), loads spread
   from about 0.03 to 5,000 Erlangs, one vectorised call, best of 3 (target < 0.5 s).
2. One large queue's week side by side with pyworkforce's ``ErlangC.required_positions``
   looped per interval (target ≥ 100× faster), and how often pyworkforce staffs one agent
   more than the exact minimum (it starts at round(A + 1), skipping ⌊A⌋ + 1 when the
   fraction of A is ≥ 0.5); then the same for a small e-mail-like queue, where that start
   matters. pyworkforce is a benchmark-only peer, not a staffplan dependency:
   ``python -m pip install pyworkforce``; without it part 2 is skipped.

Everything runs on one core: the thread-count variables are set before numpy loads.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from staffplan.erlang import required_agents, staffing_metrics  # noqa: E402

INTERVALS = 672  # one week of 15-minute intervals
INTERVAL_MIN = 15.0


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of ``runs`` wall-clock timings of ``work()``, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def week_profile() -> np.ndarray:
    """Share of the peak load per interval: quiet nights (10 %), busy days, calmer weekend."""
    hour = (np.arange(INTERVALS) % 96) / 4.0
    day = np.arange(INTERVALS) // 96
    daily = 0.1 + 0.9 * np.exp(-0.5 * ((hour - 13.0) / 3.5) ** 2)
    return daily * np.where(day >= 5, 0.6, 1.0)


def many_queues(rng: np.random.Generator, queues: int = 1000) -> dict[str, np.ndarray]:
    """Arguments for ``queues`` queues × a week, as (queues, 1) and (queues, INTERVALS) arrays."""
    peak = np.exp(rng.uniform(np.log(0.6), np.log(4500.0), (queues, 1)))
    aht_s = rng.uniform(120.0, 900.0, (queues, 1))
    load = peak * week_profile() * rng.uniform(0.9, 1.1, (queues, INTERVALS))
    return {
        "volume": load * INTERVAL_MIN * 60.0 / aht_s,
        "aht_s": aht_s,
        "interval_min": INTERVAL_MIN,
        "service_level": rng.choice([0.8, 0.9], (queues, 1)),
        "answer_within_s": rng.choice([20.0, 30.0, 60.0], (queues, 1)),
    }


def part_one() -> None:
    args = many_queues(np.random.default_rng(2024))
    load = args["volume"] * args["aht_s"] / (INTERVAL_MIN * 60.0)
    print(f"1. {load.size:,} queue-intervals, load {load.min():.3f} to {load.max():,.0f} Erlangs")
    agents = required_agents(**args)
    seconds = best_of(3, lambda: required_agents(**args))
    print(f"   required_agents, Erlang C:            {seconds:.3f} s (target < 0.5 s)")
    patience = {"patience_s": 2.0 * args["aht_s"]}
    seconds = best_of(3, lambda: required_agents(**args, **patience))
    print(f"   required_agents, Erlang A (patience): {seconds:.3f} s")
    metric_args = {k: args[k] for k in ("volume", "aht_s", "interval_min", "answer_within_s")}
    seconds = best_of(3, lambda: staffing_metrics(agents, **metric_args))
    print(f"   staffing_metrics, Erlang C:           {seconds:.3f} s")


def pyworkforce_positions(
    volume: np.ndarray, aht_s: float, answer_within_s: float, target: float
) -> np.ndarray:
    """pyworkforce's raw positions per interval; it takes minutes for aht, asa and interval."""
    from pyworkforce.queuing import ErlangC

    return np.array(
        [
            ErlangC(v, aht_s / 60.0, answer_within_s / 60.0, INTERVAL_MIN, 0.0).required_positions(
                target, 1.0
            )["raw_positions"]
            for v in volume
        ]
    )


def compare(name: str, peak: float, aht_s: float, answer_within_s: float, target: float) -> None:
    """Time one queue's week both ways and count where pyworkforce staffs one too many."""
    load = peak * week_profile() * np.random.default_rng(7).uniform(0.9, 1.1, INTERVALS)
    volume = load * INTERVAL_MIN * 60.0 / aht_s
    print(
        f"   {name}: load {load.min():.2f} to {load.max():.0f} Erlangs, target "
        f"{target:.0%} within {answer_within_s:g} s, AHT {aht_s:g} s"
    )
    args = (volume, aht_s, INTERVAL_MIN, target, answer_within_s)
    ours = required_agents(*args)
    ours_s = best_of(3, lambda: required_agents(*args))
    theirs = pyworkforce_positions(volume, aht_s, answer_within_s, target)
    theirs_s = best_of(1, lambda: pyworkforce_positions(volume, aht_s, answer_within_s, target))
    print(f"     staffplan, one vectorised call: {ours_s * 1e3:9.2f} ms")
    print(f"     pyworkforce, looped per interval: {theirs_s * 1e3:9.2f} ms")
    print(f"     speed-up: {theirs_s / ours_s:,.0f}x")
    extra = theirs - ours
    print(
        f"     pyworkforce staffs one more than the exact minimum in {np.sum(extra == 1)} of "
        f"{INTERVALS} intervals ({np.sum(load % 1 >= 0.5)} have a load fraction >= 0.5); "
        f"other differences: {np.sum(extra != 0) - np.sum(extra == 1)}"
    )


def part_two() -> None:
    print(f"2. one queue's week ({INTERVALS} intervals) against pyworkforce (target >= 100x)")
    try:
        import pyworkforce  # noqa: F401
    except ImportError:
        print("   pyworkforce is not installed: python -m pip install pyworkforce; skipped")
        return
    compare("large phone queue", 2000.0, 300.0, 20.0, 0.8)
    compare("small e-mail-like queue", 6.0, 300.0, 3600.0, 0.8)


if __name__ == "__main__":
    part_one()
    part_two()
