"""Tier-2 escalation: tier-2 demand is share × what tier 1 answers, shifted by the delay,
generated interval by interval; deflection and the share move it; simulate sends it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffplan.config import parse_config
from staffplan.errors import InputError
from staffplan.escalation import escalated_contacts
from staffplan.simulate import simulate_schedule
from staffplan.staffing import size_requirements

WEEK = 7 * 48


def config_text(share: float, delay_min: float = 60, tier2: str = "ticket") -> str:
    if tier2 == "ticket":
        tier2_keys = (
            'target: {service_level: 0.9, answer_within_h: 12}\n    open_hours: ["08:00", "22:00"]'
        )
    else:
        tier2_keys = "target: {service_level: 0.8, answer_within_s: 120}"
    return f"""
timezone: Asia/Shanghai
interval_min: 30
queues:
  - name: chat_en
    channel: chat
    aht_s: 420
    target: {{service_level: 0.8, answer_within_s: 60}}
    escalation: {{to: specialists, share: {share}, delay_min: {delay_min}, aht_s: 1200}}
  - name: specialists
    channel: {tier2}
    aht_s: 900
    {tier2_keys}
"""


def chat_demand() -> pd.DataFrame:
    times = pd.date_range("2026-12-07", periods=WEEK, freq="30min", tz="Asia/Shanghai")
    slot = np.arange(WEEK) % 48
    volume = 20 + 30 * np.exp(-0.5 * ((slot - 26) / 6.0) ** 2)
    return pd.DataFrame({"queue": "chat_en", "interval_start": times, "volume": volume})


def sized(share: float, delay_min: float = 60, tier2: str = "ticket") -> pd.DataFrame:
    return size_requirements(chat_demand(), parse_config(config_text(share, delay_min, tier2)))


def answered(requirements: pd.DataFrame, queue: str) -> np.ndarray:
    rows = requirements[requirements["queue"] == queue]
    return (rows["offered"] * (1 - rows["abandon_rate"])).to_numpy()


@settings(max_examples=25, deadline=None)
@given(share=st.floats(0.01, 0.6), delay_min=st.sampled_from([0, 30, 45, 60, 240]))
def test_tier2_weekly_volume_is_share_times_tier1_answered(share, delay_min):
    table = sized(share, delay_min, tier2="chat")
    tier2 = table[table["queue"] == "specialists"]
    expected = share * answered(table, "chat_en").sum()
    assert tier2["escalated"].sum() == pytest.approx(expected, rel=0.005)
    assert tier2["offered"].sum() == pytest.approx(expected, rel=0.005)


def test_escalations_arrive_the_delay_later():
    table = sized(0.1, delay_min=120, tier2="chat")
    tier1 = answered(table, "chat_en")
    tier2 = table.loc[table["queue"] == "specialists", "escalated"].to_numpy()
    np.testing.assert_allclose(tier2, 0.1 * np.roll(tier1, 4))
    peak_gap = int(np.argmax(tier2[:48])) - int(np.argmax(tier1[:48]))
    assert peak_gap == 4


def test_a_delay_between_intervals_splits_the_contacts():
    np.testing.assert_allclose(
        escalated_contacts(np.array([10.0, 0, 0, 0]), 0.5, 45, 30), [0, 2.5, 2.5, 0]
    )


def test_escalated_contacts_take_the_escalation_aht():
    table = sized(0.2, tier2="chat")
    tier2 = table[table["queue"] == "specialists"]
    assert tier2["aht_s"].round(6).eq(1200.0).all()
    assert (tier2["volume"] == 0).all()


def test_doubling_the_share_doubles_tier2_work():
    def work(share: float) -> float:
        rows = sized(share)
        tier2 = rows[rows["queue"] == "specialists"]
        return float((tier2["offered"] * tier2["aht_s"]).sum())

    assert work(0.2) == pytest.approx(2 * work(0.1), rel=1e-9)


def test_deflection_upstream_lowers_what_escalates():
    full = sized(0.1)
    deflected = chat_demand().assign(deflected=lambda d: 0.25 * d["volume"])
    lower = size_requirements(deflected, parse_config(config_text(0.1)))
    tier2 = "specialists"
    before = full.loc[full["queue"] == tier2, "escalated"].sum()
    after = lower.loc[lower["queue"] == tier2, "escalated"].sum()
    assert after == pytest.approx(0.75 * before, rel=0.01)


def test_a_backlog_tier2_is_sized_in_its_opening_hours():
    table = sized(0.1)
    tier2 = table[table["queue"] == "specialists"]
    hour = tier2["interval_start"].dt.hour
    assert (tier2.loc[(hour < 8) | (hour >= 22), "agents"] == 0).all()
    assert tier2["backlog_end"].notna().all()


def test_simulate_sends_escalated_contacts_to_tier2_after_the_delay():
    config = parse_config(config_text(0.1, delay_min=60, tier2="chat"))
    table = size_requirements(chat_demand(), config)
    coverage = table[["queue", "interval_start"]].assign(scheduled=table["agents"])
    result = simulate_schedule(table, coverage, config, replications=40, seed=11)
    sim = result.intervals
    tier1 = sim[sim["queue"] == "chat_en"]
    tier2 = sim[sim["queue"] == "specialists"]
    # tier 2's simulated arrivals are share × tier 1's answered contacts, an hour later
    answered_sim = (tier1["offered"] * (1 - tier1["abandon_rate"].fillna(0))).to_numpy()
    assert tier2["offered"].sum() == pytest.approx(0.1 * answered_sim.sum(), rel=0.03)
    shifted = 0.1 * np.roll(answered_sim, 2)
    assert np.corrcoef(tier2["offered"], shifted)[0, 1] > 0.9


SCENARIOS = """
scenarios:
  start: 2027-01
  horizon_months: 2
  starting_headcount: 10
  cases:
    - {name: none, cost_per_fte_month: 5000, escalation_scale: 0.0}
    - {name: base, cost_per_fte_month: 5000}
    - {name: double, cost_per_fte_month: 5000, escalation_scale: 2.0}
"""


def test_a_scenario_doubling_the_escalation_share_doubles_tier2_work():
    from staffplan.finance.scenarios import representative_week, run_scenarios

    config = parse_config(config_text(0.1) + SCENARIOS)
    times = pd.date_range("2026-12-07", periods=2 * WEEK, freq="30min", tz="Asia/Shanghai")
    history = pd.DataFrame({"queue": "chat_en", "interval_start": times, "volume": 30.0})
    months = run_scenarios(representative_week(history, config, 2), config).months
    work = (months["offered"] * months["aht_s"]).groupby(months["scenario"]).sum()
    tier2 = work["base"] - work["none"]
    assert tier2 > 0
    assert work["double"] - work["none"] == pytest.approx(2 * tier2, rel=1e-6)
    fte = months.groupby("scenario")["required_fte"].sum()
    assert fte["none"] < fte["base"] < fte["double"]


def test_sizing_the_requirements_again_does_not_escalate_twice():
    from staffplan.tables import as_written

    config = parse_config(config_text(0.1))
    first = as_written(size_requirements(as_written(chat_demand()), config))
    again = as_written(size_requirements(first, config))
    pd.testing.assert_frame_equal(again, first)


def test_a_gap_in_tier1_is_blamed_on_tier1_not_on_its_backlog_tier2():
    # the ticket queue has no rows of its own: it takes chat_en's intervals, so a missing
    # chat_en row is what breaks its backlog, and the message must say so
    demand = chat_demand().drop(index=9)
    with pytest.raises(InputError) as caught:
        size_requirements(demand, parse_config(config_text(0.1)))
    message = str(caught.value)
    assert message.startswith("forecast row 9: queue 'chat_en' has no row between"), message
    assert "'specialists', the backlog queue it escalates to" in message, message


def test_a_forecast_queue_missing_from_the_config_names_its_row():
    demand = chat_demand().assign(queue=lambda d: d["queue"].where(d.index < 5, "chat_fr"))
    with pytest.raises(InputError, match=r"^forecast row 5: queue 'chat_fr' is not in the conf"):
        size_requirements(demand, parse_config(config_text(0.1)))
