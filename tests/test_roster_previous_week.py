"""The first roster of a folder: last week's days worked come from ``--previous`` (or
the folder), else the run says it assumed everyone off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from test_roster_command import BERLIN, requirements
from test_roster_rerun import CONFIG, MONDAY
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.config import parse_config
from staffplan.jobs.roster import run_roster
from staffplan.roster.rules_check import violations
from staffplan.tables import to_csv_text
from staffplan.tables.shifts import read_roster


def last_week(agent: str, days: range) -> pd.DataFrame:
    """``agent`` worked 09:00-17:00 on ``days`` of the week before MONDAY (0 = Monday)."""
    first = MONDAY - dt.timedelta(days=7)
    starts = [pd.Timestamp(first + dt.timedelta(days=d)).tz_localize(BERLIN) for d in days]
    return pd.DataFrame(
        {
            "agent": agent,
            "day": [t.date().isoformat() for t in starts],
            "start": [t + pd.Timedelta(hours=9) for t in starts],
            "end": [t + pd.Timedelta(hours=17) for t in starts],
        }
    )


@pytest.fixture(scope="module")
def config():
    return parse_config(CONFIG)


def test_previous_roster_carries_the_run_of_days_over_the_weekend(tmp_path: Path, config):
    # Cy worked Tuesday to Sunday: six days in a row, the most the rules allow, so Monday
    # must be off; without the file the run knows nothing of it and says so
    previous = tmp_path / "last_week.csv"
    previous.write_text(to_csv_text(last_week("Cy", range(1, 7))), encoding="utf-8")
    notices: list[str] = []
    run = run_roster(
        config,
        MONDAY,
        tmp_path / "rosters",
        requirements=requirements(MONDAY, peak=4),
        previous=previous,
        warn=notices.append,
    )
    roster = run.assignment.roster
    assert not ((roster["agent"] == "Cy") & (roster["day"] == MONDAY.isoformat())).any()
    before = read_roster(previous, BERLIN)
    assert (
        violations(roster, config.shifts.rules, config.team, week_start=MONDAY, previous=before)
        == []
    )
    assert not any("assumed every agent was off" in n for n in notices)

    blind: list[str] = []
    alone = run_roster(
        config, MONDAY, tmp_path / "fresh", requirements=requirements(MONDAY, peak=4),
        warn=blind.append,
    )  # fmt: skip
    assert any("no roster of 2026-W44" in n and "assumed every agent was off" in n for n in blind)
    first_day = alone.assignment.roster["day"] == MONDAY.isoformat()
    assert (alone.assignment.roster.loc[first_day, "agent"] == "Cy").any()  # the control


def test_the_folders_own_last_week_needs_no_file(tmp_path: Path, config):
    earlier = MONDAY - dt.timedelta(days=7)
    run_roster(config, earlier, tmp_path, requirements=requirements(earlier, peak=4))
    notices: list[str] = []
    run_roster(
        config, MONDAY, tmp_path, requirements=requirements(MONDAY, peak=4), warn=notices.append
    )
    assert not any("assumed every agent was off" in n for n in notices)


def test_cli_previous_option(tmp_path: Path):
    config_path = tmp_path / "c.yaml"
    config_path.write_text(CONFIG, encoding="utf-8")
    monday = dt.date.today() + dt.timedelta(days=14 - dt.date.today().weekday())
    week = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
    req = tmp_path / "req.csv"
    req.write_text(to_csv_text(requirements(monday, peak=4)), encoding="utf-8")
    args = ["roster", "-c", str(config_path), "--week", week, "--requirements", str(req)]
    args += ["-o", str(tmp_path / "r")]
    missing = CliRunner().invoke(app, [*args, "--previous", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "none.csv" in missing.output
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "assumed every agent was off last week" in done.stderr
