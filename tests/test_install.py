"""The package installs and runs anywhere: the wheel carries the demo config and sample
data, and a command without --config finds its config in the documented order."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from staffplan.config import load_config
from staffplan.config.locate import demo_config, locate_config

REPO = Path(__file__).resolve().parents[1]


def test_config_search_order(tmp_path):
    given = tmp_path / "given.yaml"
    assert locate_config(given, cwd=tmp_path, environ={}) == (given, "--config")
    env = {"STAFFPLAN_CONFIG": str(tmp_path / "env.yaml")}
    assert locate_config(None, cwd=tmp_path, environ=env) == (
        tmp_path / "env.yaml",
        "STAFFPLAN_CONFIG",
    )
    assert locate_config(None, cwd=tmp_path, environ={}) == (demo_config(), "the bundled demo")
    (tmp_path / "staffplan.yaml").write_text("queues: []\n", encoding="utf-8")
    assert locate_config(None, cwd=tmp_path, environ={})[1] == "./staffplan.yaml"


def test_the_bundled_demo_config_loads_with_its_sample_data():
    config = load_config(demo_config())
    fed = config.receivers()  # tier-2 queues: escalations are their demand
    assert all(
        q.history is not None and q.history.is_file() for q in config.queues if q.name not in fed
    )
    assert fed and all(config.queue(name).history is None for name in fed)
    assert config.market.prices is not None and config.market.prices.is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="venv layout of POSIX")
def test_the_wheel_runs_the_demo_plan_and_init_from_an_empty_folder(tmp_path):
    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation"]
    subprocess.run([*build, "-q", "-w", str(wheels)], check=True, capture_output=True)
    (wheel,) = wheels.glob("staffplan-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)  # dependencies: this env's
    python = env_dir / "bin" / "python"
    # no PYTHONPATH: a checkout on it would look installed, and pip would skip the wheel
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STAFFPLAN_CONFIG")}
    install = [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)]
    subprocess.run(install, check=True, capture_output=True, env=env)
    empty = tmp_path / "empty"
    empty.mkdir()
    staffplan = str(env_dir / "bin" / "staffplan")
    plan = [staffplan, "plan", "--horizon-days", "1", "--time-limit", "300"]
    run = subprocess.run(plan, cwd=empty, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "(the bundled demo)" in run.stderr
    assert str(env_dir) in run.stderr, "the installed package's demo, not the checkout's"
    assert {"requirements.csv", "shifts.csv", "manifest.json"} <= {
        p.name for p in (empty / "plan").iterdir()
    }
    project = tmp_path / "project"
    init = subprocess.run(
        [str(env_dir / "bin" / "staffplan"), "init", str(project)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0, init.stderr
    run = subprocess.run(plan, cwd=project, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "./staffplan.yaml" in run.stderr, "the starter project's config, found by the search"


def test_version_prints_the_installed_version():
    from typer.testing import CliRunner

    from staffplan import __version__
    from staffplan.cli import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == __version__
