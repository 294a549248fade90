"""Every ``Example:`` in the commands' help runs and exits 0, in a fresh checkout.

The examples are read from each command's help text, so a new command's example is
tested without touching this file. An example runs after the examples that write the
files it reads (``simulate --schedule schedule/`` after the example that writes
``schedule/``); the files a user brings (a surge's requirements, the published roster a
re-plan starts from) are made from real outputs. The checkout's config gives the shift
solvers a few seconds: this test checks that each command line works (other tests check
the plans), and a week of shifts solved to its gap takes half a minute.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import click
import numpy as np
import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner, Result

from staffplan.cli import app
from staffplan.tables import to_csv_text

# The roster assignment's time limit, kept short; the shift solver stops on its own
# counts (its time limit is a safety net that exits 8), so it keeps the config's.
SOLVER_SECONDS = 3
WRITTEN = ("output", "plot")  # the parameters naming what a command writes
COMMANDS = typer.main.get_command(app).commands
Argv = tuple[str, ...]  # an example's command line after "staffplan"


def example_lines() -> list[Argv]:
    """Every ``Example:`` paragraph of every command's help, continuation lines joined."""
    found = []
    for command in COMMANDS.values():
        for text in re.findall(r"^\s*Example:(.*?)(?:\n\s*\n|\Z)", command.help or "", re.S | re.M):
            words = shlex.split(text.replace("\\\n", " "))  # shell line continuations
            assert words[0] == "staffplan", f"{command.name} example: {text!r}"
            found.append(tuple(words[1:]))
    return found


EXAMPLES = example_lines()


def _paths(argv: Argv) -> tuple[dict[str, Path], list[Path]]:
    """(files read by parameter name, files written) by the example, defaults included;
    nothing for an example whose options do not parse (its own test shows why)."""
    name, *options = argv
    try:
        params = COMMANDS[name].make_context(name, options, resilient_parsing=True).params
    except (click.ClickException, KeyError):
        return {}, []
    paths = {key: value for key, value in params.items() if isinstance(value, Path)}
    reads = {key: path for key, path in paths.items() if key not in WRITTEN}
    return reads, [path for key, path in paths.items() if key in WRITTEN]


def _needs(argv: Argv, other: Argv) -> bool:
    """Whether ``argv`` reads a file that ``other`` writes (or one inside a folder it writes)."""
    reads, _ = _paths(argv)
    _, writes = _paths(other)
    return other != argv and any(w == r or w in r.parents for r in reads.values() for w in writes)


def _published_roster(folder: Path, path: Path, reads: dict[str, Path]) -> None:
    """The week the roster example published, copied to the week the example names (the
    roster example publishes next week, which is that week only when the example was written)."""
    published = sorted(folder.glob("**/roster.csv"))
    assert published, f"{path}: no example published a roster to re-plan"
    shutil.copytree(published[0].parent, (folder / path).parent, dirs_exist_ok=True)


def _surge_requirements(folder: Path, path: Path, reads: dict[str, Path]) -> None:
    """A surge on the first day of the re-planned week: its roster's required agents plus
    a quarter."""
    assert "baseline" in reads, f"{path}: no example writes these requirements"
    coverage = pd.read_csv(folder / reads["baseline"].parent / "coverage.csv")
    day = coverage["interval_start"].str[:10]
    surge = coverage[day == day.min()]
    surge = surge[["queue", "interval_start"]].assign(agents=np.ceil(surge["required"] * 1.25))
    (folder / path).write_text(to_csv_text(surge), encoding="utf-8")


def _actuals_so_far(folder: Path, path: Path, reads: dict[str, Path]) -> None:
    """A busy start of the week: the first two days of the forecast at 1.5 ×, whole
    contacts (the re-forecast examples' --as-of is on the third day)."""
    forecast = pd.read_csv(folder / reads["forecast"])
    day = forecast["interval_start"].str[:10]
    first = forecast[day.isin(sorted(day.unique())[:2])]
    actuals = first[["queue", "interval_start"]].assign(volume=np.round(first["volume"] * 1.5))
    (folder / path).write_text(to_csv_text(actuals), encoding="utf-8")


# Files a user brings, by the parameter that reads them, made in this order.
PREPARE: dict[str, Callable[[Path, Path, dict[str, Path]], None]] = {
    "baseline": _published_roster,
    "requirements": _surge_requirements,
    "actuals": _actuals_so_far,
}


class Workspace:
    """A checkout in which every example runs once, after the examples it reads from."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.results: dict[Argv, Result] = {}
        self.running: list[Argv] = []

    def run(self, argv: Argv) -> Result:
        if argv not in self.results:
            assert argv not in self.running, f"examples read each other's files: {self.running}"
            self.running.append(argv)
            try:
                for other in EXAMPLES:
                    if _needs(argv, other):
                        done = self.run(other)
                        assert done.exit_code == 0, f"{shlex.join(argv)} reads what {other} writes"
                self._prepare(argv)
                with pytest.MonkeyPatch.context() as patch:
                    patch.chdir(self.folder)
                    self.results[argv] = CliRunner().invoke(app, list(argv))
            finally:
                self.running.remove(argv)
        return self.results[argv]

    def _prepare(self, argv: Argv) -> None:
        reads, _ = _paths(argv)
        missing = {key for key, path in reads.items() if not (self.folder / path).exists()}
        unknown = missing - set(PREPARE)
        assert not unknown, (
            f"staffplan {shlex.join(argv)}: {[str(reads[key]) for key in sorted(unknown)]} "
            "exist in no checkout and no example writes them; fix the example, or make them "
            "in PREPARE"
        )
        for key, prepare in PREPARE.items():
            if key in missing:
                prepare(self.folder, reads[key], reads)


@pytest.fixture(scope="module")
def workspace(make_checkout: Callable[[str], Path]) -> Workspace:
    folder = make_checkout("examples")
    config = folder / "configs" / "example.yaml"
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw["team"]["time_limit_s"] = SOLVER_SECONDS
    config.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return Workspace(folder)


def test_every_command_has_an_example() -> None:
    assert not set(COMMANDS) - {argv[0] for argv in EXAMPLES}


def _example_id(i: int) -> str:
    """``schedule-2``: the command and which of its examples."""
    command = EXAMPLES[i][0]
    return f"{command}-{[argv[0] for argv in EXAMPLES[: i + 1]].count(command)}"


@pytest.mark.parametrize("argv", EXAMPLES, ids=[_example_id(i) for i in range(len(EXAMPLES))])
def test_example_runs_and_exits_0(workspace: Workspace, argv: Argv) -> None:
    result = workspace.run(argv)
    assert result.exit_code == 0, f"staffplan {shlex.join(argv)}\n{result.stderr}{result.stdout}"
