"""A simulation's tasks: each queue lined up, replicated and summarised where it runs.

With more queues than the workers' slots keep busy, one task is one whole queue: it
lines up the queue's schedule and demand, runs every replication and returns the
queue's two summary tables, so the main process only splits the inputs and gathers
tables. With few queues, each queue's replications are split into batches (tasks that
return tallies) and the few queues are summarised here. Either way the streams are
tied to (queue, replication) (:mod:`staffplan.simulate.replicate`), so the tables do
not depend on the split nor on where the tasks ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.config.simulation import SimulationConfig
from staffplan.engine import CHUNKS_PER_PROCESS, Progress, Workers
from staffplan.schedule.coverage import projected_service_level
from staffplan.simulate.inputs import QueuePart, line_up_queue
from staffplan.simulate.model import QueueArrays
from staffplan.simulate.replicate import replicate_queue
from staffplan.simulate.summary import daily_table, interval_table

if TYPE_CHECKING:
    from staffplan.config import Config

QueueTables = tuple[pd.DataFrame, pd.DataFrame]  # a queue's interval and daily summary rows


def simulate_queues(
    parts: list[QueuePart],
    config: Config,
    settings: SimulationConfig,
    replications: int,
    seed: int,
    *,
    workers: Workers,
    progress: Progress | None = None,
) -> list[QueueTables]:
    """Per part (see :func:`~staffplan.simulate.inputs.queue_parts`), its interval and
    daily summary tables over ``replications`` runs; ``progress(done, total)`` counts
    finished tasks."""
    batches = min(replications, -(-workers.slots * CHUNKS_PER_PROCESS // max(len(parts), 1)))
    if batches == 1:
        common = (config, settings, replications, seed)
        return workers.map(simulate_queue, parts, common=common, progress=progress)
    size = -(-replications // batches)
    runs = [range(s, min(s + size, replications)) for s in range(0, replications, size)]
    tasks = [(part, run) for part in parts for run in runs]
    tallies = workers.map(replicate_part, tasks, common=(config, settings, seed), progress=progress)
    out = []
    for q, part in enumerate(parts):
        queue, table = line_up_queue(part, config)
        queue_tallies = np.concatenate(tallies[q * len(runs) : (q + 1) * len(runs)])
        out.append(summarise_queue(queue, table, queue_tallies, config))
    return out


def simulate_queue(
    config: Config, settings: SimulationConfig, replications: int, seed: int, part: QueuePart
) -> QueueTables:
    """One task: a whole queue lined up, replicated ``replications`` times and summarised."""
    queue, table = line_up_queue(part, config)
    tallies = np.stack([replicate_queue(queue, settings, seed, r) for r in range(replications)])
    return summarise_queue(queue, table, tallies, config)


def replicate_part(
    config: Config, settings: SimulationConfig, seed: int, task: tuple[QueuePart, range]
) -> np.ndarray:
    """One task: the tallies of replications ``task[1]`` of the queue ``task[0]``, stacked."""
    part, runs = task
    queue, _ = line_up_queue(part, config)
    return np.stack([replicate_queue(queue, settings, seed, r) for r in runs])


def summarise_queue(
    queue: QueueArrays, table: pd.DataFrame, tallies: np.ndarray, config: Config
) -> QueueTables:
    """A queue's rows of ``simulation.csv`` and ``daily.csv`` from its ``(replications,
    N_TALLIES, intervals)`` tallies, next to the Erlang projection."""
    erlang_sl = erlang_service_level(queue, table, config)
    target = config.queue(queue.name).target.service_level
    return (
        interval_table(table, queue, tallies, erlang_sl),
        daily_table(table, queue, tallies, erlang_sl, target),
    )


def erlang_service_level(queue: QueueArrays, table: pd.DataFrame, config: Config) -> np.ndarray:
    """The queueing engine's projected service level for the scheduled agents, per interval
    (each interval as its own steady state; a backlog queue's from the fluid backlog
    model; NaN for intervals without contacts). ``table`` is the queue's interval table
    (its ``volume`` counts escalated contacts too; its ``aht_s`` is used when present)."""
    volume = table["volume"].to_numpy(dtype=float)
    aht_s = table["aht_s"].to_numpy(dtype=float) if "aht_s" in table else queue.interval_aht_s()
    names = pd.Series(queue.name, index=range(volume.size))
    projected = projected_service_level(
        names,
        queue.agents,
        volume,
        np.where(np.isnan(aht_s), queue.interval_aht_s(), aht_s),
        config,
        interval_start=table["interval_start"].reset_index(drop=True),
    )
    return np.where(volume > 0, projected, np.nan)
