"""Shared-agent pools: queues whose agents are cross-trained and take each other's work.

``pools: [{name: tier1, queues: [wallet_phone, phone_zh]}]`` says every agent rostered on
the pool has all of its queues' skills: staffing sizes the pool for every queue's target
at once, ``schedule`` covers it with one block of shifts labelled by the queues joined by
``+`` (``wallet_phone+phone_zh``), and ``roster`` gives those shifts only to agents with
every one of the skills. ``shifts.shared_queues: true`` (the older switch) is read as
one pool of all the queues, named ``shared_queues``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from staffplan.config.fields import Invalid, closest
from staffplan.config.names import POOLED_SEPARATOR, check_name, shown

if TYPE_CHECKING:
    from staffplan.config.model import Config

SHARED_QUEUES_POOL = "shared_queues"


@dataclasses.dataclass(frozen=True)
class PoolConfig:
    """A pool: its ``name`` and the ``queues`` its agents all take (two or more)."""

    name: str
    queues: tuple[str, ...]

    def __post_init__(self) -> None:
        check_name(self.name, "name", "pool")
        if len(self.queues) < 2:
            raise Invalid("queues", "list two or more queues; a pool of one queue is the queue")
        for i, queue in enumerate(self.queues):
            if queue in self.queues[:i]:
                raise Invalid(f"queues[{i}]", f"queue {queue!r} is listed twice in the pool")

    @property
    def label(self) -> str:
        """The schedule block and shift ``queue`` label: the queues joined by ``+``."""
        return POOLED_SEPARATOR.join(self.queues)


def shared_queues_pool(shifts: Any, queues: list[str]) -> tuple[PoolConfig, ...]:
    """The pool ``shifts.shared_queues: true`` stands for (every queue), or none."""
    if shifts is None or not shifts.shared_queues or len(queues) < 2:
        return ()
    return (PoolConfig(SHARED_QUEUES_POOL, tuple(queues)),)


def block_labels(config: Config) -> dict[str, str]:
    """Per queue: the schedule block it is covered in (its pool's label, or itself)."""
    labels = {q.name: q.name for q in config.queues}
    for pool in config.pools:
        labels.update(dict.fromkeys(pool.queues, pool.label))
    return labels


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
        if team is not None and not any(
            a.can_work(pool.label) for a in team.agents if not a.on_call
        ):
            raise Invalid(
                key,
                f"no agent in team.agents has every skill of pool {pool.name!r} "
                f"({', '.join(pool.queues)}); add those queues to some agents' queues",
            )
