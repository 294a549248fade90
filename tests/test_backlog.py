"""Backlog channels: the fluid model sizes an email queue in its opening hours, the
simulation confirms the target, and an unreachable target is refused with a message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from staffplan.backlog import BacklogQueue, day_shares, evaluate, size_queue
from staffplan.cli import app
from staffplan.config import parse_config
from staffplan.errors import ConfigError
from staffplan.simulate import simulate_schedule
from staffplan.staffing import size_requirements

INTERVAL_MIN = 30
WEEK = 7 * 48


def email_config(answer_within_h: float = 24, open_hours: str = '["09:00", "18:00"]') -> str:
    return f"""
timezone: Europe/Berlin
interval_min: {INTERVAL_MIN}
queues:
  - name: email_en
    channel: email
    aht_s: 600
    target: {{service_level: 0.9, answer_within_h: {answer_within_h}}}
    open_hours: {open_hours}
    max_occupancy: 0.9
    shrinkage: 0.3
"""


def email_demand(per_interval: float = 10.0) -> pd.DataFrame:
    times = pd.date_range("2026-12-07", periods=WEEK, freq="30min", tz="Europe/Berlin")
    return pd.DataFrame({"queue": "email_en", "interval_start": times, "volume": per_interval})


@pytest.fixture(scope="module")
def email_requirements() -> pd.DataFrame:
    return size_requirements(email_demand(), parse_config(email_config()))


def test_no_agent_outside_opening_hours(email_requirements):
    hour = email_requirements["interval_start"].dt.hour
    closed = (hour < 9) | (hour >= 18)
    assert (email_requirements.loc[closed, "agents"] == 0).all()
    assert (email_requirements.loc[~closed, "agents"] > 0).all()


def test_weekly_agent_hours_within_five_percent_of_workload_over_occupancy(email_requirements):
    agent_hours = email_requirements["agents"].sum() * INTERVAL_MIN / 60
    workload_h = 10 * WEEK * 600 / 3600
    assert workload_h / 0.9 <= agent_hours <= 1.05 * workload_h / 0.9, agent_hours


def test_every_day_answers_its_share_in_time(email_requirements):
    config = parse_config(email_config())
    days = day_shares(email_requirements, config)
    assert len(days) == 7
    assert (days["answered_in_time"] >= 0.9).all(), days
    assert email_requirements["backlog_end"].notna().all()
    # contacts wait overnight: at 09:00 the oldest has waited since 18:00 (15 h)
    morning = email_requirements["interval_start"].dt.strftime("%H:%M") == "08:30"
    assert email_requirements.loc[morning, "oldest_age_h"].round(6).eq(15.0).all()


def test_simulation_confirms_the_target_at_the_tenth_percentile(email_requirements):
    config = parse_config(email_config())
    coverage = email_requirements[["queue", "interval_start"]].assign(
        scheduled=email_requirements["agents"]
    )
    result = simulate_schedule(email_requirements, coverage, config, replications=100, seed=3)
    daily = result.daily
    assert len(daily) == 7
    assert (daily["service_level_p10"] >= 0.9).all(), daily[["day", "service_level_p10"]]


def test_two_hour_target_across_a_closed_night_is_refused_with_a_message():
    config = parse_config(email_config(answer_within_h=2))
    with pytest.raises(ConfigError) as caught:
        size_requirements(email_demand(), config)
    message = str(caught.value)
    for part in ("queues[0].target", "email_en", "within 2 h", "open_hours", "answer_within_h"):
        assert part in message, message


def test_a_short_target_gets_a_margin_the_simulation_confirms():
    # 2 h, open around the clock, no occupancy cap: the fluid need alone (the work) would
    # leave a random queue at full load; the margin keeps the 10th percentile on target
    text = email_config(answer_within_h=2, open_hours='["00:00", "24:00"]')
    config = parse_config(text.replace("max_occupancy: 0.9", "max_occupancy: 1.0"))
    sized = size_requirements(email_demand(), config)
    workload_h = 10 * WEEK * 600 / 3600
    assert sized["agents"].sum() * 0.5 > 1.05 * workload_h
    assert sized["service_level"].min() == pytest.approx(1.0)
    coverage = sized[["queue", "interval_start"]].assign(scheduled=sized["agents"])
    result = simulate_schedule(sized, coverage, config, replications=50, seed=5)
    assert (result.daily["service_level_p10"] >= 0.9).all(), result.daily


def small_queue(contacts: np.ndarray, open_: np.ndarray, within: float) -> BacklogQueue:
    n = contacts.size
    return BacklogQueue(
        contacts=contacts.astype(float),
        aht_s=np.full(n, 1800.0),
        open=open_,
        day=np.arange(n) // 4,
        within=within,
        interval_s=1800.0,
        max_occupancy=1.0,
        service_level=0.5,  # z = 0: no randomness margin, the fluid need alone
    )


def test_fluid_carries_the_backlog_over_closed_intervals_by_hand():
    # 4 intervals a "day", open only the last; one contact of one agent-interval each
    queue = small_queue(np.ones(8), np.tile([False, False, False, True], 2), within=4.0)
    plan = evaluate(queue, np.tile([0.0, 0.0, 0.0, 4.0], 2))
    np.testing.assert_allclose(plan.fluid.backlog_s / 1800.0, np.tile([1, 2, 3, 0], 2))
    np.testing.assert_allclose(plan.fluid.oldest_age, np.tile([1, 2, 3, 0], 2))
    assert plan.week_share == pytest.approx(1.0)
    short = evaluate(queue, np.tile([0.0, 0.0, 0.0, 2.0], 2))
    assert short.week_share < 0.8


def test_sizing_spends_exactly_the_work_when_it_can():
    queue = small_queue(np.ones(8), np.tile([False, False, False, True], 2), within=4.0)
    plan = size_queue(queue)
    np.testing.assert_allclose(plan.agents, np.tile([0, 0, 0, 4], 2))


def test_erlang_warns_that_a_target_longer_than_the_interval_is_backlog_work():
    args = ["erlang", "--volume", "10", "--aht-s", "600", "--service-level", "0.9"]
    backlog = CliRunner().invoke(app, [*args, "--answer-within-s", "86400"])
    assert backlog.exit_code == 0
    assert "backlog work" in backlog.stderr and "queues[].channel" in backlog.stderr
    assert "email" in backlog.stderr
    live = CliRunner().invoke(app, [*args, "--answer-within-s", "20"])
    assert live.exit_code == 0 and "backlog" not in live.stderr


def test_the_default_plan_shows_the_email_and_tier2_queues(shared_plan, plan_folder):
    from staffplan.tables import read_requirements

    config = parse_config((plan_folder.parent / "configs" / "example.yaml").read_text())
    requirements = read_requirements(plan_folder / "requirements.csv", config.zone, 30)
    assert {"email_en", "specialists"} <= set(requirements["queue"])
    live = requirements["queue"].isin(["chat_en", "phone_zh", "phone_en"])
    assert requirements.loc[live, "backlog_end"].isna().all()
    assert requirements.loc[~live, "backlog_end"].notna().all()
    email = requirements[requirements["queue"] == "email_en"]
    open_ = email["interval_start"].dt.hour.between(9, 17)  # inside every day's hours
    assert (email.loc[~email["interval_start"].dt.hour.between(8, 21), "agents"] == 0).all()
    assert email.loc[open_, "agents"].sum() > 0
    tier2 = requirements[requirements["queue"] == "specialists"]
    assert tier2["escalated"].sum() > 0 and (tier2["volume"] == 0).all()
    daily = pd.read_csv(plan_folder / "backlog_daily.csv")
    assert set(daily["queue"]) == {"email_en", "specialists"}
    assert (daily["answered_in_time"] >= daily["target"]).all()
    assert "Backlog in time" in shared_plan.stdout
    report = (plan_folder / "report.html").read_text()
    assert "Backlog: contacts waiting and answered in time" in report
    assert "backlog_daily.csv" in report


def test_a_business_hours_target_counts_only_opening_hours():
    weekdays = '{mon-fri: ["09:00", "18:00"]}'
    wall = parse_config(email_config(answer_within_h=24, open_hours=weekdays))
    with pytest.raises(ConfigError, match="within 24 h"):
        size_requirements(email_demand(), wall)
    text = email_config(answer_within_h=9, open_hours=weekdays)
    text = text.replace("answer_within_h: 9}", "answer_within_h: 9, business_hours: true}")
    config = parse_config(text)
    sized = size_requirements(email_demand(), config)
    weekend = sized["interval_start"].dt.day_of_week >= 5
    assert (sized.loc[weekend, "agents"] == 0).all()
    assert (day_shares(sized, config)["answered_in_time"] >= 0.9).all()
    coverage = sized[["queue", "interval_start"]].assign(scheduled=sized["agents"])
    result = simulate_schedule(sized, coverage, config, replications=40, seed=2)
    assert (result.daily["service_level_p10"] >= 0.9).all(), result.daily


def test_business_hours_are_for_backlog_queues():
    text = (
        email_config()
        .replace("channel: email", "channel: chat")
        .replace('    open_hours: ["09:00", "18:00"]\n', "")
    )
    text = text.replace("answer_within_h: 24}", "answer_within_s: 60, business_hours: true}")
    with pytest.raises(ConfigError, match=r"target\.business_hours"):
        parse_config(text)
