"""``-`` for stdin and stdout where a table goes, and one way to write infinity: ``inf``
on the screen and in CSV, the string ``"inf"`` in JSON."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from staffplan.cli import app


@pytest.fixture
def run(shared_plan, monkeypatch: pytest.MonkeyPatch):
    """``run(*args, stdin=...)`` in the shared plan's checkout (its ``plan/`` as inputs)."""
    monkeypatch.chdir(shared_plan.checkout)

    def invoke(*args: str, stdin: str | None = None) -> Result:
        result = CliRunner().invoke(app, list(args), input=stdin)
        assert result.exit_code == 0, result.output
        return result

    return invoke


def csv_rows(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def test_output_dash_writes_csv_or_json_to_stdout(run):
    csv = run("forecast", "--horizon-days", "1", "--output", "-", "--quiet").stdout
    assert {"queue", "interval_start", "volume"} <= set(csv_rows(csv).columns)
    records = json.loads(run("forecast", "--horizon-days", "1", "-o", "-", "-f", "json").stdout)
    assert len(records) == len(csv_rows(csv))


@pytest.mark.parametrize("command", ["staff", "deflection"])
def test_forecast_dash_reads_stdin_and_stdout_holds_only_the_table(run, shared_plan, command):
    demand = (shared_plan.folder / "forecast.csv").read_text(encoding="utf-8")
    piped = run(command, "--forecast", "-", "--output", "-", stdin=demand).stdout
    named = run(command, "--forecast", "plan/forecast.csv", "--output", "-").stdout
    assert piped == named
    assert "offered" in csv_rows(piped).columns


def test_simulate_reads_its_demand_from_stdin(run, shared_plan):
    demand = (shared_plan.folder / "requirements.csv").read_text(encoding="utf-8")
    args = ("simulate", "--schedule", "plan/", "--replications", "2", "--jobs", "1", "-f", "csv")
    piped = run(*args, "--forecast", "-", stdin=demand).stdout
    assert piped == run(*args, "--forecast", "plan/requirements.csv").stdout


def test_scenarios_output_dash_writes_the_months_csv(run, short_scenarios_config):
    config = str(short_scenarios_config)
    months = csv_rows(run("scenarios", "--config", config, "--output", "-", "--quiet").stdout)
    assert {"scenario", "month", "required_fte", "gap_fte"} <= set(months.columns)
    assert months["month"].tolist() == ["2021-01", "2021-02", "2021-03"] * 3  # three cases


def test_infinity_reads_inf_in_table_csv_and_json(run):
    erlang = ("erlang", "--volume", "100", "--aht-s", "180", "--agents", "5")
    assert csv_rows(run(*erlang, "-f", "csv").stdout)["asa_s"].tolist() == [float("inf")]
    assert json.loads(run(*erlang, "-f", "json").stdout)["asa_s"] == "inf"
    table = run(*erlang, "-f", "table").stdout
    assert next(line for line in table.splitlines() if "asa_s" in line).split()[-2] == "inf"


def test_forecast_reads_its_history_from_stdin(run, shared_plan):
    history = (shared_plan.checkout / "sample_data" / "history.csv").read_text(encoding="utf-8")
    args = ("forecast", "--horizon-days", "1", "--output", "-", "--quiet")
    piped = run(*args, "--history", "-", stdin=history).stdout
    assert piped == run(*args, "--history", "sample_data/history.csv").stdout
