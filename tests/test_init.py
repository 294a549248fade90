"""``staffplan init [DIR]``: a starter project that ``staffplan plan`` runs in, and that
never replaces a file without ``--force``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.config import load_config
from staffplan.config.locate import ENVIRONMENT_VARIABLE

PROJECT = [
    "staffplan.yaml",
    "README.md",
    "sample_data/history.csv",
    "sample_data/btc_usd_hourly.csv",
]


def test_init_writes_a_project_whose_config_reads_its_own_sample(tmp_path: Path, sample_data):
    result = CliRunner().invoke(app, ["init", str(tmp_path / "project")])
    assert result.exit_code == 0, result.output
    project = tmp_path / "project"
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()) == sorted(
        PROJECT
    )
    assert (project / "sample_data" / "history.csv").read_bytes() == (
        sample_data / "history.csv"
    ).read_bytes()
    config = load_config(project / "staffplan.yaml")
    # every queue reads the sample, but the tier-2 queue fed only by escalation
    histories = {q.name: q.history for q in config.queues}
    assert histories.pop("specialists") is None
    assert set(histories.values()) == {project / "sample_data" / "history.csv"}
    assert config.market.prices == project / "sample_data" / "btc_usd_hourly.csv"
    assert config.require("team").max_history_age_days == 14  # cron fails on a stale export
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "staffplan roster --week next --wait-lock 600" in readme


def test_init_refuses_to_overwrite_and_force_does(tmp_path: Path):
    (tmp_path / "sample_data").mkdir()
    mine = {"staffplan.yaml": "mine\n", "sample_data/history.csv": "queue\n"}
    for name, text in mine.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    refused = CliRunner().invoke(app, ["init", str(tmp_path)])
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    for name in mine:
        assert str(tmp_path / name) in refused.stderr and "--force" in refused.stderr
    assert {p.name for p in tmp_path.rglob("*") if p.is_file()} == {"staffplan.yaml", "history.csv"}
    assert (tmp_path / "staffplan.yaml").read_text(encoding="utf-8") == "mine\n"
    forced = CliRunner().invoke(app, ["init", str(tmp_path), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "staffplan.yaml").read_text(encoding="utf-8").startswith("# staffplan")


def test_plan_runs_in_the_folder_init_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["init"]).exit_code == 0
    result = CliRunner().invoke(app, ["plan", "--horizon-days", "1", "--time-limit", "300"])
    assert result.exit_code == 0, result.output
    assert "(./staffplan.yaml)" in result.stderr
    assert (tmp_path / "plan" / "report.html").is_file()
