"""Replications: one seeded random stream per (replication, queue), run in batches.

The stream of replication ``r`` of a queue is ``SeedSequence(seed, spawn_key=(r,
queue.seed_key))``, so results depend on neither the batches, nor where they run (see
:mod:`staffplan.engine`), nor which other queues are simulated in the same run.
"""

from __future__ import annotations

import dataclasses
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
    played = queue.wrapped(queue.wrap)
    arrival_s, handle_s, give_up_s, start_s = _serve(queue, settings, seed, replication)
    tallies = interval_tallies(
        arrival_s,
        start_s,
        handle_s,
        give_up_s,
        played.interval_s,
        played.volume.size,
        played.answer_within_s,
        played.clock_s(),
    )
    return tallies[:, queue.wrap : queue.wrap + queue.volume.size]


def _serve(
    queue: QueueArrays, settings: SimulationConfig, seed: int, replication: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """One replication's customers of ``queue`` played over its horizon and ``wrap``:
    arrival, handle and give-up times and service starts (s from the played start)."""
    played = queue.wrapped(queue.wrap)
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, queue.seed_key))
    rng = np.random.default_rng(sequence)
    expected = expected_counts(played, settings, rng)
    arrival_s = arrival_times(expected, played.interval_s, rng)
    interval = arrival_intervals(arrival_s, played.interval_s, played.volume.size)
    handle_s = handle_times(played.interval_aht_s()[interval], settings, rng)
    if queue.feeds:
        arrival_s, handle_s = _with_escalations(
            queue, arrival_s, handle_s, settings, seed, replication
        )
    give_up_s = give_up_times(arrival_s, queue.patience_s, rng)
    windows = slot_windows(*played.slot_curve())
    return arrival_s, handle_s, give_up_s, serve_fcfs(arrival_s, handle_s, give_up_s, windows)


def _with_escalations(
    queue: QueueArrays,
    arrival_s: np.ndarray,
    handle_s: np.ndarray,
    settings: SimulationConfig,
    seed: int,
    replication: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``queue``'s own customers plus those its feeds escalate to it in the same
    replication: each answered tier-1 contact escalates with the feed's share, arriving
    the feed's delay after its answer (tier 1 is played over this queue's ``wrap``)."""
    end_s = queue.interval_s * (queue.volume.size + 2 * queue.wrap)
    times, handles = [arrival_s], [handle_s]
    for feed in queue.feeds:
        source = dataclasses.replace(feed.source, wrap=queue.wrap)
        _, _, _, start_s = _serve(source, settings, seed, replication)
        key = (replication, queue.seed_key, feed.source.seed_key)
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))
        answered = start_s[~np.isnan(start_s)]
        escalated = np.sort(answered[rng.random(answered.size) < feed.share]) + feed.delay_s
        escalated = escalated[escalated < end_s]
        times.append(escalated)
        handles.append(handle_times(np.full(escalated.size, feed.aht_s), settings, rng))
    arrival_s = np.concatenate(times)
    order = np.argsort(arrival_s, kind="stable")
    return arrival_s[order], np.concatenate(handles)[order]


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
