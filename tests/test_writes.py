"""Writes that never lie: special files are refused, permissions are kept, a refusing
file system is exit 5 naming the path, a folder swap survives a kill at any point, the
output lock has no race (exit 4, ``--wait-lock``), and Ctrl-C stops at once (exit 130)."""

from __future__ import annotations

import datetime as dt
import errno
import os
import pathlib
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import DEVNULL

import pandas as pd
import pytest
import yaml
from test_roster_command import CONFIG as ROSTER_CONFIG
from test_roster_command import requirements as week_requirements
from test_scenarios import BASE as SCENARIOS_CONFIG
from test_scenarios import history as scenario_history
from test_schedule_cli import write_inputs as schedule_inputs
from test_simulate import _cli_files as simulate_inputs
from typer.testing import CliRunner, Result

from staffplan import api
from staffplan.cli import app
from staffplan.config import load_config
from staffplan.jobs import publish as publishing
from staffplan.jobs.publish import output_lock, publish
from staffplan.tables import to_csv_text, write

REPO = Path(__file__).resolve().parents[1]
BASE_FILES = yaml.safe_load(
    (REPO / "tests" / "bad_inputs" / "base_files.yaml").read_text(encoding="utf-8")
)
PLAN_KILLS, ROSTER_KILLS = 6, 14  # random SIGKILLs: 20 in all (a roster run is quicker)


def run_cli(args: list[object]) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def assert_one_line(result: Result, code: int, *fragments: str) -> None:
    """Exit ``code`` with one line on stderr that holds every fragment, no traceback
    (besides a first roster's notice that last week was assumed off)."""
    lines = result.stderr.splitlines(keepends=True)
    stderr = "".join(line for line in lines if "assumed every agent was off" not in line)
    assert result.exit_code == code, (result.exit_code, stderr, result.stdout)
    assert stderr.count("\n") == 1 and "Traceback" not in stderr + result.stdout, stderr
    for fragment in fragments:
        assert fragment in stderr, (fragment, stderr)


def side_folders(folder: Path) -> list[str]:
    """What a folder swap or the lock may leave behind in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".lock")


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and permission bits."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def subprocess_env() -> dict[str, str]:
    """This checkout's staffplan first on the path (see tests/test_determinism.py)."""
    python_path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": python_path}


def python(code: str, *args: object) -> subprocess.Popen:
    """``python -c code args`` with this checkout's staffplan; stdout and stderr are
    text pipes. Ctrl-C reaches it as in a terminal, even when these tests run under
    ``nohup ... &`` (whose children inherit SIGINT ignored)."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def fail(exc: OSError) -> Callable[..., None]:
    def raise_it(*args, **kwargs) -> None:
        raise exc

    return raise_it


def disk_full() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def staff_inputs(tmp_path: Path) -> list[str]:
    """``staff`` over the catalogue's valid config and forecast (add ``--output``)."""
    for name, text in BASE_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return ["staff", "--forecast", tmp_path / "forecast.csv", "--config", tmp_path / "base.yaml"]


# ----------------------------------------------------------------- special files


def test_a_named_pipe_as_output_is_refused_and_left_alone(staff_inputs, tmp_path):
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    result = run_cli([*staff_inputs, "--output", pipe])
    assert_one_line(result, 2, str(pipe), "named pipe, not a regular file")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert side_folders(tmp_path) == []


def test_a_device_node_as_output_is_refused_and_left_alone(staff_inputs, tmp_path):
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null
    except PermissionError:
        pytest.skip("making a device node needs root")
    result = run_cli([*staff_inputs, "--output", device])
    assert_one_line(result, 2, str(device), "character device, not a regular file")
    info = os.lstat(device)
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, 3)


def test_dev_null_is_never_replaced(staff_inputs, monkeypatch):
    real_replace = os.replace

    def guarded(source, target, *args, **kwargs):
        assert str(target) != "/dev/null", "staffplan tried to replace /dev/null"
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", guarded)
    result = run_cli([*staff_inputs, "--output", "/dev/null"])
    assert_one_line(result, 2, "/dev/null: is a character device")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_symbolic_link_as_output_is_refused_not_followed(staff_inputs, tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("previous\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = run_cli([*staff_inputs, "--output", link])
    assert_one_line(result, 2, str(link), f"symbolic link to {target}", f"name {target} itself")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "previous\n"
    assert run_cli([*staff_inputs, "--output", target, "--quiet"]).exit_code == 0


def test_a_symbolic_link_as_output_folder_is_refused(replay_plan, tmp_path, monkeypatch):
    real = tmp_path / "real_plan"
    shutil.copytree(replay_plan.folder, real)
    (tmp_path / "plan").symlink_to(real)
    monkeypatch.chdir(tmp_path)
    config = replay_plan.checkout / "configs" / "example.yaml"
    result = run_cli(["plan", "--config", config, "--quiet"])
    assert_one_line(result, 2, "plan: is a symbolic link", "not a folder")
    assert (tmp_path / "plan").is_symlink() and tree(real) == tree(replay_plan.folder)


# ----------------------------------------------------------------- permissions


def test_a_file_output_keeps_its_permission_bits(staff_inputs, tmp_path):
    private = tmp_path / "private.csv"
    private.write_text("old\n", encoding="utf-8")
    private.chmod(0o600)
    assert run_cli([*staff_inputs, "--output", private, "--quiet"]).exit_code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text(encoding="utf-8") != "old\n"
    fresh = tmp_path / "fresh.csv"
    assert run_cli([*staff_inputs, "--output", fresh, "--quiet"]).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_a_folder_output_keeps_its_permission_bits(replay_plan, tmp_path, monkeypatch):
    plan = tmp_path / "plan"
    shutil.copytree(replay_plan.folder, plan)
    plan.chmod(0o700)
    (plan / "report.html").chmod(0o600)
    (plan / "report.html").write_text("edited by hand", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = replay_plan.checkout / "configs" / "example.yaml"
    # the shared run's options: its report states them (the solver's time limit)
    assert run_cli(["plan", "--config", config, *replay_plan.options, "--quiet"]).exit_code == 0
    assert stat.S_IMODE(plan.stat().st_mode) == 0o700
    assert stat.S_IMODE((plan / "report.html").stat().st_mode) == 0o600
    assert (plan / "report.html").read_bytes() == (replay_plan.folder / "report.html").read_bytes()


# ----------------------------------------------------------------- file-system failures


@pytest.fixture
def previous_plan(replay_plan, tmp_path, monkeypatch) -> list[object]:
    """A plan folder ``plan`` in the (current) temp folder, and the ``plan`` command line
    that rewrites it from the shared run."""
    shutil.copytree(replay_plan.folder, tmp_path / "plan")
    monkeypatch.chdir(tmp_path)
    return ["plan", "--config", replay_plan.checkout / "configs" / "example.yaml", "--quiet"]


@pytest.mark.parametrize(
    "where",
    ["staffplan.tables.write.os.fsync", "pathlib.Path.write_bytes", "pathlib.Path.write_text"],
)
def test_disk_full_while_writing_a_plan_is_exit_5_and_the_plan_is_kept(
    previous_plan, tmp_path, monkeypatch, where
):
    before = tree(tmp_path / "plan")
    monkeypatch.setattr(where, fail(disk_full()))
    result = run_cli(previous_plan)
    assert_one_line(result, 5, "plan: No space left on device", "free space")
    assert tree(tmp_path / "plan") == before
    assert side_folders(tmp_path) == []


def test_disk_full_in_the_swap_itself_keeps_the_plan(previous_plan, tmp_path, monkeypatch):
    before = tree(tmp_path / "plan")
    monkeypatch.setattr(write, "_exchange", fail(disk_full()))
    assert_one_line(run_cli(previous_plan), 5, "No space left on device")
    assert tree(tmp_path / "plan") == before and side_folders(tmp_path) == []


def test_permission_denied_read_only_and_io_errors_are_exit_5(previous_plan, monkeypatch):
    for code in (errno.EACCES, errno.EROFS, errno.EIO):
        monkeypatch.setattr(pathlib.Path, "write_bytes", fail(OSError(code, os.strerror(code))))
        assert_one_line(run_cli(previous_plan), 5, "plan: ", os.strerror(code))


def test_a_file_system_error_outside_the_writers_names_its_file(previous_plan, monkeypatch):
    denied = PermissionError(errno.EACCES, "Permission denied", "/srv/shared/history.csv")
    monkeypatch.setattr("staffplan.jobs.plan.load_market", fail(denied))
    result = run_cli(previous_plan)
    assert_one_line(result, 5, "error: /srv/shared/history.csv: Permission denied", "check who")


def test_any_other_os_error_is_still_a_bug(previous_plan, monkeypatch, crash_log_folder):
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory", "/wrong/internal/path")
    monkeypatch.setattr("staffplan.jobs.plan.load_market", fail(missing))
    assert_one_line(run_cli(previous_plan), 1, "please report", str(crash_log_folder))


def test_a_bug_with_an_unwritable_log_folder_still_gives_one_clear_line(
    previous_plan, tmp_path, monkeypatch
):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("STAFFPLAN_LOG_DIR", str(blocker / "logs"))
    monkeypatch.setattr("staffplan.jobs.plan.daily_summary", fail(OSError("a bug")))
    result = run_cli(previous_plan)
    assert_one_line(result, 1, "please report", "could not be saved", "STAFFPLAN_LOG_DIR")


@pytest.fixture(scope="module")
def roster_inputs(tmp_path_factory) -> Path:
    """A tiny roster config and three weeks of requirements from this Monday (so the
    coming week is in them whatever today is)."""
    folder = tmp_path_factory.mktemp("roster_inputs")
    (folder / "config.yaml").write_text(ROSTER_CONFIG, encoding="utf-8")
    this_monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    weeks = [week_requirements(this_monday + dt.timedelta(weeks=n)) for n in range(3)]
    text = to_csv_text(pd.concat(weeks, ignore_index=True))
    (folder / "requirements.csv").write_text(text, encoding="utf-8")
    return folder


def roster_args(inputs: Path, output: Path) -> list[object]:
    return [
        "roster",
        "--config",
        inputs / "config.yaml",
        "--requirements",
        inputs / "requirements.csv",
        "--output",
        output,
        "--quiet",
    ]


def test_disk_full_while_writing_a_roster_is_exit_5_and_the_week_is_kept(
    roster_inputs, tmp_path, monkeypatch
):
    rosters = tmp_path / "rosters"
    assert run_cli(roster_args(roster_inputs, rosters)).exit_code == 0
    before = tree(rosters)
    monkeypatch.setattr("staffplan.tables.write.os.fsync", fail(disk_full()))
    result = run_cli(roster_args(roster_inputs, rosters))
    assert_one_line(result, 5, str(rosters), "No space left on device")
    assert tree(rosters) == before
    assert [side_folders(folder) for folder in (tmp_path, rosters)] == [[], []]


@pytest.fixture(scope="module")
def scenario_result(example_config):
    return api.scenarios(load_config(example_config))


@pytest.mark.parametrize("name", ["scenarios.xlsx", "scenarios.csv"])
def test_disk_full_while_writing_scenarios_is_exit_5_and_every_file_is_kept(
    scenario_result, example_config, tmp_path, monkeypatch, name
):
    monkeypatch.setattr(api, "scenarios", lambda *args, **kwargs: scenario_result)
    output = tmp_path / name
    args = ["scenarios", "--config", example_config, "--output", output, "--quiet"]
    assert run_cli(args).exit_code == 0
    before = tree(tmp_path)
    real_fsync, calls = os.fsync, []

    def full_on_the_last_file(fd: int) -> None:  # the .csv pair: the first file is staged
        calls.append(fd)
        if len(calls) == len(before):
            raise disk_full()
        real_fsync(fd)

    monkeypatch.setattr("staffplan.tables.write.os.fsync", full_on_the_last_file)
    assert_one_line(run_cli(args), 5, "No space left on device")
    assert tree(tmp_path) == before, "a file of the previous output was replaced"


# ----------------------------------------------------------------- several outputs

# Ways an output path cannot be written: kind -> exit code and the problem named
UNWRITABLE = {
    "symbolic link": (2, "is a symbolic link to"),
    "under a file": (2, "is not a folder"),
    "not writable": (5, "is not writable"),
}


def unwritable(kind: str, folder: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A path for the file ``name`` in ``folder`` that cannot be written, as ``kind``
    says: a symbolic link to a file, a file in a "folder" that is a file, or one in a
    folder the user may not write in (faked: root writes anywhere)."""
    if kind == "symbolic link":
        (folder / f"real_{name}").write_bytes(b"the link's target\n")
        (folder / name).symlink_to(folder / f"real_{name}")
        return folder / name
    blocker = folder / kind.replace(" ", "_")
    if kind == "under a file":
        blocker.write_bytes(b"")
        return blocker / name
    blocker.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: Path(path) != blocker and real_access(path, mode)
    )
    return blocker / name


def disk_full_writing(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up as staffplan writes the file ``name`` outside a folder output."""
    real_staged_copy = write._staged_copy

    def staged_copy(path: Path, data: bytes) -> str:
        if path.name == name:
            raise disk_full()
        return real_staged_copy(path, data)

    monkeypatch.setattr(write, "_staged_copy", staged_copy)


@pytest.mark.parametrize("kind", UNWRITABLE)
@pytest.mark.parametrize("previous", [b"previous table\n", None])
def test_forecast_with_an_unwritable_plot_keeps_its_table_and_names_plot(
    example_config, tmp_path, monkeypatch, kind, previous
):
    output = tmp_path / "forecast.csv"
    if previous is not None:
        output.write_bytes(previous)
    plot = unwritable(kind, tmp_path, "forecast.png", monkeypatch)
    args = ["forecast", "--config", example_config, "--horizon-days", 1]
    result = run_cli([*args, "--output", output, "--plot", plot])
    code, problem = UNWRITABLE[kind]
    assert_one_line(result, code, f"{plot}: ", problem, "--plot")
    assert "--output" not in result.stderr
    assert (output.read_bytes() if output.exists() else None) == previous


@pytest.mark.parametrize("kind", UNWRITABLE)
def test_forecast_with_an_unwritable_table_keeps_its_chart(
    example_config, tmp_path, monkeypatch, kind
):
    plot = tmp_path / "forecast.png"
    plot.write_bytes(b"previous chart")
    output = unwritable(kind, tmp_path, "forecast.csv", monkeypatch)
    args = ["forecast", "--config", example_config, "--horizon-days", 1]
    result = run_cli([*args, "--output", output, "--plot", plot])
    code, problem = UNWRITABLE[kind]
    assert_one_line(result, code, f"{output}: ", problem, "--output")
    assert plot.read_bytes() == b"previous chart"


def test_forecast_disk_full_on_the_table_keeps_its_chart(example_config, tmp_path, monkeypatch):
    output, plot = tmp_path / "forecast.csv", tmp_path / "forecast.png"
    plot.write_bytes(b"previous chart")
    disk_full_writing(output.name, monkeypatch)
    args = ["forecast", "--config", example_config, "--horizon-days", 1]
    result = run_cli([*args, "--output", output, "--plot", plot])
    assert_one_line(result, 5, f"{output}: No space left on device")
    assert plot.read_bytes() == b"previous chart" and not output.exists()
    assert side_folders(tmp_path) == []


@pytest.fixture
def previous_simulation(tmp_path) -> tuple[list[object], Path]:
    """A small ``simulate`` command line and the folder ``sim`` it wrote, with one file
    edited since (so a rewrite shows even where it would write the same bytes)."""
    args = [*simulate_inputs(tmp_path), "--output", tmp_path / "sim", "--quiet"]
    assert run_cli(args).exit_code == 0
    (tmp_path / "sim" / "simulation.csv").write_bytes(b"edited by hand\n")
    return args, tmp_path / "sim"


@pytest.mark.parametrize("kind", UNWRITABLE)
def test_simulate_with_an_unwritable_plot_keeps_its_folder_and_names_plot(
    previous_simulation, tmp_path, monkeypatch, kind
):
    args, folder = previous_simulation
    before = tree(folder)
    plot = unwritable(kind, tmp_path, "simulation.png", monkeypatch)
    code, problem = UNWRITABLE[kind]
    assert_one_line(run_cli([*args, "--plot", plot]), code, f"{plot}: ", problem, "--plot")
    assert tree(folder) == before and side_folders(tmp_path) == []


def test_simulate_disk_full_on_the_chart_keeps_its_folder(
    previous_simulation, tmp_path, monkeypatch
):
    args, folder = previous_simulation
    before = tree(folder)
    disk_full_writing("simulation.png", monkeypatch)
    result = run_cli([*args, "--plot", tmp_path / "simulation.png"])
    assert_one_line(result, 5, "simulation.png: No space left on device")
    assert tree(folder) == before and not (tmp_path / "simulation.png").exists()
    assert side_folders(tmp_path) == []


def test_simulate_plot_inside_its_output_folder_goes_in_with_it(tmp_path):
    folder = tmp_path / "sim"
    args = [*simulate_inputs(tmp_path), "--output", folder, "--plot", folder / "chart.png"]
    assert run_cli([*args, "--quiet"]).exit_code == 0
    assert (folder / "chart.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("kind", UNWRITABLE)
def test_schedule_with_an_unwritable_plot_writes_no_folder(tmp_path, monkeypatch, kind):
    config, requirements = schedule_inputs(tmp_path)
    plot = unwritable(kind, tmp_path, "coverage.png", monkeypatch)
    args = ["schedule", "--requirements", requirements, "--config", config]
    result = run_cli([*args, "--output", tmp_path / "new", "--plot", plot])
    code, problem = UNWRITABLE[kind]
    assert_one_line(result, code, f"{plot}: ", problem, "--plot")
    assert not (tmp_path / "new").exists() and side_folders(tmp_path) == []


@pytest.mark.parametrize("kind", UNWRITABLE)
def test_scenarios_check_every_output_before_any_work(example_config, tmp_path, monkeypatch, kind):
    monkeypatch.setattr(api, "scenarios", fail(OSError("the work ran")))
    plot = unwritable(kind, tmp_path, "scenarios.png", monkeypatch)
    args = ["scenarios", "--config", example_config, "--output", tmp_path / "sc.csv"]
    code, problem = UNWRITABLE[kind]
    assert_one_line(run_cli([*args, "--plot", plot]), code, f"{plot}: ", problem, "--plot")
    assert not (tmp_path / "sc.csv").exists() and not (tmp_path / "sc_sensitivity.csv").exists()


def test_scenarios_disk_full_on_the_chart_keeps_both_tables(tmp_path, monkeypatch):
    config, history = tmp_path / "c.yaml", tmp_path / "history.csv"
    config.write_text(SCENARIOS_CONFIG, encoding="utf-8")
    history.write_text(to_csv_text(scenario_history()), encoding="utf-8")
    tables = [tmp_path / "sc.csv", tmp_path / "sc_sensitivity.csv"]
    for table in tables:
        table.write_bytes(b"previous table\n")
    disk_full_writing("sc.png", monkeypatch)
    args = ["scenarios", "--config", config, "--history", history, "--output", tables[0]]
    result = run_cli([*args, "--plot", tmp_path / "sc.png", "--quiet"])
    assert_one_line(result, 5, "sc.png: No space left on device")
    assert [table.read_bytes() for table in tables] == [b"previous table\n"] * 2
    assert not (tmp_path / "sc.png").exists() and side_folders(tmp_path) == []


# ----------------------------------------------------------------- killed folder swaps

KILLED_SWAP = """
import os, shutil, sys
from pathlib import Path
from staffplan.jobs.publish import publish
from staffplan.tables import write

out, where = Path(sys.argv[1]), sys.argv[2]
publish(out, {"a.csv": "v1"}, manifest_text="{}")
if where == "between renames":  # the two-rename swap, killed after its first rename
    write._exchange = lambda staging, path: False
    real_rename, renames = os.rename, []
    def rename(source, target):
        renames.append(target)
        if len(renames) == 2:
            os._exit(9)
        real_rename(source, target)
    os.rename = rename
else:  # the exchange, killed before it removes the previous version
    shutil.rmtree = lambda *args, **kwargs: os._exit(9)
publish(out, {"a.csv": "v2"}, manifest_text="{}")
"""


@pytest.mark.parametrize(
    ("where", "survivor"), [("between renames", "v1"), ("after the exchange", "v2")]
)
def test_a_run_killed_in_the_swap_leaves_a_version_the_next_run_restores(tmp_path, where, survivor):
    out = tmp_path / "out"
    killed = python(KILLED_SWAP, out, where)
    assert killed.wait(timeout=120) == 9, killed.communicate()
    assert (tmp_path / "out.lock").exists(), "the killed run held the lock"
    warnings: list[str] = []
    with output_lock(out, warn=warnings.append):
        assert (out / "a.csv").read_text(encoding="utf-8") == survivor
        assert side_folders(tmp_path) == ["out.lock"], warnings
    assert any("stale lock" in w for w in warnings)
    if survivor == "v1":
        assert any(f"restored {out}" in w for w in warnings), warnings
    publish(out, {"a.csv": "v3"}, manifest_text="{}")
    assert (out / "a.csv").read_text(encoding="utf-8") == "v3"
    assert side_folders(tmp_path) == []


def test_ctrl_c_between_the_two_renames_puts_the_previous_plan_back(
    previous_plan, tmp_path, monkeypatch
):
    before = tree(tmp_path / "plan")
    monkeypatch.setattr(write, "_exchange", lambda staging, path: False)
    real_rename, renames = os.rename, []

    def interrupted_second_rename(source, target):
        renames.append(target)
        if len(renames) == 2:
            raise KeyboardInterrupt
        real_rename(source, target)

    monkeypatch.setattr(write.os, "rename", interrupted_second_rename)
    result = run_cli(previous_plan)
    assert result.exit_code == 130 and result.stderr == "stopped; the previous output is intact\n"
    assert tree(tmp_path / "plan") == before and side_folders(tmp_path) == []


def _kill_runs(
    args: list[str], cwd: Path, output: Path, rng: random.Random, runs: int
) -> list[str]:
    """Run ``args`` to the end once (timing it), then ``runs`` times killed with SIGKILL
    at a random moment up to that time; after each kill the output must be complete or
    recoverable. Returns what went wrong."""
    command = [sys.executable, "-m", "staffplan", *args]
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, env=subprocess_env(), check=True, capture_output=True)
    duration = time.monotonic() - started
    reference = sorted(p.name for p in output.iterdir())
    problems = []
    for _ in range(runs):
        delay = rng.uniform(0.3, 1.05) * duration
        process = subprocess.Popen(
            command, cwd=cwd, env=subprocess_env(), stdout=DEVNULL, stderr=DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        names = sorted(p.name for p in output.iterdir()) if output.is_dir() else []
        set_aside = [p for p in output.parent.iterdir() if p.name.endswith(".previous")]
        if names != reference and not set_aside:
            problems.append(f"killed after {delay:.2f} s: {output} holds {names}")
    return problems


def _assert_tidy_complete_run(args: list[str], cwd: Path, output: Path) -> None:
    command = [sys.executable, "-m", "staffplan", *args]
    done = subprocess.run(command, cwd=cwd, env=subprocess_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert side_folders(output.parent) == [], done.stderr
    manifest = output / "manifest.json"
    assert manifest.is_file() and manifest.stat().st_size > 0


def test_random_kills_of_plan_and_roster_leave_the_next_run_a_tidy_complete_output(
    make_checkout, roster_inputs, tmp_path
):
    rng = random.Random(17)
    checkout = make_checkout("killed_runs")
    plan = ["plan", "--horizon-days", "1", "--time-limit", "300", "--quiet", "--output", "plan"]
    problems = _kill_runs(plan, checkout, checkout / "plan", rng, PLAN_KILLS)
    _assert_tidy_complete_run(plan, checkout, checkout / "plan")
    roster = [str(a) for a in roster_args(roster_inputs, tmp_path / "rosters")]
    assert run_cli(roster).exit_code == 0  # the week, so each kill has a version to lose
    (week,) = (tmp_path / "rosters").iterdir()
    problems += _kill_runs(roster, tmp_path, week, rng, ROSTER_KILLS)
    _assert_tidy_complete_run(roster, tmp_path, week)
    assert not problems, problems


# ----------------------------------------------------------------- the output lock

HOLD_LOCK = """
import sys, time
from pathlib import Path
from staffplan.jobs.publish import output_lock

with output_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def hold_lock() -> Iterator[Callable[[Path, float], subprocess.Popen]]:
    """``hold_lock(output, seconds)``: another process holding ``output``'s lock."""
    holders: list[subprocess.Popen] = []

    def hold(output: Path, seconds: float) -> subprocess.Popen:
        holder = python(HOLD_LOCK, output, seconds)
        holders.append(holder)
        assert holder.stdout.readline() == "held\n", holder.communicate()
        return holder

    yield hold
    for holder in holders:
        holder.kill()
        holder.wait()


def test_plan_exits_4_while_another_run_holds_the_lock(previous_plan, tmp_path, hold_lock):
    before = tree(tmp_path / "plan")
    holder = hold_lock(tmp_path / "plan", 60)
    result = run_cli(previous_plan)
    assert_one_line(result, 4, f"another staffplan run (pid {holder.pid}) is writing it")
    assert tree(tmp_path / "plan") == before


def test_wait_lock_waits_for_the_other_run_then_writes(previous_plan, tmp_path, hold_lock):
    hold_lock(tmp_path / "plan", 1.0)
    result = run_cli([*previous_plan, "--wait-lock", "120"])
    assert result.exit_code == 0, result.stderr
    assert side_folders(tmp_path) == []


def test_wait_lock_gives_up_after_its_seconds(previous_plan, tmp_path, hold_lock):
    hold_lock(tmp_path / "plan", 60)
    result = run_cli([*previous_plan, "--wait-lock", "0.3"])
    assert_one_line(result, 4, "is writing it (waited 0.3 s)")


@pytest.mark.parametrize("seconds", ["-1", "nan"])
def test_wait_lock_must_be_seconds(previous_plan, seconds):
    assert_one_line(run_cli([*previous_plan, "--wait-lock", seconds]), 2, "--wait-lock must be")


def test_a_live_holder_that_has_not_written_its_pid_keeps_the_lock(previous_plan, tmp_path):
    with output_lock(tmp_path / "plan") as lock:
        lock.write_bytes(b"")  # as just after the holder created it
        result = run_cli(previous_plan)
    assert_one_line(result, 4, "another staffplan run is writing it")


RACE = """
import sys, time
from pathlib import Path
from staffplan.jobs.publish import OutputLockedError, output_lock

out, go = Path(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
try:
    with output_lock(out, warn=lambda text: None):
        print("won", flush=True)
        while not (out.parent / "release").exists():
            time.sleep(0.01)
except OutputLockedError as exc:
    sys.exit(exc.exit_code)
"""


def test_runs_racing_for_a_stale_lock_exactly_one_wins(tmp_path):
    (tmp_path / "out.lock").write_text("4194305\n", encoding="ascii")  # left by a killed run
    go = tmp_path / "go"
    racers = [python(RACE, tmp_path / "out", go) for _ in range(4)]
    time.sleep(1.0)  # every racer imported staffplan and waits for the start
    go.touch()
    deadline = time.monotonic() + 120
    while sum(racer.poll() is not None for racer in racers) < len(racers) - 1:
        assert time.monotonic() < deadline, "the losers did not give up"
        time.sleep(0.05)
    (tmp_path / "release").touch()
    codes = sorted(racer.wait(timeout=120) for racer in racers)
    said = [racer.stdout.read() for racer in racers]
    assert codes == [0, 4, 4, 4] and said.count("won\n") == 1, (codes, said)


# ----------------------------------------------------------------- Ctrl-C

HARD_SOLVE = """
import numpy as np
from scipy import sparse
from staffplan.milp import run_highs

rng = np.random.default_rng(0)
n, m = 400, 300
matrix = sparse.random(m, n, density=0.05, random_state=1, format="csr")
matrix.data[:] = rng.integers(1, 20, size=matrix.data.size)
value = rng.integers(1, 100, size=n).astype(float)
print("solving", flush=True)
run_highs(-value, integrality=np.ones(n), lower=np.zeros(n), upper=np.ones(n), matrix=matrix,
          row_lower=np.full(m, -np.inf), row_upper=np.full(m, 50.0), mip_gap=0.0,
          time_limit_s=120)
"""


def test_ctrl_c_stops_a_long_solve_at_once():
    """HiGHS keeps its thread until the time limit (120 s here); Ctrl-C must not wait."""
    solver = python(HARD_SOLVE)
    assert solver.stdout.readline() == "solving\n", solver.communicate()
    time.sleep(1.0)  # inside the solve
    solver.send_signal(signal.SIGINT)
    try:
        solver.wait(timeout=15)  # a generous cap, far below the time limit
    except subprocess.TimeoutExpired:
        solver.kill()
        pytest.fail("the solve went on after Ctrl-C")
    assert "KeyboardInterrupt" in solver.stderr.read()


# the kernel may hand a Ctrl-C to any thread: here, on purpose, to the one inside HiGHS
TO_THE_SOLVER_THREAD = (
    """
import signal, threading, time

def interrupt_the_solver():
    while not any(t.name == "highs" for t in threading.enumerate()):
        time.sleep(0.01)
    time.sleep(1.0)  # inside the solve
    solver = next(t for t in threading.enumerate() if t.name == "highs")
    signal.pthread_kill(solver.ident, signal.SIGINT)

threading.Thread(target=interrupt_the_solver, daemon=True).start()
"""
    + HARD_SOLVE
)


def test_ctrl_c_delivered_to_the_solver_thread_still_stops_at_once():
    solver = python(TO_THE_SOLVER_THREAD)
    assert solver.stdout.readline() == "solving\n", solver.communicate()
    try:
        solver.wait(timeout=15)  # a generous cap, far below the time limit (120 s)
    except subprocess.TimeoutExpired:
        solver.kill()
        pytest.fail("the solve went on after a Ctrl-C taken by the solver's thread")
    assert "KeyboardInterrupt" in solver.stderr.read()


def test_ctrl_c_says_the_previous_output_is_intact(previous_plan, tmp_path, monkeypatch):
    before = tree(tmp_path / "plan")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(publishing, "atomic_folder", interrupted)
    result = run_cli(previous_plan)
    assert result.exit_code == 130
    assert result.stderr == "stopped; the previous output is intact\n"
    assert tree(tmp_path / "plan") == before and side_folders(tmp_path) == []
