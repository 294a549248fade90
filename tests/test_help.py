"""Help at 80 columns: flags without ``<bool>``, nothing cut, every ``Example:`` a shell
command that copy-pastes as one (continued with `` \\``), and ``staffplan --help`` without
loading the numeric stack."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from test_examples import EXAMPLES
from typer.testing import CliRunner

from staffplan.cli import app

REPO = Path(__file__).resolve().parents[1]
COMMANDS = sorted(typer.main.get_command(app).commands)


def help_text(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def shown_examples(text: str) -> list[tuple[str, ...]]:
    """The examples as the help shows them, each parsed as the shell would."""
    found = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("Example: "):
            paragraph = [line.split("Example: ", 1)[1]]
            while paragraph[-1].endswith(" \\"):
                paragraph.append(lines[i + len(paragraph)])
            command = shlex.split("\n".join(paragraph).replace("\\\n", " "))
            assert command[0] == "staffplan"
            found.append(tuple(command[1:]))
    return found


@pytest.mark.parametrize("name", COMMANDS)
def test_help_fits_80_columns_with_plain_flags(name):
    text = help_text(name)
    assert "<bool>" not in text
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_command_list_shows_each_summary_whole():
    text = help_text()
    commands = text.split("Commands:")[1]  # (the usage line ends in "[ARGS]...")
    assert "..." not in commands and "…" not in commands
    assert max(len(line) for line in text.splitlines()) <= 80


def test_every_example_in_help_is_one_shell_command():
    shown = [example for name in COMMANDS for example in shown_examples(help_text(name))]
    assert sorted(shown) == sorted(EXAMPLES)


def test_flags_show_as_flags():
    text = help_text("backtest")
    assert "--realised-market / --no-realised-market" in text
    assert "-q, --quiet  " in text


def test_top_level_help_does_not_import_the_numeric_stack():
    code = (
        "import sys\nfrom staffplan.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'numpy', 'scipy'}))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"
