"""Tier-2 escalation: a share of what a tier-1 queue answers reaches a specialist queue.

``queues[].escalation: {to, share, delay_min, aht_s}``: of the contacts the queue answers
in an interval, ``share`` arrive at queue ``to`` ``delay_min`` minutes later, each taking
``aht_s`` seconds there. The demand is generated interval by interval from what tier 1
answers (after deflection, so deflecting a reason lowers what escalates), never typed in.
The horizon is one turn of a repeating pattern, as in the backlog model: what tier 1
answers near the end of the horizon escalates into its start, so a week's tier-2 volume
is exactly ``share`` × tier 1's answered volume. A delay that is not a whole number of
intervals splits each interval's escalations over the two intervals it straddles.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.tables.schema import columns

if TYPE_CHECKING:
    from staffplan.config import Config, QueueConfig


def tiers(config: Config) -> list[list[QueueConfig]]:
    """The queues in escalation order: the first list escalates from nobody; each later
    list only receives from earlier ones (config order within a list)."""
    source = {q.escalation.to: [] for q in config.queues if q.escalation is not None}
    for q in config.queues:
        if q.escalation is not None:
            source[q.escalation.to].append(q.name)
    depth: dict[str, int] = {}

    def level(name: str) -> int:
        if name not in depth:
            depth[name] = 1 + max((level(s) for s in source.get(name, [])), default=-1)
        return depth[name]

    levels: list[list[QueueConfig]] = []
    for q in config.queues:
        d = level(q.name)
        levels.extend([] for _ in range(d + 1 - len(levels)))
        levels[d].append(q)
    return levels


def escalated_contacts(
    answered: np.ndarray, share: float, delay_min: float, interval_min: int
) -> np.ndarray:
    """Contacts reaching tier 2 per interval: ``share`` × ``answered`` (tier 1's answered
    contacts per interval), ``delay_min`` minutes later, wrapping around the horizon."""
    steps = delay_min / interval_min
    whole = int(np.floor(steps))
    part = steps - whole
    moved = share * np.asarray(answered, dtype=float)
    return (1.0 - part) * np.roll(moved, whole) + part * np.roll(moved, whole + 1)


def escalation_aht_s(queue: QueueConfig, config: Config) -> float:
    """Handle time (s) at the tier-2 queue of one contact escalated from ``queue``."""
    assert queue.escalation is not None
    own = queue.escalation.aht_s
    return own if own is not None else config.queue(queue.escalation.to).aht_s


def receiver_sources(present: set[str], config: Config) -> dict[str, str]:
    """For each queue that only receives escalations (not in ``present``, the queues with
    rows of their own): the tier-1 queue in ``present`` whose intervals it takes (the
    first in config order)."""
    sources: dict[str, str] = {}
    for queue in config.queues:
        escalation = queue.escalation
        if escalation is None or queue.name not in present:
            continue
        if escalation.to not in present and escalation.to not in sources:
            sources[escalation.to] = queue.name
    return sources


def with_receiver_rows(rows: pd.DataFrame, config: Config) -> pd.DataFrame:
    """``rows`` plus, for each queue that only receives escalations (no rows of its own),
    the intervals of its first tier-1 queue with no contacts of its own."""
    sources = receiver_sources(set(rows["queue"]), config)
    added = [_blank_rows(rows[rows["queue"] == s], r) for r, s in sources.items()]
    return pd.concat([rows, *added], ignore_index=True) if added else rows


def _blank_rows(template: pd.DataFrame, receiver: str) -> pd.DataFrame:
    """The rows of ``template`` (a tier-1 queue's) as ``receiver``'s, with no contacts."""
    contract = set(columns("deflection"))
    numbers = [c for c in template.columns if c not in ("interval_start", "peak")]
    numbers = [c for c in numbers if pd.api.types.is_numeric_dtype(template[c])]
    # the demand table's counts are 0; a tier-1 queue's own extras (its classes'
    # offered_<class>, ...) mean nothing for tier 2 and stay empty, read or in memory
    extras = [c for c in template.columns if c not in contract and c != "queue"]
    extras = [c for c in extras if c in numbers or template[c].eq("").all()]
    zeros = dict.fromkeys([c for c in numbers if c in contract], 0.0)
    blank = template.assign(queue=receiver, **zeros, **dict.fromkeys(extras, np.nan))
    if "aht_s" in blank:
        blank["aht_s"] = np.nan
    if "peak" in blank:
        blank["peak"] = False
    return blank


def scaled_escalation(config: Config, scale: float) -> Config:
    """``config`` with every ``escalation.share`` multiplied by ``scale`` (at most 1)."""
    if scale == 1.0:
        return config
    queues = tuple(
        q
        if q.escalation is None
        else dataclasses.replace(
            q,
            escalation=dataclasses.replace(
                q.escalation, share=min(1.0, q.escalation.share * scale)
            ),
        )
        for q in config.queues
    )
    return dataclasses.replace(config, queues=queues)


def own_demand(
    queues: np.ndarray,
    offered: np.ndarray,
    aht_s: np.ndarray,
    escalated: np.ndarray,
    config: Config,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a requirements table: the contacts of the queue's own (``offered`` less
    ``escalated``) and their handle time (s), taking the escalated contacts' handle time
    out of the row's mean ``aht_s`` (the mean over the queue's tier-1 sources when
    several escalate to it), so a table with escalations can be sized or simulated again
    without counting them twice."""
    escalated = np.nan_to_num(np.asarray(escalated, dtype=float))
    own = np.maximum(offered - escalated, 0.0)
    each = {}
    for queue in config.queues:
        if queue.escalation is not None:
            each.setdefault(queue.escalation.to, []).append(escalation_aht_s(queue, config))
    escalated_aht_s = np.array([np.mean(each.get(str(q), [0.0])) for q in queues])
    work = offered * aht_s - escalated * escalated_aht_s
    own_aht_s = np.divide(work, own, out=np.asarray(aht_s, dtype=float).copy(), where=own > 0)
    return own, np.maximum(own_aht_s, 1e-9)
