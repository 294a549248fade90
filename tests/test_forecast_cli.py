"""The forecast and backtest commands, and the forecast: config section."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.config import parse_config
from staffplan.errors import ConfigError

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
FORECAST_COLUMNS = "queue,interval_start,volume,lo80,hi80,lo95,hi95,model,volatility_path,peak"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "staffplan.yaml"
    path.write_text(
        f"""timezone: Asia/Shanghai
interval_min: 30
queues:
  - {{name: chat_en, channel: chat, aht_s: 420, history: {SAMPLE / "history.csv"}}}
  - {{name: phone_zh, aht_s: 300, history: {SAMPLE / "history.csv"}}}
market: {{prices: {SAMPLE / "btc_usd_hourly.csv"}}}
forecast: {{history_weeks: 12}}
""",
        encoding="utf-8",
    )
    return path


def run(*args: str) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_forecast_writes_the_table_and_the_plot(config, tmp_path):
    output, plot = tmp_path / "forecast.csv", tmp_path / "forecast.png"
    result = run(
        "forecast", "--config", config, "--horizon-days", 7, "--output", output, "--plot", plot
    )
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert text.splitlines()[0] == FORECAST_COLUMNS
    table = pd.read_csv(io.StringIO(text))
    assert len(table) == 2 * 7 * 48
    assert table["interval_start"].iloc[0] == "2020-05-11T00:00:00+08:00"
    assert set(table["volatility_path"]) == {"conditional", "decay"}
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_forecast_scenario_option_sets_every_row_and_is_deterministic(config):
    args = (
        "forecast",
        "--config",
        config,
        "--horizon-days",
        2,
        "--volatility-scenario",
        "stressed",
        "--format",
        "csv",
    )
    first, second = run(*args), run(*args)
    assert first.exit_code == 0, first.output
    table = pd.read_csv(io.StringIO(first.stdout))
    assert set(table["volatility_path"]) == {"stressed"}
    assert first.stdout == second.stdout


def test_forecast_with_an_unknown_scenario_exits_2_with_one_line(config):
    result = run("forecast", "--config", config, "--volatility-scenario", "panic")
    assert result.exit_code == 2
    assert "use calm|typical|stressed|crash" in result.output
    assert "Traceback" not in result.output


def test_forecast_history_gap_needs_fill_gaps(config, tmp_path):
    lines = (SAMPLE / "history.csv").read_text(encoding="utf-8").splitlines()
    gapped = tmp_path / "gapped.csv"
    gapped.write_text("\n".join(lines[:100] + lines[101:]) + "\n", encoding="utf-8")
    refused = run("forecast", "--config", config, "--history", gapped, "--horizon-days", 1)
    assert refused.exit_code == 2 and "--fill-gaps zero" in refused.output
    filled = run(
        "forecast",
        "--config",
        config,
        "--history",
        gapped,
        "--horizon-days",
        1,
        "--fill-gaps",
        "zero",
        "--format",
        "csv",
    )
    assert filled.exit_code == 0, filled.output


def test_backtest_reports_one_row_per_model(config):
    result = run(
        "backtest",
        "--config",
        config,
        "--origins",
        2,
        "--train-weeks",
        8,
        "--format",
        "json",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["model"] for r in rows] == ["staffplan", "same_slot_average", "seasonal_naive"]
    for row in rows:
        assert {"mase", "wape", "wape_daily", "coverage80", "coverage95", "fit_predict_s"} <= set(
            row
        )
        assert row["origins"] == 2


def test_forecast_section_is_validated_with_key_paths():
    base = "timezone: UTC\nqueues: [{name: q, aht_s: 60}]\n"
    assert parse_config(base).forecast is None
    assert parse_config(base + "forecast: {level_weeks: 6}\n").forecast.level_weeks == 6
    with pytest.raises(
        ConfigError, match=re.escape("forecast.level_weeks: must be at least 1 week")
    ):
        parse_config(base + "forecast: {level_weeks: 0}\n")
    with pytest.raises(
        ConfigError,
        match=re.escape("forecast.levle_weeks: unknown key; did you mean 'level_weeks'"),
    ):
        parse_config(base + "forecast: {levle_weeks: 6}\n")
    with pytest.raises(ConfigError, match=r"forecast.levels\[1\]: 120 is not a coverage"):
        parse_config(base + "forecast: {levels: [80, 120]}\n")
