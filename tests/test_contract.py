"""The pipeline contract: each stage reads what the one before it wrote.

One demand table grows through forecast → deflection → staff; every stage re-run alone
on the plan folder's files reproduces the plan's own file; the simulation uses the
deflection-adjusted per-interval ``offered`` and ``aht_s``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.config import parse_config
from staffplan.deflection import apply_deflection
from staffplan.erlang import staffing_metrics
from staffplan.simulate import simulate_schedule
from staffplan.staffing import SIZING_COLUMNS, size_requirements

FORECAST_COLUMNS = ["queue", "interval_start", "volume", "lo80", "hi80", "lo95", "hi95"]
FORECAST_COLUMNS += ["model", "volatility_path", "peak"]


@pytest.fixture(scope="module")
def project(shared_plan) -> Path:
    """The session's demo project, where ``staffplan plan --simulate`` wrote ``plan/``."""
    assert "--simulate" in shared_plan.options
    return shared_plan.checkout


def option(shared_plan, name: str) -> str:
    """The value the shared plan run gave option ``name``."""
    return shared_plan.options[shared_plan.options.index(name) + 1]


def run(project: Path, *args: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        result = CliRunner().invoke(app, [*args, "--quiet"])
    assert result.exit_code == 0, result.stderr + result.stdout


def test_plan_simulate_writes_the_simulated_band(project):
    plan = project / "plan"
    for name in ("simulation.csv", "simulation_daily.csv", "simulation.png"):
        assert (plan / name).stat().st_size > 0, name
    assert "Simulated service level" in (plan / "report.html").read_text(encoding="utf-8")


def test_requirements_keep_every_forecast_and_deflection_column(project):
    requirements = pd.read_csv(project / "plan" / "requirements.csv")
    deflection = pd.read_csv(project / "plan" / "deflection.csv")
    expected = [*FORECAST_COLUMNS, "deflected", "offered", "aht_s"]
    # phone_zh's priority classes add per-class columns after the contract's
    classes = ("security", "general")
    mix = [f"{m}_{c}" for c in classes for m in ("offered", "aht_s")]
    levels = [f"{m}_{c}" for m in ("service_level", "asa_s", "abandon_rate") for c in classes]
    assert list(deflection.columns) == [*expected, *mix]
    assert list(requirements.columns) == [*expected, *SIZING_COLUMNS, *mix, *levels]
    assert set(requirements["volatility_path"]) <= {"conditional", "decay"}


def test_simulate_on_the_plan_folder_reproduces_the_plan_band_exactly(project, shared_plan):
    run(
        project,
        "simulate",
        "--schedule",
        "plan/",
        "--forecast",
        "plan/requirements.csv",
        "--seed",
        option(shared_plan, "--seed"),
        "--replications",
        option(shared_plan, "--replications"),
        "--output",
        "sim/",
    )
    plan, sim = project / "plan", project / "sim"
    assert (sim / "simulation.csv").read_bytes() == (plan / "simulation.csv").read_bytes()
    assert (sim / "daily.csv").read_bytes() == (plan / "simulation_daily.csv").read_bytes()


@pytest.mark.parametrize(
    ("command", "option", "source", "written"),
    [
        ("deflection", "--forecast", "forecast.csv", "deflection.csv"),
        ("staff", "--forecast", "deflection.csv", "requirements.csv"),
        ("staff", "--forecast", "requirements.csv", "requirements.csv"),
    ],
)
def test_each_stage_rerun_on_the_plan_files_reproduces_the_plan_file(
    project, command, option, source, written
):
    out = f"rerun_{command}_{source}"
    run(project, command, option, f"plan/{source}", "--output", out)
    assert (project / out).read_bytes() == (project / "plan" / written).read_bytes()


DEFLECTED_PHONE = """
timezone: UTC
interval_min: 30
queues:
  - {name: phone, aht_s: 300, target: {service_level: 0.8, answer_within_s: 20}}
simulation: {handle_time: exponential, overdispersed: false}
deflection:
  queues:
    - queue: phone
      reasons:
        - {name: how_to, share: 0.5, aht_weight: 0.4, containment: 0.6, recontact: 0.0,
           ramp_weeks: 0}
        - {name: security, share: 0.5, aht_weight: 1.6, never_deflect: true}
"""


def test_simulation_uses_the_deflected_aht_and_agrees_with_erlang():
    """Deflection takes short contacts away, so the offered AHT rises (300 s → 377 s).
    A steady week simulated with exponential handle times must match the Erlang projection
    at that AHT within a 99 % confidence interval, and must miss the projection at the
    configured 300 s (what the simulation used before the contract)."""
    config = parse_config(DEFLECTED_PHONE)
    times = pd.date_range("2026-12-07", periods=7 * 48, freq="30min", tz="UTC")
    forecast = pd.DataFrame({"queue": "phone", "interval_start": times, "volume": 150.0})
    requirements = size_requirements(apply_deflection(forecast, config), config)
    offered, aht_s = requirements["offered"].iloc[0], requirements["aht_s"].iloc[0]
    assert aht_s == pytest.approx((0.2 * 120 + 0.5 * 480) / 0.7)  # how_to 120 s, security 480 s
    agents = int(np.ceil(offered * aht_s / 1800.0)) + 2  # busy but stable: AHT matters
    coverage = forecast[["queue", "interval_start"]].assign(scheduled=float(agents))
    result = simulate_schedule(requirements, coverage, config, replications=40, seed=5)
    per_day = result.daily["service_level"].to_numpy()  # each a mean of 40 replications
    simulated = float(per_day.mean())
    half_width = stats.t.ppf(0.995, per_day.size - 1) * per_day.std(ddof=1) / np.sqrt(7)
    erlang = float(result.daily["erlang_service_level"].mean())
    assert abs(simulated - erlang) <= half_width, (simulated, erlang, half_width)
    configured = staffing_metrics(agents, offered, 300.0, 30, 20.0)["service_level"].iloc[0]
    assert abs(simulated - configured) > 3 * half_width, (simulated, configured, half_width)
