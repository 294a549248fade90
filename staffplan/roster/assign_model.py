"""The assignment MILP: which named agent works which shift of the week.

Shifts alike for the rules (same times, paid hours, queue and template) form a *kind*.
One binary ``x[a, k]`` per agent and kind the agent may work (skill, availability, hours,
rest after last week); the agents taking a kind staff its shifts most-needed first. Hard
rows: one shift a day; rest between shifts (grouped into cliques: every pair in a row
conflicts); days, hours, consecutive working days (counting last week's run) and a block
of consecutive days off (which may start in last week's days off); optionally one start
time all week. The objective is uncovered need first (100 per needed hour), then
fairness (weekend and late shifts cost more for agents who had them recently, and more
again above an even share this week), preferences and hours below contract, and on a
re-run each shift of the week's published roster that is not kept (same agent, times and
queue). A constant offset makes the objective "what is lost", so HiGHS's relative gap is
measured against that, not against the (large) value of the covered shifts.

Solving (:func:`solve_fixing`): many agents are alike, so the full MIP spends most of its
time finding its first good roster. The LP relaxation is solved first; the binaries it
sets to 1 are fixed, and the LP solved again, for :data:`FIX_ROUNDS` rounds; the MIP of
what is left is then solved, the most fixed first. Its roster is kept when it is within
``team.mip_gap`` of the first LP's bound, which bounds the full model too; otherwise the
MIP with one round's fixings fewer is tried (fixing too much can cut the good rosters
off), and the full MIP only when none is close enough. Every step stops on deterministic
criteria, so the roster does not depend on machine load.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import numpy as np
import pandas as pd

from staffplan.config.shifts import RulesConfig
from staffplan.config.team import AgentConfig, TeamConfig
from staffplan.milp import Columns, Rows, Solution, solve_milp

NEED_WEIGHT = 100.0  # cost of one needed hour left uncovered, in paid-hour units
FIX_ROUNDS = 3  # LP solves whose binaries at 1 are fixed before the MIP of the rest
ONE = 1.0 - 1e-6  # an LP value this close to 1 counts as 1


@dataclasses.dataclass(frozen=True)
class WeekShifts:
    """The week's kinds of shift as arrays: shifts alike for the rules (same times, paid
    hours, queue, template; breaks may differ) form one kind, which keeps the model small.
    ``need_sorted[k]`` holds the need of each shift of kind ``k``, largest first."""

    start: list[pd.Timestamp]
    end: list[pd.Timestamp]
    day: np.ndarray  # 0 = Monday of the week; -1 outside the week
    paid_hours: np.ndarray
    clock_min: np.ndarray  # start, minutes after local midnight
    queue: list[str]
    template: list[str]
    unsocial: np.ndarray  # weekend + late, 0..2
    need_sorted: tuple[np.ndarray, ...]

    @property
    def count(self) -> np.ndarray:
        """Shifts of each kind."""
        return np.array([len(n) for n in self.need_sorted])

    @functools.cached_property
    def start_ns(self) -> np.ndarray:
        """Starts as nanoseconds since the epoch."""
        return np.array([t.value for t in self.start], dtype=np.int64)

    @functools.cached_property
    def end_ns(self) -> np.ndarray:
        """Ends as nanoseconds since the epoch."""
        return np.array([t.value for t in self.end], dtype=np.int64)


ShiftKey = tuple[int, int, str]  # start and end (ns since the epoch), queue


@dataclasses.dataclass(frozen=True)
class CarryIn:
    """Where an agent stands on Monday: the end of the last shift, the days worked in a row
    and the days off in a row up to Sunday (a block of days off may start last week)."""

    last_end: pd.Timestamp | None = None
    days_in_row: int = 0
    days_off_before: int = 7  # no roster shows a shift: rested


def solve_assignment(
    week: WeekShifts,
    team: TeamConfig,
    rules: RulesConfig,
    carry: dict[str, CarryIn],
    load: dict[str, float],
    published: dict[str, set[ShiftKey]] | None = None,
) -> tuple[list[tuple[str, int]], bool]:
    """The best ``(agent name, kind of shift)`` pairs (agent then kind order) within
    ``team.mip_gap``, and whether the time limit cut the search short.

    ``published`` holds, per agent, the shifts of the roster already published for this
    week; each one not kept costs ``team.weights.stability``.
    """
    published = published or {}
    agents = team.rostered()
    variables, rows = Columns(), Rows()
    share = np.ceil(float(week.unsocial @ week.count) / max(len(agents), 1))
    pairs: list[tuple[str, int, int]] = []
    by_shift: dict[int, list[int]] = {}
    for agent in agents:
        weight = team.weights.fairness * (1.0 + load.get(agent.name, 0.0))
        chosen = _eligible(agent, week, team, rules, carry.get(agent.name, CarryIn()))
        cols = {}
        mine = published.get(agent.name, set())
        for s in chosen:
            cost = weight * week.unsocial[s] + team.weights.preference * _misses(agent, week, s)
            if (week.start_ns[s], week.end_ns[s], week.queue[s]) in mine:
                cost -= team.weights.stability  # kept: the offset below charged it
            cols[s] = variables.new(cost)
            pairs.append((agent.name, s, cols[s]))
            by_shift.setdefault(s, []).append(cols[s])
        _agent_rows(
            agent, cols, week, team, rules, carry.get(agent.name, CarryIn()), variables, rows
        )
        _spread_row(cols, week, share, team.weights.fairness, variables, rows)
    for s in sorted(by_shift):
        _staffed_rows(by_shift[s], week.need_sorted[s], variables, rows)
    # A fixed column carries the constant: the objective becomes need lost plus penalties,
    # every published shift counted as moved until a kept pair takes its charge back.
    lost = NEED_WEIGHT * float(sum(n.sum() for n in week.need_sorted))
    lost += team.weights.stability * sum(len(keys) for keys in published.values())
    variables.new(lost, lower=1.0, upper=1.0, integer=False)
    solution = solve_fixing(variables, rows, mip_gap=team.mip_gap, time_limit_s=team.time_limit_s)
    chosen = [(name, s) for name, s, col in pairs if solution.values[col] > 0.5]
    return chosen, solution.timed_out


def solve_fixing(columns: Columns, rows: Rows, *, mip_gap: float, time_limit_s: float) -> Solution:
    """The MIP solved after fixing the binaries its LP relaxation sets to 1 (see the
    module notes): within ``mip_gap`` of the LP bound, or the full MIP's solution."""
    cost = np.array(columns.cost)
    relaxed = dataclasses.replace(columns, integer=[0] * len(columns.integer))
    integer = np.array(columns.integer, dtype=bool)
    lower = np.array(columns.lower)
    bound = None
    fixings = []  # the lower bounds after each round, fewest fixed first
    for _ in range(FIX_ROUNDS):
        lp = solve_milp(
            dataclasses.replace(relaxed, lower=list(lower)),
            rows,
            mip_gap=mip_gap,
            time_limit_s=time_limit_s,
        )
        bound = float(cost @ lp.values) if bound is None else bound
        ones = integer & (lp.values >= ONE) & (lower < 1.0)
        if lp.timed_out or not ones.any():
            break
        lower = lower.copy()
        lower[ones] = 1.0
        fixings.append(lower)
    for fixed_lower in reversed(fixings):  # the most fixed (quickest) first
        try:
            fixed = solve_milp(
                dataclasses.replace(columns, lower=list(fixed_lower)),
                rows,
                mip_gap=mip_gap,
                time_limit_s=time_limit_s,
            )
        except RuntimeError:  # the LP's ones always leave a feasible MIP; rounding aside
            continue
        if bound is not None and float(cost @ fixed.values) - bound <= mip_gap * abs(bound):
            return fixed
    return solve_milp(columns, rows, mip_gap=mip_gap, time_limit_s=time_limit_s)


def _staffed_rows(
    takers: list[int], need_sorted: np.ndarray, variables: Columns, rows: Rows
) -> None:
    """Agents taking a kind staff its shifts most-needed first: one share column per shift
    (worth its need, in falling order, so the cheapest fill is from the top) and the
    row agents taking the kind = shifts staffed."""
    staffed = [variables.new(-NEED_WEIGHT * need, integer=False) for need in need_sorted]
    rows.add([*takers, *staffed], [1.0] * len(takers) + [-1.0] * len(staffed), 0.0, 0.0)


def _eligible(
    agent: AgentConfig, week: WeekShifts, team: TeamConfig, rules: RulesConfig, carry: CarryIn
) -> list[int]:
    cap = _hours_cap(agent, team, rules)
    rest = pd.Timedelta(hours=rules.min_rest_hours)
    out = []
    for s in range(len(week.day)):
        if week.day[s] < 0 or week.paid_hours[s] > cap + 1e-9:
            continue
        if not agent.can_work(week.queue[s]):
            continue
        if agent.unavailable_on(week.start[s].date()):
            continue
        if carry.last_end is not None and week.start[s] < carry.last_end + rest:
            continue
        out.append(s)
    return out


def _hours_cap(agent: AgentConfig, team: TeamConfig, rules: RulesConfig) -> float:
    contract = agent.contracted_hours_per_week + team.max_hours_over_contract
    return min(float(rules.max_hours_per_week), contract)


def _misses(agent: AgentConfig, week: WeekShifts, s: int) -> int:
    misses = 0
    if agent.preferred_templates and week.template[s] not in agent.preferred_templates:
        misses += 1
    window = agent.start_window_min()
    if window is not None and not window[0] <= week.clock_min[s] <= window[1]:
        misses += 1
    return misses


def _agent_rows(
    agent: AgentConfig,
    cols: dict[int, int],
    week: WeekShifts,
    team: TeamConfig,
    rules: RulesConfig,
    carry: CarryIn,
    variables: Columns,
    rows: Rows,
) -> None:
    if not cols:
        return
    days: list[list[int]] = [[s for s in cols if week.day[s] == d] for d in range(7)]
    needed = rules.consecutive_days_off
    block_cols = _days_off_blocks(needed, carry.days_off_before, variables, rows)
    for d in range(7):
        covering = [col for start, col in block_cols if start <= d < start + needed]
        rows.add([cols[s] for s in days[d]] + covering, 1.0, -np.inf, 1.0)
    everything = list(cols.values())
    rows.add(everything, 1.0, -np.inf, float(rules.days_per_week))
    hours = week.paid_hours[list(cols)]
    rows.add(everything, hours, -np.inf, _hours_cap(agent, team, rules))
    if agent.contracted_hours_per_week > 0:
        short = variables.new(team.weights.contract, upper=np.inf, integer=False)
        rows.add([*everything, short], [*hours, 1.0], agent.contracted_hours_per_week, np.inf)
    _rest_rows(cols, days, week, rules.min_rest_hours, rows)
    _run_rows(cols, days, rules.max_consecutive_days, carry.days_in_row, rows)
    if rules.same_start_time:
        _same_start_rows(cols, days, week, variables, rows)


def _spread_row(
    cols: dict[int, int],
    week: WeekShifts,
    share: float,
    weight: float,
    variables: Columns,
    rows: Rows,
) -> None:
    """Each weekend or late shift above the agent's even share of them costs ``weight``
    more, so this week's unsocial shifts are spread, not only rotated week to week."""
    unsocial = [s for s in cols if week.unsocial[s] > 0]
    if not unsocial:
        return
    excess = variables.new(weight, upper=np.inf, integer=False)
    rows.add(
        [cols[s] for s in unsocial] + [excess], [*week.unsocial[unsocial], -1.0], -np.inf, share
    )


def _days_off_blocks(
    needed: int, off_before: int, variables: Columns, rows: Rows
) -> list[tuple[int, int]]:
    """One binary per possible block of ``needed`` days off (day 0 = Monday), pick one.
    A block may begin in the ``off_before`` days off at the end of last week."""
    if needed <= 0:
        return []
    first = -min(off_before, needed - 1)
    blocks = [(start, variables.new(0.0)) for start in range(first, 7 - needed + 1)]
    rows.add([col for _, col in blocks], 1.0, 1.0, np.inf)
    return blocks


def _rest_rows(
    cols: dict[int, int], days: list[list[int]], week: WeekShifts, rest_h: float, rows: Rows
) -> None:
    """For day d, end time e and a later day d2: the shifts of d ending at or after e and
    those of d2 starting before e + rest pairwise conflict, so at most one of them."""
    rest = int(rest_h * 3600e9)
    for d in range(7):
        first = np.array(days[d], dtype=np.int64)
        ends = week.end_ns[first]
        for d2 in range(d + 1, 7):
            second = np.array(days[d2], dtype=np.int64)
            starts = week.start_ns[second]
            seen = -1
            # A smaller end time e conflicts with more early shifts; keep it only when a
            # larger one does not reach more late shifts (else its row is implied).
            for e in np.unique(ends):
                late = second[starts < e + rest]
                if late.size == 0 or late.size == seen:
                    continue
                seen = late.size
                early = first[ends >= e]
                rows.add([cols[s] for s in (*early, *late)], 1.0, -np.inf, 1.0)


def _run_rows(
    cols: dict[int, int], days: list[list[int]], max_days: int, carried: int, rows: Rows
) -> None:
    """At most ``max_days`` working days in any ``max_days + 1`` in a row, counting the
    ``carried`` days worked at the end of last week."""
    for first in range(-carried, 7 - max_days):
        window = range(max(first, 0), first + max_days + 1)
        if max(window, default=-1) > 6:
            continue
        worked_before = -first if first < 0 else 0
        members = [cols[s] for d in window for s in days[d]]
        if members:
            rows.add(members, 1.0, -np.inf, float(max_days - worked_before))


def _same_start_rows(
    cols: dict[int, int], days: list[list[int]], week: WeekShifts, variables: Columns, rows: Rows
) -> None:
    clocks = sorted({int(week.clock_min[s]) for s in cols})
    chosen = {clock: variables.new(0.0) for clock in clocks}
    rows.add(list(chosen.values()), 1.0, -np.inf, 1.0)
    for d in range(7):
        for clock in clocks:
            members = [cols[s] for s in days[d] if week.clock_min[s] == clock]
            if members:
                rows.add([*members, chosen[clock]], [1.0] * len(members) + [-1.0], -np.inf, 0.0)


def week_days(week_start: dt.date, starts: list[pd.Timestamp]) -> np.ndarray:
    """Day of the week (0 = ``week_start``) of each start's local date; -1 outside it."""
    offsets = np.array([(t.date() - week_start).days for t in starts], dtype=int)
    return np.where((offsets >= 0) & (offsets < 7), offsets, -1)
