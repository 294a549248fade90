"""`staffplan plan` end to end on the bundled sample, as the README's main job runs it
(the session's shared plan, see conftest.py)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from report_parsing import ReportParser
from typer.testing import CliRunner

from staffplan.cli import app

EXPECTED_FILES = {
    "forecast.csv",
    "deflection.csv",
    "deflection_summary.csv",
    "requirements.csv",
    "shifts.csv",
    "coverage.csv",
    "daily.csv",
    "forecast.png",
    "coverage.png",
    "report.html",
    "manifest.json",
}


def test_plan_writes_every_file(shared_plan):
    plan_folder = shared_plan.folder
    assert "Plan written to plan/" in shared_plan.stdout
    assert {p.name for p in plan_folder.iterdir()} >= EXPECTED_FILES
    assert not [p for p in plan_folder.parent.iterdir() if p.name.startswith(".plan")]


def test_plan_starts_the_monday_after_the_history(plan_folder, sample_data):
    forecast = pd.read_csv(plan_folder / "forecast.csv")
    history = pd.read_csv(sample_data / "history.csv")
    last = pd.Timestamp(history["interval_start"].max())
    first = pd.Timestamp(forecast["interval_start"].min())
    assert first.weekday() == 0 and first.hour == 0 and first > last
    assert (first - last) < pd.Timedelta(days=8)


def test_report_charts_are_inline_and_headlines_match_the_csvs(plan_folder):
    report = ReportParser()
    report.feed((plan_folder / "report.html").read_text(encoding="utf-8"))
    assert report.charts >= 3 and not report.images  # inline SVG: no image files needed
    requirements = pd.read_csv(plan_folder / "requirements.csv")
    shifts = pd.read_csv(plan_folder / "shifts.csv")
    daily = pd.read_csv(plan_folder / "daily.csv")
    coverage = pd.read_csv(plan_folder / "coverage.csv")
    head = report.headlines
    peak = requirements.loc[requirements["volume"].idxmax()]
    assert head["Peak interval"].startswith(peak["queue"])
    assert f"({peak['volume']:,.0f} contacts)" in head["Peak interval"]
    assert head["Peak agents on queue"] == (
        f"{requirements.groupby('interval_start')['agents'].sum().max():,.0f}"
    )
    assert head["Scheduled paid hours"] == f"{shifts['paid_hours'].sum():,.1f}"
    assert head["FTE needed per day (mean)"] == f"{daily['fte_needed'].mean():,.1f}"
    joined = requirements.merge(coverage, on=["queue", "interval_start"], suffixes=("", "_cov"))
    known = joined["service_level_cov"].notna()
    weighted = (joined["service_level_cov"] * joined["offered"])[known].sum()
    assert head["Projected service level"] == f"{weighted / joined['offered'][known].sum():.1%}"


def test_coverage_equals_requirements_and_schedule(plan_folder):
    requirements = pd.read_csv(plan_folder / "requirements.csv")
    coverage = pd.read_csv(plan_folder / "coverage.csv")
    # a pool (the demo's tier1) is one coverage label, its queues joined by "+"
    labels = {q: label for label in coverage["queue"].unique() for q in label.split("+")}
    need = requirements.assign(queue=requirements["queue"].map(labels))
    need = need.groupby(["queue", "interval_start"], as_index=False)["agents"].sum()
    assert any("+" in label for label in labels.values())
    joined = need.merge(coverage, on=["queue", "interval_start"])
    assert len(joined) == len(need) == len(coverage)
    assert joined["required"].to_numpy() == pytest.approx(joined["agents"].to_numpy(), abs=1e-4)


def test_failed_plan_leaves_the_previous_plan_intact(
    replay_plan, crash_log_folder, tmp_path, monkeypatch
):
    shutil.copytree(replay_plan.folder, tmp_path / "plan")
    plan_folder = tmp_path / "plan"
    before = {p.name: p.read_bytes() for p in plan_folder.iterdir()}
    monkeypatch.chdir(tmp_path)

    def crash(*args, **kwargs):
        raise RuntimeError("killed halfway")

    monkeypatch.setattr("staffplan.jobs.plan.daily_summary", crash)
    config = replay_plan.checkout / "configs" / "example.yaml"
    result = CliRunner().invoke(app, ["plan", "--config", str(config), "--quiet"])
    assert result.exit_code == 1
    assert "please report" in result.stderr and "Traceback" not in result.stderr
    assert str(crash_log_folder) in result.stderr
    assert {p.name: p.read_bytes() for p in plan_folder.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plan")]
    assert not (tmp_path / "plan.lock").exists()
