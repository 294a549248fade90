"""A plan is never silently built from the wrong history: a start inside the history is
an error pointing to ``backtest``, a horizon long after it a warning, a roster week long
after it (``team.max_history_age_days``) exit 6; manifests record the history's span."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.errors import InputError, StaleInputError
from staffplan.forecast.run import check_after_history, check_history_age, history_gap_warning

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
HISTORY_FIRST = "2020-01-06T00:00:00+08:00"
HISTORY_LAST = "2020-05-10T23:30:00+08:00"


def history(last: str = "2026-03-22 23:30") -> pd.DataFrame:
    times = pd.date_range("2026-03-16", pd.Timestamp(last), freq="30min", tz="UTC")
    return pd.DataFrame({"queue": "chat", "interval_start": times, "volume": 1})


def test_a_start_inside_the_history_names_start_and_backtest():
    with pytest.raises(InputError) as caught:
        check_after_history(history(), pd.Timestamp("2026-03-22 23:30", tz="UTC"))
    assert caught.value.parameter == "start" and "staffplan backtest" in caught.value.message
    check_after_history(history(), pd.Timestamp("2026-03-23", tz="UTC"))


def test_a_horizon_more_than_the_gap_after_the_history_warns():
    start = pd.Timestamp("2026-04-06", tz="UTC")  # 14 days and 30 minutes after
    warning = history_gap_warning(history(), start, max_gap_days=14)
    assert warning is not None and "starts 14 days after the history ends" in warning
    assert history_gap_warning(history(), start, max_gap_days=15) is None


def test_a_queue_whose_history_stopped_gets_its_own_warning():
    fresh = history()
    old = history(last="2026-03-20 23:30").assign(queue="phone")
    start = pd.Timestamp("2026-04-04", tz="UTC")  # 12 days after chat, 14 after phone
    warning = history_gap_warning(pd.concat([fresh, old]), start, max_gap_days=13)
    assert warning is not None and "history of phone (2026-03-20T23:30:00+00:00)" in warning
    assert "chat" not in warning
    assert history_gap_warning(pd.concat([fresh, old]), start, max_gap_days=15) is None


def test_market_prices_that_stopped_before_the_history_warn(example_config: Path, tmp_path):
    """Prices ending three weeks before the horizon moved the demo's forecast by 16 %
    without a word."""
    prices = pd.read_csv(SAMPLE / "btc_usd_hourly.csv")
    stale = tmp_path / "btc.csv"
    prices[prices["timestamp"] < "2020-04-20"].to_csv(stale, index=False)
    out = tmp_path / "f.csv"
    args = ["forecast", "-c", str(example_config), "--market", str(stale), "-o", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "the market prices end 2020-04-20T00:00:00+00:00, 21 days before" in result.stderr
    assert "export fresher prices" in result.stderr


def test_a_history_older_than_the_age_limit_is_stale_input_exit_6():
    start = pd.Timestamp("2026-04-06", tz="UTC")
    with pytest.raises(StaleInputError) as caught:
        check_history_age(history(), start, max_age_days=7)
    assert caught.value.exit_code == 6 and "team.max_history_age_days is 7" in str(caught.value)
    check_history_age(history(), start, max_age_days=15)


@pytest.mark.parametrize("start", ["2019-01-07", "2020-05-04"])
def test_cli_forecast_before_the_history_ends_exits_2(example_config: Path, tmp_path, start):
    out = tmp_path / "f.csv"
    args = ["forecast", "-c", str(example_config), "--start", start, "--output", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: --start ") and "staffplan backtest" in result.stderr
    assert f"({HISTORY_FIRST} to {HISTORY_LAST})" in result.stderr
    assert not out.exists()


def test_cli_plan_before_the_history_ends_exits_2_and_writes_nothing(
    example_config: Path, tmp_path: Path
):
    args = ["plan", "-c", str(example_config), "--start", "2020-05-04", "-o", str(tmp_path / "p")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "staffplan backtest" in result.stderr
    assert not (tmp_path / "p").exists()


def test_cli_forecast_long_after_the_history_warns_on_stderr(example_config: Path, tmp_path):
    out = tmp_path / "f.csv"
    args = ["forecast", "-c", str(example_config), "--start", "2020-06-01"]
    result = CliRunner().invoke(app, [*args, "--horizon-days", "1", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning: the horizon starts 21 days after the history ends" in result.stderr
    assert out.is_file()
    fresh = CliRunner().invoke(
        app, [*args[:-1], "2020-05-11", "--horizon-days", "1", "-o", str(out)]
    )
    assert fresh.exit_code == 0 and "warning" not in fresh.stderr


ROSTER_CONFIG = f"""
timezone: Asia/Shanghai
interval_min: 30
queues:
  - name: phone_zh
    history: {SAMPLE / "history.csv"}
    aht_s: 300
    target: {{service_level: 0.8, answer_within_s: 20}}
shifts:
  templates:
    - {{name: day, start_window: ["06:00", "14:00"], start_every_min: 120, lengths_min: [480]}}
team:
  max_history_age_days: 14
  agents: [{{name: a}}, {{name: b}}]
"""


def test_cli_roster_from_a_stale_history_exits_6_and_publishes_nothing(tmp_path: Path):
    config = tmp_path / "staffplan.yaml"
    config.write_text(ROSTER_CONFIG, encoding="utf-8")
    rosters = tmp_path / "rosters"
    args = ["roster", "-c", str(config), "--week", "next", "--output", str(rosters)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 6, result.output
    assert result.stderr.count("\n") == 1 and f"the history ends {HISTORY_LAST}" in result.stderr
    assert "team.max_history_age_days is 14" in result.stderr
    assert not rosters.exists()


def test_the_plan_manifest_records_the_history_span(plan_folder: Path):
    record = json.loads((plan_folder / "manifest.json").read_text(encoding="utf-8"))
    assert record["history"] == {"first": HISTORY_FIRST, "last": HISTORY_LAST}
