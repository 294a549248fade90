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
    n: int, aht_s: float, settings: SimulationConfig, rng: np.random.Generator
) -> np.ndarray:
    """``n`` handle times in seconds with mean ``aht_s``."""
    if settings.handle_time == "exponential":
        return rng.exponential(aht_s, n)
    sigma2 = math.log1p(settings.aht_cv**2)
    return rng.lognormal(math.log(aht_s) - sigma2 / 2.0, math.sqrt(sigma2), n)


def give_up_times(
    arrival_s: np.ndarray, patience_s: float | None, rng: np.random.Generator
) -> np.ndarray | None:
    """When each customer would abandon (arrival + exponential patience), or None."""
    if patience_s is None:
        return None
    return arrival_s + rng.exponential(patience_s, arrival_s.size)
