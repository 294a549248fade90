"""What scheduled agents give a block: each pool queue's and class's service level.

The one projection for shared agents, used by the coverage table
(:func:`with_block_coverage`) and the simulation's ``erlang_service_level``: the priority
model of :mod:`staffplan.erlang.priority` for queues with classes and fully
cross-trained pools, the seeded simulation of :mod:`staffplan.skill_pools` for partly
cross-trained ones.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from staffplan.config import Config
from staffplan.config.names import POOLED_SEPARATOR
from staffplan.config.pools import pool_of
from staffplan.erlang.priority import stream_metrics
from staffplan.priority_staffing import block_system, blocks


def block_service_levels(
    requirements: pd.DataFrame, names: tuple[str, ...], agents: pd.DataFrame, config: Config
) -> pd.DataFrame:
    """What whole scheduled ``agents`` on a block give, per interval: ``service_level``
    (volume-weighted over the block), ``service_level_<queue>`` for each queue of a pool
    and ``service_level_<class>`` for each class. ``agents`` has one row per
    ``interval_start`` and one column per skill combination label (:func:`combinations`);
    a partly cross-trained pool is simulated (:mod:`staffplan.skill_pools`). Needs the
    requirements' ``offered`` (or ``volume``) and ``aht_s``."""
    rows = requirements[requirements["queue"].astype(str).isin(names)]
    rows = rows.drop(columns="scenario", errors="ignore")
    volume = "offered" if "offered" in rows.columns else "volume"
    offered = rows[volume].to_numpy(float)
    group_index, streams, system, _ = block_system(
        rows, offered, rows["aht_s"].to_numpy(float), names, config
    )
    starts = pd.DatetimeIndex(rows["interval_start"])
    first = pd.Series(np.arange(len(rows))).groupby(group_index).first().to_numpy()
    start_of_group = starts[first]
    slots = config.queue(names[0]).concurrency
    combos = combinations(names, config)
    staffed = agents.reindex(index=start_of_group, columns=[c for c, _ in combos]).fillna(0.0)
    whole = np.floor(staffed.to_numpy(float) + 1e-9)
    pool = pool_of(config, names[0])
    if pool is not None and pool.skill_mix:
        from staffplan import skill_pools  # see _size_block

        sl = skill_pools.simulated_levels(
            system,
            whole * slots,
            np.array([[n in skills for n in names] for _, skills in combos]),
            np.array([names.index(s.queue.name) for s in streams]),
            zlib.crc32(pool.label.encode("utf-8")),
        )[0]
    else:
        sl = stream_metrics(whole.sum(axis=1) * slots, system).service_level
    out = {"service_level": _weighted(sl, system.volume)}
    if len(names) > 1:
        for name in names:
            cols = [j for j, s in enumerate(streams) if s.queue.name == name]
            out[f"service_level_{name}"] = _weighted(sl[:, cols], system.volume[:, cols])
    for j, s in enumerate(streams):
        if s.name is not None:
            out[f"service_level_{s.name}"] = sl[:, j]
    return pd.DataFrame(out, index=start_of_group)


def combinations(names: tuple[str, ...], config: Config) -> list[tuple[str, tuple[str, ...]]]:
    """(schedule label, skills) of each skill combination of a block: one for a queue
    with classes or a fully cross-trained pool, one per ``skill_mix`` entry else."""
    pool = pool_of(config, names[0])
    if pool is None:
        return [(names[0], names)]
    return [(POOLED_SEPARATOR.join(skills), skills) for skills, _ in pool.combinations()]


def _weighted(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    weight = np.where(weight.sum(axis=1, keepdims=True) > 0, weight, 1.0)
    return (values * weight).sum(axis=1) / weight.sum(axis=1)


def with_block_coverage(coverage: pd.DataFrame, requirements: pd.DataFrame, config: Config):
    """The coverage table with each block's rows projected from its scheduled agents
    (:func:`block_service_levels`): every row of a pool (each skill combination's) gets
    the pool's service level and one ``service_level_<queue>`` column per queue, a queue
    with classes one ``service_level_<class>`` per class."""
    volume = "offered" if "offered" in requirements.columns else "volume"
    if "aht_s" not in requirements.columns or volume not in requirements.columns:
        return coverage
    out = coverage
    labels = coverage["queue"].astype(str).to_numpy()
    for names in blocks(config):
        combos = [label for label, _ in combinations(names, config)]
        mine = np.flatnonzero(np.isin(labels, combos))
        if mine.size == 0:
            continue
        agents = coverage.iloc[mine].pivot_table(
            index="interval_start", columns="queue", values="scheduled", aggfunc="sum"
        )
        levels = block_service_levels(requirements, names, agents, config)
        found = levels.reindex(pd.DatetimeIndex(coverage["interval_start"].iloc[mine]))
        if out is coverage:
            out = coverage.copy()
        for column in levels.columns:
            if column not in out.columns:
                out[column] = np.nan
            out.loc[out.index[mine], column] = found[column].to_numpy()
    return out
