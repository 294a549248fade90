"""The re-planning MILP: how often each candidate change is taken, at least cost.

Columns: one per change (0/1; extra shifts 0..n) and the agents left short per short
interval at ``shifts.understaffing_penalty`` each. Rows: cover per queue and short interval;
one overtime span per shift end (or one move); the rest between a named agent's shifts
and the overtime allowance; on-call agents' one activation a day, rest and weekly hours;
extra shifts per queue and day within the agents free to take them.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import sparse

from staffplan.config import Config
from staffplan.config.shifts import RulesConfig
from staffplan.config.team import SurgeConfig, TeamConfig
from staffplan.milp import Columns, Rows, solve_milp
from staffplan.replan._naming import free_agents
from staffplan.replan._options import Option
from staffplan.roster.need import Pools

_REPLAN_GAP = 1e-3  # within 0.1 % of the cheapest re-plan: seconds, even for big gaps
_REPLAN_TIME_LIMIT_S = 300.0  # a safety net without a team: section


class ReplanModel:
    """The re-planning MILP: option counts and uncovered agents per short interval."""

    def __init__(
        self,
        options: list[Option],
        adds: sparse.csc_array,
        base: pd.DataFrame,
        pools: Pools,
        present: dict[str, np.ndarray],
        config: Config,
        team: TeamConfig | None,
    ) -> None:
        self.options, self.adds, self.base, self.team = options, adds, base, team
        self.rules: RulesConfig = config.shifts.rules
        self.surge = team.surge if team is not None else SurgeConfig()
        self.time_limit_s = team.time_limit_s if team is not None else _REPLAN_TIME_LIMIT_S
        self.columns, self.rows = Columns(), Rows()
        for option in options:
            many = option.kind == "extra_shift"
            self.columns.new(option.cost, upper=np.inf if many else 1.0)
        self._coverage(pools, present, config.shifts.understaffing_penalty)
        self._per_shift()
        self._rest_and_overtime()
        self._on_call()
        self._extra_caps()

    def solve(self) -> np.ndarray:
        """How many times each option is taken (0/1; extra shifts 0..n)."""
        if not self.options:
            return np.zeros(0)
        solution = solve_milp(
            self.columns, self.rows, mip_gap=_REPLAN_GAP, time_limit_s=self.time_limit_s
        )
        return np.round(solution.values[: len(self.options)]).astype(int)

    def _coverage(self, pools: Pools, present: dict[str, np.ndarray], penalty: float) -> None:
        rows = sparse.csr_array(self.adds)
        for pool in sorted(present):
            members = np.array([o.pool == pool for o in self.options], dtype=bool)
            need = pools.required[pool] - present[pool]
            block = rows[:, np.flatnonzero(members)] if members.any() else None
            negative = np.zeros(len(need), dtype=bool)
            if block is not None:
                negative = np.asarray((block < 0).sum(axis=1)).ravel() > 0
            for t in np.flatnonzero((need > 1e-9) | negative):
                cols, vals = _row_entries(block, t, np.flatnonzero(members))
                short = self.columns.new(penalty, upper=np.inf, integer=False)
                self.rows.add([*cols, short], [*vals, 1.0], float(need[t]), np.inf)

    def _per_shift(self) -> None:
        by_base: dict[int, dict[str, list[int]]] = {}
        for i, option in enumerate(self.options):
            if option.base >= 0:
                by_base.setdefault(option.base, {}).setdefault(option.kind, []).append(i)
        for kinds in by_base.values():
            moves = kinds.get("move", [])
            for side in ("overtime_before", "overtime_after"):
                if moves or kinds.get(side):
                    self.rows.add(moves + kinds.get(side, []), 1.0, -np.inf, 1.0)

    def _rest_and_overtime(self) -> None:
        """Named agents: rest between consecutive shifts stays at least ``min_rest_hours``;
        overtime stays within ``surge.max_overtime_hours_per_week``."""
        named = self.base[self.base["agent"] != ""]
        for name, rows in named.groupby("agent", sort=True):
            rows = rows.sort_values("start", kind="stable")
            order = list(rows.index)
            for first, second in itertools.pairwise(order):
                slack = (
                    self.base.at[second, "start"] - self.base.at[first, "end"]
                ).total_seconds() / 60
                slack -= self.rules.min_rest_hours * 60
                cols, vals = [], []
                for i, option in enumerate(self.options):
                    if option.base == first and option.push_end_min > 0:
                        cols.append(i), vals.append(option.push_end_min)
                    if option.base == second and option.pull_start_min > 0:
                        cols.append(i), vals.append(option.pull_start_min)
                if cols:
                    self.rows.add(cols, vals, -np.inf, max(slack, 0.0))
            extra = [
                i
                for i, o in enumerate(self.options)
                if o.agent == name and o.kind.startswith("overtime")
            ]
            if extra:
                hours = [self.options[i].hours for i in extra]
                self.rows.add(extra, hours, -np.inf, self.surge.max_overtime_hours_per_week)

    def _on_call(self) -> None:
        """On-call agents: one activation a day, rest between days, weekly hours."""
        if self.team is None:
            return
        rest = pd.Timedelta(hours=self.rules.min_rest_hours)
        for agent in (a for a in self.team.agents if a.on_call):
            mine = [
                i
                for i, o in enumerate(self.options)
                if o.kind == "on_call" and o.agent == agent.name
            ]
            if not mine:
                continue
            by_day: dict[object, list[int]] = {}
            for i in mine:
                by_day.setdefault(self.options[i].start.date(), []).append(i)
            for day in sorted(by_day):
                self.rows.add(by_day[day], 1.0, -np.inf, 1.0)
            self._rest_cliques(by_day, rest)
            hours = [self.options[i].hours for i in mine]
            self.rows.add(mine, hours, -np.inf, float(self.rules.max_hours_per_week))

    def _rest_cliques(self, by_day: dict[object, list[int]], rest: pd.Timedelta) -> None:
        days = sorted(by_day)
        for d, day in enumerate(days):
            ends = sorted({self.options[i].end for i in by_day[day]})
            for later in days[d + 1 :]:
                for end in ends:
                    late = [i for i in by_day[later] if self.options[i].start < end + rest]
                    if late:
                        early = [i for i in by_day[day] if self.options[i].end >= end]
                        self.rows.add(early + late, 1.0, -np.inf, 1.0)

    def _extra_caps(self) -> None:
        """With a named baseline and a team, extra shifts per queue and day are capped by the
        agents free to take them (see :func:`free_agents`); otherwise they stay open."""
        if self.team is None or not (self.base["agent"] != "").any():
            return
        by_key: dict[tuple[str, object], list[int]] = {}
        for i, option in enumerate(self.options):
            if option.kind == "extra_shift":
                by_key.setdefault((option.pool, option.start.date()), []).append(i)
        for (pool, day), members in sorted(
            by_key.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))
        ):
            hours = min(self.options[i].hours for i in members)
            free = free_agents(self.base, self.team, self.rules, self.surge, pool, day, hours)
            self.rows.add(members, 1.0, -np.inf, float(len(free)))


def _row_entries(
    block: sparse.csr_array | None, t: int, members: np.ndarray
) -> tuple[list[int], list[float]]:
    if block is None:
        return [], []
    row = block[[t], :].tocoo()
    return [int(members[c]) for c in row.col], [float(v) for v in row.data]
