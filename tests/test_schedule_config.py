"""The shifts: config section: defaults, and every mistake named by its key."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from staffplan.config import parse_config
from staffplan.errors import ConfigError, InputError
from staffplan.schedule.cover import build_schedule

CONFIG = """
timezone: Europe/Berlin
interval_min: 15
queues: [{name: chat, aht_s: 300}]
shifts:
  templates:
    - name: early
      start_window: ["05:00", "08:00"]
      start_every_min: 15
      lengths_min: [480, 600]
      lunch: {minutes: 30, window_after_start_min: [180, 300]}
      breaks:
        - {minutes: 15, window_after_start_min: [90, 150]}
        - {minutes: 15, window_after_start_min: [330, 420]}
  rules: {days_per_week: 5, consecutive_days_off: 2}
"""


def error_for(old: str, new: str) -> str:
    assert old in CONFIG, old
    with pytest.raises(ConfigError) as caught:
        parse_config(CONFIG.replace(old, new), source=Path("c.yaml"))
    return caught.value.message


def test_shifts_section_loads_with_documented_defaults():
    shifts = parse_config(CONFIG).shifts
    assert shifts is not None
    early = shifts.template("early")
    assert early.days == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert early.cost_per_hour == 1.0 and early.unpaid_min() == 30
    assert [key for key, _, _ in early.pauses()] == ["lunch", "breaks[0]", "breaks[1]"]
    assert shifts.understaffing == "soft" and shifts.understaffing_penalty == 10.0
    assert shifts.cyclic_week is False and shifts.max_headcount is None
    assert shifts.rules.max_hours_per_week == 40.0 and shifts.rules.same_start_time is False


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("[480, 600]", "[480, 1500]", "shifts.templates[0].lengths_min[1]: 1500 min is not"),
        ('["05:00", "08:00"]', '["5am", "08:00"]', "templates[0].start_window[0]: '5am' is not"),
        ('["05:00", "08:00"]', '["05:00"]', "templates[0].start_window: give two clock times"),
        ("[330, 420]", "[330, 500]", "breaks[1].window_after_start_min: ends 500 min after"),
        ("[330, 420]", "[400, 410]", "breaks[1].window_after_start_min: [400, 410] is shorter"),
        ("[90, 150]", "[200, 260]", "breaks[0].window_after_start_min: [200, 260] overlaps lunch"),
        ("start_every_min: 15", "start_every_min: 0", "templates[0].start_every_min: must be"),
        ("lengths_min: [480, 600]", "lengths_min: []", "templates[0].lengths_min: list at least"),
        ("consecutive_days_off: 2", "consecutive_days_off: 3", "rules.consecutive_days_off: 3"),
        ("days_per_week: 5", "days_per_week: 8", "shifts.rules.days_per_week: 8 is not 1 to 7"),
        ("  templates:", "  understaffing: maybe\n  templates:", "understaffing: 'maybe' is not"),
        ("  templates:", "  cyclic_wek: true\n  templates:", "did you mean 'cyclic_week'?"),
        ("  templates:", "  max_headcount: 0\n  templates:", "max_headcount: must be greater"),
        ('["05:00", "08:00"]', '["10:00", "08:00"]', "start_window: ['10:00', '08:00'] runs past"),
        ('["05:00", "08:00"]', '["19:15", "07:30"]', "12.25 hours of starts from 19:15"),
    ],
)
def test_config_mistakes_name_the_key(old: str, new: str, expected: str):
    assert expected in error_for(old, new)


def test_template_names_are_unique():
    doubled = CONFIG.replace(
        "  rules:",
        "    - name: early\n      start_window: ['09:00', '10:00']\n"
        "      lengths_min: [480]\n  rules:",
    )
    with pytest.raises(ConfigError, match=r"templates\[1\].name: template 'early' is listed twice"):
        parse_config(doubled)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("start_every_min: 15", "start_every_min: 20", "start_every_min: 20 is not a multiple"),
        ('["05:00", "08:00"]', '["05:10", "08:10"]', "start_window[0]: 05:10 is not on the"),
        ("[480, 600]", "[480, 590]", "lengths_min[1]: 590 min is not a multiple"),
        ("[90, 150]", "[91, 110]", "breaks[0].window_after_start_min: no 15-minute break fits"),
    ],
)
def test_times_off_the_interval_grid_are_named_at_load(old: str, new: str, expected: str):
    assert f"c.yaml: shifts.templates[0].{expected}" in error_for(old, new)


def test_schedule_without_a_shifts_section_says_what_to_add():
    config = parse_config(CONFIG.split("shifts:")[0])
    times = pd.date_range("2026-03-02", periods=4, freq="15min", tz="Europe/Berlin")
    requirements = pd.DataFrame({"queue": "chat", "interval_start": times, "agents": 1.0})
    with pytest.raises(ConfigError, match="no shifts: section; add shift templates"):
        build_schedule(requirements, config)


def test_cyclic_week_needs_exactly_seven_days():
    config = parse_config(CONFIG.replace("  templates:", "  cyclic_week: true\n  templates:"))
    times = pd.date_range("2026-03-02", periods=96 * 3, freq="15min", tz="Europe/Berlin")
    requirements = pd.DataFrame({"queue": "chat", "interval_start": times, "agents": 1.0})
    with pytest.raises(InputError, match="exactly one week"):
        build_schedule(requirements, config)


@pytest.mark.parametrize("window", ['["21:00", "01:00"]', '["20:00", "08:00"]'])
def test_a_night_window_past_midnight_of_up_to_12_hours_is_kept(window: str):
    shifts = parse_config(CONFIG.replace('["05:00", "08:00"]', window)).shifts
    assert shifts is not None and shifts.templates[0].window_span_min() in (240, 720)
