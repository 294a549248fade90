"""Simulation oracle: ciw discrete-event runs of M/M/N and M/M/N+M agree with the formulas.

Each case is one long seeded run, timed in AHTs (the AHT is one minute). After a warm-up
of ``WARM_UP`` AHTs, arrivals are split by arrival time into ``BATCHES`` batches and each
formula value must lie in the batch means' confidence interval (Student t). The intervals
are simultaneous 95% intervals: Bonferroni over the ``CHECKS`` comparisons in this file,
so a correct model passes them all with at least 95% probability for any seed.
"""

from __future__ import annotations

import ciw
import numpy as np
import pytest
from scipy import stats

from staffplan.erlang import staffing_metrics

WARM_UP, BATCHES, BATCH_AHTS, DRAIN = 150.0, 20, 200.0, 100.0
CASES = [
    # agents, concurrency, load (Erlangs), answer within and patience (in AHTs), seed
    (14, 1, 10.0, 1 / 9, None, 11),  # the CRAN ErlangC example (20 s of a 180 s AHT)
    (11, 1, 10.0, 1 / 9, 1.0, 12),  # Erlang A with patience = AHT
    (8, 1, 10.0, 1 / 6, 1 / 3, 13),  # Erlang A with fewer agents than Erlangs
    (30, 1, 27.0, 1 / 2, 4.0, 14),  # long patience, long target
    (7, 3, 18.0, 1 / 4, None, 15),  # chat: 7 agents with 3 slots each
]
CHECKS = sum(2 if patience else 1 for *_, patience, _ in CASES)
T_QUANTILE = stats.t.ppf(1.0 - 0.05 / (2 * CHECKS), BATCHES - 1)


def simulate(servers: int, load: float, patience: float | None, seed: int):
    """(arrival time, wait, answered?) per arrival of the measured window, AHT = 1."""
    ciw.seed(seed)
    reneging = (
        {}
        if patience is None
        else {"reneging_time_distributions": [ciw.dists.Exponential(1.0 / patience)]}
    )
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(load)],
        service_distributions=[ciw.dists.Exponential(1.0)],
        number_of_servers=[servers],
        **reneging,
    )
    sim = ciw.Simulation(network)
    end = WARM_UP + BATCHES * BATCH_AHTS
    sim.simulate_until_max_time(end + DRAIN)
    records = [r for r in sim.get_all_records() if WARM_UP <= r.arrival_date < end]
    arrival = np.array([r.arrival_date for r in records])
    waited = np.array([r.waiting_time for r in records])
    answered = np.array([r.record_type == "service" for r in records])
    return arrival, waited, answered


def interval(values: np.ndarray, arrival: np.ndarray) -> tuple[float, float]:
    """(low, high) of the simultaneous confidence interval of the batch means."""
    batch = ((arrival - WARM_UP) // BATCH_AHTS).astype(int)
    means = np.array([values[batch == b].mean() for b in range(BATCHES)])
    half = T_QUANTILE * means.std(ddof=1) / np.sqrt(BATCHES)
    return means.mean() - half, means.mean() + half


@pytest.mark.parametrize(("agents", "slots", "load", "within", "patience", "seed"), CASES)
def test_formulas_lie_in_the_simulation_confidence_interval(
    agents, slots, load, within, patience, seed
) -> None:
    arrival, waited, answered = simulate(agents * slots, load, patience, seed)
    aht_s, interval_min = 60.0, 30.0
    m = staffing_metrics(
        agents,
        load * interval_min,  # contacts per interval: load per AHT-minute times 30 minutes
        aht_s,
        interval_min,
        within * aht_s,
        patience_s=None if patience is None else patience * aht_s,
        concurrency=slots,
    ).iloc[0]
    low, high = interval(answered & (waited <= within), arrival)
    assert low <= m["service_level"] <= high
    if patience is None:
        assert answered.all()
    else:
        low, high = interval(~answered, arrival)
        assert low <= m["abandon_rate"] <= high
