"""The covering solver: coverage, breaks, bounds, caps, overnight and DST shifts.

Every schedule here is checked by helpers that re-derive coverage and break placement
from the written tables alone (``shifts.csv`` text), not from the solver's arrays.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from staffplan.config import Config, parse_config
from staffplan.errors import InfeasiblePlanError
from staffplan.schedule.cover import Schedule, build_schedule
from staffplan.tables import to_csv_text

BASE = """
timezone: {zone}
interval_min: {interval}
queues: [{{name: chat, aht_s: 300, target: {{service_level: 0.8, answer_within_s: 60}}}}]
shifts:
  cyclic_week: {cyclic}
  understaffing: {mode}
  max_headcount: {cap}
  templates:
    - name: day
      start_window: ["{first}", "{last}"]
      start_every_min: {every}
      lengths_min: {lengths}
      lunch: {{minutes: 30, window_after_start_min: [150, 300]}}
      breaks:
        - {{minutes: 15, window_after_start_min: [60, 150]}}
        - {{minutes: 15, window_after_start_min: [300, 420]}}
"""


def make_config(**changes: object) -> Config:
    values = {
        "zone": "Europe/Berlin",
        "interval": 15,
        "cyclic": "false",
        "mode": "soft",
        "cap": "null",
        "first": "00:00",
        "last": "23:00",
        "every": 60,
        "lengths": "[480, 540]",
    }
    values.update(changes)
    return parse_config(BASE.format(**values))


def two_humps(day: str, zone: str, days: int = 1, scale: float = 1.0) -> pd.DataFrame:
    """Required agents per quarter-hour: low at night, peaks late morning and afternoon."""
    start = pd.Timestamp(day).tz_localize(zone)
    end = (pd.Timestamp(day) + pd.Timedelta(days=days)).tz_localize(zone)
    times = pd.date_range(start, end, freq="15min", inclusive="left")
    hour = times.hour + times.minute / 60
    shape = np.maximum(
        np.exp(-0.5 * ((hour - 10.5) / 2) ** 2), np.exp(-0.5 * ((hour - 16) / 2) ** 2)
    )
    agents = np.round(scale * (1 + 7 * shape))
    return pd.DataFrame({"queue": "chat", "interval_start": times, "agents": agents})


# ------------------------------------------------------------------ independent checks


def written_shifts(schedule: Schedule) -> pd.DataFrame:
    """The shifts table as a reader of ``shifts.csv`` sees it (text round trip)."""
    frame = pd.read_csv(io.StringIO(to_csv_text(schedule.shifts)), keep_default_na=False)
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    return frame


def break_spans(offsets: str) -> list[tuple[int, int]]:
    """``'90-105;240-270'`` → [(90, 105), (240, 270)] minutes after the shift start."""
    spans = []
    for part in filter(None, offsets.split(";")):
        low, high = part.split("-")
        spans.append((int(low), int(high)))
    return spans


def recompute_coverage(
    shifts: pd.DataFrame,
    interval_starts: pd.Series,
    interval_min: int,
    cyclic: bool,
    fewest: bool = False,
) -> np.ndarray:
    """Agents on the phones per interval, from shift times minus break times, by minute:
    the interval's mean (or, with ``fewest``, its lowest minute)."""
    origin = interval_starts.iloc[0].tz_convert("UTC")
    horizon = len(interval_starts) * interval_min
    on_phone = np.zeros(horizon + 2 * 24 * 60)
    for row in shifts.itertuples(index=False):
        first = int((row.start - origin).total_seconds() // 60)
        last = int((row.end - origin).total_seconds() // 60)
        on_phone[first:last] += 1
        for low, high in break_spans(row.break_offsets_min):
            on_phone[first + low : first + high] -= 1
    minutes = on_phone[:horizon].copy()
    if cyclic:
        spill = on_phone[horizon:]
        minutes[: spill.size] += spill[:horizon]
    by_minute = minutes.reshape(-1, interval_min)
    return by_minute.min(axis=1) if fewest else by_minute.mean(axis=1)


def break_problems(shifts: pd.DataFrame, config: Config) -> list[str]:
    """Breaks that are missing, of the wrong length, outside their window or overlapping,
    or whose clock text disagrees with their offsets."""
    problems = []
    assert config.shifts is not None
    for row in shifts.itertuples(index=False):
        template = config.shifts.template(row.template)
        wanted = sorted(template.pauses(), key=lambda pause: pause[2][0])
        spans = break_spans(row.break_offsets_min)
        if len(spans) != len(wanted):
            problems.append(f"{row.shift_id}: {len(spans)} breaks, expected {len(wanted)}")
            continue
        for (low, high), (key, minutes, (earliest, latest)) in zip(spans, wanted, strict=True):
            if high - low != minutes or low < earliest or high > latest:
                problems.append(f"{row.shift_id}: {key} at {low}-{high} min breaks its window")
        local = row.start.tz_convert(config.zone)
        clock = ";".join(
            f"{local + pd.Timedelta(minutes=low):%H:%M}-{local + pd.Timedelta(minutes=high):%H:%M}"
            for low, high in spans
        )
        if clock != row.breaks:
            problems.append(f"{row.shift_id}: breaks text {row.breaks!r} != offsets {clock!r}")
    return problems


def check_schedule(schedule: Schedule, config: Config, queue: str | None = None) -> pd.DataFrame:
    """Assert the coverage table matches the shifts and every break is legal (for one
    ``queue`` if given)."""
    shifts = written_shifts(schedule)
    coverage = schedule.coverage
    if queue is not None:
        shifts = shifts[shifts["queue"] == queue]
        coverage = coverage[coverage["queue"] == queue].reset_index(drop=True)
    assert config.shifts is not None
    expected = recompute_coverage(
        shifts, coverage["interval_start"], config.interval_min, config.shifts.cyclic_week
    )
    np.testing.assert_allclose(coverage["scheduled"].to_numpy(), expected, atol=1e-9)
    lowest = recompute_coverage(
        shifts, coverage["interval_start"], config.interval_min, config.shifts.cyclic_week, True
    )
    gap = np.maximum(coverage["required"] - lowest, 0)  # the worst minute is reported
    np.testing.assert_allclose(coverage["gap"], gap, atol=1e-9)
    assert break_problems(shifts, config) == []
    unpaid = shifts["template"].map(lambda name: config.shifts.template(name).unpaid_min())
    paid = ((shifts["end"] - shifts["start"]).dt.total_seconds() / 60 - unpaid) / 60
    np.testing.assert_allclose(shifts["paid_hours"], paid)
    return shifts


# ------------------------------------------------------------------ behaviour


def test_coverage_equals_shifts_minus_breaks_and_breaks_sit_in_their_windows():
    config = make_config()
    schedule = build_schedule(two_humps("2026-03-02", "Europe/Berlin"), config)
    shifts = check_schedule(schedule, config)
    assert len(shifts) > 5, "a 1-8 agent day needs more than five shifts"


def test_lp_bound_is_below_the_integer_objective_and_no_gaps_without_a_cap():
    config = make_config()
    schedule = build_schedule(two_humps("2026-03-02", "Europe/Berlin", days=2), config)
    assert schedule.lp_bound <= schedule.objective + 1e-6
    assert schedule.uncovered_agent_hours == 0
    assert (schedule.coverage["gap"] == 0).all()
    assert schedule.summary()["intervals_with_gaps"] == 0
    cost = schedule.shifts["cost"].sum()
    assert schedule.objective == pytest.approx(cost), "no penalties when every interval is covered"
    assert schedule.gap < 0.10, f"{schedule.gap:.1%} above the LP bound on a tiny day"


def test_paid_hours_are_at_least_the_covered_agent_hours_lower_bound():
    """No schedule can pay for less than the required agent-hours (breaks only add)."""
    requirements = two_humps("2026-03-02", "Europe/Berlin")
    schedule = build_schedule(requirements, make_config())
    required_hours = requirements["agents"].sum() / 4
    assert schedule.lp_bound >= required_hours - 1e-6
    assert schedule.paid_hours >= schedule.lp_bound - 1e-6


def test_soft_understaffing_names_the_gaps_when_the_headcount_cap_binds():
    config = make_config(cap=3)
    schedule = build_schedule(two_humps("2026-03-02", "Europe/Berlin"), config)
    check_schedule(schedule, config)
    assert len(schedule.shifts) <= 3
    assert schedule.uncovered_agent_hours > 0
    short = schedule.coverage[schedule.coverage["gap"] > 0]
    assert len(short) == schedule.summary()["intervals_with_gaps"] > 0
    assert schedule.uncovered_agent_hours == pytest.approx(short["gap"].sum() / 4)


def test_hard_understaffing_fails_saying_by_how_much():
    config = make_config(cap=3, mode="hard")
    with pytest.raises(InfeasiblePlanError) as caught:
        build_schedule(two_humps("2026-03-02", "Europe/Berlin"), config)
    message = caught.value.message
    assert "max_headcount 3" in message and "agent-hours stay uncovered" in message
    hours = float(message.split("at least ")[1].split(" agent-hours")[0].replace(",", ""))
    assert hours > 0
    assert caught.value.exit_code == 3


def test_hard_understaffing_without_a_template_for_the_evening_names_hours_and_worst():
    config = make_config(mode="hard", first="06:00", last="10:00", lengths="[480]")
    requirements = two_humps("2026-03-02", "Europe/Berlin")
    hour = requirements["interval_start"].dt.hour
    unreachable = requirements[(hour < 6) | (hour >= 18)]  # shifts run 06:00-18:00 at most
    worst = unreachable.loc[unreachable["agents"].idxmax()]
    with pytest.raises(InfeasiblePlanError) as caught:
        build_schedule(requirements, config)
    expected = (
        f"at least {unreachable['agents'].sum() / 4:,.1f} agent-hours stay uncovered (worst: "
        f"{worst['agents']:g} agents at {worst['interval_start'].isoformat()} in 'chat')"
    )
    assert expected in caught.value.message


def test_overnight_shift_crosses_midnight_and_covers_the_next_morning():
    config = make_config(first="22:00", last="22:00", lengths="[480]")
    day = pd.date_range(
        "2026-03-02", "2026-03-04", freq="15min", inclusive="left", tz="Europe/Berlin"
    )
    need = np.where((day.hour >= 22) & (day.day == 2) | (day.hour < 6) & (day.day == 3), 1.0, 0.0)
    requirements = pd.DataFrame({"queue": "chat", "interval_start": day, "agents": need})
    schedule = build_schedule(requirements, config)
    shifts = check_schedule(schedule, config)
    local_start = shifts["start"].dt.tz_convert("Europe/Berlin")
    local_end = shifts["end"].dt.tz_convert("Europe/Berlin")
    assert (local_start.dt.hour == 22).all() and (local_end.dt.hour == 6).all()
    assert (local_end.dt.day == 3).all(), "the night shift ends the next morning"
    assert schedule.uncovered_agent_hours == 0
    assert len(shifts) == 2, "two overlapping night shifts: one covers the other's breaks"


def test_cyclic_week_sunday_night_shift_covers_monday_morning():
    config = make_config(cyclic="true", first="22:00", last="22:00", lengths="[480]")
    week = pd.date_range(
        "2026-03-02", "2026-03-09", freq="15min", inclusive="left", tz="Europe/Berlin"
    )
    need = np.where(week.hour < 6, 1.0, 0.0)  # only Monday-Sunday 00:00-06:00
    requirements = pd.DataFrame({"queue": "chat", "interval_start": week, "agents": need})
    schedule = build_schedule(requirements, config)
    shifts = check_schedule(schedule, config)
    assert schedule.uncovered_agent_hours == 0
    sunday = shifts[shifts["start"].dt.tz_convert("Europe/Berlin").dt.day_of_week == 6]
    assert len(sunday) > 0, "Monday 00:00-06:00 is covered by Sunday-night shifts"
    assert (sunday["end"] > week[-1]).all()


def test_dst_fall_back_day_has_100_quarter_hours_and_true_shift_lengths():
    config = make_config(lengths="[480]")
    requirements = two_humps("2026-10-24", "Europe/Berlin", days=2)
    night = requirements["interval_start"].dt.hour < 6
    requirements.loc[night, "agents"] = 2.0
    sunday = requirements["interval_start"].dt.day == 25
    assert sunday.sum() == 100, "25 Oct 2026 in Berlin has 25 hours"
    schedule = build_schedule(requirements, config)
    shifts = check_schedule(schedule, config)
    assert (schedule.coverage["interval_start"].dt.day == 25).sum() == 100
    assert schedule.uncovered_agent_hours == 0
    elapsed = (shifts["end"] - shifts["start"]).dt.total_seconds() / 3600
    assert (elapsed == 8).all(), "every shift lasts 8 real hours, across the change too"
    change = pd.Timestamp("2026-10-25T01:00:00Z")  # 03:00 CEST becomes 02:00 CET
    spanning = shifts[(shifts["start"] < change) & (shifts["end"] > change)]
    assert len(spanning) > 0, "the night needs shifts that run through the change"
    wall_start = spanning["start"].dt.tz_convert("Europe/Berlin").dt.tz_localize(None)
    wall_end = spanning["end"].dt.tz_convert("Europe/Berlin").dt.tz_localize(None)
    assert ((wall_end - wall_start) == pd.Timedelta(hours=7)).all(), "the clock fell back 1 h"


def test_dst_spring_forward_day_has_92_quarter_hours():
    config = make_config(lengths="[480]")
    schedule = build_schedule(two_humps("2026-03-29", "Europe/Berlin"), config)
    check_schedule(schedule, config)
    assert len(schedule.coverage) == 92
    starts = schedule.shifts["start"].dt.tz_convert("Europe/Berlin")
    assert not (starts.dt.hour == 2).any(), "02:xx does not exist that day"


def test_thirty_minute_grid_counts_a_quarter_hour_break_as_half_an_agent():
    config = make_config(interval=30, every=30, lengths="[480]")
    requirements = two_humps("2026-03-02", "Europe/Berlin")
    requirements = requirements[requirements["interval_start"].dt.minute % 30 == 0]
    schedule = build_schedule(requirements, config)
    check_schedule(schedule, config)
    fractions = schedule.coverage["scheduled"] % 1
    assert set(np.round(fractions, 9)) <= {0.0, 0.5}
    assert (fractions == 0.5).any(), "some 15-minute break shares a 30-minute interval"


def test_service_level_is_projected_where_the_requirements_carry_volume_and_aht():
    config = make_config()
    requirements = two_humps("2026-03-02", "Europe/Berlin")
    requirements["offered"] = requirements["agents"] * 9.0
    requirements["aht_s"] = 300.0
    schedule = build_schedule(requirements, config)
    level = schedule.coverage["service_level"]
    assert level.notna().all() and schedule.service_level_note == ""
    assert ((level >= 0) & (level <= 1)).all()
    without = build_schedule(requirements[["queue", "interval_start", "agents"]], config)
    assert without.coverage["service_level"].isna().all()
    assert "aht_s" in without.service_level_note


def test_each_queue_is_covered_by_its_own_shifts_unless_pooled():
    text = BASE.format(
        zone="Europe/Berlin",
        interval=15,
        cyclic="false",
        mode="soft",
        cap="null",
        first="00:00",
        last="23:00",
        every=60,
        lengths="[480]",
    ).replace("queues: [", "queues: [{name: mail, aht_s: 600}, ")
    chat = two_humps("2026-03-02", "Europe/Berlin")
    mail = chat.assign(queue="mail", agents=np.where(chat["agents"] > 3, 2.0, 0.0))
    requirements = pd.concat([chat, mail], ignore_index=True)
    config = parse_config(text)
    separate = build_schedule(requirements, config)
    assert set(separate.shifts["queue"]) == set(separate.coverage["queue"]) == {"chat", "mail"}
    for queue in ("chat", "mail"):
        check_schedule(separate, config, queue)
    # shared_queues: true is one pool of every queue, labelled in config order
    pooled_text = text.replace("cyclic_week: false", "cyclic_week: false\n  shared_queues: true")
    pooled = build_schedule(requirements, parse_config(pooled_text))
    assert set(pooled.coverage["queue"]) == set(pooled.shifts["queue"]) == {"mail+chat"}
    total = requirements.groupby("interval_start")["agents"].sum().to_numpy()
    np.testing.assert_array_equal(pooled.coverage["required"].to_numpy(), total)
    assert pooled.uncovered_agent_hours == separate.uncovered_agent_hours == 0
    assert math.isnan(pooled.coverage["service_level"].iloc[0])  # no aht_s to project from
    assert "aht_s" in pooled.service_level_note


def test_without_time_for_the_milp_the_lp_rounding_still_covers_everything():
    config = make_config()
    requirements = two_humps("2026-03-02", "Europe/Berlin", days=2, scale=3.0)
    schedule = build_schedule(requirements, config, time_limit_s=0)
    check_schedule(schedule, config)
    assert schedule.method == "LP + rounding"
    assert schedule.uncovered_agent_hours == 0
    assert schedule.lp_bound <= schedule.objective
    assert schedule.timed_out == (schedule.gap > config.shifts.mip_gap)
    assert schedule.gap < 0.15, f"the rounding alone is {schedule.gap:.1%} above the bound"
    timed = build_schedule(requirements, config)
    assert timed.objective <= schedule.objective, "more time never gives a worse schedule"


def test_no_requirement_gives_no_shifts():
    requirements = two_humps("2026-03-02", "Europe/Berlin").assign(agents=0.0)
    schedule = build_schedule(requirements, make_config())
    assert schedule.shifts.empty and schedule.objective == 0 == schedule.gap
    assert (schedule.coverage["scheduled"] == 0).all()


def test_a_business_hours_queue_needs_no_rows_for_the_night():
    requirements = two_humps("2026-03-02", "Europe/Berlin")
    hour = requirements["interval_start"].dt.hour
    day_only = requirements[(hour >= 8) & (hour < 18)]
    config = make_config(first="06:00", last="12:00", lengths="[480]")
    schedule = build_schedule(day_only, config)
    check_schedule(schedule, config)
    assert len(schedule.coverage) == 96, "the whole day is reported, the night as 0 required"
    night = schedule.coverage[schedule.coverage["interval_start"].dt.hour < 6]
    assert (night["required"] == 0).all() and schedule.uncovered_agent_hours == 0


def test_headcount_cap_is_shared_by_all_queues():
    text = BASE.format(
        zone="UTC",
        interval=15,
        cyclic="false",
        mode="soft",
        cap=6,
        first="00:00",
        last="23:00",
        every=60,
        lengths="[480]",
    ).replace("queues: [", "queues: [{name: mail, aht_s: 600}, ")
    chat = two_humps("2026-03-02", "UTC", days=2)
    mail = chat.assign(queue="mail")
    config = parse_config(text)
    schedule = build_schedule(pd.concat([chat, mail], ignore_index=True), config)
    for queue in ("chat", "mail"):
        check_schedule(schedule, config, queue)
    per_day = schedule.shifts.groupby("day").size()
    assert (per_day <= 6).all(), f"more than 6 shifts start on a day: {per_day.to_dict()}"
    assert schedule.uncovered_agent_hours > 0, "6 agents cannot cover two 1-8 agent queues"
