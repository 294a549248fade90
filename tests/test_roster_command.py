"""``staffplan roster``: the week folder, byte-identical re-runs, fairness memory across
weeks, DST weeks in the calendars, week parsing, the team config and the CLI."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import icalendar
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.config import parse_config
from staffplan.errors import ConfigError, InputError
from staffplan.jobs.roster import resolve_week, run_roster
from staffplan.roster.rules_check import violations
from staffplan.tables import to_csv_text
from staffplan.tables.shifts import read_roster

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
AUTUMN_DST = dt.date(2026, 10, 19)  # 2026-W43: clocks go back on Sunday the 25th
CONFIG = """
timezone: Europe/Berlin
interval_min: 60
queues:
  - name: chat
    channel: chat
    concurrency: 2
    aht_s: 400
    target: {service_level: 0.8, answer_within_s: 60}
shifts:
  templates:
    - {name: early, start_window: ["07:00", "09:00"], start_every_min: 60, lengths_min: [480]}
    - {name: late, start_window: ["14:00", "15:00"], start_every_min: 60, lengths_min: [480],
       lunch: {minutes: 60, window_after_start_min: [180, 300]}}
  rules: {days_per_week: 5, consecutive_days_off: 2, max_hours_per_week: 40, min_rest_hours: 11}
team:
  agents:
    - {name: Ana López, queues: [chat], preferred_templates: [early]}
    - {name: Bo, unavailable_weekdays: [sun]}
    - {name: Cy}
    - {name: Dee, contracted_hours_per_week: 24, unavailable_dates: [2026-10-21]}
    - {name: Oz, on_call: true}
"""


def requirements(monday: dt.date, peak: int = 2) -> pd.DataFrame:
    """One week of hourly requirements: ``peak`` agents 08:00-20:00, one 07:00-08:00
    (a DST week simply has 167 or 169 hours)."""
    first, last = (pd.Timestamp(d).tz_localize(BERLIN) for d in (monday, monday + dt.timedelta(7)))
    starts = pd.date_range(first, last, freq="h", inclusive="left")
    hour = starts.hour
    agents = np.where((hour >= 8) & (hour < 20), peak, np.where(hour == 7, 1, 0)).astype(float)
    return pd.DataFrame(
        {
            "queue": "chat",
            "interval_start": starts,
            "agents": agents,
            "offered": agents * 8.0,
            "aht_s": 400.0,
        }
    )


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def config():
    return parse_config(CONFIG)


def test_the_week_folder_has_roster_calendars_and_coverage(tmp_path: Path, config):
    run = run_roster(config, AUTUMN_DST, tmp_path, requirements=requirements(AUTUMN_DST))
    folder = tmp_path / "2026-W43"
    assert run.folder == folder
    names = set(files(folder))
    assert {"roster.csv", "coverage.csv", "shifts.csv", "open_shifts.csv", "agents.csv"} <= names
    assert {"ana-lópez.ics", "bo.ics", "cy.ics", "dee.ics"} == {
        n for n in names if n.endswith(".ics")
    }
    header = (folder / "roster.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("agent,day,start,end,breaks,queue")
    roster = read_roster(folder / "roster.csv", BERLIN)
    assert (
        violations(
            roster.assign(paid_hours=roster["paid_hours"].astype(float)),
            config.shifts.rules,
            config.team,
            week_start=AUTUMN_DST,
        )
        == []
    )
    assert "Oz" not in set(roster["agent"]) and "2026-10-21" not in set(
        roster.loc[roster["agent"] == "Dee", "day"]
    )
    assert run.summary().startswith("2026-W43: 4 agents") and "wrote" in run.summary()


def test_calendars_match_the_roster_in_the_planning_zone_across_the_dst_change(
    tmp_path: Path, config
):
    run_roster(config, AUTUMN_DST, tmp_path, requirements=requirements(AUTUMN_DST))
    folder = tmp_path / "2026-W43"
    roster = read_roster(folder / "roster.csv", BERLIN)
    for name, stem in (("Ana López", "ana-lópez"), ("Cy", "cy")):
        events = icalendar.Calendar.from_ical((folder / f"{stem}.ics").read_bytes()).walk("VEVENT")
        mine = roster[roster["agent"] == name].sort_values("start")
        got = sorted((e.decoded("dtstart"), e.decoded("dtend")) for e in events)
        want = [
            (s.to_pydatetime(), e.to_pydatetime())
            for s, e in zip(mine["start"], mine["end"], strict=True)
        ]
        assert got == want
        assert all(e["dtstart"].params["TZID"] == "Europe/Berlin" for e in events)
    sunday = roster[roster["day"] == "2026-10-25"]
    assert not sunday.empty
    assert (sunday["start"].dt.strftime("%z") == "+0100").all()  # after the change


def test_a_rerun_is_byte_identical_and_keeps_calendar_events(tmp_path: Path, config):
    table = requirements(AUTUMN_DST)
    run_roster(config, AUTUMN_DST, tmp_path, requirements=table)
    first = files(tmp_path / "2026-W43")
    run_roster(config, AUTUMN_DST, tmp_path, requirements=table)
    assert files(tmp_path / "2026-W43") == first
    # A bigger requirement re-publishes: same UIDs updated or cancelled, never duplicated.
    run_roster(config, AUTUMN_DST, tmp_path, requirements=requirements(AUTUMN_DST, peak=1))
    before = icalendar.Calendar.from_ical(first["cy.ics"]).walk("VEVENT")
    after = icalendar.Calendar.from_ical((tmp_path / "2026-W43" / "cy.ics").read_bytes()).walk(
        "VEVENT"
    )
    uids_after = [str(e["uid"]) for e in after]
    assert len(uids_after) == len(set(uids_after))
    assert {str(e["uid"]) for e in before} <= set(uids_after)


def test_next_week_remembers_the_weekends_and_last_weeks_shifts(tmp_path: Path, config):
    run_roster(config, AUTUMN_DST, tmp_path, requirements=requirements(AUTUMN_DST))
    next_monday = AUTUMN_DST + dt.timedelta(days=7)
    run = run_roster(config, next_monday, tmp_path, requirements=requirements(next_monday))
    last = read_roster(tmp_path / "2026-W43" / "roster.csv", BERLIN)
    weekend = set(last.loc[pd.to_datetime(last["day"]).dt.day_of_week >= 5, "agent"])
    loads = run.assignment.agents.set_index("agent")["recent_load"]
    assert all(loads[a] > 0 for a in weekend) and weekend
    this = run.assignment.roster
    assert (
        violations(this, config.shifts.rules, config.team, week_start=next_monday, previous=last)
        == []
    )


@pytest.mark.parametrize(
    ("week", "today", "monday"),
    [
        ("next", dt.date(2026, 12, 4), dt.date(2026, 12, 7)),  # Friday afternoon
        ("next", dt.date(2026, 12, 6), dt.date(2026, 12, 7)),  # Sunday
        ("next", dt.date(2026, 12, 7), dt.date(2026, 12, 14)),  # Monday: the week after
        ("2026-W50", dt.date(2026, 12, 4), dt.date(2026, 12, 7)),
        ("2026-w53", dt.date(2026, 12, 4), dt.date(2026, 12, 28)),
        ("2026-W49", dt.date(2026, 12, 4), dt.date(2026, 11, 30)),  # this week: a re-plan
    ],
)
def test_resolve_week(week, today, monday):
    assert resolve_week(week, today) == monday


@pytest.mark.parametrize(
    ("week", "message"),
    [("2026-W48", "ended before today"), ("2025-W53", "2025 has no week 53"), ("W50", "ISO week")],
)
def test_bad_weeks_are_input_errors(week, message):
    with pytest.raises(InputError, match=message):
        resolve_week(week, dt.date(2026, 12, 4))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{name: Cy}", "{name: Bo}", "team.agents[2].name: agent 'Bo' is listed twice"),
        (
            "{name: Cy}",
            "{name: Cy}\n    - {name: cy!}",
            "agent 'cy!' and agent 'Cy' (agents[2]) would share the calendar file cy.ics",
        ),
        (
            "queues: [chat],",
            "queues: [chat_en],",
            "team.agents[0].queues[0]: queue 'chat_en' is not in queues",
        ),
        (
            "{name: Cy}",
            "{name: Cy, unavailable_weekdays: [mon, tue, wed, thu, fri, sat, sun]}",
            "team.agents[2].unavailable_weekdays: every weekday",
        ),
        (
            "contracted_hours_per_week: 24",
            "contracted_hours_per_week: -4",
            "team.agents[3].contracted_hours_per_week: must be 0 or more",
        ),
        ("{name: Cy}", "{name: Cy, unavailable: [sun]}", "did you mean 'unavailable_dates'"),
        (
            "unavailable_weekdays: [sun]",
            "unavailable_weekdays: [sunday]",
            "'sunday' is not allowed",
        ),
    ],
)
def test_team_config_mistakes_name_the_key(old, new, expected):
    assert old in CONFIG
    with pytest.raises(ConfigError) as caught:
        parse_config(CONFIG.replace(old, new, 1), source=Path("c.yaml"))
    assert expected in caught.value.message


def test_unquoted_yaml_dates_are_accepted(config):
    dee = config.team.agent("Dee")
    assert dee.unavailable_dates == (dt.date(2026, 10, 21),)
    assert dee.unavailable_on(dt.date(2026, 10, 21)) and not dee.unavailable_on(
        dt.date(2026, 10, 22)
    )


# --------------------------------------------------------------------------- CLI

SPRING_DST = dt.date(2027, 3, 22)  # 2027-W12: clocks go forward on Sunday the 28th


def write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    config_path = tmp_path / "c.yaml"
    config_path.write_text(CONFIG, encoding="utf-8")
    table = requirements(SPRING_DST)
    req_path = tmp_path / "req.csv"
    req_path.write_text(to_csv_text(table), encoding="utf-8")
    return config_path, req_path


def test_cli_roster_prints_one_line_and_exits_0(tmp_path: Path):
    config_path, req_path = write_inputs(tmp_path)
    args = [
        "roster",
        "--config",
        str(config_path),
        "--week",
        "2027-W12",
        "--requirements",
        str(req_path),
        "--output",
        str(tmp_path / "rosters"),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("2027-W12: ")
    ics = icalendar.Calendar.from_ical((tmp_path / "rosters" / "2027-W12" / "cy.ics").read_bytes())
    sunday = [e for e in ics.walk("VEVENT") if e.decoded("dtstart").date() == dt.date(2027, 3, 28)]
    assert all(e.decoded("dtstart").utcoffset() == dt.timedelta(hours=2) for e in sunday)


def test_cli_roster_json_figures(tmp_path: Path):
    config_path, req_path = write_inputs(tmp_path)
    args = [
        "roster",
        "-c",
        str(config_path),
        "--week",
        "2027-W12",
        "--requirements",
        str(req_path),
        "-o",
        str(tmp_path / "r"),
        "--format",
        "json",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert '"week": "2027-W12"' in result.stdout and '"shifts_open"' in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W01"], "ended before today"),
        (
            ["--week", "2027-W12", "--requirements", "missing.csv"],
            "missing.csv: requirements file not found",
        ),
    ],
)
def test_cli_roster_mistakes_exit_2_with_one_sentence(tmp_path: Path, args, message):
    config_path, _ = write_inputs(tmp_path)
    result = CliRunner().invoke(
        app, ["roster", "--config", str(config_path), "--output", str(tmp_path), *args]
    )
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_cli_roster_without_a_team_section_says_what_to_add(tmp_path: Path):
    config_path, req_path = write_inputs(tmp_path)
    config_path.write_text(CONFIG[: CONFIG.index("team:")], encoding="utf-8")
    args = [
        "roster",
        "-c",
        str(config_path),
        "--week",
        "2027-W12",
        "--requirements",
        str(req_path),
        "-o",
        str(tmp_path),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "no team: section" in result.stderr


def test_forecast_path_rosters_the_week_after_the_sample_history(tmp_path: Path):
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    text = f"""
timezone: Asia/Shanghai
interval_min: 30
queues:
  - name: phone_zh
    history: {sample / "history.csv"}
    aht_s: 300
    target: {{service_level: 0.8, answer_within_s: 20}}
market: {{prices: {sample / "btc_usd_hourly.csv"}}}
shifts:
  templates:
    - {{name: day, start_window: ["06:00", "14:00"], start_every_min: 120, lengths_min: [480]}}
team:
  agents: [{{name: a}}, {{name: b}}, {{name: c}}, {{name: d}}, {{name: e}}, {{name: f}}]
"""
    config = parse_config(text)
    monday = resolve_week("next", dt.date(2020, 5, 8))  # the Friday before the history ends
    run = run_roster(config, monday, tmp_path)
    assert run.label == "2020-W20"
    coverage = pd.read_csv(run.folder / "coverage.csv")
    assert np.isclose(coverage["required"].sum() / 2, run.schedule.coverage["required"].sum() / 2)
    assert coverage["scheduled"].sum() > 0
    figures = run.figures()
    assert figures["agents"] == 6 and figures["shifts_staffed"] <= 6 * 5
    # The covering model was held to the team: at most 6 shifts start a day.
    assert run.schedule.shifts.groupby("day").size().max() <= 6
