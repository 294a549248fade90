"""Progress on stderr: a line per finished stage with its time (what cron mails), a live
line only on a terminal, nothing with ``--quiet``."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.cli._output import stage_clock

LINE = r"staffplan plan: {} \d+\.\d s"


def stages(console: Console, quiet: bool = False) -> str:
    with stage_clock("plan", quiet, console) as stage:
        stage("forecast")
        stage("schedule")
    return console.file.getvalue()


@pytest.mark.parametrize("terminal", [False, True])
def test_a_line_per_finished_stage_with_its_time(terminal):
    text = stages(Console(file=io.StringIO(), force_terminal=terminal, width=80))
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)  # the live line's terminal codes
    finished = [line for line in re.split("[\r\n]", plain) if line.startswith("staffplan")]
    assert [re.fullmatch(LINE.format(r"\w+"), line) is not None for line in finished] == [
        True,
        True,
    ]
    assert [line.split()[2] for line in finished] == ["forecast", "schedule"]
    assert ("staffplan plan: schedule 0:00:00" in plain) is terminal  # the live elapsed line


def test_without_a_terminal_the_lines_are_plain_text():
    text = stages(Console(file=io.StringIO(), force_terminal=False, width=80))
    assert "\x1b" not in text and len(text.splitlines()) == 2


def test_quiet_prints_nothing():
    assert stages(Console(file=io.StringIO(), force_terminal=True), quiet=True) == ""


def test_a_failed_stage_prints_no_time():
    console = Console(file=io.StringIO(), force_terminal=False)
    with pytest.raises(ValueError), stage_clock("plan", False, console) as stage:
        stage("forecast")
        stage("schedule")
        raise ValueError("bad row")
    assert [line.split()[2] for line in console.file.getvalue().splitlines()] == ["forecast"]


def test_plan_prints_each_stage_time_and_nothing_when_quiet(replay_plan, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = str(replay_plan.checkout / "configs" / "example.yaml")
    shown = CliRunner().invoke(app, ["plan", "--config", config])
    assert shown.exit_code == 0, shown.output
    assert re.search(LINE.format("read inputs"), shown.stderr)
    assert re.search(LINE.format("write"), shown.stderr)
    quiet = CliRunner().invoke(app, ["plan", "--config", config, "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


@pytest.mark.parametrize("terminal", [False, True])
def test_the_solver_detail_shows_on_the_live_line_only_on_a_terminal(terminal):
    console = Console(file=io.StringIO(), force_terminal=terminal, width=100)
    with stage_clock("plan", False, console) as stage:
        stage("schedule")
        stage.detail("incumbent 2,829.30, gap 1.70%")
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", console.file.getvalue())
    assert ("incumbent 2,829.30, gap 1.70%" in plain) is terminal
    lines = [line for line in re.split("[\r\n]", plain) if line.startswith("staffplan")]
    finished = [line for line in lines if re.fullmatch(LINE.format("schedule"), line)]
    assert len(finished) == 1, lines  # cron's one line per stage, without the detail
