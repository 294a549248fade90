"""Simulate shared agents: a pool's schedule block, or a queue with priority classes.

The coverage rows of a block are labelled with the pool's ``a+b`` (or the queue's name
for a queue with classes). Every queue of the block keeps its own arrivals (the forecast
row, its over-dispersion, its patience); each contact gets its class by the class
shares (per interval from the deflection's ``offered_<class>`` where the forecast has
it), its handle time from its class (``aht_s_<class>`` of the row, the class's
``aht_s``, else the row's); all of them meet the
block's agents in :func:`staffplan.simulate._priority_engine.serve_priority` (priority
by class, skills, longest-idle agent first). A pool's agents have every skill of it.

Results are per queue, in the same tables as plain queues (``simulation.csv``,
``daily.csv``), with the block's occupancy, the priority model's projection as
``erlang_service_level``, and ``service_level_<class>`` per class after the contract's
columns. Replication ``r`` of a block draws from ``SeedSequence(seed, spawn_key=(r,
key))`` with the block's own key, so it does not depend on the other queues.
"""

from __future__ import annotations

import dataclasses
import zlib
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.block_projection import block_service_levels, combinations
from staffplan.config.names import POOLED_SEPARATOR
from staffplan.config.simulation import SimulationConfig
from staffplan.engine import IN_PROCESS, Workers
from staffplan.priority_staffing import Stream, block_streams, blocks
from staffplan.simulate._draws import (
    arrival_intervals,
    arrival_times,
    expected_counts,
    handle_times,
)
from staffplan.simulate._engine import slot_windows
from staffplan.simulate._priority_engine import serve_priority
from staffplan.simulate.inputs import _arrays, _line_up
from staffplan.simulate.model import QueueArrays
from staffplan.simulate.summary import _ratio, daily_table, interval_table
from staffplan.simulate.tallies import BUSY_S, interval_tallies

if TYPE_CHECKING:
    from staffplan.config import Config


@dataclasses.dataclass(frozen=True)
class BlockArrays:
    """One block: its queues' arrays (``agents`` = the block's), and per stream its
    queue (index into ``queues``), class share and class AHT per interval (streams,
    intervals; AHT NaN: the row's), target time,
    priority level and class name ("" for a queue without classes)."""

    label: str
    seed_key: int
    queues: tuple[QueueArrays, ...]
    stream_queue: np.ndarray
    share: np.ndarray
    aht_s: np.ndarray
    answer_within_s: np.ndarray
    level: np.ndarray
    class_name: tuple[str, ...]
    combo_agents: np.ndarray
    combo_skills: np.ndarray

    def windows(self) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
        """(on-duty windows of every agent, their skills (agents, queues)): each skill
        combination's agents after the previous combination's."""
        starts, ends, agents, skills = [], [], [], []
        offset = 0
        for agents_c, skills_c in zip(self.combo_agents, self.combo_skills, strict=True):
            slots, step_s = dataclasses.replace(self.queues[0], agents=agents_c).slot_curve()
            start_s, end_s, slot = slot_windows(slots, step_s)
            starts.append(start_s)
            ends.append(end_s)
            agents.append(slot + offset)
            count = int(slots.max(initial=0))
            skills.append(np.repeat(skills_c[None, :], count, axis=0))
            offset += count
        windows = (np.concatenate(starts), np.concatenate(ends), np.concatenate(agents))
        return windows, np.concatenate(skills).reshape(offset, self.combo_skills.shape[1])


def block_labels(config: Config) -> dict[str, tuple[str, ...]]:
    """Coverage label → the block's queues, for every block of the config (each skill
    combination's label for a partly cross-trained pool)."""
    return {label: names for names in blocks(config) for label, _ in combinations(names, config)}


def block_arrays(
    forecast: pd.DataFrame, coverage: pd.DataFrame, names: tuple[str, ...], config: Config
):
    """The :class:`BlockArrays` of one block from the coverage rows of its labels, and
    its queues' interval tables (``queue, interval_start, volume, scheduled, aht_s``;
    ``scheduled`` is the block's agents)."""
    label = POOLED_SEPARATOR.join(names)
    combos = combinations(names, config)
    mine = coverage[coverage["queue"].isin([c for c, _ in combos])]
    by_combo = mine.pivot_table(
        index="interval_start", columns="queue", values="scheduled", aggfunc="sum", fill_value=0.0
    ).reindex(columns=[c for c, _ in combos], fill_value=0.0)
    rows = pd.DataFrame(
        {
            "queue": label,
            "interval_start": by_combo.index,
            "scheduled": by_combo.sum(axis=1).to_numpy(),
        }
    )
    queues, tables = [], []
    for name in names:
        mine = rows.assign(queue=name)
        table = _line_up(mine, forecast[forecast["queue"] == name], name, config)
        queues.append(_arrays(table, config.queue(name), config, own_only=False))
        tables.append(table)
    streams = block_streams([config.queue(n) for n in names])
    zipped = [(tables[names.index(s.queue.name)], s) for s in streams]
    return BlockArrays(
        label=label,
        seed_key=zlib.crc32(label.encode("utf-8")),
        queues=tuple(queues),
        stream_queue=np.array([names.index(s.queue.name) for s in streams]),
        share=np.array([_class_series(forecast, t, s, "offered", s.share) for t, s in zipped]),
        aht_s=np.array([_class_series(forecast, t, s, "aht_s", s.aht_s) for t, s in zipped]),
        answer_within_s=np.array([s.answer_within_s for s in streams]),
        level=np.unique([s.priority for s in streams], return_inverse=True)[1],
        class_name=tuple(s.name or "" for s in streams),
        combo_agents=by_combo.to_numpy(float).T,
        combo_skills=np.array([[n in skills for n in names] for _, skills in combos]),
    ), tables


def _class_series(
    forecast: pd.DataFrame, table: pd.DataFrame, stream: Stream, measure: str, default
) -> np.ndarray:
    """Per interval of ``table``: the stream's share of its queue's contacts (``measure``
    "offered") or its handle time ("aht_s"; NaN: the row's) — from the deflection's
    ``offered_<class>``/``aht_s_<class>`` columns where the forecast has them, else the
    configured ``default``."""
    fallback = np.full(len(table), np.nan if default is None else float(default))
    column = f"{measure}_{stream.name}"
    if stream.name is None or column not in forecast.columns:
        return fallback
    rows = forecast[forecast["queue"] == stream.queue.name].set_index("interval_start")
    values = rows[column].reindex(pd.DatetimeIndex(table["interval_start"])).to_numpy(float)
    if measure == "offered":
        total = table["volume"].to_numpy(float)
        values = np.divide(values, total, out=np.full(total.size, np.nan), where=total > 0)
    return np.where(np.isnan(values), fallback, values)


def replicate_block(block: BlockArrays, settings: SimulationConfig, seed: int, replication: int):
    """Per queue of the block: its tallies ``(N_TALLIES, intervals)`` and per stream of
    it (offered, within target) per interval."""
    rng = np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(replication, block.seed_key))
    )
    parts = []
    for q, queue in enumerate(block.queues):
        arrival = arrival_times(expected_counts(queue, settings, rng), queue.interval_s, rng)
        interval = arrival_intervals(arrival, queue.interval_s, queue.volume.size)
        mine = np.flatnonzero(block.stream_queue == q)
        shares = block.share[mine][:, interval]
        cumulative = np.cumsum(shares / shares.sum(axis=0), axis=0)
        pick = (rng.random(arrival.size)[None, :] > cumulative[:-1]).sum(axis=0)
        stream = mine[pick]
        own = block.aht_s[stream, interval]
        mean = np.where(np.isnan(own), queue.interval_aht_s()[interval], own)
        handle = handle_times(mean, settings, rng)
        patience = (
            np.inf if queue.patience_s is None else rng.exponential(queue.patience_s, arrival.size)
        )
        parts.append((arrival, stream, handle, arrival + patience))
    arrival, stream, handle, give_up = (np.concatenate(p) for p in zip(*parts, strict=True))
    order = np.argsort(arrival, kind="stable")
    arrival, stream, handle, give_up = arrival[order], stream[order], handle[order], give_up[order]
    first = block.queues[0]
    windows, skills = block.windows()
    start = serve_priority(
        arrival, stream, handle, give_up, block.level, block.stream_queue, windows, skills
    )
    n, step = first.volume.size, first.interval_s
    within = block.answer_within_s[stream]
    everyone = interval_tallies(arrival, start, handle, None, step, n, within)
    out = []
    for q, queue in enumerate(block.queues):
        mine = block.stream_queue[stream] == q
        limit = None if queue.patience_s is None else give_up[mine]
        tallies = interval_tallies(
            arrival[mine], start[mine], handle[mine], limit, step, n, within[mine]
        )
        tallies[BUSY_S] = everyone[BUSY_S]  # occupancy is the block's
        per_stream = []
        for j in np.flatnonzero(block.stream_queue == q):
            sel = stream == j
            at = arrival_intervals(arrival[sel], step, n)
            answered = ~np.isnan(start[sel])
            wait = np.where(answered, start[sel] - arrival[sel], 0.0)
            counts = (
                np.ones(at.size),
                answered & (wait <= within[sel]),
                answered,
                wait,
                ~answered & np.isfinite(give_up[sel]),
            )
            per_stream.append(np.stack([np.bincount(at, w, minlength=n) for w in counts]))
        out.append((tallies, np.stack(per_stream) if per_stream else np.zeros((0, 5, n))))
    return out


def replicate_block_batch(
    settings: SimulationConfig, seed: int, task: tuple[BlockArrays, range]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per queue of the block: (tallies stacked over the replications, per-stream counts
    stacked over them)."""
    block, replications = task
    runs = [replicate_block(block, settings, seed, r) for r in replications]
    return [
        (np.stack([run[q][0] for run in runs]), np.stack([run[q][1] for run in runs]))
        for q in range(len(block.queues))
    ]


def simulate_blocks(
    forecast: pd.DataFrame,
    coverage: pd.DataFrame,
    config: Config,
    settings: SimulationConfig,
    replications: int,
    seed: int,
    workers: Workers = IN_PROCESS,
) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """(interval tables, daily tables) of every block in ``coverage`` (rows whose label is
    a block's), one of each per queue of the block."""
    labels = block_labels(config)
    present = set(coverage["queue"].astype(str))
    found = [
        (POOLED_SEPARATOR.join(names), names)
        for names in blocks(config)
        if any(label in present for label, n in labels.items() if n == names)
    ]
    if not found:
        return [], []
    built = [block_arrays(forecast, coverage, names, config) for _, names in found]
    results = workers.map(
        replicate_block_batch, [(b, range(replications)) for b, _ in built], common=(settings, seed)
    )
    intervals, daily = [], []
    for (block, tables), (_, names), per_queue in zip(built, found, results, strict=True):
        projected = _projection(tables, names, block.combo_agents, config)
        for q, (queue, table) in enumerate(zip(block.queues, tables, strict=True)):
            tallies, per_stream = per_queue[q]
            erlang_sl = projected[q]
            base = table[["queue", "interval_start", "volume", "scheduled"]]
            frame = interval_table(base, queue, tallies, erlang_sl)
            intervals.append(_with_classes(frame, block, q, per_stream))
            target = config.queue(names[q]).target.service_level
            daily.append(daily_table(base, queue, tallies, erlang_sl, target))
    return intervals, daily


def _with_classes(
    frame: pd.DataFrame, block: BlockArrays, q: int, per_stream: np.ndarray
) -> pd.DataFrame:
    """``frame`` plus ``service_level_<class>``, ``asa_s_<class>`` and
    ``abandon_rate_<class>`` (pooled over the replications) for each class of queue ``q``."""
    columns: dict[str, np.ndarray] = {}
    classes = [
        (k, block.class_name[j])
        for k, j in enumerate(np.flatnonzero(block.stream_queue == q))
        if block.class_name[j]
    ]
    totals = per_stream.sum(axis=0)  # (streams of the queue, counts, intervals)
    for measure, (numerator, denominator) in (
        ("service_level", (1, 0)),
        ("asa_s", (3, 2)),
        ("abandon_rate", (4, 0)),
    ):
        for k, name in classes:
            columns[f"{measure}_{name}"] = _ratio(totals[k, numerator], totals[k, denominator])
    return frame.assign(**columns)


def _projection(
    tables: list[pd.DataFrame], names: tuple[str, ...], combo_agents: np.ndarray, config: Config
) -> list[np.ndarray]:
    """Per queue of the block: the priority model's service level for the scheduled
    agents (:func:`staffplan.block_projection.block_service_levels`)."""
    demand = pd.concat(
        [
            pd.DataFrame(
                {
                    "queue": name,
                    "interval_start": t["interval_start"],
                    "offered": t["volume"],
                    "aht_s": t["aht_s"] if "aht_s" in t else config.queue(name).aht_s,
                }
            )
            for name, t in zip(names, tables, strict=True)
        ],
        ignore_index=True,
    )
    starts = pd.DatetimeIndex(tables[0]["interval_start"])
    labels = [label for label, _ in combinations(names, config)]
    agents = pd.DataFrame(combo_agents.T, index=starts, columns=labels)
    levels = block_service_levels(demand, names, agents, config).reindex(starts)
    out = []
    for name, table in zip(names, tables, strict=True):
        column = f"service_level_{name}" if len(names) > 1 else "service_level"
        volume = table["volume"].to_numpy(float)
        out.append(np.where(volume > 0, levels[column].to_numpy(), np.nan))
    return out
