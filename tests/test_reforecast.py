"""Re-forecast from actuals, surge tiers and the re-plan of the rest of today."""

from __future__ import annotations

import dataclasses
import json
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from staffplan import api
from staffplan.cli import app
from staffplan.config import parse_config
from staffplan.config.surge import SurgeTier
from staffplan.errors import ConfigError, InputError
from staffplan.forecast.market_shift import prices_known_by, published_scenario
from staffplan.forecast.reforecast import reforecast
from staffplan.jobs import reforecast as jobs_reforecast
from staffplan.jobs.reforecast import run_reforecast
from staffplan.replan.opening import open_backlog_hours
from staffplan.replan.tiers import select_tier
from staffplan.tables import read_demand, to_csv_text
from staffplan.tables.actuals import check_actuals
from staffplan.tables.inputs import load_history, load_market
from staffplan.tables.schema import check

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"
CALM_ORIGIN = "2020-03-02"  # a calm week of the sample
STORM_ORIGIN = "2020-03-09"  # the week of the March 2020 crash
STORM_AS_OF = "2020-03-13T11:00"  # the storm day, local time (Asia/Shanghai)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def config():
    return api.load_config(EXAMPLE)


@pytest.fixture(scope="module")
def sample(config):
    return load_history(config), load_market(config)


def published(config, sample, origin: str) -> pd.DataFrame:
    """The forecast a plan made at ``origin``: history and prices known by then."""
    history, market = sample
    start = pd.Timestamp(origin, tz=config.zone)
    run = api.forecast(
        config,
        history=history[history["interval_start"] < start],
        market=prices_known_by(market, start),
        start=start,
        horizon_days=7,
    )
    return run.forecast


@pytest.fixture(scope="module")
def calm(config, sample):
    return published(config, sample, CALM_ORIGIN)


def stamp(config, text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=config.zone)


def actuals_like(forecast: pd.DataFrame, start, end, factor: float = 1.0) -> pd.DataFrame:
    """Actuals at ``factor`` × the forecast from ``start`` to ``end`` (whole contacts
    unless the factor is 1: then exactly the forecast)."""
    times = forecast["interval_start"]
    rows = forecast[(times >= start) & (times < end)]
    volume = rows["volume"] * factor
    return rows[["queue", "interval_start"]].assign(
        volume=volume if factor == 1.0 else volume.round()
    )


def test_actuals_equal_to_the_forecast_change_nothing(config, calm):
    as_of = stamp(config, "2020-03-04T11:00")
    actuals = actuals_like(calm, calm["interval_start"].min(), as_of)
    updated, updates = reforecast(calm, actuals, as_of)
    pd.testing.assert_frame_equal(updated, calm)
    assert all(u.week_factor == 1.0 and u.day_factor == 1.0 for u in updates)


def test_morning_at_twice_the_forecast_raises_the_afternoon_at_least_one_and_a_half(config, calm):
    morning, noon = stamp(config, "2020-03-04"), stamp(config, "2020-03-04T12:00")
    actuals = actuals_like(calm, morning, noon, factor=2.0)
    updated, _ = reforecast(calm, actuals, noon)
    times = calm["interval_start"]
    afternoon = ((times >= noon) & (times < stamp(config, "2020-03-05"))).to_numpy()
    ratio = updated["volume"].to_numpy()[afternoon] / calm["volume"].to_numpy()[afternoon]
    # a morning seen on a couple of hundred contacts or more moves the afternoon 1.5x;
    # phone_en's (about 110 contacts) is shrunk more, by design, but still moves it
    seen = calm[(times >= morning) & (times < noon)].groupby("queue")["volume"].sum()
    by_queue = pd.Series(ratio).groupby(calm["queue"].to_numpy()[afternoon]).min()
    busy = seen.index[seen >= 200]
    assert len(busy) == 3 and (by_queue[busy] >= 1.5).all(), by_queue
    assert by_queue.min() >= 1.3 and by_queue.idxmin() == seen.idxmin(), by_queue
    old_width = (calm["hi80"] - calm["lo80"]).to_numpy()[afternoon]
    new_width = (updated["hi80"] - updated["lo80"]).to_numpy()[afternoon]
    assert (new_width >= old_width).all() and (new_width > old_width).any()
    before = (times < noon).to_numpy()
    pd.testing.assert_frame_equal(updated[before], calm[before])


def test_a_forecast_without_bands_is_updated_with_default_noise(config, calm):
    bare = calm[["queue", "interval_start", "volume"]]
    noon = stamp(config, "2020-03-04T12:00")
    actuals = actuals_like(bare, stamp(config, "2020-03-04"), noon, factor=2.0)
    updated, _ = reforecast(bare, actuals, noon)
    assert list(updated.columns) == list(bare.columns)
    ahead = (bare["interval_start"] >= noon).to_numpy()
    assert (updated["volume"].to_numpy()[ahead] > bare["volume"].to_numpy()[ahead]).all()


def test_updates_never_use_data_after_as_of(config, calm, sample):
    as_of = stamp(config, "2020-03-04T11:00")
    actuals = actuals_like(calm, calm["interval_start"].min(), as_of, factor=1.3)
    later = actuals_like(calm, as_of, stamp(config, "2020-03-06"), factor=5.0)
    alone, _ = reforecast(calm, actuals, as_of)
    with_later, _ = reforecast(calm, pd.concat([actuals, later]), as_of)
    pd.testing.assert_frame_equal(alone, with_later)
    with pytest.raises(InputError, match=r"row .* is at or after --as-of"):
        check_actuals(pd.concat([actuals, later], ignore_index=True), calm, as_of)
    # prices after as_of (a crash that had not happened yet) change nothing either
    history, market = sample
    crashed = market.copy()
    after = (crashed["timestamp"] >= as_of).to_numpy()
    crashed.loc[after, "close"] = crashed.loc[after, "close"] * 0.5
    runs = [
        run_reforecast(config, calm, actuals, as_of, market=prices, history=history)
        for prices in (market, crashed)
    ]
    pd.testing.assert_frame_equal(runs[0].forecast, runs[1].forecast)
    assert runs[0].tier == runs[1].tier


def week_before(actuals: pd.DataFrame) -> pd.DataFrame:
    """``actuals`` moved 7 days back: the same weekday of the week before."""
    return actuals.assign(interval_start=actuals["interval_start"] - pd.Timedelta(days=7))


def test_actuals_all_before_the_forecast_are_refused_naming_the_file(config, calm):
    as_of = stamp(config, "2020-03-04T11:00")
    first = calm["interval_start"].min()
    last_week = week_before(actuals_like(calm, first, as_of))
    with pytest.raises(InputError) as caught:
        run_reforecast(config, calm, last_week, as_of, sources=("f.csv", "a.csv"))
    message = caught.value.message
    assert message.startswith(
        f"a.csv: none of its {len(last_week)} row(s) is an interval of the forecast f.csv "
        f"before --as-of: they run from {last_week['interval_start'].min().isoformat()} to "
    )
    assert f"the forecast's window is {first.isoformat()} to --as-of {as_of.isoformat()}" in message


def test_actuals_partly_before_the_forecast_are_counted_in_a_warning(config, calm):
    as_of = stamp(config, "2020-03-04T11:00")
    first = calm["interval_start"].min()
    seen = actuals_like(calm, first, as_of, factor=1.3)
    old = week_before(seen)
    mixed = run_reforecast(config, calm, pd.concat([old, seen]), as_of, sources=("f", "a.csv"))
    alone = run_reforecast(config, calm, seen, as_of)
    assert mixed.warnings == (
        f"warning: a.csv: {len(old)} of {2 * len(old)} rows are not intervals of the forecast "
        f"(it starts {first.isoformat()}): they run from {old['interval_start'].min().isoformat()} "
        f"to {old['interval_start'].max().isoformat()}; the re-forecast ignores them",
    )
    assert alone.warnings == ()
    pd.testing.assert_frame_equal(mixed.forecast, alone.forecast)


def test_cli_refuses_last_weeks_actuals_and_warns_of_ignored_rows(config, calm, tmp_path):
    as_of = "2020-03-04T11:00"
    seen = actuals_like(calm, calm["interval_start"].min(), stamp(config, as_of), factor=1.3)
    files = {
        "f.csv": calm,
        "old.csv": week_before(seen),
        "mixed.csv": pd.concat([week_before(seen), seen]),
    }
    for name, table in files.items():
        (tmp_path / name).write_text(to_csv_text(table), encoding="utf-8")
    out = tmp_path / "rf.csv"

    def run(actuals: str):
        args = ["reforecast", "--config", str(EXAMPLE), "--forecast", str(tmp_path / "f.csv")]
        args += ["--actuals", str(tmp_path / actuals), "--as-of", as_of, "-o", str(out)]
        return CliRunner().invoke(app, args)

    refused = run("old.csv")
    assert refused.exit_code == 2 and not out.exists()
    assert refused.stderr.startswith(f"error: {tmp_path / 'old.csv'}: none of its ")
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.output
    warned = run("mixed.csv")
    assert warned.exit_code == 0 and out.exists()
    assert (
        f"warning: {tmp_path / 'mixed.csv'}: {len(seen)} of {2 * len(seen)} rows" in warned.stderr
    )


def crash(market: pd.DataFrame, as_of: pd.Timestamp, drop: float) -> pd.DataFrame:
    """The prices known at ``as_of`` with the last six hourly closes falling by ``drop``."""
    known = prices_known_by(market, as_of).copy()
    last = known.index[-6:]
    steps = np.linspace(1.0, 1.0 - drop, len(last) + 1)[1:]
    known.loc[last, "close"] = known.loc[last[0] - 1, "close"] * steps
    return known


def test_a_red_tier_market_shock_selects_red_before_contacts_rise(config, calm, sample):
    as_of = stamp(config, "2020-03-04T11:00")
    actuals = actuals_like(calm, calm["interval_start"].min(), as_of)  # no rise at all
    history, market = sample
    calm_run = run_reforecast(config, calm, actuals, as_of, market=market, history=history)
    assert calm_run.tier.name == ""
    shocked = crash(market, as_of, drop=0.20)
    result = run_reforecast(config, calm, actuals, as_of, market=shocked, history=history)
    assert result.tier.name == "red", result.tier.describe()
    check(result.updates, "reforecast_factors", source="the factors")  # keeps the contract
    check(result.forecast, "forecast", source="the re-forecast")
    assert any(reason.startswith("price_move") for reason in result.tier.reasons)
    assert result.tier.signals["actual_over_forecast"] == pytest.approx(1.0)
    assert "on_call" in result.tier.kinds
    # the shock raises the next hours through the fitted volatility effect
    times = calm["interval_start"]
    soon = ((times >= as_of) & (times < as_of + pd.Timedelta(hours=6))).to_numpy()
    shocked_soon = result.forecast["volume"].to_numpy()[soon].sum()
    assert shocked_soon > 1.3 * calm_run.forecast["volume"].to_numpy()[soon].sum()


def test_the_most_severe_tier_that_fires_is_chosen(config):
    amber = {"actual_over_forecast": 1.4, "daily_vol": 0.03, "price_move": 0.01}
    assert select_tier(config.surge_plans, amber).name == "amber"
    red = {**amber, "daily_vol": 0.2}
    choice = select_tier(config.surge_plans, red)
    assert choice.name == "red" and choice.reasons == ("daily_vol 0.2 ≥ 0.15",)
    quiet = {"actual_over_forecast": 1.0, "daily_vol": float("nan"), "price_move": 0.01}
    assert select_tier(config.surge_plans, quiet).kinds == ()


@pytest.mark.parametrize(
    ("tiers", "problem"),
    [
        ("  - {name: amber, uses: [overtime]}", "has no trigger"),
        (
            "  - {name: red, daily_vol: 0.1, uses: [overtime]}\n"
            "  - {name: Red, daily_vol: 0.2, uses: [on_call]}",
            "surge_plans[1].name: tier 'Red' is listed twice",
        ),
        ("  - {name: red, daily_vol: 0.1, uses: []}", "list what the tier may use"),
        ("  - {name: red, daily_vol: 0.1, uses: [overtme]}", "overtme"),
    ],
)
def test_bad_surge_plans_name_the_key(tiers, problem):
    text = "queues: [{name: q, aht_s: 300}]\nsurge_plans:\n" + tiers + "\n"
    with pytest.raises(ConfigError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_config(text)


@pytest.fixture(scope="module")
def storm_files(config, sample, tmp_path_factory):
    """The storm week's published forecast, the shifts published for the storm day, the
    actuals and prices up to 11:00 that day."""
    folder = tmp_path_factory.mktemp("storm")
    history, market = sample
    forecast = published(config, sample, STORM_ORIGIN)
    as_of = stamp(config, STORM_AS_OF)
    day = forecast[
        (forecast["interval_start"] >= as_of.normalize())
        & (forecast["interval_start"] < as_of.normalize() + pd.Timedelta(days=1))
    ]
    shifts = api.schedule(api.size(day, config), config).shifts
    times = history["interval_start"]
    actuals = history[(times >= stamp(config, STORM_ORIGIN)) & (times < as_of)]
    files = {
        "forecast.csv": forecast,
        "shifts.csv": shifts,
        "actuals.csv": actuals,
        "prices.csv": prices_known_by(market, as_of),
    }
    for name, table in files.items():
        (folder / name).write_text(to_csv_text(table), encoding="utf-8")
    return folder


def test_reforecast_then_replan_on_the_storm_day_lists_changes_twice_the_same(storm_files):
    outputs = []
    for run in ("first", "second"):
        out = storm_files / run
        args = [
            "reforecast",
            "--config",
            str(EXAMPLE),
            "--forecast",
            str(storm_files / "forecast.csv"),
            "--actuals",
            str(storm_files / "actuals.csv"),
            "--as-of",
            STORM_AS_OF,
            "--market",
            str(storm_files / "prices.csv"),
            "--baseline",
            str(storm_files / "shifts.csv"),
            "--output",
            str(out),
            "--quiet",
        ]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    first, second = outputs
    assert first == second
    assert {"reforecast.csv", "changes.csv", "summary.json", "manifest.json"} <= set(first)
    changes = pd.read_csv(storm_files / "first" / "changes.csv")
    assert len(changes) > 0
    red = {"overtime_before", "overtime_after", "extra_shift", "on_call", "move"}
    assert set(changes["kind"]) <= red
    assert (pd.to_datetime(changes["start"]) >= pd.Timestamp(STORM_AS_OF + "+08:00")).all()
    summary = (storm_files / "first" / "summary.json").read_text(encoding="utf-8")
    assert '"surge_tier": "red"' in summary
    updated = read_demand(storm_files / "first" / "reforecast.csv", ZONE, 30)  # feeds `staff`
    published = read_demand(storm_files / "forecast.csv", ZONE, 30)
    assert list(updated.columns) == list(published.columns)
    assert updated[["queue", "interval_start"]].equals(published[["queue", "interval_start"]])


def test_the_replan_uses_only_what_the_tier_allows(config, storm_files):
    overtime_only = (SurgeTier("amber", ("overtime",), actual_over_forecast=1.2),)
    never_fires = (SurgeTier("amber", ("overtime",), actual_over_forecast=50.0),)
    kinds = []
    for tiers in (overtime_only, never_fires):
        result = api.reforecast(
            dataclasses.replace(config, surge_plans=tiers),
            forecast=storm_files / "forecast.csv",
            actuals=storm_files / "actuals.csv",
            as_of=STORM_AS_OF,
            market=storm_files / "prices.csv",
            baseline=storm_files / "shifts.csv",
        )
        kinds.append(set(result.replan.changes["kind"]))
    assert kinds[0] and kinds[0] <= {"overtime_before", "overtime_after"}, kinds[0]
    assert kinds[1] == set()


@pytest.mark.parametrize(
    ("labels", "scenario"),
    [(["conditional", "decay"], None), (["stressed"], "stressed"), (["vol=0.05"], 0.05)],
)
def test_the_path_a_forecast_assumed_is_read_from_its_labels(labels, scenario):
    assert published_scenario(pd.Series(labels)) == scenario


def test_a_stale_price_feed_fires_no_market_trigger(config, calm, sample):
    _, market = sample
    as_of = stamp(config, "2020-03-04T11:00")
    stale = crash(market, as_of - pd.Timedelta(hours=3), drop=0.20)
    actuals = actuals_like(calm, calm["interval_start"].min(), as_of)
    result = run_reforecast(config, calm, actuals, as_of, market=stale)
    assert np.isnan(result.tier.signals["daily_vol"]) and result.tier.name == ""


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    slot=st.integers(min_value=1, max_value=7 * 48 - 1),
    before=st.floats(min_value=0.0, max_value=4.0),
    after=st.floats(min_value=0.0, max_value=50.0),
)
def test_no_actual_at_or_after_as_of_moves_the_re_forecast(calm, slot, before, after):
    times = calm["interval_start"].drop_duplicates().sort_values()
    as_of = times.iloc[slot]
    known = actuals_like(calm, times.iloc[0], as_of, factor=before)
    later = actuals_like(calm, as_of, times.iloc[-1] + pd.Timedelta(minutes=30), factor=after)
    alone, _ = reforecast(calm, known, as_of)
    with_later, _ = reforecast(calm, pd.concat([known, later]), as_of)
    pd.testing.assert_frame_equal(alone, with_later)
    past = (calm["interval_start"] < as_of).to_numpy()
    pd.testing.assert_frame_equal(alone[past], calm[past])  # the past stays as published


EMAIL_CLOSES = "2020-03-13T22:00"  # email_en opens 08:00-22:00 on weekdays (the example)


def test_a_tier_opening_backlog_hours_staffs_them_and_one_without_does_not(config, storm_files):
    """The storm day is a Friday: from 22:00 email_en is closed, unless the tier opens it."""
    opening = SurgeTier("amber", ("overtime", "open_backlog_hours"), actual_over_forecast=1.2)
    closed_only = SurgeTier("amber", ("overtime",), actual_over_forecast=1.2)
    closes = pd.Timestamp(EMAIL_CLOSES, tz=ZONE)
    runs, night = [], []
    for tier in (opening, opening, closed_only):
        result = api.reforecast(
            dataclasses.replace(config, surge_plans=(tier,)),
            forecast=storm_files / "forecast.csv",
            actuals=storm_files / "actuals.csv",
            as_of=STORM_AS_OF,
            market=storm_files / "prices.csv",
            baseline=storm_files / "shifts.csv",
        )
        runs.append(result)
        req = result.requirements
        email = req[(req["queue"] == "email_en") & (req["interval_start"] >= closes)]
        changes = result.replan.changes
        late = changes[(changes["queue"] == "email_en") & (pd.to_datetime(changes["end"]) > closes)]
        night.append((email["agents"].sum(), len(late)))
    assert night[0][0] > 0 and night[0][1] > 0, night  # required and staffed after 22:00
    assert night[2] == (0, 0), night  # closed: nothing required, nothing placed
    opened = runs[0].opened
    assert opened == {"email_en": [[closes.isoformat(), "2020-03-14T00:00:00+08:00"]]}
    assert runs[2].opened == {}
    files = [jobs_reforecast.reforecast_files(r) for r in runs]
    assert files[0] == files[1]  # byte-identical on a re-run
    summary = json.loads(files[0]["summary.json"])
    assert summary["backlog_hours_opened"] == opened
    assert summary["measures_allowed"] == ["overtime", "open_backlog_hours"]
    assert "open_backlog_hours" in summary["measures_used"]
    assert json.loads(files[2]["summary.json"])["backlog_hours_opened"] == {}


def test_opened_hours_allow_extra_shifts_there_even_when_the_tier_does_not(config, storm_files):
    """A tier opening backlog hours without extra_shifts may still add extra shifts of the
    opened queue that cover some of its newly opened hours, and no other extra shift."""
    tier = SurgeTier("amber", ("open_backlog_hours",), actual_over_forecast=1.2)
    result = api.reforecast(
        dataclasses.replace(config, surge_plans=(tier,)),
        forecast=storm_files / "forecast.csv",
        actuals=storm_files / "actuals.csv",
        as_of=STORM_AS_OF,
        market=storm_files / "prices.csv",
        baseline=storm_files / "shifts.csv",
    )
    changes = result.replan.changes
    assert len(changes) > 0
    assert set(changes["kind"]) == {"extra_shift"} and set(changes["queue"]) == {"email_en"}
    assert (pd.to_datetime(changes["end"]) > pd.Timestamp(EMAIL_CLOSES, tz=ZONE)).all()
    assert jobs_reforecast.measures_used(result) == ["open_backlog_hours"]


def test_opened_hours_are_each_backlog_queues_closed_runs_of_the_demand(config):
    """A Saturday from 06:00: email_en (weekends 09:00-18:00) opens 06:00-09:00 and
    18:00-24:00; live queues are left alone and the sizing config opens around the clock."""
    times = pd.date_range("2020-03-14T06:00", "2020-03-14T23:30", freq="30min", tz=ZONE)
    demand = pd.DataFrame(
        [(q, t) for q in ("chat_en", "email_en") for t in times],
        columns=["queue", "interval_start"],
    )
    opened = open_backlog_hours(config, demand)
    assert opened.spans(30) == {
        "email_en": [
            ["2020-03-14T06:00:00+08:00", "2020-03-14T09:00:00+08:00"],
            ["2020-03-14T18:00:00+08:00", "2020-03-15T00:00:00+08:00"],
        ]
    }
    assert opened.config.queue("email_en").open_hours is None
    assert opened.config.queue("chat_en") == config.queue("chat_en")
