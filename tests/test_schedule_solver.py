"""The covering search: the same schedule on a busy machine, breaks that leave the floor
covered at their own resolution, and bounds that bracket the objective."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from test_schedule_cover import make_config, recompute_coverage, two_humps, written_shifts

from staffplan.roster.need import coverage_of, requirement_pools
from staffplan.schedule.cover import build_schedule
from staffplan.tables import to_csv_text

HOG = "while True: pass"  # a busy loop: the other jobs on a loaded machine


def half_hour_week(days: int, scale: float) -> pd.DataFrame:
    """Two humps on a 30-minute grid (whole agents), ``days`` days from a Monday."""
    quarter = two_humps("2026-03-02", "Europe/Berlin", days=days, scale=scale)
    return quarter[quarter["interval_start"].dt.minute % 30 == 0].reset_index(drop=True)


def test_the_same_covering_solve_beside_a_cpu_hog_writes_the_same_shifts():
    config = make_config(interval=30, every=30, lengths="[480]")
    requirements = half_hour_week(days=1, scale=3.0)
    quiet = build_schedule(requirements, config)
    assert "window search" in quiet.method, "the search must run for this test to mean much"
    hog = subprocess.Popen([sys.executable, "-c", HOG])
    try:
        busy = build_schedule(requirements, config)
    finally:
        hog.kill()
        hog.wait()
    assert not quiet.timed_out and not busy.timed_out
    assert to_csv_text(busy.shifts).encode() == to_csv_text(quiet.shifts).encode()


def test_recount_from_shifts_csv_at_break_resolution_finds_no_unreported_shortfall():
    """Many 15-minute breaks share 30-minute intervals; counted minute by minute from the
    written shifts, no moment has fewer agents than required beyond the reported gap."""
    for mode in ("hard", "soft"):
        config = make_config(interval=30, every=30, lengths="[480]", mode=mode)
        requirements = half_hour_week(days=2, scale=3.0)
        schedule = build_schedule(requirements, config)
        shifts = written_shifts(schedule)
        coverage = schedule.coverage
        lowest = recompute_coverage(shifts, coverage["interval_start"], 30, False, fewest=True)
        unreported = coverage["required"] - lowest - coverage["gap"]
        assert unreported.max() <= 1e-9, coverage[unreported > 1e-9]
        if mode == "hard":
            assert (lowest >= coverage["required"]).all() and coverage["gap"].max() == 0
        clocks = shifts["breaks"].str.split(";").explode()
        quarter = clocks[clocks.str.len() == 11]  # HH:MM-HH:MM
        starts = quarter.str[3:5].astype(int)
        assert (starts % 30 == 15).any(), "simultaneous short breaks are staggered"


def test_the_proven_bound_lies_between_the_lp_bound_and_the_objective():
    config = make_config(interval=30, every=30, lengths="[480]")
    schedule = build_schedule(half_hour_week(days=1, scale=1.0), config)
    assert schedule.lp_bound - 1e-6 <= schedule.proven_bound <= schedule.objective + 1e-6
    summary = schedule.summary()
    assert summary["gap_to_proven_bound"] <= summary["gap_to_lp_bound"]
    assert summary["stopped_on"].startswith("its counted limits")
    assert np.isfinite(summary["proven_bound"])


def test_the_root_bound_is_proven_on_small_models_only(monkeypatch):
    """A small queue in a small model gets HiGHS's root bound (above the LP's here); the
    same queue in a model over the column cap keeps the LP bound (the root would cost
    seconds for a hair of bound)."""
    solve = sys.modules["staffplan.schedule._solve"]
    config = make_config(interval=30, every=30, lengths="[480]")
    requirements = half_hour_week(days=1, scale=1.0)
    proven = build_schedule(requirements, config)
    assert proven.proven_bound > proven.lp_bound + 1.0
    monkeypatch.setattr(solve, "PROVE_UP_TO_COLUMNS", 10)
    capped = build_schedule(requirements, config)
    assert capped.proven_bound == capped.lp_bound == proven.lp_bound
    assert to_csv_text(capped.shifts) == to_csv_text(proven.shifts)


def test_queues_solved_side_by_side_write_what_one_at_a_time_writes(monkeypatch):
    """Queues share no agents: on threads (one per model) or one after the other, the
    same shifts and coverage, byte for byte."""
    cover = sys.modules["staffplan.schedule.cover"]
    config = make_config(interval=30, every=30, lengths="[480]")
    parts = [
        half_hour_week(days=1, scale=scale).assign(queue=name)
        for name, scale in (("chat", 3.0), ("email", 1.0), ("phone", 2.0))
    ]
    requirements = pd.concat(parts, ignore_index=True)
    monkeypatch.setattr(cover, "usable_cpus", lambda: 3)
    side_by_side = build_schedule(requirements, config)
    monkeypatch.setattr(cover, "usable_cpus", lambda: 1)
    in_turn = build_schedule(requirements, config)
    assert "window search" in side_by_side.method
    assert set(side_by_side.shifts["queue"]) == {"chat", "email", "phone"}
    for table in ("shifts", "coverage"):
        assert to_csv_text(getattr(side_by_side, table)) == to_csv_text(getattr(in_turn, table))
    assert side_by_side.objective == in_turn.objective


def test_uncovered_agent_hours_are_the_minute_by_minute_shortfall_of_the_written_shifts():
    """A quarter-hour short inside a half-hour interval counts a quarter-hour, not the
    whole interval its ``gap`` (the worst moment) stands for."""
    config = make_config(interval=30, every=30, lengths="[480]", cap=6)
    requirements = half_hour_week(days=1, scale=2.0)
    schedule = build_schedule(requirements, config)
    shifts = written_shifts(schedule)
    times = schedule.coverage["interval_start"]
    minutes = pd.Series(pd.date_range(times.iloc[0], periods=len(times) * 30, freq="1min"))
    by_minute = recompute_coverage(shifts, minutes, 1, False)
    need = np.repeat(schedule.coverage["required"].to_numpy(), 30)
    short_hours = float(np.maximum(need - by_minute, 0.0).sum()) / 60
    assert schedule.uncovered_agent_hours > 0, "the cap must leave gaps for this test"
    assert schedule.uncovered_agent_hours == pytest.approx(short_hours)
    # some break leaves a quarter-hour short: counted as such, not as its whole interval
    assert schedule.uncovered_agent_hours < schedule.coverage["gap"].sum() / 2


def test_a_roster_staffing_every_shift_reports_the_schedules_coverage_and_shortfall():
    """The roster's coverage of its staffed shifts counts at the breaks' resolution, as
    the schedule does: with every shift staffed the two agree, gap for gap; without a
    shift, its worked quarter-hours are missing, counted from the written breaks."""
    config = make_config(interval=30, every=30, lengths="[480]")
    requirements = half_hour_week(days=1, scale=3.0)
    schedule = build_schedule(requirements, config)
    pools = requirement_pools(requirements, config)
    covered = coverage_of(schedule.shifts, pools, requirements, config)
    columns = ["queue", "interval_start", "required", "scheduled", "gap", "surplus"]
    pd.testing.assert_frame_equal(covered.table[columns], schedule.coverage[columns])
    assert covered.uncovered_agent_hours == pytest.approx(schedule.uncovered_agent_hours)
    with_breaks = schedule.shifts[schedule.shifts["breaks"].str.contains(":15-|:45-")]
    assert not with_breaks.empty, "a staggered quarter-hour break must be in the test"
    dropped = with_breaks.iloc[0]
    fewer = coverage_of(schedule.shifts.drop(index=dropped.name), pools, requirements, config)
    lowest = recompute_coverage(
        written_shifts(schedule).drop(index=dropped.name),
        schedule.coverage["interval_start"],
        30,
        False,
        fewest=True,
    )
    expected_gap = np.maximum(schedule.coverage["required"] - lowest, 0.0)
    np.testing.assert_allclose(fewer.table["gap"], expected_gap)
    assert fewer.uncovered_agent_hours > schedule.uncovered_agent_hours
