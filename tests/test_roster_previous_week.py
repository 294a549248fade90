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
from staffplan.jobs.roster import run_roster, unknown_agents
from staffplan.roster.fairness import week_label
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
    # Without a last week the run says what it assumed, and someone works Monday; given
    # that this agent worked Tuesday to Sunday (six days in a row, the most the rules
    # allow), Monday must be off.
    table = requirements(MONDAY, peak=4)
    blind: list[str] = []
    alone = run_roster(config, MONDAY, tmp_path / "fresh", requirements=table, warn=blind.append)
    assert any("no roster of 2026-W44" in n and "assumed every agent was off" in n for n in blind)
    first = alone.assignment.roster
    agent = sorted(first.loc[first["day"] == MONDAY.isoformat(), "agent"])[0]
    previous = tmp_path / "last_week.csv"
    previous.write_text(to_csv_text(last_week(agent, range(1, 7))), encoding="utf-8")
    notices: list[str] = []
    run = run_roster(
        config, MONDAY, tmp_path / "rosters", requirements=table, previous=previous,
        warn=notices.append,
    )  # fmt: skip
    roster = run.assignment.roster
    assert not ((roster["agent"] == agent) & (roster["day"] == MONDAY.isoformat())).any()
    before = read_roster(previous, BERLIN)
    rules, team = config.shifts.rules, config.team
    assert violations(roster, rules, team, week_start=MONDAY, previous=before) == []
    assert not any("assumed every agent was off" in n for n in notices)


def test_the_folders_own_last_week_needs_no_file(tmp_path: Path, config):
    earlier = MONDAY - dt.timedelta(days=7)
    run_roster(config, earlier, tmp_path, requirements=requirements(earlier, peak=4))
    notices: list[str] = []
    run_roster(
        config, MONDAY, tmp_path, requirements=requirements(MONDAY, peak=4), warn=notices.append
    )
    assert not any("assumed every agent was off" in n for n in notices)


def notices_given(config, folder: Path, previous_rows: pd.DataFrame) -> tuple[Path, list[str]]:
    """The ``--previous`` file of ``previous_rows`` written into ``folder`` and what a
    roster of MONDAY given it says to ``warn``."""
    previous = folder / "previous.csv"
    previous.write_text(to_csv_text(previous_rows), encoding="utf-8")
    notices: list[str] = []
    table = requirements(MONDAY, peak=4)
    run_roster(config, MONDAY, folder / "r", requirements=table, previous=previous,
               warn=notices.append)  # fmt: skip
    return previous, notices


def test_a_previous_roster_without_last_week_is_named_and_everyone_assumed_off(
    tmp_path: Path, config
):
    # a roster of a year before: nothing of last week in it, so the assignment assumes
    # everyone off, and says that the file given did not tell
    old = last_week("Ana", range(1, 7)).assign(
        start=lambda t: t["start"] - pd.Timedelta(weeks=52),
        end=lambda t: t["end"] - pd.Timedelta(weeks=52),
    )
    previous, notices = notices_given(config, tmp_path, old)
    assert notices == [
        f"no roster of 2026-W44 in {tmp_path / 'r'} and --previous {previous} holds no shift "
        "of 2026-W44 (2026-10-26 to 2026-11-01): assumed every agent was off last week (give "
        "last week's roster with --previous so rest, days in a row and days off carry over "
        "the weekend)"
    ]


def test_agents_of_a_previous_roster_not_in_the_team_are_named_with_their_row(
    tmp_path: Path, config
):
    rows = pd.concat(
        [last_week("Ana", range(2)), last_week("Nobody", range(3)), last_week("Zed", [4])]
    )
    previous, notices = notices_given(config, tmp_path, rows)
    assert notices == [
        f"warning: {previous}: agent(s) not in team.agents: row 4 'Nobody', row 7 'Zed'; "
        "their shifts count for no one (normal for an agent who left; else fix the name)"
    ]


def test_a_warning_names_five_unknown_agents_and_counts_the_rest(config):
    rows = pd.DataFrame({"agent": ["Ana", *(f"Gone {i}" for i in range(7)), "Gone 0"]})
    text = unknown_agents(rows, config.team, Path("p.csv"))
    assert text is not None and "agent(s) not in team.agents: row 3 'Gone 0', row 4" in text
    assert "row 7 'Gone 4', 2 more agent(s); their shifts" in text
    assert unknown_agents(rows[:1], config.team, Path("p.csv")) is None


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
    stale = tmp_path / "stale.csv"
    rows = pd.concat([last_week("Ana", range(3)), last_week("Nobody", [1])])
    stale.write_text(to_csv_text(rows), encoding="utf-8")  # of the week before MONDAY
    warned = CliRunner().invoke(app, [*args, "--previous", str(stale)])
    assert warned.exit_code == 0, warned.output
    assert f"warning: {stale}: agent(s) not in team.agents: row 5 'Nobody';" in warned.stderr
    assert f"--previous {stale} holds no shift of {week_label(monday - dt.timedelta(7))}" in (
        warned.stderr
    )
