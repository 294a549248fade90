"""Time the roster stages and compare the assignment with a greedy peer; run by hand.

From the repository root:

    PYTHONPATH=. python benchmarks/roster_bench.py [AGENTS ...]    # default: 40 70 100

The week after the bundled sample history (2020-W20, Asia/Shanghai, two queues, 30-minute
intervals) is forecast and sized once (``plan_week``); then for each team size the week
is covered with ``max_headcount`` = the team (as ``run_roster`` does) and:

1. ``assign_agents`` (the MILP) against a greedy peer: shifts in order of need, each to
   the agent with the fewest hours so far whose week stays legal under the independent
   rule checker (how a spreadsheet roster is usually filled). Reported: seconds, needed
   hours staffed, shifts left open, and the spread of weekend+late shifts (max - min).
2. ``run_roster`` end to end from the requirements (cover, assign, coverage, writing
   the CSVs and one .ics per agent), best of 2.
3. ``replan_surge`` for a 4-hour surge (+60 % contacts on Wednesday 10:00-14:00) over the
   published roster, against the peer "extra short shifts only" (the same model with
   overtime and on-call priced out): seconds, cost and agent-hours left short.

Everything runs on one core (thread variables set before numpy loads).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import dataclasses  # noqa: E402
import datetime as dt  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from staffplan.config import Config, parse_config  # noqa: E402
from staffplan.config.team import AgentConfig  # noqa: E402
from staffplan.jobs.roster import plan_week, run_roster  # noqa: E402
from staffplan.replan import replan_surge  # noqa: E402
from staffplan.roster.assign import assign_agents  # noqa: E402
from staffplan.roster.fairness import unsocial  # noqa: E402
from staffplan.roster.need import requirement_pools, shift_need_hours  # noqa: E402
from staffplan.roster.rules_check import violations  # noqa: E402
from staffplan.schedule.cover import build_schedule  # noqa: E402
from staffplan.staffing import size_requirements  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
MONDAY = dt.date(2020, 5, 11)
PAUSES = """
      lunch: {minutes: 60, window_after_start_min: [180, 360]}
      breaks: [{minutes: 15, window_after_start_min: [60, 150]},
               {minutes: 15, window_after_start_min: [390, 510]}]"""
CONFIG = f"""
timezone: Asia/Shanghai
interval_min: 30
queues:
  - {{name: chat_en, channel: chat, history: {SAMPLE / "history.csv"}, aht_s: 420,
     concurrency: 2, target: {{service_level: 0.8, answer_within_s: 60}}, patience_s: 240,
     max_occupancy: 0.85, shrinkage: 0.3}}
  - {{name: phone_zh, channel: phone, history: {SAMPLE / "history.csv"}, aht_s: 300,
     target: {{service_level: 0.8, answer_within_s: 20}}, patience_s: 120,
     max_occupancy: 0.9, shrinkage: 0.35}}
market: {{prices: {SAMPLE / "btc_usd_hourly.csv"}}}
shifts:
  time_limit_s: 60
  templates:
    - name: early
      start_window: ["06:00", "09:00"]
      start_every_min: 60
      lengths_min: [540]{PAUSES}
    - name: late
      start_window: ["12:00", "15:00"]
      start_every_min: 60
      lengths_min: [540]{PAUSES}
    - name: night
      start_window: ["22:00", "22:00"]
      start_every_min: 60
      lengths_min: [540]
      cost_per_hour: 1.25
      lunch: {{minutes: 60, window_after_start_min: [180, 360]}}
  rules: {{days_per_week: 5, consecutive_days_off: 2, max_hours_per_week: 40,
          min_rest_hours: 11, max_consecutive_days: 6}}
team:
  agents: [{{name: placeholder}}]
  surge: {{max_overtime_hours_per_week: 8}}
"""


def team_config(base: Config, size: int) -> Config:
    """``base`` with ``size`` agents: a third chat only, a third phone only, a third both;
    every seventh never works Sundays."""
    agents = []
    for i in range(size):
        queues = (("chat_en",), ("phone_zh",), ("chat_en", "phone_zh"))[i % 3]
        days_off = ("sun",) if i % 7 == 0 else ()
        agents.append(
            AgentConfig(name=f"agent{i:03d}", queues=queues, unavailable_weekdays=days_off)
        )
    return dataclasses.replace(base, team=dataclasses.replace(base.team, agents=tuple(agents)))


def greedy_peer(shifts: pd.DataFrame, config: Config, need: np.ndarray) -> pd.DataFrame:
    """Most needed shift first, to the legal agent with the fewest hours so far."""
    team, rules = config.team, config.shifts.rules
    hours = {a.name: 0.0 for a in team.agents}
    taken: dict[str, list[int]] = {a.name: [] for a in team.agents}
    for i in np.argsort(-need, kind="stable"):
        for name in sorted(hours, key=lambda n: (hours[n], n)):
            rows = shifts.iloc[[*taken[name], i]].assign(agent=name)
            if not violations(rows, rules, team, week_start=MONDAY):
                taken[name].append(int(i))
                hours[name] += float(shifts["paid_hours"].iloc[i])
                break
    picked = [(n, i) for n, rows in taken.items() for i in rows]
    return shifts.iloc[[i for _, i in picked]].assign(agent=[n for n, _ in picked])


def spread(roster: pd.DataFrame, config: Config) -> int:
    """Max minus min weekend+late shifts per rostered agent."""
    flags = unsocial(roster["start"], roster["end"], 20 * 60)
    per = (flags["weekend"] + flags["late"]).groupby(roster["agent"].to_numpy()).sum()
    per = per.reindex([a.name for a in config.team.agents], fill_value=0)
    return int(per.max() - per.min())


def timed(work):
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def main(sizes: list[int]) -> None:
    base = parse_config(CONFIG)
    seconds, week = timed(lambda: plan_week(base, MONDAY))
    requirements, schedule = week.requirements, week.schedule
    print(
        f"plan_week (forecast, deflection, staff, cover without a headcount cap) {seconds:.2f} s:"
        f" {len(schedule.shifts)} shifts, {requirements['agents'].sum() / 2:.0f} agent-hours"
    )
    surge = _surge(requirements, base)
    for size in sizes:
        config = team_config(base, size)
        roster = _bench_assign(config, requirements)
        with tempfile.TemporaryDirectory() as folder:
            runs = [
                timed(partial(run_roster, config, MONDAY, Path(folder), requirements=requirements))
                for _ in range(2)
            ]
            roster = runs[-1][1].assignment.roster
        best = min(t for t, _ in runs)
        print(f"{size} agents | run_roster from requirements, best of 2: {best:.2f} s")
        _bench_replan(roster, surge, config)


def _bench_assign(config: Config, requirements: pd.DataFrame) -> pd.DataFrame:
    size = len(config.team.agents)
    capped = dataclasses.replace(
        config, shifts=dataclasses.replace(config.shifts, max_headcount=size)
    )
    t_cover, schedule = timed(partial(build_schedule, requirements, capped))
    need = shift_need_hours(schedule.shifts, requirement_pools(requirements, config))
    print(
        f"{size} agents | cover with max_headcount {size}: {t_cover:.2f} s, "
        f"{len(schedule.shifts)} shifts, {need.sum():.1f} needed hours"
    )
    rules = config.shifts.rules
    t_milp, result = timed(
        partial(
            assign_agents, schedule.shifts, config.team, rules, week_start=MONDAY, need_hours=need
        )
    )
    t_greedy, greedy = timed(partial(greedy_peer, schedule.shifts, config, need))
    staffed = need[schedule.shifts["shift_id"].isin(result.roster["shift_id"]).to_numpy()]
    g_staffed = need[schedule.shifts["shift_id"].isin(greedy["shift_id"]).to_numpy()]
    print(
        f"{size} agents | MILP {t_milp:.2f} s, {staffed.sum():.1f} needed h staffed, "
        f"{len(result.open_shifts)} open, unsocial spread {spread(result.roster, config)} "
        f"| greedy {t_greedy:.2f} s, {g_staffed.sum():.1f} h, "
        f"{len(schedule.shifts) - len(greedy)} open, spread {spread(greedy, config)}"
    )
    return result.roster


def _surge(requirements: pd.DataFrame, config: Config) -> pd.DataFrame:
    local = requirements["interval_start"]
    window = (local.dt.date == dt.date(2020, 5, 13)) & local.dt.hour.between(10, 13)
    forecast = requirements[["queue", "interval_start", "volume"]].copy()
    forecast.loc[window.to_numpy(), "volume"] *= 1.6
    return size_requirements(forecast, config)


def _bench_replan(roster: pd.DataFrame, surge: pd.DataFrame, config: Config) -> None:
    t_replan, plan = timed(partial(replan_surge, roster, surge, config))
    priced_out = dataclasses.replace(
        config.team,
        surge=dataclasses.replace(
            config.team.surge, overtime_premium=1000.0, on_call_activation_cost=1000.0
        ),
    )
    t_peer, peer = timed(
        lambda: replan_surge(roster, surge, dataclasses.replace(config, team=priced_out))
    )
    kinds = plan.changes["kind"].value_counts().to_dict()
    print(
        f"    replan {t_replan:.2f} s: cost {plan.summary['cost']:.1f}, short "
        f"{plan.summary['gap_before_h']:.1f} -> {plan.summary['gap_after_h']:.1f} agent-h, {kinds} "
        f"| extra-shifts-only peer {t_peer:.2f} s: cost {peer.summary['cost']:.1f}, short "
        f"{peer.summary['gap_after_h']:.1f}"
    )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [40, 70, 100])
