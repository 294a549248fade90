"""Peak re-planning: keep a published schedule and add the cheapest cover for a surge.

Given the baseline shifts (a published schedule or roster) and new requirements (a
volatility surge), a small MILP picks the cheapest mix of: overtime (a shift runs up to
``team.surge.max_extension_hours`` longer at either end, at the overtime premium), extra
short shifts (no breaks; they go to agents free that day, else stay open), on-call
activations (a fixed cost plus hours) and, only with ``allow_moves``, moving a shift
earlier or later. Understaffing stays soft at ``shifts.understaffing_penalty`` per
agent-interval. No baseline shift changes unless moved: overtime is its own span next to
the shift. Named agents keep the rules: minimum rest between shifts and weekly hours.

Each change comes with its cost (paid-hour units) and the service level it buys: the
projected service level of the intervals it touches with the whole re-plan (after) and
with the re-plan minus this change (before).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from staffplan.config import Config
from staffplan.config.shifts import RulesConfig
from staffplan.config.team import AgentConfig, SurgeConfig, TeamConfig
from staffplan.errors import ConfigError, InputError
from staffplan.milp import Columns, Rows, solve_milp
from staffplan.roster.need import Pools, presence_matrix, requirement_pools, text_column
from staffplan.roster.rules_check import break_times
from staffplan.schedule.cover import POOLED_SEPARATOR
from staffplan.schedule.coverage import coverage_table
from staffplan.tables import (
    atomic_folder,
    parse_numbers,
    parse_times,
    read_csv,
    row_number,
    to_csv_text,
    to_json_text,
)

_REPLAN_GAP = 1e-3  # within 0.1 % of the cheapest re-plan: seconds, even for big gaps
_REPLAN_TIME_LIMIT_S = 300.0  # a safety net without a team: section

CHANGE_COLUMNS = [
    "kind",
    "agent",
    "shift_id",
    "queue",
    "start",
    "end",
    "hours",
    "cost",
    "service_level_before",
    "service_level_after",
    "note",
]


@dataclasses.dataclass(frozen=True)
class Option:
    """One possible change. ``push_end_min``/``pull_start_min``: how much later the base
    shift then ends / earlier it starts (for the rest rule); ``base`` is its baseline row."""

    kind: str
    pool: str
    start: pd.Timestamp
    end: pd.Timestamp
    cost: float
    base: int = -1
    agent: str = ""
    breaks: str = ""
    push_end_min: float = 0.0
    pull_start_min: float = 0.0

    @property
    def hours(self) -> float:
        """Elapsed hours of the added span (for a move: 0, the shift keeps its length)."""
        if self.kind == "move":
            return 0.0
        return (self.end - self.start).total_seconds() / 3600


@dataclasses.dataclass(frozen=True)
class Replan:
    """The re-plan: ``changes`` (only what changes, :data:`CHANGE_COLUMNS`), the full
    ``schedule`` after it (baseline rows plus added ones, with ``agent`` and ``kind``), its
    ``coverage`` table, and ``summary``: ``changes, cost, gap_before_h, gap_after_h,
    service_level_before, service_level_after`` (gaps in agent-hours short; service level
    over the intervals that were short, offered-weighted; NaN without volumes)."""

    changes: pd.DataFrame
    schedule: pd.DataFrame
    coverage: pd.DataFrame
    summary: dict[str, float]


def replan_surge(
    baseline: pd.DataFrame,
    requirements: pd.DataFrame,
    config: Config,
    *,
    allow_moves: bool = False,
) -> Replan:
    """Cover ``requirements`` (``queue, interval_start, agents`` and, for service levels,
    ``offered`` or ``volume`` and optionally ``aht_s``) on top of ``baseline`` (a shifts
    table, optionally with ``agent``, ``queue`` and ``template``) at least cost.

    Needs the ``shifts:`` section (penalty, rules, template costs); ``team:`` adds on-call
    agents, named agents for extra shifts and the surge options (defaults otherwise).
    """
    if config.shifts is None:
        raise ConfigError(f"{config.source or 'config'}: re-planning needs a shifts: section")
    if requirements.empty:
        raise InputError("the surge requirements have no rows; nothing to re-plan")
    pools = requirement_pools(requirements, config)
    base = _prepared(baseline, pools)
    team = config.team
    surge = team.surge if team is not None else SurgeConfig()
    present = _presence(base, pools)
    gap = {p: np.maximum(pools.required[p] - present[p], 0.0) for p in present}
    options, adds = _useful(
        _options(base, pools, gap, config, team, surge, allow_moves), base, pools, gap
    )
    model = _Model(options, adds, base, pools, present, config, team)
    counts = model.solve()
    return _result(base, options, adds, counts, pools, present, requirements, config, team)


# --------------------------------------------------------------------------- inputs


def read_baseline(path: Path, config: Config) -> pd.DataFrame:
    """A published shifts or roster CSV (``shift_id, start, end`` and optionally
    ``paid_hours, breaks, queue, template, agent``), checked row by row."""
    frame = read_csv(path, required=("shift_id", "start", "end"), kind="baseline shifts")
    out = frame.copy()
    out["start"] = parse_times(frame, "start", path, config.zone)
    out["end"] = parse_times(frame, "end", path, config.zone)
    elapsed = (out["end"] - out["start"]).dt.total_seconds() / 3600
    if (elapsed <= 0).any():
        i = int(np.flatnonzero((elapsed <= 0).to_numpy())[0])
        raise InputError(f"{path}: row {row_number(i)}: the shift ends before it starts")
    if "paid_hours" in frame.columns:
        out["paid_hours"] = parse_numbers(frame, "paid_hours", path, maximum=24)
    else:
        out["paid_hours"] = elapsed.to_numpy()
    for i, row in enumerate(out.itertuples(index=False)):
        try:
            break_times(row.start, row.end, getattr(row, "breaks", ""))
        except ValueError as exc:
            raise InputError(f"{path}: row {row_number(i)}, column 'breaks': {exc}") from None
    return out


def _prepared(baseline: pd.DataFrame, pools: Pools) -> pd.DataFrame:
    """The baseline with text columns filled and ``pool``: the block each shift serves
    (its ``queue``; a blank queue serves the only block there is)."""
    base = baseline.reset_index(drop=True).copy()
    for column in ("agent", "queue", "breaks", "template"):
        base[column] = text_column(base, column)
    labels = list(pools.required)
    base["pool"] = base["queue"].where(base["queue"] != "", labels[0] if len(labels) == 1 else "")
    unknown = sorted(set(base["pool"]) - set(labels))
    if unknown:
        what = "a blank queue" if unknown[0] == "" else f"queue {unknown[0]!r}"
        raise InputError(
            f"baseline: {what} matches none of the requirements' queues ({', '.join(labels)}); "
            "give every shift the queue it serves"
        )
    return base


def _presence(base: pd.DataFrame, pools: Pools) -> dict[str, np.ndarray]:
    matrix = presence_matrix(
        list(base["start"]), list(base["end"]), list(base["breaks"]), pools.grid
    )
    return {
        label: matrix @ (base["pool"] == label).to_numpy(dtype=float) for label in pools.required
    }


# --------------------------------------------------------------------------- options


def _options(
    base: pd.DataFrame,
    pools: Pools,
    gap: dict[str, np.ndarray],
    config: Config,
    team: TeamConfig | None,
    surge: SurgeConfig,
    allow_moves: bool,
) -> list[Option]:
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
                    push_end_min=max(minutes, 0),
                    pull_start_min=max(-minutes, 0),
                )
            )
    return out


def _moved_breaks(row: object, delta: pd.Timedelta) -> str:
    spans = break_times(row.start, row.end, row.breaks)
    return ";".join(f"{a + delta:%H:%M}-{b + delta:%H:%M}" for a, b in spans)


def _useful(
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
    return Option("base", row["pool"], row["start"], row["end"], 0.0, breaks=row["breaks"])


def _span_presence(options: list[Option], pools: Pools) -> sparse.csc_array:
    matrix = presence_matrix(
        [o.start for o in options],
        [o.end for o in options],
        [o.breaks for o in options],
        pools.grid,
    )
    return sparse.csc_array(matrix)


# --------------------------------------------------------------------------- model


class _Model:
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


# --------------------------------------------------------------------------- naming


def free_agents(
    base: pd.DataFrame,
    team: TeamConfig,
    rules: RulesConfig,
    surge: SurgeConfig,
    pool: str,
    day: object,
    hours: float,
) -> list[AgentConfig]:
    """Rostered agents who could take ``hours`` more on ``day`` in ``pool``: skilled,
    available, not working that day, under ``days_per_week`` and within the weekly cap
    plus the overtime allowance."""
    out = []
    for agent in team.rostered():
        mine = base[base["agent"] == agent.name]
        days = {t.date() for t in mine["start"]}
        cap = min(
            rules.max_hours_per_week, agent.contracted_hours_per_week + team.max_hours_over_contract
        )
        if (
            agent.can_work(pool)
            and not agent.unavailable_on(day)
            and day not in days
            and len(days) < rules.days_per_week
            and float(mine["paid_hours"].sum()) + hours
            <= cap + surge.max_overtime_hours_per_week + 1e-9
        ):
            out.append(agent)
    return out


def _name_extra_shifts(
    extras: list[Option],
    overtime: list[Option],
    base: pd.DataFrame,
    team: TeamConfig | None,
    rules: RulesConfig,
) -> list[str]:
    """An agent for each extra shift (in start order), or "" where nobody free keeps the
    rules (rest, days per week, consecutive days, hours) given the baseline and the
    overtime already chosen."""
    if team is None or not (base["agent"] != "").any():
        return [""] * len(extras)
    spans = pd.DataFrame(
        {
            "agent": [o.agent for o in overtime],
            "start": [o.start for o in overtime],
            "end": [o.end for o in overtime],
            "paid_hours": [o.hours for o in overtime],
        }
    )
    taken = base[["agent", "start", "end", "paid_hours"]]
    if overtime:
        taken = pd.concat([taken, spans], ignore_index=True)
    names = []
    for option in extras:
        day = option.start.date()
        free = free_agents(taken, team, rules, team.surge, option.pool, day, option.hours)
        fits = [a for a in free if _keeps_rules(taken, a.name, option, rules)]
        fits.sort(
            key=lambda a: (float(taken.loc[taken["agent"] == a.name, "paid_hours"].sum()), a.name)
        )
        name = fits[0].name if fits else ""
        names.append(name)
        if name:
            added = pd.DataFrame(
                {
                    "agent": [name],
                    "start": [option.start],
                    "end": [option.end],
                    "paid_hours": [option.hours],
                }
            )
            taken = pd.concat([taken, added], ignore_index=True)
    return names


def _keeps_rules(taken: pd.DataFrame, name: str, option: Option, rules: RulesConfig) -> bool:
    mine = taken[taken["agent"] == name]
    rest = pd.Timedelta(hours=rules.min_rest_hours)
    for start, end in zip(mine["start"], mine["end"], strict=True):
        if option.start < end + rest and start < option.end + rest:
            return False
    worked = {t.date() for t in mine["start"]} | {option.start.date()}
    days = sorted(worked)
    run = longest = 1
    for before, after in itertools.pairwise(days):
        run = run + 1 if (after - before).days == 1 else 1
        longest = max(longest, run)
    return longest <= rules.max_consecutive_days and _days_off_kept(worked, option, rules)


def _days_off_kept(worked: set[dt.date], option: Option, rules: RulesConfig) -> bool:
    """A run of ``consecutive_days_off`` days off remains in the shift's ISO week (days
    before its Monday count as off, as in the roster)."""
    day = option.start.date()
    monday = day - dt.timedelta(days=day.weekday())
    needed = rules.consecutive_days_off
    run = best = 0
    for offset in range(1 - needed, 7):
        run = 0 if monday + dt.timedelta(days=offset) in worked else run + 1
        best = max(best, run)
    return best >= needed


# --------------------------------------------------------------------------- result


def _result(
    base: pd.DataFrame,
    options: list[Option],
    adds: sparse.csc_array,
    counts: np.ndarray,
    pools: Pools,
    present: dict[str, np.ndarray],
    requirements: pd.DataFrame,
    config: Config,
    team: TeamConfig | None,
) -> Replan:
    taken = [i for i in range(len(options)) for _ in range(int(counts[i]))]
    taken.sort(key=lambda i: (options[i].start, options[i].kind, options[i].agent, i))
    extras = [options[i] for i in taken if options[i].kind == "extra_shift"]
    named = team is not None and bool((base["agent"] != "").any())
    overtime = [options[i] for i in taken if options[i].kind.startswith("overtime")]
    names = iter(_name_extra_shifts(extras, overtime, base, team, config.shifts.rules))
    agents = [next(names) if options[i].kind == "extra_shift" else options[i].agent for i in taken]
    after = {p: present[p] + adds @ (counts * _in_pool(options, p)) for p in present}
    service = _Service(requirements, pools, config)
    nearby = service.nearby(after)
    records, numbers = [], {"extra_shift": 0, "on_call": 0}
    for i, agent in zip(taken, agents, strict=True):
        pool, column = options[i].pool, adds[:, [i]].toarray().ravel()
        touched = {pool: np.flatnonzero(np.abs(column) > 1e-9)}
        without = service.leave_out(nearby, after, pool, column)
        levels = (service.level(without, touched), service.level(nearby[0], touched))
        kind = options[i].kind
        numbers[kind] = numbers.get(kind, 0) + 1
        records.append(_change(options[i], agent, base, levels, numbers[kind], named))
    changes = pd.DataFrame(records, columns=CHANGE_COLUMNS)
    schedule = _schedule(base, [options[i] for i in taken], changes)
    coverage, _ = coverage_table(
        list(pools.required), pools.required, after, pools.grid, requirements, config
    )
    summary = _summary(pools, present, after, changes, service)
    return Replan(changes, schedule, coverage, summary)


def write_replan(replan: Replan, folder: Path) -> None:
    """Write ``changes.csv``, ``shifts.csv`` (the schedule after), ``coverage.csv`` and
    ``summary.json`` into ``folder``, all or none."""
    with atomic_folder(folder) as staging:
        for name, table in (
            ("changes.csv", replan.changes),
            ("shifts.csv", replan.schedule),
            ("coverage.csv", replan.coverage),
        ):
            (staging / name).write_text(to_csv_text(table), encoding="utf-8")
        (staging / "summary.json").write_text(to_json_text(replan.summary), encoding="utf-8")


def _in_pool(options: list[Option], pool: str) -> np.ndarray:
    return np.array([o.pool == pool for o in options], dtype=float)


def _change(
    option: Option,
    agent: str,
    base: pd.DataFrame,
    levels: tuple[float, float],
    number: int,
    named: bool,
) -> dict[str, object]:
    note = ""
    if option.base >= 0:
        row = base.iloc[option.base]
        shift_id = str(row["shift_id"])
        if option.kind == "move":
            note = f"was {row['start']:%a %H:%M}-{row['end']:%H:%M}"
    else:
        prefix = "C" if option.kind == "on_call" else "X"
        shift_id = f"{prefix}{number:03d}"
        if not agent and named:
            note = "open: no agent is free under the rules; fill it by hand"
        elif not agent:
            note = "open: the baseline names no agents; fill it by hand"
    return {
        "kind": option.kind,
        "agent": agent,
        "shift_id": shift_id,
        "queue": option.pool,
        "start": option.start,
        "end": option.end,
        "hours": option.hours,
        "cost": option.cost,
        "service_level_before": levels[0],
        "service_level_after": levels[1],
        "note": note,
    }


def _schedule(base: pd.DataFrame, taken: list[Option], changes: pd.DataFrame) -> pd.DataFrame:
    """Baseline rows (moved ones at their new times) plus one row per added span."""
    out = base.drop(columns=["pool"]).assign(kind="baseline")
    added = []
    for option, change in zip(taken, changes.itertuples(index=False), strict=True):
        if option.kind == "move":
            out.loc[option.base, ["start", "end", "breaks", "kind"]] = [
                option.start,
                option.end,
                option.breaks,
                "move",
            ]
            continue
        added.append(
            {
                "shift_id": change.shift_id,
                "day": option.start.date().isoformat(),
                "start": option.start,
                "end": option.end,
                "paid_hours": option.hours,
                "breaks": "",
                "queue": option.pool,
                "agent": change.agent,
                "kind": option.kind,
            }
        )
    if added:
        out = pd.concat([out, pd.DataFrame(added)], ignore_index=True)
    return out.sort_values(["start", "shift_id"], kind="stable").reset_index(drop=True)


def _summary(
    pools: Pools,
    present: dict[str, np.ndarray],
    after: dict[str, np.ndarray],
    changes: pd.DataFrame,
    service: _Service,
) -> dict[str, float]:
    short = {p: np.flatnonzero(pools.required[p] - present[p] > 1e-9) for p in present}
    return {
        "changes": float(len(changes)),
        "cost": float(changes["cost"].sum()),
        "gap_before_h": _gap_hours(pools, present),
        "gap_after_h": _gap_hours(pools, after),
        "service_level_before": service.level(service.levels(present), short),
        "service_level_after": service.level(service.levels(after), short),
    }


def _gap_hours(pools: Pools, scheduled: dict[str, np.ndarray]) -> float:
    gaps = [np.maximum(pools.required[p] - scheduled[p], 0.0).sum() for p in scheduled]
    return float(np.sum(gaps)) * pools.interval_h


class _Service:
    """Projected service levels of scheduled agents, from the coverage table (so the
    numbers match ``coverage.csv``), averaged over intervals weighted by contacts offered.
    NaN where the coverage table has none (no volumes, or pooled queues)."""

    def __init__(self, requirements: pd.DataFrame, pools: Pools, config: Config) -> None:
        self.requirements, self.pools, self.config = requirements, pools, config
        column = "offered" if "offered" in requirements.columns else "volume"
        self.offered = {}
        for label in pools.required:
            rows = requirements[
                requirements["queue"].astype(str).isin(label.split(POOLED_SEPARATOR))
            ]
            if column in rows.columns:
                per_interval = rows.groupby("interval_start")[column].sum()
                values = per_interval.reindex(pools.grid.starts, fill_value=0.0)
                self.offered[label] = values.to_numpy(dtype=float)
            else:
                self.offered[label] = np.zeros(pools.grid.size)

    def levels(self, scheduled: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Service level per block and interval for ``scheduled`` agents."""
        labels = list(self.pools.required)
        table, _ = coverage_table(
            labels, self.pools.required, scheduled, self.pools.grid, self.requirements, self.config
        )
        return {
            label: table.loc[table["queue"] == label, "service_level"].to_numpy()
            for label in labels
        }

    def nearby(self, scheduled: dict[str, np.ndarray]) -> dict[int, dict[str, np.ndarray]]:
        """Service levels with ``scheduled`` agents and with one agent fewer or more in
        every interval: enough to price leaving out any one change (one agent at most)."""
        return {
            step: self.levels({k: np.maximum(v + step, 0.0) for k, v in scheduled.items()})
            for step in (-1, 0, 1)
        }

    @staticmethod
    def leave_out(
        nearby: dict[int, dict[str, np.ndarray]],
        scheduled: dict[str, np.ndarray],
        pool: str,
        column: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Service levels without the change adding ``column`` agents to ``pool``; the
        coverage table counts whole agents, so only the floor's step matters."""
        now = np.floor(scheduled[pool] + 1e-9)
        step = np.clip(np.floor(scheduled[pool] - column + 1e-9) - now, -1, 1).astype(int)
        levels = {**nearby[0]}
        levels[pool] = np.choose(step + 1, [nearby[s][pool] for s in (-1, 0, 1)])
        return levels

    def level(self, levels: dict[str, np.ndarray], where: dict[str, np.ndarray]) -> float:
        """Offered-weighted service level over the intervals ``where[label]``."""
        total = answered = 0.0
        for label, idx in where.items():
            weight = self.offered[label][idx]
            value = levels[label][idx]
            known = ~np.isnan(value) & (weight > 0)
            total += float(weight[known].sum())
            answered += float((weight[known] * value[known]).sum())
        return answered / total if total > 0 else float("nan")
