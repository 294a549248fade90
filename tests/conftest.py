"""Fixtures shared by the test files.

- ``example_config``, ``sample_data``: the repository's ``configs/example.yaml`` and
  ``sample_data/`` folder (read only).
- ``make_checkout``: a fresh copy of ``configs/`` and ``sample_data/`` in a new temp
  folder, as a user has after cloning; commands run inside it with their default paths.
- ``shared_plan``, ``plan_folder``: ONE ``staffplan plan`` run per test session, for every
  test that only reads a plan folder. Tests never write into it: a test that needs a plan
  folder to change copies it first.
- ``replay_plan``: ``staffplan plan`` answers with the shared run's computed plan instead
  of planning again, for tests of what happens while a plan folder is written.
- Crash logs of internal errors go to a session temp folder, never to ``~/.cache``.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.jobs import plan as planning

REPO = Path(__file__).resolve().parents[1]

# Three days keep the shared plan quick; the time limit is far above the solve time, so
# the solver stops on its gap, never on the clock, and a second run writes the same bytes.
# With the simulation, so the whole pipeline contract is exercised by the one run.
SHARED_PLAN_OPTIONS = ("--horizon-days", "3", "--time-limit", "300", "--simulate")
SHARED_PLAN_OPTIONS += ("--replications", "12", "--seed", "11")


@dataclasses.dataclass(frozen=True)
class PlanRun:
    """The session's ``staffplan plan`` run: ``checkout`` is the folder it ran in (default
    config, default output ``plan/``), ``options`` its command line after ``plan``,
    ``stdout`` what it printed and ``result`` what ``run_plan`` returned."""

    checkout: Path
    options: tuple[str, ...]
    stdout: str
    result: planning.PlanResult

    @property
    def folder(self) -> Path:
        """The plan folder it wrote."""
        return self.checkout / "plan"


@pytest.fixture(scope="session", autouse=True)
def crash_log_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Internal errors provoked by tests log their traceback here (``STAFFPLAN_LOG_DIR``)."""
    folder = tmp_path_factory.mktemp("crash_logs")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STAFFPLAN_LOG_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def example_config() -> Path:
    """The repository's ``configs/example.yaml`` (read only)."""
    return REPO / "configs" / "example.yaml"


@pytest.fixture(scope="session")
def sample_data() -> Path:
    """The repository's ``sample_data/`` folder (read only)."""
    return REPO / "sample_data"


@pytest.fixture(scope="session")
def make_checkout(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``make_checkout(name)``: a new temp folder holding copies of ``configs/`` and
    ``sample_data/`` (config paths are relative, so they resolve inside the copy)."""

    def make(name: str) -> Path:
        folder = tmp_path_factory.mktemp(name)
        for part in ("configs", "sample_data"):
            shutil.copytree(REPO / part, folder / part)
        return folder

    return make


@pytest.fixture(scope="session")
def shared_plan(make_checkout: Callable[[str], Path]) -> PlanRun:
    """``staffplan plan`` with its default config and output, run once in a fresh checkout."""
    checkout = make_checkout("checkout")
    results: list[planning.PlanResult] = []
    run_plan = planning.run_plan

    def recorded(*args, **kwargs) -> planning.PlanResult:
        results.append(run_plan(*args, **kwargs))
        return results[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(checkout)
        patch.setattr(planning, "run_plan", recorded)
        run = CliRunner().invoke(app, ["plan", *SHARED_PLAN_OPTIONS])
    assert run.exit_code == 0, run.stderr + run.stdout
    assert len(results) == 1, f"staffplan plan called jobs.plan.run_plan {len(results)} times"
    return PlanRun(checkout, SHARED_PLAN_OPTIONS, run.stdout, results[0])


@pytest.fixture(scope="session")
def short_scenarios_config(shared_plan: PlanRun) -> Path:
    """The shared checkout's demo config with a 3-month scenario horizon (beside it, so its
    relative paths still resolve): for tests of how ``scenarios`` prints and writes, which
    need the demo's queues but not its 12 months (sizing them takes about 45 s)."""
    demo = shared_plan.checkout / "configs" / "example.yaml"
    text = demo.read_text(encoding="utf-8")
    assert "horizon_months: 12 " in text
    short = demo.with_name("example_3_months.yaml")
    short.write_text(text.replace("horizon_months: 12 ", "horizon_months: 3 "), encoding="utf-8")
    return short


@pytest.fixture(scope="session")
def plan_folder(shared_plan: PlanRun) -> Path:
    """The shared plan folder: read it, never write into it."""
    return shared_plan.folder


@pytest.fixture
def replay_plan(shared_plan: PlanRun, monkeypatch: pytest.MonkeyPatch) -> PlanRun:
    """Make ``staffplan plan`` take the shared run's computed plan instead of planning:
    everything after the computation (lock, manifest, writing the folder) runs for real."""
    monkeypatch.setattr(planning, "run_plan", lambda *args, **kwargs: shared_plan.result)
    return shared_plan
