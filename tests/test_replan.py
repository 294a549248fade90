"""Peak re-planning on top of a published schedule: the cheapest changes, hand-checked
costs, no baseline shift touched without --allow-moves, labour rules kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffplan.config import parse_config
from staffplan.errors import InputError
from staffplan.jobs.publish import publish
from staffplan.replan import CHANGE_COLUMNS, replan_files, replan_surge
from staffplan.tables import to_csv_text
from staffplan.tables.shifts import read_baseline

CONFIG = """
timezone: Europe/Berlin
interval_min: 30
queues:
  - {name: chat, aht_s: 300, target: {service_level: 0.8, answer_within_s: 20}}
shifts:
  understaffing_penalty: 10
  templates:
    - {name: day, start_window: ["06:00", "14:00"], start_every_min: 60, lengths_min: [480]}
  rules: {min_rest_hours: 11}
team:
  agents:
    - {name: Ana}
    - {name: Bo}
    - {name: Oz, on_call: true}
  surge: {extra_shift_cost_per_hour: 1.25, on_call_activation_cost: 2, on_call_cost_per_hour: 1.5}
"""
MONDAY = dt.date(2026, 12, 7)


def config(text: str = CONFIG, **replace: str):
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return parse_config(text)


def at(clock: str, day: int = 0) -> pd.Timestamp:
    return pd.Timestamp(f"{MONDAY + dt.timedelta(days=day)} {clock}").tz_localize("Europe/Berlin")


def baseline(*shifts: tuple[str, str, str, int]) -> pd.DataFrame:
    """Shifts from (agent, start, end, day)."""
    rows = [
        {
            "shift_id": f"S{n + 1}",
            "start": at(start, day),
            "end": at(end, day),
            "paid_hours": 8.0,
            "breaks": "",
            "queue": "chat",
            "template": "day",
            "agent": agent,
        }
        for n, (agent, start, end, day) in enumerate(shifts)
    ]
    return pd.DataFrame(rows)


def requirements(
    levels: dict[tuple[str, str], int], days: int = 2, every_day: bool = False
) -> pd.DataFrame:
    """Agents needed per half hour: ``levels[(from, to)]`` on Monday (or every day), else 0."""
    times = pd.date_range(at("00:00"), periods=48 * days, freq="30min")
    agents = np.zeros(len(times))
    for day in range(days if every_day else 1):
        for (begin, end), n in levels.items():
            agents[(times >= at(begin, day)) & (times < at(end, day))] = n
    volume = agents * 3.0  # 3 contacts of 300 s per half hour: half an Erlang per agent
    return pd.DataFrame(
        {
            "queue": "chat",
            "interval_start": times,
            "agents": agents,
            "volume": volume,
            "aht_s": 300.0,
        }
    )


BASE = baseline(("Ana", "08:00", "16:00", 0), ("Bo", "12:00", "20:00", 0))
NORMAL = {("08:00", "12:00"): 1, ("12:00", "16:00"): 2, ("16:00", "20:00"): 1}


def unchanged(result, base: pd.DataFrame) -> bool:
    kept = result.schedule[result.schedule["kind"] == "baseline"]
    columns = ["shift_id", "start", "end", "breaks", "agent"]
    merged = base[columns].merge(kept[columns], how="left", indicator=True)
    return bool((merged["_merge"] == "both").all()) and len(kept) == len(base)


def test_no_surge_means_no_changes():
    result = replan_surge(BASE, requirements(NORMAL), config())
    assert list(result.changes.columns) == CHANGE_COLUMNS and result.changes.empty
    assert unchanged(result, BASE) and result.summary["gap_before_h"] == 0


def test_one_hour_surge_is_covered_by_one_hour_of_overtime():
    surge = {**NORMAL, ("16:00", "17:00"): 2}
    result = replan_surge(BASE, requirements(surge), config())
    (change,) = result.changes.itertuples(index=False)
    # Overtime: 1 h x 1.5 premium = 1.5 < extra 4 h shift 5.0 < two uncovered intervals 20.
    assert (change.kind, change.agent, change.shift_id) == ("overtime_after", "Ana", "S1")
    assert (change.start, change.end, change.cost) == (at("16:00"), at("17:00"), pytest.approx(1.5))
    assert change.service_level_after > change.service_level_before
    assert unchanged(result, BASE)
    assert result.summary["gap_before_h"] == 1.0 and result.summary["gap_after_h"] == 0.0
    after = result.coverage.set_index("interval_start")
    assert after.loc[at("16:00"), "scheduled"] == 2 and after["gap"].sum() == 0


def test_replan_files_hold_the_change_list_and_the_new_schedule(tmp_path: Path):
    result = replan_surge(BASE, requirements({**NORMAL, ("16:00", "17:00"): 2}), config())
    publish(tmp_path / "surge", replan_files(result), manifest_text="{}\n")
    names = sorted(p.name for p in (tmp_path / "surge").iterdir())
    assert names == ["changes.csv", "coverage.csv", "manifest.json", "shifts.csv", "summary.json"]
    lines = (tmp_path / "surge" / "changes.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(CHANGE_COLUMNS) and len(lines) == 2
    assert lines[1].startswith("overtime_after,Ana,S1,chat,2026-12-07T16:00:00+01:00")


def test_moves_only_with_allow_moves_and_only_when_cheaper():
    early = {("06:00", "14:00"): 1}
    alone = baseline(("Ana", "08:00", "16:00", 0))
    kept = replan_surge(alone, requirements(early), config())
    assert list(kept.changes["kind"]) == ["overtime_before"]
    assert kept.changes["cost"].sum() == pytest.approx(3.0) and unchanged(kept, alone)
    moved = replan_surge(alone, requirements(early), config(), allow_moves=True)
    (change,) = moved.changes.itertuples(index=False)
    assert (change.kind, change.start, change.end, change.cost) == (
        "move",
        at("06:00"),
        at("14:00"),
        0.5,
    )
    assert "was Mon 08:00-16:00" in change.note
    assert moved.schedule.loc[moved.schedule["shift_id"] == "S1", "start"].item() == at("06:00")


def test_overtime_never_cuts_the_rest_before_the_next_shift():
    # Bo ends at 20:00 and starts again at 07:00: exactly the 11 h rest, so no overtime for
    # Bo; Ana's 2 h at most end at 18:00; nobody is free on Monday for an extra shift.
    base = baseline(
        ("Ana", "08:00", "16:00", 0), ("Bo", "12:00", "20:00", 0), ("Bo", "07:00", "15:00", 1)
    )
    surge = {**NORMAL, ("20:00", "21:00"): 1}
    result = replan_surge(base, requirements(surge), config())
    assert not (
        (result.changes["agent"] == "Bo") & result.changes["kind"].str.startswith("overtime")
    ).any()
    assert "overtime_after" not in set(
        result.changes.loc[result.changes["shift_id"] == "S2", "kind"]
    )
    assert list(result.changes["kind"]) == ["on_call"]
    assert result.summary["gap_after_h"] == 0.0
    assert unchanged(result, base)


def test_extra_shifts_go_to_a_free_agent_who_keeps_the_rules():
    base = baseline(("Ana", "08:00", "16:00", 0))
    surge = {("08:00", "16:00"): 1, ("17:00", "21:00"): 1}
    # 17-21: one extra 4 h shift (5.0) beats 2 h overtime plus another shift (8.0) and
    # on-call (8.0); Ana works Monday, so it goes to Bo.
    result = replan_surge(base, requirements(surge), config())
    extra = result.changes[result.changes["kind"] == "extra_shift"]
    assert len(extra) == 1 and extra["agent"].item() == "Bo", result.changes
    assert extra["cost"].item() == pytest.approx(4 * 1.25)


def test_on_call_is_activated_when_it_is_the_cheapest_cover():
    text = CONFIG.replace("extra_shift_cost_per_hour: 1.25", "extra_shift_cost_per_hour: 10")
    result = replan_surge(BASE, requirements({**NORMAL, ("21:00", "23:00"): 1}), config(text))
    (change,) = result.changes.itertuples(index=False)
    assert (change.kind, change.agent) == ("on_call", "Oz")
    assert change.cost == pytest.approx(2 + 4 * 1.5)
    assert change.shift_id == "C001" and unchanged(result, BASE)


def test_a_full_week_surge_keeps_every_baseline_shift():
    from staffplan.schedule.cover import build_schedule

    cfg = config()
    normal = requirements(NORMAL, days=7, every_day=True)
    week = build_schedule(normal, cfg).shifts
    surge = normal.copy()
    spike = (surge["interval_start"] >= at("09:00", 2)) & (surge["interval_start"] < at("13:00", 2))
    surge.loc[spike, "agents"] += 3
    surge.loc[spike, "volume"] *= 4
    result = replan_surge(week, surge, cfg)
    assert unchanged(result, week.assign(agent=""))
    assert result.summary["gap_after_h"] < result.summary["gap_before_h"]
    assert result.summary["service_level_after"] > result.summary["service_level_before"]
    assert (result.changes["cost"] > 0).all()
    assert (result.changes["service_level_after"] >= result.changes["service_level_before"]).all()


def test_read_baseline_checks_rows(tmp_path: Path):
    good = tmp_path / "shifts.csv"
    good.write_text(to_csv_text(BASE), encoding="utf-8")
    table = read_baseline(good, config().zone)
    pd.testing.assert_series_equal(table["start"], BASE["start"], check_names=False)
    bad = tmp_path / "bad.csv"
    bad.write_text(to_csv_text(BASE.assign(breaks=["12:00-12:30", "noon"])), encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv: row 3, column 'breaks'"):
        read_baseline(bad, config().zone)


def test_a_named_re_plan_keeps_every_labour_rule():
    """Merge each agent's overtime into the shift it extends, then run the independent
    checker (weekly hours may grow by the overtime allowance, 8 h)."""
    import dataclasses

    from staffplan.roster.rules_check import violations

    week = [("Ana", "08:00", "16:00", d) for d in range(5)] + [
        ("Bo", "12:00", "20:00", d) for d in range(1, 6)
    ]
    base = baseline(*week)
    levels = {("08:00", "12:00"): 1, ("12:00", "16:00"): 2, ("16:00", "20:00"): 1}
    need = requirements(levels, days=7, every_day=True)
    surge = need.copy()
    for day, begin, end in ((0, "16:00", "22:00"), (2, "06:00", "09:00"), (5, "07:00", "12:00")):
        window = (surge["interval_start"] >= at(begin, day)) & (
            surge["interval_start"] < at(end, day)
        )
        surge.loc[window, "agents"] += 1
    cfg = config()
    result = replan_surge(base, surge, cfg)
    assert unchanged(result, base) and not result.changes.empty
    named = result.schedule[result.schedule["agent"].isin(["Ana", "Bo", "Oz"])].copy()
    extra = named["kind"].str.startswith("overtime")
    merged = named[~extra].set_index("shift_id")
    for row in named[extra].itertuples(index=False):
        merged.loc[row.shift_id, "start"] = min(merged.loc[row.shift_id, "start"], row.start)
        merged.loc[row.shift_id, "end"] = max(merged.loc[row.shift_id, "end"], row.end)
        merged.loc[row.shift_id, "paid_hours"] += row.paid_hours
    rules = dataclasses.replace(cfg.shifts.rules, max_hours_per_week=40 + 8)
    team = dataclasses.replace(
        cfg.team,
        max_hours_over_contract=8,
        agents=tuple(dataclasses.replace(a, on_call=False) for a in cfg.team.agents),
    )
    roster = merged.reset_index()
    assert violations(roster, rules, team, week_start=MONDAY) == []


def test_cli_schedule_with_a_baseline_writes_only_the_changes(tmp_path: Path):
    from typer.testing import CliRunner

    from staffplan.cli import app

    (tmp_path / "c.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(to_csv_text(BASE), encoding="utf-8")
    surge = requirements({**NORMAL, ("16:00", "17:00"): 2})
    (tmp_path / "surge.csv").write_text(to_csv_text(surge), encoding="utf-8")
    args = [
        "schedule",
        "-c",
        str(tmp_path / "c.yaml"),
        "--requirements",
        str(tmp_path / "surge.csv"),
    ]
    args += ["--baseline", str(tmp_path / "roster.csv"), "-o", str(tmp_path / "out"), "-f", "csv"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    changes = pd.read_csv(tmp_path / "out" / "changes.csv")
    assert list(changes["kind"]) == ["overtime_after"] and changes["cost"].item() == 1.5
    assert result.stdout.startswith(",".join(CHANGE_COLUMNS))
    broken = CliRunner().invoke(app, [*args[:-4], "--baseline", str(tmp_path / "none.csv")])
    assert broken.exit_code == 2 and "none.csv: baseline shifts file not found" in broken.stderr
    # --plot draws the re-plan's coverage (it had been silently ignored with --baseline)
    charted = CliRunner().invoke(app, [*args, "--plot", str(tmp_path / "surge.png")])
    assert charted.exit_code == 0, charted.output
    assert (tmp_path / "surge.png").read_bytes().startswith(b"\x89PNG")


def test_allow_moves_without_a_baseline_is_an_error_naming_it(tmp_path: Path):
    from typer.testing import CliRunner

    from staffplan.cli import app
    from staffplan.schedule.cover import build_schedule

    with pytest.raises(InputError, match="baseline") as caught:
        build_schedule(requirements(NORMAL), config(), allow_moves=True)
    assert caught.value.parameter == "allow_moves"
    (tmp_path / "c.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "need.csv").write_text(to_csv_text(requirements(NORMAL)), encoding="utf-8")
    args = ["schedule", "-c", str(tmp_path / "c.yaml"), "--requirements"]
    args += [str(tmp_path / "need.csv"), "--allow-moves", "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "--allow-moves" in result.stderr, result.output
    assert not (tmp_path / "out").exists()


def test_coverage_and_gaps_count_a_quarter_hour_break_at_its_own_resolution():
    """Ana's 15-minute break inside a 30-minute interval leaves one agent of two for a
    quarter-hour: the re-plan's coverage shows the worst moment (gap 1, not 0.5) and its
    gaps count 0.25 agent-hours, as the schedule and the roster count them."""
    base = baseline(("Ana", "08:00", "16:00", 0), ("Bo", "08:00", "16:00", 0))
    base.loc[0, "breaks"] = "10:15-10:30"
    need = requirements({("08:00", "16:00"): 2})
    result = replan_surge(
        base,
        need,
        config(CONFIG, **{"extra_shift_cost_per_hour: 1.25": "extra_shift_cost_per_hour: 99"}),
    )
    assert result.changes.empty
    row = result.coverage.set_index("interval_start").loc[at("10:00")]
    assert (row["scheduled"], row["gap"]) == (1.5, 1.0)
    assert result.summary["gap_before_h"] == result.summary["gap_after_h"] == 0.25
