"""Replications: one seeded random stream per (replication, queue), run in batches.

The stream of replication ``r`` of a queue is ``SeedSequence(seed, spawn_key=(r,
queue.seed_key))``, so results depend on neither the batches, nor where they run (see
:mod:`staffplan.engine`), nor which other queues are simulated in the same run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from staffplan.config.simulation import SimulationConfig
from staffplan.engine import CHUNKS_PER_PROCESS, IN_PROCESS, Progress, Workers
from staffplan.simulate._draws import (
    arrival_intervals,
    arrival_times,
    expected_counts,
    give_up_times,
    handle_times,
)
from staffplan.simulate._engine import serve_fcfs, slot_windows
from staffplan.simulate.model import QueueArrays
from staffplan.simulate.tallies import interval_tallies


def replicate_queue(
    queue: QueueArrays, settings: SimulationConfig, seed: int, replication: int
) -> np.ndarray:
    """Tallies (see :mod:`staffplan.simulate.tallies`) of one replication of one queue."""
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, queue.seed_key))
    rng = np.random.default_rng(sequence)
    expected = expected_counts(queue, settings, rng)
    arrival_s = arrival_times(expected, queue.interval_s, rng)
    interval = arrival_intervals(arrival_s, queue.interval_s, queue.volume.size)
    handle_s = handle_times(queue.interval_aht_s()[interval], settings, rng)
    give_up_s = give_up_times(arrival_s, queue.patience_s, rng)
    windows = slot_windows(*queue.slot_curve())
    start_s = serve_fcfs(arrival_s, handle_s, give_up_s, windows)
    return interval_tallies(
        arrival_s,
        start_s,
        handle_s,
        give_up_s,
        queue.interval_s,
        queue.volume.size,
        queue.answer_within_s,
    )


def run_replications(
    queues: Sequence[QueueArrays],
    settings: SimulationConfig,
    replications: int,
    seed: int,
    *,
    workers: Workers = IN_PROCESS,
    progress: Progress | None = None,
) -> list[np.ndarray]:
    """Per queue, a ``(replications, N_TALLIES, intervals)`` array of tallies.

    The tasks are batches of one queue's replications, as many per queue as keep
    ``workers`` busy; the result does not depend on the batching (see module doc).
    ``progress(done, total)`` is called as batches finish.
    """
    per_queue = min(replications, -(-workers.slots * CHUNKS_PER_PROCESS // max(len(queues), 1)))
    size = -(-replications // per_queue)
    starts = range(0, replications, size)
    batches = [
        (queue, range(start, min(start + size, replications)))
        for queue in queues
        for start in starts
    ]
    tallies = workers.map(replicate_batch, batches, common=(settings, seed), progress=progress)
    return [
        np.concatenate(tallies[q * len(starts) : (q + 1) * len(starts)]) for q in range(len(queues))
    ]


def replicate_batch(
    settings: SimulationConfig, seed: int, batch: tuple[QueueArrays, range]
) -> np.ndarray:
    """Tallies of the replications ``batch[1]`` of the queue ``batch[0]``, stacked."""
    queue, replications = batch
    return np.stack([replicate_queue(queue, settings, seed, r) for r in replications])
