"""Size the queues that share agents: priority classes within a queue, and pools.

A *block* is a pool (``pools:``) or a queue with ``classes:`` outside any pool. Each
block is sized per interval as one system of priority streams
(:mod:`staffplan.erlang.priority`): every class of every queue in it is a stream with its
share of the queue's ``offered`` contacts, its handle time (the class's ``aht_s``, else the
row's), target and the queue's patience. A queue without classes is one stream served
with the pool's worst priority (first come first served with the general contacts).

The block's agents are the fewest whole agents (computed on the pooled load, never per
queue: nothing is rounded before that last step, no agent counted twice) meeting every
stream's target, raised to the strictest occupancy cap of the block, but never more than
sizing each stream as its own queue would take (a tiny class with a tight target can be
cheaper on dedicated agents: non-preemptive sharing makes it wait for a free one; then
``method`` is ``separate``). Each queue's ``agents`` is its workload's share of the
block's agents, so a pool's rows add up to the pool's whole agents.
"""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np
import pandas as pd

from staffplan.config import Config, QueueConfig
from staffplan.config.pools import pool_of
from staffplan.erlang import required_agents, staffing_metrics
from staffplan.erlang.priority import Streams, required_servers, stream_metrics

SEPARATE = "separate"
SIMULATED = "simulated"  # a partly cross-trained pool (staffplan.skill_pools)
CLASS_COLUMNS = ("service_level", "asa_s", "abandon_rate")


@dataclasses.dataclass(frozen=True)
class Stream:
    """One class of one queue in a block (``name`` None: the whole queue)."""

    queue: QueueConfig
    name: str | None
    share: float
    priority: int
    aht_s: float | None
    service_level: float
    answer_within_s: float


def blocks(config: Config) -> list[tuple[str, ...]]:
    """The blocks as tuples of queue names: each pool, then each queue with classes."""
    pooled = [tuple(p.queues) for p in config.pools]
    inside = {q for p in config.pools for q in p.queues}
    return pooled + [(q.name,) for q in config.queues if q.classes and q.name not in inside]


def block_streams(queues: list[QueueConfig]) -> list[Stream]:
    """The streams of a block of ``queues``, in order (queue, then class)."""
    worst = max((c.priority for q in queues for c in q.classes), default=1)
    out = []
    for q in queues:
        for c in q.classes or (None,):
            target = (c.target if c is not None else None) or q.target
            out.append(
                Stream(
                    q,
                    None if c is None else c.name,
                    1.0 if c is None else c.share,
                    worst if c is None else c.priority,
                    None if c is None else c.aht_s,
                    target.service_level,
                    target.answer_within_s,
                )
            )
    return out


def size_blocks(
    rows: pd.DataFrame, offered: np.ndarray, aht_s: np.ndarray, config: Config
) -> tuple[np.ndarray, pd.DataFrame]:
    """(mask of the ``rows`` in a block, their sizing columns in ``rows`` order).

    Columns: ``workload_erlangs, agents, service_level, asa_s, occupancy, p_wait,
    abandon_rate, method`` and ``<measure>_<class>`` for queues with classes; the queue's
    service level, ASA and abandonment are its classes' volume-weighted means.
    """
    queue = rows["queue"].astype(str).to_numpy()
    mask = np.zeros(len(rows), dtype=bool)
    parts = []
    for names in blocks(config):
        members = np.flatnonzero(np.isin(queue, names))
        if members.size == 0:
            continue
        mask[members] = True
        parts.append(
            _size_block(rows.iloc[members], offered[members], aht_s[members], names, config)
        )
    if not parts:
        return mask, pd.DataFrame(index=rows.index[:0])
    out = pd.concat(parts).sort_index()
    return mask, out


def block_system(
    rows: pd.DataFrame,
    offered: np.ndarray,
    aht_s: np.ndarray,
    names: tuple[str, ...],
    config: Config,
) -> tuple[np.ndarray, list[Stream], Streams, np.ndarray]:
    """(group of each row, streams, the block per group — one group per interval [and
    scenario] — and the targets per group and stream)."""
    keys = ["interval_start"] + (["scenario"] if "scenario" in rows.columns else [])
    group_index, groups = pd.MultiIndex.from_frame(rows[keys]).factorize()
    streams = block_streams([config.queue(n) for n in names])
    size = len(groups)
    volume, aht, within = (np.zeros((size, len(streams))) for _ in range(3))
    patience = np.full((size, len(streams)), np.inf)
    target = np.zeros((size, len(streams)))
    queue = rows["queue"].astype(str).to_numpy()
    for j, s in enumerate(streams):
        mine = queue == s.queue.name
        at = group_index[mine]
        volume[at, j] = offered[mine] * s.share
        aht[:, j] = s.aht_s or s.queue.aht_s
        if s.aht_s is None:
            aht[at, j] = aht_s[mine]
        _reason_mix(rows, mine, at, s, volume[:, j], aht[:, j])
        within[:, j] = s.answer_within_s
        patience[:, j] = np.inf if s.queue.patience_s is None else s.queue.patience_s
        target[:, j] = s.service_level
    ranks = np.unique([s.priority for s in streams], return_inverse=True)[1]
    system = Streams(volume, aht, within, patience, ranks, config.interval_min)
    return group_index, streams, system, target


def _reason_mix(
    rows: pd.DataFrame, mine: np.ndarray, at: np.ndarray, stream: Stream, volume, aht
) -> None:
    """Where deflection mapped contact reasons to the class (``offered_<class>`` and
    ``aht_s_<class>`` on the rows), its contacts and handle time come from them instead
    of the class share (in place, for the rows ``mine`` at groups ``at``)."""
    column = f"offered_{stream.name}"
    if stream.name is None or column not in rows.columns:
        return
    given = _class_numbers(rows[column], mine)
    known = ~np.isnan(given)
    volume[at[known]] = given[known]
    handle = _class_numbers(rows[f"aht_s_{stream.name}"], mine)
    timed = known & ~np.isnan(handle)
    aht[at[timed]] = handle[timed]


def _class_numbers(column: pd.Series, mine: np.ndarray) -> np.ndarray:
    """A per-class column on the rows ``mine`` as floats, an empty cell as NaN: read back
    from a CSV, a pool's rows of a queue without that class leave it empty (text)."""
    cells = pd.Series(column.to_numpy()[mine])
    return pd.to_numeric(cells.mask(cells.astype(str) == "")).to_numpy(float)


def _size_block(
    rows: pd.DataFrame,
    offered: np.ndarray,
    aht_s: np.ndarray,
    names: tuple[str, ...],
    config: Config,
) -> pd.DataFrame:
    group_index, streams, system, target = block_system(rows, offered, aht_s, names, config)
    queues = [config.queue(n) for n in names]
    slots = queues[0].concurrency
    cap = min(q.max_occupancy for q in queues)
    servers = required_servers(system, target)
    floor = np.ceil(system.load / (slots * cap) * (1.0 - 1e-9))
    shared = np.maximum(np.ceil(servers / slots), floor)
    pool = pool_of(config, names[0])
    if pool is not None and pool.skill_mix:
        # here, not at the top: skill_pools runs the simulation engine, whose package
        # imports the coverage stage, which imports this module
        from staffplan import skill_pools

        combos = pool.combinations()
        agents, measures = skill_pools.required_agents(
            system,
            target,
            shared,
            np.array([share for _, share in combos]),
            np.array([[n in skills for n in names] for skills, _ in combos]),
            np.array([names.index(s.queue.name) for s in streams]),
            zlib.crc32(pool.label.encode("utf-8")),
            slots,
        )
        m = stream_metrics(agents * slots, system)
        method = np.full(agents.size, SIMULATED, dtype=object)
        return _rows_frame(rows, group_index, streams, system, agents, m, measures, method)
    alone = _separate_agents(system, target, streams, slots)
    apart = alone.sum(axis=1) < shared
    agents = np.where(apart, alone.sum(axis=1), shared)
    m = stream_metrics(agents * slots, system)
    sl, asa, abandon = m.service_level, m.asa_s, m.abandon_rate
    method = np.where(apart, SEPARATE, m.method)
    if apart.any():
        sl[apart], asa[apart], abandon[apart] = _separate_metrics(
            system.rows(apart), alone[apart], slots
        )
    return _rows_frame(rows, group_index, streams, system, agents, m, (sl, asa, abandon), method)


def _separate_agents(system: Streams, target: np.ndarray, streams: list[Stream], slots: int):
    """Per group and stream: the agents each stream needs as its own queue."""
    out = np.zeros(system.volume.shape)
    for j, s in enumerate(streams):
        out[:, j] = required_agents(
            system.volume[:, j],
            system.aht_s[:, j],
            system.interval_min,
            target[:, j],
            system.answer_within_s[:, j],
            patience_s=None if s.queue.patience_s is None else system.patience_s[:, j],
            max_occupancy=s.queue.max_occupancy,
            concurrency=slots,
        )
    return out


def _separate_metrics(system: Streams, agents: np.ndarray, slots: int):
    shape = system.volume.shape
    sl, asa, abandon = np.ones(shape), np.zeros(shape), np.zeros(shape)
    for j in range(shape[1]):
        patience = system.patience_s[:, j]
        m = staffing_metrics(
            agents[:, j],
            system.volume[:, j],
            system.aht_s[:, j],
            system.interval_min,
            system.answer_within_s[:, j],
            patience_s=None if np.isinf(patience).all() else patience,
            concurrency=slots,
        )
        sl[:, j], asa[:, j], abandon[:, j] = (m[c].to_numpy() for c in CLASS_COLUMNS)
    return sl, asa, abandon


def _rows_frame(rows, group_index, streams, system, agents, m, measures, method) -> pd.DataFrame:
    queue = rows["queue"].astype(str).to_numpy()
    work = system.arrival_rate * system.aht_s
    total_work = work.sum(axis=1)
    out = pd.DataFrame(index=rows.index)
    n = len(rows)
    columns = {c: np.zeros(n) for c in ("workload_erlangs", "agents", *CLASS_COLUMNS)}
    extra: dict[str, np.ndarray] = {}
    for name in dict.fromkeys(s.queue.name for s in streams):
        mine = np.flatnonzero(queue == name)
        at = group_index[mine]
        cols = [j for j, s in enumerate(streams) if s.queue.name == name]
        own = work[np.ix_(at, cols)].sum(axis=1)
        columns["workload_erlangs"][mine] = own
        share = np.divide(
            own,
            total_work[at],
            out=np.full(at.size, 1.0 / len(set(queue))),
            where=total_work[at] > 0,
        )
        columns["agents"][mine] = agents[at] * share
        weight = system.volume[np.ix_(at, cols)]
        weight = np.where(weight.sum(axis=1, keepdims=True) > 0, weight, 1.0)
        for measure, values in zip(CLASS_COLUMNS, measures, strict=True):
            part = values[np.ix_(at, cols)]
            with np.errstate(invalid="ignore"):
                columns[measure][mine] = (part * weight).sum(axis=1) / weight.sum(axis=1)
            for k, j in enumerate(cols):
                if streams[j].name is not None:
                    extra.setdefault(f"{measure}_{streams[j].name}", np.full(n, np.nan))[mine] = (
                        part[:, k]
                    )
    for name, values in columns.items():
        out[name] = values
    out["occupancy"] = m.occupancy[group_index]
    out["p_wait"] = m.p_wait[group_index]
    out["method"] = method[group_index]
    for name, values in extra.items():
        out[name] = values
    return out


def with_shared_agents(sized: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The requirements table ``sized`` (plain Erlang sizing for every row) with the
    rows of blocks re-sized here: ``method`` and the per-class columns are added last."""
    if not blocks(config):
        return sized
    mask, block = size_blocks(
        sized, sized["offered"].to_numpy(float), sized["aht_s"].to_numpy(float), config
    )
    if not mask.any():
        return sized
    out = sized.copy()
    rows = out.index[mask]
    for column in ("workload_erlangs", "agents", *CLASS_COLUMNS, "occupancy", "p_wait"):
        out[column] = out[column].astype(float)
        out.loc[rows, column] = block[column].to_numpy()
    shrinkage = np.array([config.queue(q).shrinkage for q in out.loc[rows, "queue"]])
    out.loc[rows, "required_fte"] = out.loc[rows, "agents"].to_numpy() / (1.0 - shrinkage)
    out.loc[rows, "method"] = block["method"].to_numpy()
    for column in block.columns[list(block.columns).index("method") + 1 :]:
        out[column] = np.nan
        out.loc[rows, column] = block[column].to_numpy()
    extra = [c for c in class_columns(config) if c in out.columns]
    return out[[c for c in out.columns if c not in extra] + extra]


def class_columns(config: Config) -> list[str]:
    """The per-class columns a demand table may carry, in order: the deflection's
    ``offered_<class>, aht_s_<class>``, then the sizing's ``service_level_<class>,
    asa_s_<class>, abandon_rate_<class>``."""
    names = list(dict.fromkeys(c.name for q in config.queues for c in q.classes))
    measures = ("offered", "aht_s", *CLASS_COLUMNS)
    return [f"{m}_{n}" for n in names for m in measures[:2]] + [
        f"{m}_{n}" for m in measures[2:] for n in names
    ]
