"""Shared-agent pools: queues whose agents are cross-trained and take each other's work.

``pools: [{name: tier1, queues: [wallet_phone, phone_zh]}]`` says every agent rostered on
the pool has all of its queues' skills: staffing sizes the pool for every queue's target
at once, ``schedule`` covers it with one block of shifts labelled by the queues joined by
``+`` (``wallet_phone+phone_zh``), and ``roster`` gives those shifts only to agents with
every one of the skills. ``shifts.shared_queues: true`` (the older switch) is read as
one pool of all the queues, named ``shared_queues``.

A partly cross-trained pool gives ``skill_mix: {a+b: 0.5, a: 0.3, b: 0.2}``: that share
of its agents takes exactly those queues (a combination is named by its queues joined by
``+``, like the schedule's labels). Its schedule has one block per combination
(``a+b``, ``a``, ``b``) covering the pool's agents times the share, so ``roster`` puts
on each only agents with those skills; staffing and the coverage projection simulate the pool (see
:mod:`staffplan.skill_pools`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from staffplan.config.fields import Invalid, closest
from staffplan.config.names import POOLED_SEPARATOR, check_name, shown

if TYPE_CHECKING:
    from staffplan.config.model import Config

SHARED_QUEUES_POOL = "shared_queues"


@dataclasses.dataclass(frozen=True)
class PoolConfig:
    """A pool: its ``name``, the ``queues`` its agents take (two or more) and, for a
    partly cross-trained pool, the ``skill_mix``: the share of its agents on each
    combination of its queues (empty: every agent takes every queue)."""

    name: str
    queues: tuple[str, ...]
    skill_mix: dict[str, float] | None = None

    def __post_init__(self) -> None:
        check_name(self.name, "name", "pool")
        if len(self.queues) < 2:
            raise Invalid("queues", "list two or more queues; a pool of one queue is the queue")
        for i, queue in enumerate(self.queues):
            if queue in self.queues[:i]:
                raise Invalid(f"queues[{i}]", f"queue {queue!r} is listed twice in the pool")
        _check_mix(self.skill_mix, self.queues)

    @property
    def label(self) -> str:
        """The schedule block and shift ``queue`` label: the queues joined by ``+``."""
        return POOLED_SEPARATOR.join(self.queues)

    def combinations(self) -> list[tuple[tuple[str, ...], float]]:
        """(queues in pool order, share of the agents) per skill combination: the mix, or
        one combination of every queue for a fully cross-trained pool."""
        if not self.skill_mix:
            return [(self.queues, 1.0)]
        return [
            (tuple(q for q in self.queues if q in label.split(POOLED_SEPARATOR)), share)
            for label, share in self.skill_mix.items()
        ]


def _check_mix(mix: Mapping[str, float] | None, queues: tuple[str, ...]) -> None:
    if not mix:
        return
    seen: list[frozenset[str]] = []
    for label, part in mix.items():
        skills = label.split(POOLED_SEPARATOR)
        for queue in skills:
            if queue not in queues:
                raise Invalid(
                    f"skill_mix.{label}",
                    f"queue {shown(queue)} is not in the pool's queues ({', '.join(queues)}); "
                    "name a combination by its queues joined by +",
                )
        if frozenset(skills) in seen or len(set(skills)) < len(skills):
            raise Invalid(f"skill_mix.{label}", "this combination of skills is listed twice")
        seen.append(frozenset(skills))
        if not 0.0 <= part <= 1.0:
            raise Invalid(f"skill_mix.{label}", f"{part:g} is not a share between 0 and 1")
    total = sum(mix.values())
    if abs(total - 1.0) > 1e-6:
        raise Invalid("skill_mix", f"the shares add up to {total:g}, not 1")
    for queue in queues:
        if not any(queue in label.split(POOLED_SEPARATOR) for label, v in mix.items() if v > 0):
            raise Invalid("skill_mix", f"no agent of the mix takes queue {queue!r}; add it to one")


def shared_queues_pool(
    shifts: Any, queues: list[str], pools: tuple[PoolConfig, ...]
) -> tuple[PoolConfig, ...]:
    """The config's pools: ``pools``, or the one pool ``shifts.shared_queues: true`` stands
    for (every queue); both at once is refused."""
    if shifts is None or not shifts.shared_queues:
        return pools
    if pools:
        raise Invalid(
            "shifts.shared_queues",
            "pools: already lists the pools; drop shared_queues (it means one pool of every "
            "queue) or list that pool under pools:",
        )
    if len(queues) < 2:
        return ()
    return (PoolConfig(SHARED_QUEUES_POOL, tuple(queues)),)


def block_shares(config: Config) -> dict[str, list[tuple[str, float]]]:
    """Per queue: the schedule blocks its agents are covered in, with the share of them
    each takes: itself; its pool's label; or, in a partly cross-trained pool, each skill
    combination's label (``a+b``, ``a``) with the combination's share of the agents."""
    shares = {q.name: [(q.name, 1.0)] for q in config.queues}
    for pool in config.pools:
        parts = [(POOLED_SEPARATOR.join(q), share) for q, share in pool.combinations()]
        shares.update({queue: parts for queue in pool.queues})
    return shares


def pool_of(config: Config, queue: str) -> PoolConfig | None:
    """The pool ``queue`` is in, or None."""
    return next((p for p in config.pools if queue in p.queues), None)


def check_pools(config: Config) -> None:
    """Pools name known queues, each queue in one pool, with one concurrency, and (with a
    team) at least one rosterable agent who has every skill of the pool."""
    known = {q.name: q for q in config.queues}
    seen: dict[str, str] = {}
    for i, pool in enumerate(config.pools):
        key = f"pools[{i}]"
        if pool.name in [p.name for p in config.pools[:i]]:
            raise Invalid(f"{key}.name", f"pool {pool.name!r} is listed twice")
        for j, queue in enumerate(pool.queues):
            if queue not in known:
                hint = closest(queue, known)
                advice = f"did you mean {hint!r}?" if hint else "fix the name or add the queue"
                raise Invalid(
                    f"{key}.queues[{j}]", f"queue {shown(queue)} is not in queues:; {advice}"
                )
            if queue in seen:
                raise Invalid(
                    f"{key}.queues[{j}]",
                    f"queue {queue!r} is already in pool {seen[queue]!r}; a queue is in one pool",
                )
            seen[queue] = pool.name
        if len({known[q].concurrency for q in pool.queues}) > 1:
            raise Invalid(
                f"{key}.queues",
                "its queues have different concurrency; pool queues whose agents take the "
                "same number of contacts at once (e.g. phone with phone)",
            )
        team = config.team
        for skills, _ in pool.combinations() if team is not None else ():
            label = POOLED_SEPARATOR.join(skills)
            if not any(a.can_work(label) for a in team.agents if not a.on_call):
                what = "every skill" if skills == pool.queues else f"the skills {label!r}"
                raise Invalid(
                    key,
                    f"no agent in team.agents has {what} of pool {pool.name!r} "
                    f"({', '.join(skills)}); add those queues to some agents' queues",
                )
