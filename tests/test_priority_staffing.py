"""Staffing queues with priority classes and pools (staffplan.priority_staffing)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.config import parse_config
from staffplan.deflection import apply_deflection
from staffplan.erlang import required_agents
from staffplan.schedule import build_schedule
from staffplan.staffing import size_requirements
from staffplan.tables import read_requirements, to_csv_text

START = pd.Timestamp("2026-01-05 09:00", tz="UTC")
WALLET = """
timezone: UTC
interval_min: 30
queues:
  - name: wallet_phone
    channel: phone
    aht_s: 300
    target: {service_level: 0.8, answer_within_s: 60}
    classes:
      - name: security
        share: 0.1
        priority: 1
        aht_s: 420
        target: {service_level: 0.9, answer_within_s: 10}
      - {name: general, share: 0.9, priority: 2}
"""
POOL = """
timezone: UTC
interval_min: 30
queues:
  - {name: billing, aht_s: 300, target: {service_level: 0.8, answer_within_s: 20}}
  - {name: technical, aht_s: 300, target: {service_level: 0.8, answer_within_s: 20}}
  - {name: both, aht_s: 300, target: {service_level: 0.8, answer_within_s: 20}}
pools:
  - {name: tier1, queues: [billing, technical]}
"""


def forecast(volumes: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"queue": list(volumes), "interval_start": START, "volume": list(volumes.values())}
    )


def test_security_and_general_on_one_plain_forecast_row_need_40_agents():
    out = size_requirements(forecast({"wallet_phone": 200.0}), parse_config(WALLET)).iloc[0]
    assert 39 <= out["agents"] <= 41
    assert out["service_level_security"] >= 0.9 and out["service_level_general"] >= 0.8
    assert out["method"] == "approx_mean_aht"
    assert out["service_level"] == np.average(
        [out["service_level_security"], out["service_level_general"]], weights=[0.1, 0.9]
    )


@settings(max_examples=40, deadline=None)
@given(volume=st.floats(1.0, 600.0), security=st.floats(0.01, 0.5))
def test_classes_never_need_more_than_separate_queues(volume, security):
    text = WALLET.replace("share: 0.1\n", f"share: {security!r}\n").replace(
        "share: 0.9", f"share: {1 - security!r}"
    )
    agents = size_requirements(forecast({"wallet_phone": volume}), parse_config(text))["agents"]
    apart = required_agents(
        [volume * security, volume * (1 - security)], [420, 300], 30, [0.9, 0.8], [10, 60]
    ).sum()
    assert agents.iloc[0] <= apart


def test_two_pooled_100_call_queues_need_at_most_one_200_call_queue_plus_one():
    out = size_requirements(
        forecast({"billing": 100.0, "technical": 100.0, "both": 200.0}), parse_config(POOL)
    ).set_index("queue")
    pooled = out.loc[["billing", "technical"], "agents"].sum()
    assert pooled <= out.loc["both", "agents"] + 1
    assert pooled == round(pooled)  # the pool's queues add up to whole agents
    assert pooled < 2 * required_agents(100, 300, 30, 0.8, 20)  # pooling saves agents


def test_pyworkforce_case_never_gets_fewer_agents_than_its_load():
    # pyworkforce's MultiSkillStaffing docstring: Billing needs 5 and Technical 3, and a
    # flexible profile counted for both gives 5 agents in total. As workloads (5 and 3
    # busy agents, 300 s calls) a pool can never do with fewer than 8.
    volumes = {"billing": 5 * 1800 / 300, "technical": 3 * 1800 / 300}
    out = size_requirements(forecast(volumes), parse_config(POOL))
    assert out["agents"].sum() >= 8
    assert out["agents"].sum() > out["workload_erlangs"].sum()


PARTIAL = POOL.replace(
    "queues: [billing, technical]}",
    "queues: [billing, technical],\n"
    "     skill_mix: {billing+technical: 0.5, billing: 0.3, technical: 0.2}}",
)


def test_a_partly_cross_trained_pool_needs_at_least_the_full_pool_and_is_deterministic():
    volumes = {"billing": 120.0, "technical": 80.0}
    full = size_requirements(forecast(volumes), parse_config(POOL))
    partial = size_requirements(forecast(volumes), parse_config(PARTIAL))
    again = size_requirements(forecast(volumes), parse_config(PARTIAL))
    assert partial["agents"].sum() >= full["agents"].sum()
    assert (partial["method"] == "simulated").all()
    pd.testing.assert_frame_equal(partial, again)
    assert (partial["service_level"] >= 0.8).all()


def test_a_partly_cross_trained_pool_is_scheduled_per_skill_combination():
    text = PARTIAL + (
        "shifts:\n  templates:\n"
        '    - {name: day, start_window: ["00:00", "23:00"], start_every_min: 60, '
        "lengths_min: [480]}\n"
    )
    config = parse_config(text)
    starts = pd.date_range("2026-01-05", periods=48, freq="30min", tz="UTC")
    requirements = pd.DataFrame(
        {
            "queue": np.repeat(["billing", "technical"], starts.size),
            "interval_start": np.tile(starts, 2),
            "agents": np.concatenate([np.full(starts.size, 6.0), np.full(starts.size, 4.0)]),
        }
    )
    schedule = build_schedule(requirements, config)
    required = schedule.coverage.groupby("queue")["required"].first()
    assert dict(required) == {"billing+technical": 5.0, "billing": 3.0, "technical": 2.0}
    assert set(schedule.shifts["queue"]) == {"billing+technical", "billing", "technical"}


MAPPED = (
    WALLET
    + """
deflection:
  queues:
    - queue: wallet_phone
      reasons:
        - {name: security, share: 0.1, aht_weight: 1.4, never_deflect: true, class_name: security}
        - {name: how_to, share: 0.9, containment: 0.5}
"""
)


def test_deflection_reasons_mapped_to_a_class_set_its_contacts_and_handle_time():
    config = parse_config(MAPPED)
    demand = apply_deflection(forecast({"wallet_phone": 200.0}), config).iloc[0]
    assert demand["offered_security"] == 20.0  # never deflected: all 10 % reach agents
    assert demand["offered_general"] == 90.0  # half of the how-to contacts contained
    assert demand["offered_security"] + demand["offered_general"] == demand["offered"]
    assert demand["aht_s_security"] > demand["aht_s_general"]
    sized = size_requirements(pd.DataFrame([demand]), config).iloc[0]
    shares = size_requirements(
        pd.DataFrame([demand.drop(["offered_security", "offered_general"])]), config
    ).iloc[0]
    # security is 18 % of what reaches agents, not the configured 10 %
    assert sized["service_level_security"] != shares["service_level_security"]


def test_staff_sizes_a_plain_forecast_of_a_queue_with_classes(tmp_path: Path):
    (tmp_path / "config.yaml").write_text(WALLET, encoding="utf-8")
    forecast({"wallet_phone": 200.0}).to_csv(tmp_path / "forecast.csv", index=False)
    out = tmp_path / "requirements.csv"
    result = CliRunner().invoke(
        app,
        ["staff", "--config", str(tmp_path / "config.yaml"), "--forecast",
         str(tmp_path / "forecast.csv"), "--output", str(out), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out).iloc[0]
    assert 39 <= written["agents"] <= 41
    assert written["service_level_security"] >= 0.9
    assert written["service_level_general"] >= 0.8
    assert written["method"] == "approx_mean_aht"


POOLED_MAPPED = (
    WALLET
    + """  - {name: app_phone, aht_s: 300, target: {service_level: 0.8, answer_within_s: 60}}
pools:
  - {name: tier1, queues: [wallet_phone, app_phone]}
"""
    + MAPPED[len(WALLET) :]
    + """shifts:
  templates:
    - {name: day, start_window: ["00:00", "23:00"], start_every_min: 60, lengths_min: [480]}
"""
)


def test_a_pool_scheduled_from_a_requirements_csv_reads_the_other_queues_blank_class_cells(
    tmp_path: Path,
):
    config = parse_config(POOLED_MAPPED)
    demand = apply_deflection(forecast({"wallet_phone": 200.0, "app_phone": 100.0}), config)
    requirements = size_requirements(demand, config)
    path = tmp_path / "requirements.csv"
    path.write_text(to_csv_text(requirements), encoding="utf-8")
    read_back = read_requirements(path, config.zone, config.interval_min)
    assert (read_back.loc[read_back["queue"] == "app_phone", "offered_security"] == "").all()
    in_memory, from_csv = (build_schedule(r, config) for r in (requirements, read_back))
    pd.testing.assert_frame_equal(from_csv.coverage, in_memory.coverage, check_dtype=False)
    sized = from_csv.coverage[from_csv.coverage["interval_start"] == START]
    columns = ["service_level_wallet_phone", "service_level_app_phone", "service_level_security"]
    assert sized[columns].notna().all().all()
