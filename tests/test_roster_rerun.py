"""Re-running a published roster week: few shifts move, the count is printed and put in
the manifest, and calendars change only where the roster did."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import icalendar
import pandas as pd
import pytest
from test_roster_command import CONFIG as ONE_QUEUE
from test_roster_command import requirements

from staffplan.config import parse_config
from staffplan.jobs.roster import run_roster
from staffplan.roster.changes import changed_shifts

MONDAY = dt.date(2026, 11, 2)  # 2026-W45, no clock change
NAMES = ("Ana", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivo")
QUEUES = ONE_QUEUE.split("shifts:")[0]  # Berlin, hourly, one chat queue
CONFIG = (
    QUEUES
    + f"""shifts:
  templates:
    - {{name: early, start_window: ["07:00", "09:00"], start_every_min: 60, lengths_min: [480]}}
    - {{name: late, start_window: ["12:00", "13:00"], start_every_min: 60, lengths_min: [480]}}
  rules: {{days_per_week: 5, consecutive_days_off: 2, max_hours_per_week: 40, min_rest_hours: 11}}
team:
  agents: [{", ".join("{name: " + n + "}" for n in NAMES)}]
"""
)


def events(path: Path) -> dict[str, bytes]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["uid"]): e.to_ical() for e in calendar.walk("VEVENT")}


def calendars(folder: Path) -> dict[str, dict[str, bytes]]:
    return {p.name: events(p) for p in sorted(folder.glob("*.ics"))}


def away(config, name: str, days: list[str]):
    """``config`` with agent ``name`` unavailable on ``days``."""
    dates = tuple(dt.date.fromisoformat(d) for d in days)
    agents = tuple(
        dataclasses.replace(a, unavailable_dates=dates) if a.name == name else a
        for a in config.team.agents
    )
    return dataclasses.replace(config, team=dataclasses.replace(config.team, agents=agents))


@pytest.fixture(scope="module")
def config():
    return parse_config(CONFIG)


def test_one_agent_away_two_days_moves_only_a_handful_of_shifts(tmp_path: Path, config):
    table = requirements(MONDAY, peak=4)
    first = run_roster(config, MONDAY, tmp_path, requirements=table)
    assert first.shifts_changed is None and "changed" not in first.summary()
    folder = tmp_path / "2026-W45"
    before = calendars(folder)
    roster = first.assignment.roster
    worked = roster[roster["agent"] == "Cy"]["day"].tolist()
    days = worked[:2]
    assert len(days) == 2
    again = run_roster(away(config, "Cy", days), MONDAY, tmp_path, requirements=table)
    after = calendars(folder)
    new = again.assignment.roster
    assert not ((new["agent"] == "Cy") & new["day"].isin(days)).any()
    moved = changed_shifts(roster, new)
    assert again.shifts_changed == moved
    assert 2 <= moved <= 10, f"{moved} of {len(roster)} shifts changed"
    assert f"{moved} shifts changed" in again.summary()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["roster"] == {"shifts_changed": moved}
    # calendars carry only the real changes: every other event is byte-identical
    altered = sum(
        before[name].get(uid) != after[name].get(uid)
        for name in before
        for uid in before[name].keys() | after[name].keys()
    )
    assert altered == moved


def test_without_the_stability_weight_more_shifts_move(tmp_path: Path, config):
    # the control: the same change with nothing tying the re-run to the published week
    table = requirements(MONDAY, peak=4)
    first = run_roster(config, MONDAY, tmp_path, requirements=table)
    roster = first.assignment.roster
    days = roster[roster["agent"] == "Cy"]["day"].tolist()[:2]
    loose = away(config, "Cy", days)
    weights = dataclasses.replace(loose.team.weights, stability=0.0)
    loose = dataclasses.replace(loose, team=dataclasses.replace(loose.team, weights=weights))
    again = run_roster(loose, MONDAY, tmp_path, requirements=table)
    assert again.shifts_changed > 20  # of 45 (9 with the weight)


def test_changed_shifts_counts_events_added_removed_or_altered():
    def row(agent: str, day: str, hour: int, breaks: str = "") -> dict[str, object]:
        start = pd.Timestamp(f"{day} {hour:02d}:00", tz="Europe/Berlin")
        return {"agent": agent, "day": day, "start": start, "end": start + pd.Timedelta(hours=8),
                "queue": "chat", "breaks": breaks}  # fmt: skip

    before = pd.DataFrame(
        [row("Ana", "2026-11-02", 8), row("Bo", "2026-11-02", 8), row("Cy", "2026-11-03", 8)]
    )
    after = pd.DataFrame(
        [
            row("Ana", "2026-11-02", 8),  # the same event
            row("Bo", "2026-11-02", 9),  # moved: one change
            row("Cy", "2026-11-03", 8, "12:00+30"),  # other breaks: one change
            row("Dee", "2026-11-04", 8),  # new: one change
        ]
    )
    assert changed_shifts(before, after) == 3
    assert changed_shifts(before, before.iloc[:2]) == 1  # Cy's shift cancelled
    assert changed_shifts(before, before) == 0
