"""At 80 columns (cron mail, pipes) every command's screen table shows every header and
every number whole: wide tables come in blocks of columns, never with ``…``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from staffplan import console
from staffplan.cli import app
from staffplan.jobs import plan as planning

WIDTH = 80


def shown_cells(result: pd.DataFrame | dict[str, Any]) -> list[str]:
    """The headers and cells of ``result`` as the screen shows them (head and tail rows)."""
    if isinstance(result, dict):
        return [*map(str, result), *map(console.cell_text, result.values())]
    shown = result
    if len(result) > console.MAX_ROWS:
        shown = pd.concat([result.head(console.MAX_ROWS // 2), result.tail(console.MAX_ROWS // 2)])
    cells = [console.cell_text(v) for row in shown.itertuples(index=False) for v in row]
    return [*map(str, result.columns), *cells]


def assert_whole(text: str, tables: list[pd.DataFrame | dict[str, Any]]) -> None:
    assert tables, "no table was printed"
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    for table in tables:
        for cell in shown_cells(table):
            assert cell in text, f"{cell!r} is not shown whole:\n{text}"


@pytest.fixture
def screen(shared_plan, monkeypatch: pytest.MonkeyPatch):
    """``screen(*args)``: run a command at 80 columns in the shared plan's checkout (its
    ``plan/`` folder as inputs); return its stdout and the tables it printed."""
    monkeypatch.chdir(shared_plan.checkout)
    printed: list[pd.DataFrame | dict[str, Any]] = []
    real = console.print_table

    def recording(result: pd.DataFrame | dict[str, Any], **kwargs: Any) -> None:
        printed.append(result)
        real(result, **kwargs)

    monkeypatch.setattr(console, "print_table", recording)

    def run(*args: str) -> tuple[str, list[pd.DataFrame | dict[str, Any]]]:
        printed.clear()
        result = CliRunner().invoke(app, [*args, "--format", "table"], env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        return result.stdout, list(printed)

    return run


ERLANG = ("erlang", "--volume", "452733", "--aht-s", "180", "--interval-min", "1440")
COMMANDS = {
    "erlang": ERLANG,
    "forecast": ("forecast", "--horizon-days", "1", "--quiet"),
    "backtest": ("backtest", "--origins", "1", "--horizon-days", "1", "--train-weeks", "4"),
    "deflection": ("deflection", "--forecast", "plan/forecast.csv"),
    "staff": ("staff", "--forecast", "plan/forecast.csv"),
    "scenarios": ("scenarios", "--config", "configs/example_3_months.yaml"),
    "simulate": (
        *("simulate", "--schedule", "plan/", "--forecast", "plan/requirements.csv"),
        *("--replications", "2", "--jobs", "1"),
    ),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_command_table_fits_80_columns_without_cutting(screen, name, short_scenarios_config):
    text, tables = screen(*COMMANDS[name])
    assert_whole(text, tables)


def test_schedule_summary_fits_80_columns(screen, tmp_path: Path):
    args = ("schedule", "--requirements", "plan/requirements.csv", "--time-limit", "300")
    text, tables = screen(*args, "--output", str(tmp_path / "schedule"))
    assert_whole(text, tables)


def test_plan_tables_fit_80_columns(shared_plan):
    screen = Console(width=WIDTH, record=True, highlight=False)
    tables = [
        planning.plan_headlines(shared_plan.result),
        planning.daily_summary(shared_plan.result),
    ]
    for table in tables:
        console.print_table(table, title="plan", console=screen)
    assert_whole(screen.export_text(), tables)


def test_a_wide_table_comes_in_blocks_repeating_its_key_columns():
    wide = pd.DataFrame({"queue": ["billing"], "day": ["2020-05-11"]})
    for i in range(6):
        wide[f"service_level_achieved_{i}"] = [452733.5]
    screen = Console(width=WIDTH, record=True, highlight=False)
    console.print_table(wide, title="wide", console=screen)
    text = screen.export_text()
    assert_whole(text, [wide])
    assert text.count("2020-05-11") == 3  # three blocks of two columns, each with the keys
    assert text.count("wide (continued)") == 2
