"""Replications: one seeded random stream per (replication, queue), run in processes.

The stream of replication ``r`` of a queue is ``SeedSequence(seed, spawn_key=(r,
queue.seed_key))``, so results depend on neither ``jobs`` nor which other queues are
simulated in the same run.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from staffplan.config.simulation import SimulationConfig
from staffplan.simulate._draws import (
    arrival_intervals,
    arrival_times,
    expected_counts,
    give_up_times,
    handle_times,
)
from staffplan.simulate._engine import serve_fcfs, slot_windows
from staffplan.simulate.model import QueueArrays
from staffplan.simulate.tallies import N_TALLIES, interval_tallies

Progress = Callable[[int, int], None]


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
    jobs: int | None = None,
    progress: Progress | None = None,
) -> list[np.ndarray]:
    """Per queue, a ``(replications, N_TALLIES, intervals)`` array of tallies.

    ``jobs`` processes run replications in parallel (default: the CPUs this process may
    use; 1 runs here). Worker processes are started fresh ("forkserver"), so a script
    calling this with ``jobs > 1`` needs the usual ``if __name__ == "__main__":`` guard.
    ``progress(done, total)`` is called as replications finish.
    """
    jobs = max(1, min(jobs or _usable_cpus(), replications))
    out = [np.zeros((replications, N_TALLIES, q.volume.size)) for q in queues]
    done = 0
    for reps, tallies in _run_chunks(queues, settings, seed, _chunks(replications, jobs), jobs):
        for q, per_rep in enumerate(tallies):
            out[q][reps.start : reps.stop] = per_rep
        done += len(reps)
        if progress is not None:
            progress(done, replications)
    return out


def _usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _chunks(replications: int, jobs: int) -> list[range]:
    # Several chunks per process keep the progress bar moving and the processes busy.
    size = max(1, -(-replications // (jobs * 4))) if jobs > 1 else 1
    return [range(i, min(i + size, replications)) for i in range(0, replications, size)]


def _run_chunks(
    queues: Sequence[QueueArrays],
    settings: SimulationConfig,
    seed: int,
    chunks: list[range],
    jobs: int,
) -> Iterator[tuple[range, list[list[np.ndarray]]]]:
    if jobs == 1:
        for reps in chunks:
            yield reps, _run_chunk(queues, settings, seed, reps)
        return
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context)
    try:
        futures = {pool.submit(_run_chunk, queues, settings, seed, reps): reps for reps in chunks}
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()
    finally:  # after Ctrl-C or an error, drop the chunks not started yet
        pool.shutdown(cancel_futures=True)


def _run_chunk(
    queues: Sequence[QueueArrays], settings: SimulationConfig, seed: int, reps: range
) -> list[list[np.ndarray]]:
    return [[replicate_queue(q, settings, seed, r) for r in reps] for q in queues]
