"""Same inputs, same bytes: forecast, staff, deflection and plan run twice on the sample
config write identical files; a plan run that fails while writing leaves the previous
plan folder as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from staffplan.cli import app


def _invoke(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (args, result.stderr, result.exception)


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def plan_runs(shared_plan, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    """The shared plan folder and a second run of the same command line, in one process."""
    again = tmp_path_factory.mktemp("again") / "plan"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(shared_plan.checkout)
        _invoke(["plan", *shared_plan.options, "--quiet", "--output", str(again)])
    return _folder_bytes(shared_plan.folder), _folder_bytes(again)


def test_plan_twice_writes_identical_inputs_forecast_and_requirements(plan_runs) -> None:
    first, second = plan_runs
    assert list(first) == list(second)
    stable = ["manifest.json", "forecast.csv", "forecast.png", "requirements.csv"]
    stable += [name for name in first if name.startswith("deflection")]
    differing = [name for name in stable if first[name] != second[name]]
    assert not differing, f"these plan files differ between two runs: {differing}"


def test_plan_twice_writes_identical_files(plan_runs) -> None:
    first, second = plan_runs
    assert {"manifest.json", "report.html", "forecast.png", "coverage.png"} <= set(first)
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"these plan files differ between two runs: {differing}"


def test_forecast_staff_and_deflection_twice_write_identical_files(
    example_config: Path, tmp_path: Path
) -> None:
    config = str(example_config)
    outputs: list[dict[str, bytes]] = []
    for run in ("a", "b"):
        folder = tmp_path / run
        folder.mkdir()
        forecast = folder / "forecast.csv"
        _invoke(["forecast", "--config", config, "--quiet", "--output", str(forecast)])
        for command in ("staff", "deflection"):
            out = str(folder / f"{command}.csv")
            _invoke([command, "--config", config, "--forecast", str(forecast), "-q", "-o", out])
        outputs.append(_folder_bytes(folder))
    assert list(outputs[0]) == ["deflection.csv", "forecast.csv", "staff.csv"]
    differing = [name for name in outputs[0] if outputs[0][name] != outputs[1][name]]
    assert not differing, f"these files differ between two runs: {differing}"


def test_plan_failing_while_writing_keeps_the_previous_plan(
    replay_plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(replay_plan.folder, folder)
    before = _folder_bytes(folder)

    def disk_full(path: Path, data: bytes) -> int:  # after the CSVs, at the first chart
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    config = replay_plan.checkout / "configs" / "example.yaml"
    result = CliRunner().invoke(
        app, ["plan", "--config", str(config), "--quiet", "--output", str(folder)]
    )
    assert result.exit_code != 0
    assert _folder_bytes(folder) == before, "the previous plan was changed by a failed run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"], "temp files left behind"
