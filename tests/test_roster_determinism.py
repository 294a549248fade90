"""The roster assignment stops on deterministic limits (its gap), not on the clock: the
same inputs give the same roster on an idle or a loaded machine."""

from __future__ import annotations

import subprocess
import sys

from test_roster_command import requirements
from test_roster_rerun import CONFIG, MONDAY

from staffplan.config import parse_config
from staffplan.roster.assign import assign_agents
from staffplan.roster.need import requirement_pools, shift_need_hours
from staffplan.schedule.cover import build_schedule

BUSY_LOOP = "while True: pass"


def roster_of(config, shifts, need):
    result = assign_agents(
        shifts, config.team, config.shifts.rules, week_start=MONDAY, need_hours=need
    )
    assert not result.timed_out  # the gap stopped it, not the safety-net time limit
    return result.roster


def test_the_same_roster_beside_a_cpu_hog():
    config = parse_config(CONFIG)
    table = requirements(MONDAY, peak=4)
    shifts = build_schedule(table, config).shifts
    need = shift_need_hours(shifts, requirement_pools(table, config))
    quiet = roster_of(config, shifts, need)
    hogs = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(2)]
    try:
        busy = roster_of(config, shifts, need)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert busy.equals(quiet)
    assert len(quiet) == 45
