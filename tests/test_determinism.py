"""Same inputs, same bytes, whatever the interpreter's string hashing: ``python -m
staffplan`` in fresh processes with different ``PYTHONHASHSEED`` values writes identical
plan, forecast and requirements files, so no set or hash order leaks into an output (the
manifest holds no wall-clock time, so every file must match)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

# Two fixed seeds give a reproducible failure; "random" adds a new draw on every run.
HASH_SEEDS = ("1", "2", "random")
# One day keeps each process quick; the time limit is far above the solve time, so the
# solver stops on its gap, never on the clock (a clock stop may differ run to run).
COMMANDS = (
    ("plan", "--horizon-days", "1", "--time-limit", "300", "--simulate", "--output", "plan"),
    ("forecast", "--horizon-days", "1", "--output", "forecast.csv"),
    ("staff", "--forecast", "forecast.csv", "--output", "requirements.csv"),
)


def _run_commands(folder: Path, config: Path, hash_seed: str) -> None:
    """Every command of COMMANDS in its own ``python -m staffplan`` process, in ``folder``."""
    repo = Path(__file__).resolve().parents[1]  # this checkout's staffplan, not an install
    python_path = os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": python_path}
    for command, *options in COMMANDS:
        args = [sys.executable, "-m", "staffplan", command, "--config", str(config), *options]
        done = subprocess.run(
            [*args, "--quiet"], cwd=folder, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (hash_seed, args, done.stderr)


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_outputs_are_byte_identical_whatever_the_hash_seed(
    make_checkout: Callable[[str], Path], tmp_path: Path
) -> None:
    config = make_checkout("determinism") / "configs" / "example.yaml"
    runs: dict[str, dict[str, bytes]] = {}
    for hash_seed in HASH_SEEDS:
        folder = tmp_path / f"hash_seed_{hash_seed}"
        folder.mkdir()
        _run_commands(folder, config, hash_seed)
        runs[hash_seed] = _tree_bytes(folder)
    first, *others = HASH_SEEDS
    written = set(runs[first])
    assert {"forecast.csv", "requirements.csv"} <= written
    assert {"plan/manifest.json", "plan/report.html", "plan/forecast.png"} <= written
    for other in others:
        assert set(runs[other]) == written, (other, sorted(written ^ set(runs[other])))
        differing = [name for name in sorted(written) if runs[other][name] != runs[first][name]]
        assert not differing, f"PYTHONHASHSEED={other} wrote other bytes than {first}: {differing}"
