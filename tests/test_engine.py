"""The engines (:mod:`staffplan.engine`): on a real Dask ``LocalCluster`` (two worker
processes, started once for this module) every command that splits its work writes the
same bytes as in one process, a run that loses a worker still does, and a cluster that
cannot be used is refused with exit 2 and what to do."""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import yaml
from distributed import Client, LocalCluster
from typer.testing import CliRunner

import staffplan
from staffplan import engine
from staffplan.cli import app
from staffplan.engine import IN_PROCESS, open_workers
from staffplan.errors import EngineError
from staffplan.forecast.parts import HistoryReader
from staffplan.simulate import tasks as simulate_tasks
from staffplan.tables import read_history, to_csv_text

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as local_cluster:
        yield local_cluster


@pytest.fixture(scope="module")
def config(make_checkout: Callable[[str], Path]) -> Path:
    """The example config in a fresh checkout, its finance sweep cut to two cases × three
    months so the scenarios run in seconds."""
    path = make_checkout("engine") / "configs" / "example.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings["scenarios"]["horizon_months"] = 3
    settings["scenarios"]["cases"] = settings["scenarios"]["cases"][:2]
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def requirements(config: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One day of requirements for both queues (forecast, then staff, in this process)."""
    folder = tmp_path_factory.mktemp("requirements")
    run("forecast", "--config", config, "--horizon-days", 1, "--output", folder / "f.csv")
    run("staff", "--config", config, "--forecast", folder / "f.csv", "--output", folder / "r.csv")
    return folder / "r.csv"


def run(*args: object) -> str:
    """The command's stdout; it must succeed."""
    result = CliRunner().invoke(app, [str(a) for a in [*args, "--quiet"]])
    assert result.exit_code == 0, (args, result.stderr, result.stdout)
    return result.stdout


def refused(*args: object) -> str:
    """The command's one error line; it must exit 2 without a traceback."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, (args, result.exit_code, result.stderr, result.stdout)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def on_both(cluster: LocalCluster, tmp_path: Path, *args: object) -> tuple[Path, Path]:
    """Run ``args`` here, then on the cluster, each writing into its own folder (local/,
    dask/): ``{out}`` in an argument is replaced by ``<folder>/out``."""
    local, dask = tmp_path / "local", tmp_path / "dask"
    for folder, where in ((local, ()), (dask, ("--scheduler", cluster.scheduler_address))):
        folder.mkdir(parents=True)
        run(*(str(a).replace("{out}", str(folder / "out")) for a in args), *where)
    return local, dask


# ----------------------------------------------------------------- the same bytes


def test_forecast_is_byte_identical_on_every_engine(cluster, config, tmp_path):
    local, dask = on_both(cluster, tmp_path, "forecast", "--config", config, "-o", "{out}.csv")
    processes = tmp_path / "processes.csv"
    run("forecast", "--config", config, "-o", processes, "--engine", "processes")
    assert (dask / "out.csv").read_bytes() == (local / "out.csv").read_bytes()
    assert processes.read_bytes() == (local / "out.csv").read_bytes()


def test_backtest_scores_are_byte_identical_on_the_cluster(cluster, config, tmp_path):
    args = ("backtest", "--config", config, "--origins", 2, "--train-weeks", 8, "-f", "csv")
    here = run(*args)
    there = run(*args, "--scheduler", cluster.scheduler_address)

    def scores(text: str) -> str:  # the seconds per origin are a measurement, not a result
        return pd.read_csv(io.StringIO(text)).drop(columns="fit_predict_s").to_csv()

    assert scores(there) == scores(here)
    assert len(pd.read_csv(io.StringIO(here))) == 3


def test_schedule_stopping_on_its_gap_and_its_simulation_are_byte_identical(
    cluster, config, requirements, tmp_path
):
    schedule = ("schedule", "--config", config, "--requirements", requirements)
    options = ("--time-limit", 300, "-o", "{out}")
    local, dask = on_both(cluster, tmp_path / "schedule", *schedule, *options)
    summary = yaml.safe_load((local / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["timed_out"] is False, summary  # stopped by itself, not by the clock
    assert files(dask / "out") == files(local / "out")

    simulate = ("simulate", "--config", config, "--schedule", local / "out")
    options = ("--forecast", requirements, "--replications", 8, "--seed", 3, "-o", "{out}")
    local, dask = on_both(cluster, tmp_path / "simulate", *simulate, *options)
    assert {"simulation.csv", "daily.csv", "manifest.json"} <= set(files(local / "out"))
    assert files(dask / "out") == files(local / "out")
    # this machine's processes get the config by pickle (its mappings too: exit 1 before)
    processes = tmp_path / "simulate" / "processes"
    run(*simulate, *(str(o).replace("{out}", str(processes)) for o in options), "--jobs", 2)
    assert files(processes) == files(local / "out")


def test_scenarios_and_their_sensitivities_are_byte_identical(cluster, config, tmp_path):
    local, dask = on_both(cluster, tmp_path, "scenarios", "--config", config, "-o", "{out}.csv")
    assert set(files(local)) == {"out.csv", "out_sensitivity.csv"}
    assert files(dask) == files(local)


def test_cron_needs_no_flags_the_scheduler_comes_from_the_environment(
    cluster, config, tmp_path, monkeypatch
):
    here = run("forecast", "--config", config, "--horizon-days", 1, "-f", "csv")
    monkeypatch.setenv("STAFFPLAN_SCHEDULER", cluster.scheduler_address)
    assert run("forecast", "--config", config, "--horizon-days", 1, "-f", "csv") == here
    monkeypatch.setenv("STAFFPLAN_SCHEDULER", "tcp://nowhere.invalid")  # --engine local wins
    assert (
        run("forecast", "--config", config, "--horizon-days", 1, "-f", "csv", "--engine", "local")
        == here
    )


def test_a_history_folder_is_read_by_the_workers_with_the_same_results(
    cluster, config, tmp_path, monkeypatch
):
    history = config.parent.parent / "sample_data" / "history.csv"
    read_history(history, ZoneInfo("Asia/Shanghai"), 30).to_parquet(
        tmp_path / "parquet", partition_cols=["queue"]
    )
    here = run("forecast", "--config", config, "--history", history, "-f", "csv")

    def not_here(reader: HistoryReader, part: Path) -> pd.DataFrame:
        raise AssertionError(f"the main process read {part}")

    monkeypatch.setattr(HistoryReader, "read", not_here)  # the workers' copy is intact
    seen: list[tuple[int, int]] = []
    there = staffplan.forecast(
        config,
        history=tmp_path / "parquet",
        scheduler=cluster.scheduler_address,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert to_csv_text(there.forecast) == here
    assert seen[-1] == (8, 8), seen  # four parts, each read twice: spans, then the fit
    assert [done for done, _ in seen] == sorted(done for done, _ in seen), seen
    options = {"origins": 2, "train_weeks": 8}
    scores = staffplan.backtest(
        config, history=tmp_path / "parquet", scheduler=cluster.scheduler_address, **options
    )
    one = staffplan.backtest(config, history=history, **options)
    pd.testing.assert_frame_equal(  # fit_predict_s is a measured time, not a result
        scores.drop(columns="fit_predict_s"), one.drop(columns="fit_predict_s"), check_exact=True
    )


def test_a_failed_task_is_retried_and_one_failing_every_time_fails_the_run(cluster, tmp_path):
    def fails_first(attempts: Path) -> Callable[[int], int]:
        def square(number: int) -> int:  # sent by value: the workers need not import tests
            marker = attempts / f"{number}-{len(list(attempts.glob(f'{number}-*')))}"
            marker.touch()
            if number == 3 or marker.name.endswith("-0"):
                raise RuntimeError(f"attempt {marker.name} fails")
            return number * number

        return square

    with open_workers(scheduler=cluster.scheduler_address) as workers:
        with pytest.raises(RuntimeError, match="attempt 3-2 fails"):
            workers.map(fails_first(tmp_path), [1, 2, 3])
        assert workers.map(fails_first(tmp_path), [1, 2]) == [1, 4]
    tries = sorted(p.name for p in tmp_path.iterdir())
    assert [t for t in tries if t.startswith("3-")] == ["3-0", "3-1", "3-2"]  # 1 + 2 retries
    assert engine.TASK_RETRIES == 2


def test_a_run_failing_on_a_worker_leaves_the_previous_output_intact(
    cluster, config, requirements, tmp_path
):
    schedule, out = tmp_path / "schedule", tmp_path / "sim"
    run("schedule", "--config", config, "--requirements", requirements, "-o", schedule)
    simulate = ("simulate", "--config", config, "--schedule", schedule, "--replications", 4)
    run(*simulate, "--forecast", requirements, "-o", out)
    before = files(out)
    table = pd.read_csv(requirements, dtype=str, keep_default_na=False)
    short = tmp_path / "short.csv"
    table.drop(index=table.index[-1]).to_csv(short, index=False)  # a scheduled interval gone
    where = ("--scheduler", cluster.scheduler_address)
    message = refused(*simulate, "--forecast", short, "-o", out, *where)
    assert "has no row for" in message and "forecast the whole scheduled period" in message
    assert files(out) == before


def test_the_progress_bar_counts_tasks_done_of_the_total(config, monkeypatch):
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # draw the bar as on a terminal
    result = CliRunner().invoke(
        app, ["forecast", "--config", str(config), "--horizon-days", "1", "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stderr)  # without colours
    assert "4/4 tasks" in drawn, drawn  # one per queue with a history


def test_a_simulation_is_the_same_split_by_queue_or_by_batch(
    config, requirements, tmp_path, monkeypatch
):
    schedule = tmp_path / "schedule"
    run("schedule", "--config", config, "--requirements", requirements, "-o", schedule)
    options = {"replications": 6, "seed": 4}
    batched = staffplan.simulate(requirements, schedule, config, **options)  # 3 queues × batches
    monkeypatch.setattr(simulate_tasks, "CHUNKS_PER_PROCESS", 1)  # one task per queue
    seen: list[tuple[int, int]] = []
    whole = staffplan.simulate(
        requirements, schedule, config, progress=lambda *done: seen.append(done), **options
    )
    assert seen[-1] == (3, 3), seen  # chat, email, tier 2 (phone_zh is a priority block)
    pd.testing.assert_frame_equal(whole.intervals, batched.intervals, check_exact=True)
    pd.testing.assert_frame_equal(whole.daily, batched.daily, check_exact=True)


# ----------------------------------------------------------------- a lost worker


def test_a_worker_killed_mid_run_loses_nothing(cluster, config, requirements, tmp_path):
    schedule = tmp_path / "schedule"
    run("schedule", "--config", config, "--requirements", requirements, "-o", schedule)
    options = {"replications": 48, "seed": 5}
    here = staffplan.simulate(requirements, schedule, config, **options)
    killed: list[tuple[int, int]] = []
    with Client(cluster.scheduler_address, set_as_default=False) as observer:
        pids = observer.run(os.getpid)

        def kill_a_busy_worker(done: int, total: int) -> None:
            busy = [address for address, keys in observer.processing().items() if keys]
            if not killed and busy and done < total:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append((done, total))

        there = staffplan.simulate(
            requirements,
            schedule,
            config,
            scheduler=cluster.scheduler_address,
            progress=kill_a_busy_worker,
            **options,
        )
        observer.wait_for_workers(2, timeout=60)  # the nanny restarts it for later tests
    assert killed, "no worker was busy while tasks were left: nothing was killed"
    pd.testing.assert_frame_equal(there.intervals, here.intervals, check_exact=True)
    pd.testing.assert_frame_equal(there.daily, here.daily, check_exact=True)


# ----------------------------------------------------------------- clusters it cannot use


def test_workers_on_another_staffplan_version_are_named_with_both_versions(
    cluster, config, monkeypatch
):
    theirs = staffplan.__version__
    monkeypatch.setattr(staffplan, "__version__", "9.9.9")
    message = refused("forecast", "--config", config, "--scheduler", cluster.scheduler_address)
    assert f"have staffplan {theirs}" in message and "this process runs staffplan 9.9.9" in message
    assert "install staffplan 9.9.9 on every worker" in message


def test_workers_without_staffplan_are_named_with_this_version():
    class Cluster:  # what Client.run returns when the probe finds no staffplan
        def run(self, function: Callable, on_error: str) -> dict[str, str | None]:
            return {"tcp://10.0.0.7:4000": None, "tcp://10.0.0.8:4000": staffplan.__version__}

    with pytest.raises(EngineError) as caught:
        engine.check_versions(Cluster(), "tcp://h:8786")
    ours = staffplan.__version__
    assert str(caught.value) == (
        "scheduler tcp://h:8786: 1 of 2 Dask worker(s) have no staffplan "
        f"(e.g. tcp://10.0.0.7:4000), this process runs staffplan {ours}; install staffplan "
        f"{ours} on every worker "
        f"(pip install staffplan=={ours})"
    )


def test_an_unreachable_scheduler_is_exit_2_naming_it(config, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 1.0)
    message = refused("forecast", "--config", config, "--scheduler", address)
    assert f"--scheduler {address}: no Dask scheduler answered within 1 s" in message
    assert "start one (dask scheduler) or check the address" in message


def test_dask_missing_says_how_to_install_it(config, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    message = refused("forecast", "--config", config, "--engine", "dask")
    assert (
        '--engine dask needs Dask, which is not installed here: pip install "staffplan[dask]"'
        in message
    )


def test_bad_input_found_on_a_worker_is_the_same_one_line_error(cluster, tmp_path):
    history = pd.read_csv(REPO / "sample_data" / "history.csv")
    short = history[history["queue"] == "phone_zh"].head(48 * 3)  # three days
    history = pd.concat([history[history["queue"] == "chat_en"], short])
    history.to_csv(tmp_path / "history.csv", index=False)
    config = tmp_path / "c.yaml"
    config.write_text(
        "timezone: Asia/Shanghai\ninterval_min: 30\nqueues:\n"
        "  - {name: chat_en, channel: chat, aht_s: 420, history: history.csv}\n"
        "  - {name: phone_zh, aht_s: 300, history: history.csv}\n",
        encoding="utf-8",
    )
    args = ("forecast", "--config", config, "--start", "2020-05-11")
    here = refused(*args)
    assert refused(*args, "--scheduler", cluster.scheduler_address) == here
    assert "queue 'phone_zh': the history has 3 complete day(s)" in here


# ----------------------------------------------------------------- choosing the engine


def test_the_default_runs_here_and_never_imports_dask():
    code = (
        "import sys, staffplan\n"
        "staffplan.forecast('configs/example.yaml', horizon_days=1)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed'))\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_engine_defaults_follow_the_options_given():
    with open_workers() as workers:
        assert workers is IN_PROCESS
    with open_workers(jobs=1) as workers:
        assert workers is IN_PROCESS
    with open_workers(jobs=2) as workers:
        assert workers.slots == 2


@pytest.mark.parametrize(
    ("options", "parameter", "text"),
    [
        ({"jobs": 0}, "jobs", "must be at least 1, got 0"),
        ({"engine": "spark"}, "engine", "must be one of local, processes, dask, got 'spark'"),
        ({"engine": "local", "scheduler": "tcp://h:8786"}, "scheduler", "use --engine dask"),
        ({"scheduler": "tcp://h:8786", "jobs": 4}, "jobs", "leave --jobs off"),
        ({"scheduler": "nonsense"}, "scheduler", "write it like tcp://host:8786"),
    ],
)
def test_engine_options_that_cannot_work_are_refused_naming_the_option(options, parameter, text):
    with pytest.raises(EngineError, match=text) as caught, open_workers(**options):
        pass
    assert caught.value.parameter == parameter
