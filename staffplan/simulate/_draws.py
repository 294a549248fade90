"""Random inputs of one replication, drawn as whole arrays.

Arrivals are a non-homogeneous Poisson process with a constant rate inside each
interval: a Poisson count per interval, then uniform times inside it. With
over-dispersion, each day first draws one standard-normal shock ``z`` and every interval
of that day gets the rate ``volume + z * spread`` (spread above or below the forecast),
so a day runs hot or cold as a whole, the way a market-driven day does.
"""

from __future__ import annotations

import math

import numpy as np

from staffplan.config.simulation import SimulationConfig
from staffplan.simulate.model import QueueArrays


def expected_counts(
    queue: QueueArrays, settings: SimulationConfig, rng: np.random.Generator
) -> np.ndarray:
    """Expected contacts per interval for this replication (the forecast, or a day-level draw
    around it when ``settings.overdispersed``)."""
    if not settings.overdispersed or queue.spread_up is None or queue.spread_down is None:
        return queue.volume
    shock = rng.standard_normal(int(queue.day.max()) + 1)[queue.day]
    spread = np.where(shock >= 0, queue.spread_up, queue.spread_down)
    return np.maximum(queue.volume + shock * spread, 0.0)


def arrival_times(expected: np.ndarray, interval_s: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted arrival times in seconds from the start of the first interval."""
    counts = rng.poisson(expected)
    starts = np.repeat(np.arange(expected.size) * interval_s, counts)
    times = starts + rng.random(starts.size) * interval_s
    times.sort()
    return times


def handle_times(
    mean_s: np.ndarray, settings: SimulationConfig, rng: np.random.Generator
) -> np.ndarray:
    """One handle time (s) per customer, each with its own mean ``mean_s`` (seconds)."""
    if settings.handle_time == "exponential":
        return rng.exponential(mean_s)
    sigma2 = math.log1p(settings.aht_cv**2)
    return rng.lognormal(np.log(mean_s) - sigma2 / 2.0, math.sqrt(sigma2))


def arrival_intervals(arrival_s: np.ndarray, interval_s: float, intervals: int) -> np.ndarray:
    """The interval (0, 1, ...) each arrival falls in."""
    return np.minimum((arrival_s // interval_s).astype(np.int64), intervals - 1)


def give_up_times(
    arrival_s: np.ndarray, patience_s: float | None, rng: np.random.Generator
) -> np.ndarray | None:
    """When each customer would abandon (arrival + exponential patience), or None."""
    if patience_s is None:
        return None
    return arrival_s + rng.exponential(patience_s, arrival_s.size)
