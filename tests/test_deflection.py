"""Deflection: net volume and handle time per interval, and the engine-priced saving."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffplan.config import parse_config
from staffplan.deflection import DEFLECTION_COLUMNS, apply_deflection, project_deflection
from staffplan.errors import ConfigError
from staffplan.staffing import size_requirements

QUEUES = """
timezone: Asia/Shanghai
interval_min: 30
queues:
  - {name: chat_en, channel: chat, aht_s: 420, concurrency: 2, shrinkage: 0.3,
     target: {service_level: 0.8, answer_within_s: 60}}
  - {name: phone_zh, channel: phone, aht_s: 300, shrinkage: 0.35,
     target: {service_level: 0.8, answer_within_s: 20}}
"""
DEFLECTION = """
deflection:
  cost_per_fte_month: 5000
  queues:
    - queue: chat_en
      programme: ai_bot
      launch: 2026-03-02
      reasons:
        - {name: how_to, share: 0.4, aht_weight: 0.5, containment: 0.6, recontact: 0.25,
           ramp_weeks: 2, aht_uplift: 0.1}
        - {name: security, share: 0.2, aht_weight: 1.5, never_deflect: true, containment: 0.9}
        - {name: other, share: 0.4, aht_weight: 1.25, containment: 0.2, recontact: 0.5}
    - queue: phone_zh
      programme: ivr
      reasons:
        - {name: how_to, share: 0.5, aht_weight: 0.6, containment: 0.3, recontact: 0.3}
        - {name: other, share: 0.5, aht_weight: 1.4}
"""


def config(deflection: str = DEFLECTION):
    return parse_config(QUEUES + deflection, source=Path("c.yaml"))


def forecast(days: int = 7, start: str = "2026-03-16", zone: str = "Asia/Shanghai"):
    """A smooth daily curve per queue, 30-minute intervals."""
    times = pd.date_range(start, periods=48 * days, freq="30min", tz=zone)
    curve = 30 + 25 * np.sin(np.arange(len(times)) / 48 * 2 * np.pi)
    parts = [
        pd.DataFrame({"queue": name, "interval_start": times, "volume": np.round(curve * k)})
        for name, k in (("chat_en", 1.0), ("phone_zh", 0.4))
    ]
    return pd.concat(parts, ignore_index=True)


def test_zero_containment_changes_nothing():
    zero = DEFLECTION.replace("containment: 0.6", "containment: 0").replace(
        "containment: 0.2", "containment: 0"
    )
    zero = zero.replace("containment: 0.3", "containment: 0")
    rows = forecast()
    result = project_deflection(rows, config(zero))
    out = result.intervals
    assert list(out.columns) == DEFLECTION_COLUMNS
    np.testing.assert_array_equal(out["deflected"], 0.0)
    np.testing.assert_array_equal(out["offered"], rows["volume"])
    expected_aht = np.where(rows["queue"] == "chat_en", 420.0, 300.0)
    np.testing.assert_allclose(out["aht_s"], expected_aht, rtol=1e-12)  # uplift needs containment
    assert (result.summary[["fte_saved", "cost_saved_per_month"]] == 0).all().all()


def test_never_deflect_reason_keeps_its_contacts_whatever_its_containment():
    with_containment = project_deflection(forecast(), config())
    without = config(
        DEFLECTION.replace("never_deflect: true, containment: 0.9", "never_deflect: true")
    )
    pd.testing.assert_frame_equal(with_containment.intervals, apply_deflection(forecast(), without))
    security = with_containment.summary.query("reason == 'security'").iloc[0]
    assert security["contained_per_week"] == 0 and security["deflected_per_week"] == 0
    assert security["fte_saved"] == 0
    assert "human first" in security["note"]


def test_formulas_by_hand_for_one_interval():
    text = """
deflection:
  queues:
    - queue: phone_zh
      reasons:
        - {name: easy, share: 0.6, aht_weight: 0.5, containment: 0.5, recontact: 0.2,
           aht_uplift: 0.2}
        - {name: hard, share: 0.4, aht_weight: 1.75}
"""
    rows = pd.DataFrame(
        {
            "queue": ["phone_zh"],
            "interval_start": [pd.Timestamp("2026-03-16 09:00", tz="Asia/Shanghai")],
            "volume": [100.0],
        }
    )
    out = apply_deflection(rows, config(text)).iloc[0]
    # weights normalise to mean 1: a_easy = 0.5 × 300, a_hard = 1.75 × 300 (0.6·0.5 + 0.4·1.75 = 1)
    assert out["deflected"] == pytest.approx(100 * 0.6 * 0.5 * (1 - 0.2))  # 24
    assert out["offered"] == pytest.approx(76.0)
    # +20% on the never-contained half at C = 0.5 means the contained took 0.8 × 150 s;
    # 6 of the 30 contained come back and take those 120 s with an agent
    easy_work = 30 * 150 * 1.2 + 6 * 120
    aht = (easy_work + 40 * 525) / 76
    assert out["aht_s"] == pytest.approx(aht)  # 356.84 s: the easy contacts left


def test_containment_ramps_linearly_from_launch():
    zone = "Asia/Shanghai"
    times = pd.to_datetime(
        ["2026-02-23 12:00", "2026-03-02 00:00", "2026-03-09 00:00", "2026-03-23 00:00"]
    ).tz_localize(zone)
    rows = pd.DataFrame({"queue": "chat_en", "interval_start": times, "volume": 100.0})
    deflected = apply_deflection(rows, config())["deflected"].to_numpy()
    full_how_to = 100 * 0.4 * 0.6 * 0.75  # ramps over 2 weeks
    other = 100 * 0.4 * 0.2 * 0.5  # ramp_weeks 0: full from launch
    expected = [0.0, other, other + full_how_to / 2, other + full_how_to]
    np.testing.assert_allclose(deflected, expected)


def test_fte_saved_is_the_difference_of_two_engine_runs():
    cfg = config()
    rows = forecast()
    result = project_deflection(rows, cfg)
    before = size_requirements(rows, cfg)
    after = size_requirements(result.intervals, cfg)
    weeks = 7 / 7
    hours = 0.5
    saved = {}
    for queue, channel in (("chat_en", "chat"), ("phone_zh", "phone")):
        mine = (before["queue"] == queue).to_numpy()
        paid = (before["required_fte"][mine].sum() - after["required_fte"][mine].sum()) * hours
        saved[channel] = paid / weeks / 40.0
    summary = result.summary.set_index(["channel", "reason"])
    for channel, fte in saved.items():
        assert summary.loc[(channel, "all"), "fte_saved"] == pytest.approx(fte, rel=1e-12)
        reasons = result.summary.query("channel == @channel and reason != 'all'")
        assert reasons["fte_saved"].sum() == pytest.approx(fte, rel=1e-9)
    total = summary.loc[("all", "all")]
    assert total["fte_saved"] == pytest.approx(sum(saved.values()))
    assert total["cost_saved_per_month"] == pytest.approx(sum(saved.values()) * 5000)
    assert "two runs of the queueing engine" in total["note"]


def test_engine_saving_is_not_volume_times_aht():
    summary = project_deflection(forecast(), config()).summary.set_index(["channel", "reason"])
    phone = summary.loc[("phone", "all")]
    linear, engine = phone["workload_hours_saved_per_week"], phone["agent_hours_saved_per_week"]
    assert linear > 0 and engine > 0
    assert abs(engine / linear - 1) > 0.05, (linear, engine)


def test_row_aht_s_is_the_base_and_queues_without_settings_pass_through():
    rows = forecast(days=1).assign(aht_s=600.0)
    cfg = config(DEFLECTION.split("    - queue: phone_zh")[0])
    out = apply_deflection(rows, cfg)
    phone = out["queue"] == "phone_zh"
    np.testing.assert_array_equal(out.loc[phone, "deflected"], 0.0)
    np.testing.assert_array_equal(out.loc[phone, "aht_s"], 600.0)
    chat = out[~phone & (out["volume"] > 0)]
    assert (chat["aht_s"] > 600.0).all()  # mix and uplift raise the row's own AHT


def test_works_across_a_dst_day():
    text = QUEUES.replace("Asia/Shanghai", "Europe/Berlin").replace(
        "interval_min: 30", "interval_min: 15"
    )
    cfg = parse_config(text + DEFLECTION)
    times = pd.date_range(
        "2026-03-29", "2026-03-30", freq="15min", tz="Europe/Berlin", inclusive="left"
    )
    assert len(times) == 92
    rows = pd.DataFrame({"queue": "phone_zh", "interval_start": times, "volume": 10.0})
    result = project_deflection(rows, cfg)
    out = result.intervals
    np.testing.assert_allclose(out["deflected"] + out["offered"], out["volume"])
    contacts = result.summary.query("channel == 'phone' and reason == 'all'")["contacts_per_week"]
    assert contacts.iloc[0] == pytest.approx(920 / (23 / 168))  # 23 hours long, in weeks


@settings(max_examples=40, deadline=None)
@given(
    reasons=st.lists(
        st.tuples(st.integers(1, 20), st.integers(0, 20), st.integers(0, 20)),
        min_size=1,
        max_size=5,
    ),
    scale=st.sampled_from([1.0, 1.5, 3.0]),
)
def test_counts_are_conserved_and_more_containment_never_adds_work(reasons, scale):
    total = sum(weight for weight, _, _ in reasons)
    lines = "".join(
        f"        - {{name: r{i}, share: {weight / total!r}, containment: {c / 20}, "
        f"recontact: {r / 20}, aht_uplift: {0.5 * c / max(20 - c, 1)!r}}}\n"
        for i, (weight, c, r) in enumerate(reasons)
    )
    text = f"deflection:\n  queues:\n    - queue: phone_zh\n      reasons:\n{lines}"
    rows = forecast(days=1).query("queue == 'phone_zh'")
    cfg = config(text)
    out = apply_deflection(rows, cfg)
    volume = out["volume"].to_numpy()
    assert np.all(out["deflected"] >= 0) and np.all(out["deflected"] <= volume + 1e-9)
    np.testing.assert_allclose(out["deflected"] + out["offered"], volume)
    assert np.all(out["aht_s"] > 0)
    more = apply_deflection(rows, cfg, containment_scale=scale)
    assert np.all(more["offered"] <= out["offered"] + 1e-9)
    work, more_work = out["offered"] * out["aht_s"], more["offered"] * more["aht_s"]
    assert np.all(more_work <= work + 1e-6) and np.all(
        work <= rows["volume"].to_numpy() * 300 + 1e-6
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "share: 0.4, aht_weight: 0.5",
            "share: 0.35, aht_weight: 0.5",
            "reason shares of queue 'chat_en' sum to 0.950, 0.050 short of 1",
        ),
        (
            "share: 0.4, aht_weight: 1.25",
            "share: 0.5, aht_weight: 1.25",
            "sum to 1.100, 0.100 over 1",
        ),
        ("recontact: 0.25", "recontact: 1.25", "reasons[0].recontact: 1.25 is not a share"),
        ("containment: 0.2,", "containment: -0.2,", "reasons[2].containment: -0.2 is not a share"),
        ("aht_uplift: 0.1", "aht_uplift: -1", "aht_uplift: -1 would make handle time zero"),
        ("name: other", "name: how_to", "reasons[2].name: reason 'how_to' is listed twice"),
        ("launch: 2026-03-02", "launch: next week", "launch: expected a date like 2026-01-05"),
        ("ramp_weeks: 2", "ramp_weeks: -2", "ramp_weeks: must be 0 or more weeks"),
        (
            "recontact: 0.5}",
            "recontact: 0.5, aht_uplift: 0.3}",
            "reasons[2].aht_uplift: 0.3 is more than containment 0.2 can explain",
        ),
    ],
)
def test_bad_deflection_config_is_a_clear_config_error(old, new, message):
    assert old in DEFLECTION
    with pytest.raises(ConfigError) as caught:
        config(DEFLECTION.replace(old, new, 1))
    assert message in caught.value.message
    assert caught.value.message.startswith("c.yaml: deflection.queues[0]")


def test_unknown_queue_fails_at_load_and_missing_section_is_named():
    with pytest.raises(ConfigError) as caught:
        config(DEFLECTION.replace("queue: chat_en", "queue: chat_fr"))
    assert caught.value.message.startswith(
        "c.yaml: deflection.queues[0].queue: queue 'chat_fr' is not in queues: (chat_en, phone_zh)"
    )
    with pytest.raises(ConfigError, match="no deflection: section"):
        project_deflection(forecast(days=1), parse_config(QUEUES))


def test_summary_subtotals_add_up_and_rates_are_net_of_recontacts():
    summary = project_deflection(forecast(), config()).summary
    reasons = summary[summary["reason"] != "all"]
    total = summary.iloc[-1]
    for column in ("contacts_per_week", "deflected_per_week", "fte_saved"):
        assert reasons[column].sum() == pytest.approx(total[column])
    how_to = summary.query("channel == 'chat' and reason == 'how_to'").iloc[0]
    assert how_to["deflection_rate"] == pytest.approx(0.6 * 0.75)
    assert how_to["recontacts_per_week"] == pytest.approx(how_to["contained_per_week"] * 0.25)


def test_cli_writes_the_table_staff_reads(tmp_path):
    from typer.testing import CliRunner

    from staffplan.cli import app
    from staffplan.tables import to_csv_text

    cfg = tmp_path / "c.yaml"
    cfg.write_text(QUEUES + DEFLECTION, encoding="utf-8")
    source = tmp_path / "forecast.csv"
    source.write_text(to_csv_text(forecast(days=2)), encoding="utf-8")
    net = tmp_path / "net.csv"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "deflection",
            "--forecast",
            str(source),
            "--config",
            str(cfg),
            "--output",
            str(net),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "two runs of the queueing engine" in result.stdout
    table = pd.read_csv(net)
    assert list(table.columns) == DEFLECTION_COLUMNS
    staffed = runner.invoke(
        app, ["staff", "--forecast", str(net), "--config", str(cfg), "--format", "csv"]
    )
    assert staffed.exit_code == 0, staffed.output
    requirements = pd.read_csv(pd.io.common.StringIO(staffed.stdout))
    np.testing.assert_allclose(requirements["offered"], table["offered"], rtol=1e-5)
    bad = runner.invoke(
        app, ["deflection", "--forecast", str(source), "--config", str(tmp_path / "x.yaml")]
    )
    assert bad.exit_code == 2
