"""``staffplan schedule`` end to end, byte-identical reruns, and an exact-cover benchmark."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from test_schedule_cover import BASE, check_schedule, recompute_coverage, two_humps
from typer.testing import CliRunner

from benchmarks.sdp_instances import as_inputs, read_instance
from staffplan.cli import app
from staffplan.config import parse_config
from staffplan.jobs.publish import publish
from staffplan.schedule import schedule_files
from staffplan.schedule.cover import build_schedule

DATA = Path(__file__).parent / "data"


def write_inputs(folder: Path) -> tuple[Path, Path]:
    config = folder / "c.yaml"
    config.write_text(
        BASE.format(
            zone="Asia/Shanghai",
            interval=15,
            cyclic="false",
            mode="soft",
            cap="null",
            first="00:00",
            last="23:00",
            every=60,
            lengths="[480, 540]",
        ),
        encoding="utf-8",
    )
    requirements = two_humps("2026-03-02", "Asia/Shanghai")
    path = folder / "requirements.csv"
    requirements.assign(
        interval_start=requirements["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
    ).to_csv(path, index=False)
    return config, path


def test_cli_writes_shifts_coverage_summary_and_plot(tmp_path: Path):
    config, requirements = write_inputs(tmp_path)
    out = tmp_path / "schedule"
    result = CliRunner().invoke(
        app,
        [
            "schedule",
            "--requirements",
            str(requirements),
            "--config",
            str(config),
            "--output",
            str(out),
            "--plot",
            str(tmp_path / "coverage.png"),
            "--time-limit",
            "20",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["coverage.csv", "manifest.json", "shifts.csv", "summary.json"]
    assert (tmp_path / "coverage.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shifts = pd.read_csv(out / "shifts.csv")
    coverage = pd.read_csv(out / "coverage.csv")
    assert list(shifts.columns[:6]) == ["shift_id", "queue", "template", "day", "start", "end"]
    assert {"paid_hours", "breaks"} <= set(shifts.columns)
    assert list(coverage.columns[:5]) == ["queue", "interval_start", "required", "scheduled", "gap"]
    assert shifts["start"].str.endswith("+08:00").all()
    starts = pd.to_datetime(coverage["interval_start"], utc=True)
    written = shifts.assign(
        start=pd.to_datetime(shifts["start"], utc=True),
        end=pd.to_datetime(shifts["end"], utc=True),
        break_offsets_min=shifts["break_offsets_min"].fillna(""),
    )
    expected = recompute_coverage(written, starts, 15, cyclic=False)
    np.testing.assert_allclose(coverage["scheduled"], expected)
    assert '"gap_to_lp_bound"' in result.output


def test_cli_plot_inside_the_output_folder_lands_there(tmp_path: Path):
    config, requirements = write_inputs(tmp_path)
    out = tmp_path / "schedule"
    result = CliRunner().invoke(
        app,
        [
            "schedule",
            "--requirements",
            str(requirements),
            "--config",
            str(config),
            "--output",
            str(out),
            "--plot",
            str(out / "coverage.png"),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "coverage.png").exists() and result.output == ""


def test_cli_bad_requirements_exit_2_with_the_row(tmp_path: Path):
    config, requirements = write_inputs(tmp_path)
    text = requirements.read_text().splitlines()
    text[3] = text[3].rsplit(",", 1)[0] + ",many"
    requirements.write_text("\n".join(text) + "\n")
    result = CliRunner().invoke(
        app,
        [
            "schedule",
            "--requirements",
            str(requirements),
            "--config",
            str(config),
            "--output",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert "row 4, column 'agents': 'many' is not a number" in result.output
    assert not (tmp_path / "out").exists(), "a failed run writes nothing"


def test_two_runs_write_byte_identical_files(tmp_path: Path):
    config, requirements = write_inputs(tmp_path)
    runs = []
    for name in ("a", "b"):
        result = CliRunner().invoke(
            app,
            [
                "schedule",
                "--requirements",
                str(requirements),
                "--config",
                str(config),
                "--output",
                str(tmp_path / name),
                "--plot",
                str(tmp_path / name / "c.png"),
                "-q",
            ],
        )
        assert result.exit_code == 0, result.output
        runs.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())})
    assert runs[0] == runs[1]
    assert b'"timed_out": false' in runs[0]["summary.json"]


def test_sdp_instance_from_dataset1_is_covered_exactly():
    """RandomExample11 was generated from a zero-deviation schedule (see data/sdp_README.md)."""
    instance = read_instance(DATA / "sdp_RandomExample11.txt")
    requirements, config = as_inputs(instance)
    schedule = build_schedule(requirements, config, time_limit_s=60)
    coverage = schedule.coverage
    assert len(coverage) == 7 * 96
    np.testing.assert_array_equal(coverage["scheduled"].to_numpy(), instance.required)
    assert schedule.objective == schedule.lp_bound == instance.required.sum() / 4
    assert not schedule.timed_out
    check_schedule(schedule, config)


def test_written_schedule_replaces_the_old_folder_atomically(tmp_path: Path):
    config = parse_config(
        BASE.format(
            zone="UTC",
            interval=15,
            cyclic="false",
            mode="soft",
            cap="null",
            first="06:00",
            last="08:00",
            every=60,
            lengths="[480]",
        )
    )
    schedule = build_schedule(two_humps("2026-03-02", "UTC"), config)
    out = tmp_path / "schedule"
    out.mkdir()
    (out / "manifest.json").write_text("{}\n")  # an earlier output: it may be replaced
    (out / "stale.csv").write_text("old")
    publish(out, schedule_files(schedule), manifest_text="{}\n")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["coverage.csv", "manifest.json", "shifts.csv", "summary.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["schedule"], "no temp folders left behind"


def test_the_manifest_says_how_the_solver_stopped(tmp_path: Path):
    config, requirements = write_inputs(tmp_path)
    for name, limit in (("ample", "60"), ("none", "0")):
        args = ["schedule", "--requirements", str(requirements), "--config", str(config)]
        result = CliRunner().invoke(
            app, [*args, "--output", str(tmp_path / name), "--time-limit", limit, "-q"]
        )
        solver = json.loads((tmp_path / name / "manifest.json").read_text())["solver"]
        summary = json.loads((tmp_path / name / "summary.json").read_text())
        # published either way; the wall-clock safety net has its own exit code (8)
        assert result.exit_code == (8 if summary["timed_out"] else 0), result.output
        assert solver["stopped_at_time_limit"] == summary["timed_out"]
        assert solver["gap_to_lp_bound"] == summary["gap_to_lp_bound"]
        assert solver["stopped_on"] == summary["stopped_on"]
        note = "stopped at its time limit" in result.stderr
        assert note == summary["timed_out"], result.stderr
    ample = json.loads((tmp_path / "ample" / "manifest.json").read_text())["solver"]
    cut = json.loads((tmp_path / "none" / "manifest.json").read_text())["solver"]
    assert ample["stopped_at_time_limit"] is False and cut["stopped_at_time_limit"] is True
