"""The candidate changes of a re-plan and the agents each adds, interval by interval.

Overtime extends a baseline shift at either end by whole intervals, up to
``surge.max_extension_hours``; extra short shifts (in a queue that is short; the agent
is named later) and on-call activations (per on-call agent and queue it may work) start
every ``surge.extra_shift_start_every_min``; with ``allow_moves`` a baseline shift may
start up to ``surge.max_move_hours`` earlier or later. Costs are in paid-hour units.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import sparse

from staffplan.config import Config
from staffplan.config.team import AgentConfig, SurgeConfig, TeamConfig
from staffplan.roster.need import Pools, presence_matrix
from staffplan.tables.breaks import clock_text, row_breaks


@dataclasses.dataclass(frozen=True)
class Option:
    """One possible change. ``push_end_min``/``pull_start_min``: how much later the base
    shift then ends / earlier it starts (for the rest rule); ``base`` is its baseline row.
    ``breaks`` are clock text, ``break_offsets`` the same breaks as minutes after the
    start (``break_offsets_min``, what counts on a DST day)."""

    kind: str
    pool: str
    start: pd.Timestamp
    end: pd.Timestamp
    cost: float
    base: int = -1
    agent: str = ""
    breaks: str = ""
    break_offsets: str = ""
    push_end_min: float = 0.0
    pull_start_min: float = 0.0

    @property
    def hours(self) -> float:
        """Elapsed hours of the added span (for a move: 0, the shift keeps its length)."""
        if self.kind == "move":
            return 0.0
        return (self.end - self.start).total_seconds() / 3600


def candidate_options(
    base: pd.DataFrame,
    pools: Pools,
    gap: dict[str, np.ndarray],
    config: Config,
    team: TeamConfig | None,
    surge: SurgeConfig,
    allow_moves: bool,
) -> list[Option]:
    """Every candidate change (see the module doc); ``gap`` is agents short per block."""
    options = _overtime(base, config, surge)
    options += _short_shifts(pools, gap, surge, "extra_shift", surge.extra_shift_lengths_min)
    if team is not None:
        for agent in (a for a in team.agents if a.on_call):
            options += _on_call(agent, pools, gap, surge)
    if allow_moves:
        options += _moves(base, config, surge)
    return options


def _cost_per_hour(base: pd.DataFrame, config: Config) -> np.ndarray:
    rates = {t.name: t.cost_per_hour for t in config.shifts.templates}
    return np.array([rates.get(t, 1.0) for t in base["template"]])


def _overtime(base: pd.DataFrame, config: Config, surge: SurgeConfig) -> list[Option]:
    step = pd.Timedelta(minutes=config.interval_min)
    steps = int(surge.max_extension_hours * 60 // config.interval_min)
    rates = _cost_per_hour(base, config) * surge.overtime_premium
    out = []
    for i, row in enumerate(base.itertuples(index=False)):
        for k in range(1, steps + 1):
            hours = k * config.interval_min / 60
            common = {"pool": row.pool, "cost": hours * rates[i], "base": i, "agent": row.agent}
            out.append(
                Option(
                    "overtime_before",
                    start=row.start - k * step,
                    end=row.start,
                    pull_start_min=hours * 60,
                    **common,
                )
            )
            out.append(
                Option(
                    "overtime_after",
                    start=row.end,
                    end=row.end + k * step,
                    push_end_min=hours * 60,
                    **common,
                )
            )
    return out


def _starts(pools: Pools, every_min: int, length_min: int) -> list[pd.Timestamp]:
    starts = pools.grid.starts
    last = starts[-1] + pd.Timedelta(minutes=pools.grid.interval_min - length_min)
    clock = starts.hour * 60 + starts.minute
    return [t for t, c in zip(starts, clock, strict=True) if c % every_min == 0 and t <= last]


def _short_shifts(
    pools: Pools,
    gap: dict[str, np.ndarray],
    surge: SurgeConfig,
    kind: str,
    lengths: tuple[int, ...],
) -> list[Option]:
    out = []
    for pool, short in gap.items():
        if not short.any():
            continue
        for length in lengths:
            hours = length / 60
            for start in _starts(pools, surge.extra_shift_start_every_min, length):
                end = start + pd.Timedelta(minutes=length)
                out.append(Option(kind, pool, start, end, hours * surge.extra_shift_cost_per_hour))
    return out


def _on_call(
    agent: AgentConfig, pools: Pools, gap: dict[str, np.ndarray], surge: SurgeConfig
) -> list[Option]:
    out = []
    for pool in gap:
        if not agent.can_work(pool):
            continue
        for length in surge.on_call_lengths_min:
            hours = length / 60
            cost = surge.on_call_activation_cost + hours * surge.on_call_cost_per_hour
            for start in _starts(pools, surge.extra_shift_start_every_min, length):
                if agent.unavailable_on(start.date()):
                    continue
                end = start + pd.Timedelta(minutes=length)
                out.append(Option("on_call", pool, start, end, cost, agent=agent.name))
    return out


def _moves(base: pd.DataFrame, config: Config, surge: SurgeConfig) -> list[Option]:
    steps = int(surge.max_move_hours * 60 // config.interval_min)
    out = []
    for i, row in enumerate(base.itertuples(index=False)):
        for k in [*range(-steps, 0), *range(1, steps + 1)]:
            delta = pd.Timedelta(minutes=k * config.interval_min)
            minutes = k * config.interval_min
            out.append(
                Option(
                    "move",
                    row.pool,
                    row.start + delta,
                    row.end + delta,
                    surge.move_cost,
                    base=i,
                    agent=row.agent,
                    breaks=_moved_breaks(row, delta),
                    break_offsets=row.break_offsets_min,
                    push_end_min=max(minutes, 0),
                    pull_start_min=max(-minutes, 0),
                )
            )
    return out


def _moved_breaks(row: object, delta: pd.Timedelta) -> str:
    """The clock text of ``row``'s breaks when the shift moves by ``delta`` (elapsed)."""
    return clock_text([(a + delta, b + delta) for a, b in row_breaks(row)])


def useful_options(
    options: list[Option], base: pd.DataFrame, pools: Pools, gap: dict[str, np.ndarray]
) -> tuple[list[Option], sparse.csc_array]:
    """The options that add agents where some are short, and grid × option agents added
    (for a move: its new span minus its old one)."""
    adds = _span_presence(options, pools)
    moved = np.array([i for i, o in enumerate(options) if o.kind == "move"], dtype=np.int64)
    if moved.size:
        old = sparse.coo_array(
            _span_presence([_as_option(base, options[i].base) for i in moved], pools)
        )
        placed = sparse.csc_array((old.data, (old.row, moved[old.col])), shape=adds.shape)
        adds = sparse.csc_array(adds - placed)
    gain = np.zeros(len(options))
    for pool, short in gap.items():
        members = np.array([o.pool == pool for o in options], dtype=bool)
        gain[members] = (adds.T @ (short > 1e-9).astype(float))[members]
    keep = np.flatnonzero(gain > 1e-9)
    return [options[i] for i in keep], sparse.csc_array(adds[:, keep])


def _as_option(base: pd.DataFrame, i: int) -> Option:
    row = base.iloc[i]
    return Option(
        "base",
        row["pool"],
        row["start"],
        row["end"],
        0.0,
        breaks=row["breaks"],
        break_offsets=row["break_offsets_min"],
    )


def _span_presence(options: list[Option], pools: Pools) -> sparse.csc_array:
    matrix = presence_matrix(
        [o.start for o in options],
        [o.end for o in options],
        [o.breaks for o in options],
        pools.grid,
        [o.break_offsets for o in options],
    )
    return sparse.csc_array(matrix)
