"""The shared-agent simulation: priority classes, skills, pools (staffplan.simulate)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffplan.config import parse_config
from staffplan.simulate import simulate_schedule
from staffplan.simulate._engine import serve_fcfs, slot_windows
from staffplan.simulate._priority_engine import serve_priority
from staffplan.skill_pools import apportion
from staffplan.staffing import size_requirements

HOURS = 48
CONFIG = """
timezone: UTC
interval_min: 30
queues:
  - name: wallet_phone
    aht_s: 300
    target: {service_level: 0.8, answer_within_s: 60}
    classes:
      - {name: security, share: 0.1, priority: 1, target: {service_level: 0.9, answer_within_s: 10}}
      - {name: general, share: 0.9, priority: 2}
  - {name: billing, aht_s: 300, target: {service_level: 0.8, answer_within_s: 20}}
  - {name: technical, aht_s: 240, target: {service_level: 0.8, answer_within_s: 60}}
pools:
  - {name: tier1, queues: [billing, technical]}
"""


def test_one_stream_is_served_exactly_like_the_fcfs_core():
    rng = np.random.default_rng(3)
    arrival = np.sort(rng.random(3000) * 36_000.0)
    handle = rng.exponential(300.0, arrival.size)
    windows = slot_windows(np.array([20, 30, 10, 25]), 9_000.0)
    shared = serve_priority(
        arrival,
        np.zeros(arrival.size, dtype=int),
        handle,
        np.full(arrival.size, np.inf),
        np.array([0]),
        np.array([0]),
        windows,
        np.ones((30, 1), dtype=bool),
    )
    np.testing.assert_array_equal(shared, serve_fcfs(arrival, handle, None, windows))


def test_the_longest_idle_agent_with_the_skill_takes_the_contact():
    # agent 0 and 1 idle from 0; agent 1 serves the first contact and comes back at 5;
    # at 6 agent 0 has been idle longer, so the second contact goes to agent 0, and a
    # queue-1 contact only agent 1 may take waits for it
    windows = (np.array([0.0, 0.0]), np.array([100.0, 100.0]), np.array([0, 1]))
    skills = np.array([[True, False], [True, True]])
    start = serve_priority(
        np.array([1.0, 1.0, 6.0, 6.5]),
        np.array([1, 0, 0, 1]),
        np.array([4.0, 50.0, 1.0, 1.0]),
        np.full(4, np.inf),
        np.array([0, 0]),
        np.array([0, 1]),
        windows,
        skills,
    )
    # contact 0 (queue 1) goes to agent 1 at 1; contact 1 to agent 0 at 1 (busy to 51);
    # at 6 agent 1 (free since 5) takes contact 2; contact 3 waits for agent 1 until 7
    np.testing.assert_array_equal(start, [1.0, 1.0, 6.0, 7.0])


def test_a_better_class_waiting_goes_first_and_nobody_is_preempted():
    windows = (np.array([0.0]), np.array([100.0]), np.array([0]))
    start = serve_priority(
        np.array([0.0, 1.0, 2.0]),
        np.array([1, 1, 0]),  # two general, then one security
        np.array([10.0, 10.0, 10.0]),
        np.full(3, np.inf),
        np.array([0, 1]),
        np.array([0, 0]),
        windows,
        np.ones((1, 1), dtype=bool),
    )
    np.testing.assert_array_equal(start, [0.0, 20.0, 10.0])


def flat_plan(config):
    """Requirements and a flat coverage at the staffing of a steady day."""
    starts = pd.date_range("2026-01-05", periods=HOURS * 2, freq="30min", tz="UTC")
    volumes = {"wallet_phone": 200.0, "billing": 120.0, "technical": 90.0}
    demand = pd.DataFrame(
        [(q, t, v) for q, v in volumes.items() for t in starts],
        columns=["queue", "interval_start", "volume"],
    )
    requirements = size_requirements(demand, config)
    pool = requirements[requirements["queue"].isin(["billing", "technical"])]
    pooled = pool.groupby("interval_start")["agents"].sum().round()
    wallet = requirements[requirements["queue"] == "wallet_phone"]
    coverage = pd.concat(
        [
            pd.DataFrame(
                {
                    "queue": "billing+technical",
                    "interval_start": starts,
                    "scheduled": pooled.to_numpy(),
                }
            ),
            pd.DataFrame(
                {
                    "queue": "wallet_phone",
                    "interval_start": starts,
                    "scheduled": wallet["agents"].to_numpy(),
                }
            ),
        ],
        ignore_index=True,
    )
    return requirements, coverage


def test_simulated_service_level_per_queue_and_class_is_within_two_points_of_the_projection():
    config = parse_config(CONFIG)
    requirements, coverage = flat_plan(config)
    result = simulate_schedule(requirements, coverage, config, replications=40, seed=5)
    sim = result.intervals
    steady = sim["interval_start"] >= sim["interval_start"].min() + pd.Timedelta(hours=1)
    for queue in ("wallet_phone", "billing", "technical"):
        rows = sim[steady & (sim["queue"] == queue)]
        assert abs(rows["service_level"].mean() - rows["erlang_service_level"].mean()) <= 0.02, (
            queue
        )
    wallet = requirements[requirements["queue"] == "wallet_phone"].iloc[0]
    rows = sim[steady & (sim["queue"] == "wallet_phone")]
    for name in ("security", "general"):
        assert abs(rows[f"service_level_{name}"].mean() - wallet[f"service_level_{name}"]) <= 0.02
    assert rows["asa_s_security"].mean() < rows["asa_s_general"].mean()  # served first
    assert (rows["abandon_rate_security"] == 0).all()  # no patience: nobody gives up
    assert result.unscheduled == ()


def test_a_partly_cross_trained_pool_simulates_per_skill_combination():
    text = CONFIG.replace(
        "queues: [billing, technical]}",
        "queues: [billing, technical], skill_mix: {billing+technical: 0.6, billing: 0.4}}",
    )
    config = parse_config(text)
    starts = pd.date_range("2026-01-05", periods=24, freq="30min", tz="UTC")
    demand = pd.DataFrame(
        [(q, t, v) for q, v in (("billing", 120.0), ("technical", 60.0)) for t in starts],
        columns=["queue", "interval_start", "volume"],
    )
    requirements = size_requirements(demand, config)
    pooled = requirements.groupby("interval_start")["agents"].sum().round().astype(int)
    split = np.array([apportion(n, np.array([0.6, 0.4])) for n in pooled])  # whole agents
    coverage = pd.concat(
        [
            pd.DataFrame({"queue": label, "interval_start": starts, "scheduled": split[:, c]})
            for c, label in enumerate(("billing+technical", "billing"))
        ],
        ignore_index=True,
    )
    result = simulate_schedule(requirements, coverage, config, replications=30, seed=2)
    sim = result.intervals[result.intervals["interval_start"] >= starts[2]]
    for queue in ("billing", "technical"):
        rows = sim[sim["queue"] == queue]
        assert abs(rows["service_level"].mean() - rows["erlang_service_level"].mean()) <= 0.03
