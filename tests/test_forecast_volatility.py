"""Volatility drivers and their effect: no look-ahead, scenarios, recovery of a known beta."""

from __future__ import annotations

import dataclasses
import functools
import re
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffplan.errors import InputError
from staffplan.forecast import (
    StaffplanForecaster,
    backtest,
    horizon_path,
    market_drivers,
    observed,
    parse_scenario,
)
from staffplan.forecast.synthetic import SAMPLE_POOL_QUEUES, SAMPLE_QUEUES, simulate_history
from staffplan.tables import read_market

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
START = pd.Timestamp("2020-01-06", tz=ZONE)


@functools.cache
def prices() -> pd.DataFrame:
    return read_market(SAMPLE / "btc_usd_hourly.csv")


@functools.cache
def generated(weeks: int = 18, seed: int = 11, beta_scale: float = 1.0) -> pd.DataFrame:
    specs = tuple(dataclasses.replace(q, beta=q.beta * beta_scale) for q in SAMPLE_QUEUES)
    return simulate_history(specs, prices(), START, weeks, seed=seed)


def test_drivers_at_t_ignore_every_price_after_t():
    times = pd.date_range("2020-03-10", "2020-03-14", freq="30min", tz=ZONE)
    cut = pd.Timestamp("2020-03-12 09:00", tz=ZONE)
    before = observed(market_drivers(prices()), times)
    changed = prices().copy()
    later = changed["timestamp"] + pd.Timedelta(hours=1) > cut  # bars still open at the cut
    changed.loc[later, "close"] *= np.random.default_rng(0).uniform(0.5, 1.5, later.sum())
    after = observed(market_drivers(changed), times)
    known = times <= cut
    pd.testing.assert_frame_equal(before[known], after[known])
    assert not np.allclose(before.loc[~known, "daily_vol"], after.loc[~known, "daily_vol"])


def test_daily_vol_is_the_root_mean_square_of_24_hourly_log_returns():
    drivers = market_drivers(prices())
    close = prices()["close"].to_numpy()
    returns = np.diff(np.log(close))[-24:]
    assert drivers.daily_vol[-1] == pytest.approx(np.sqrt(np.mean(returns**2) * 24))
    assert drivers.known_at[-1] == prices()["timestamp"].iloc[-1] + pd.Timedelta(hours=1)


def test_horizon_path_is_conditional_where_the_market_covers_it_then_decays():
    drivers = market_drivers(prices())
    times = pd.date_range("2020-05-10 20:00", periods=24, freq="30min", tz=ZONE)
    path = horizon_path(drivers, times)
    assert path["volatility_path"].iloc[0] == "conditional"
    assert path["volatility_path"].iloc[-1] == "decay"
    decay = path.loc[path["volatility_path"] == "decay", "daily_vol"].to_numpy()
    typical = drivers.scenario_vol("typical")
    assert np.all(np.abs(np.diff(np.log(decay / typical))) >= 0)  # moves one way
    assert abs(np.log(decay[-1] / typical)) < abs(np.log(drivers.daily_vol[-1] / typical))


def test_explicit_scenario_wins_and_scenarios_are_ordered():
    drivers = market_drivers(prices())
    times = pd.date_range("2020-03-01", periods=4, freq="30min", tz=ZONE)  # covered by prices
    levels = [
        horizon_path(drivers, times, name)["daily_vol"].iloc[0]
        for name in ("calm", "typical", "stressed", "crash")
    ]
    assert levels == sorted(levels) and levels[0] < levels[-1]
    assert set(horizon_path(drivers, times, "stressed")["volatility_path"]) == {"stressed"}
    fixed = horizon_path(drivers, times, 0.05)
    assert set(fixed["volatility_path"]) == {"vol=0.05"} and np.allclose(fixed["daily_vol"], 0.05)
    assert levels[1] == pytest.approx(np.median(drivers.daily_vol))


@pytest.mark.parametrize(
    ("text", "value"), [("Stressed", "stressed"), ("0.05", 0.05), ("5%", 0.05), (None, None)]
)
def test_scenario_option_accepts_names_and_daily_vols(text, value):
    assert parse_scenario(text) == value


@pytest.mark.parametrize("text", ["panic", "0", "-0.1", "3"])
def test_scenario_option_refuses_anything_else(text):
    with pytest.raises(InputError, match=re.escape("use calm|typical|stressed|crash")):
        parse_scenario(text)


def test_beta_is_recovered_within_15_percent():
    model = StaffplanForecaster(history_weeks=18).fit(generated(), prices())
    effects = model.effects().set_index(["queue", "driver"])
    for spec in SAMPLE_QUEUES:
        estimate = effects.loc[(spec.name, "log_daily_vol"), "estimate"]
        assert estimate == pytest.approx(spec.beta, rel=0.15), (spec.name, estimate)
        shock = effects.loc[(spec.name, "log_shock"), "estimate"]
        assert abs(shock) < 0.25 * spec.beta


def most_volatile_weeks(count: int) -> list[pd.Timestamp]:
    """Monday starts of the ``count`` weeks with the highest mean daily vol (after week 8)."""
    times = pd.date_range(
        START + pd.Timedelta(weeks=8), START + pd.Timedelta(weeks=18), freq="h", inclusive="left"
    )
    vol = observed(market_drivers(prices()), times)["daily_vol"]
    weekly = vol.groupby((times - START).days // 7).mean()
    return [START + pd.Timedelta(weeks=int(w)) for w in weekly.nlargest(count).index]


def test_knowing_the_market_path_beats_the_volatility_blind_model_on_volatile_weeks():
    weeks = most_volatile_weeks(2)
    table = generated()
    scores = {}
    for name, market in (("blind", None), ("aware", prices())):
        per_week = []
        for week in weeks:
            part = table[table["interval_start"] < week + pd.Timedelta(weeks=1)]
            summary, _ = backtest(
                part,
                [StaffplanForecaster(history_weeks=8)],
                origins=1,
                train_weeks=8,
                market=market,
                realised_market=True,
            )
            per_week.append(summary.loc[0, "mase"])
        scores[name] = np.mean(per_week)
    assert scores["aware"] <= 0.75 * scores["blind"], scores


def test_an_uninformative_market_costs_at_most_one_percent_of_mase():
    table = generated(seed=12, beta_scale=0.0)
    plain, _ = backtest(table, [StaffplanForecaster(history_weeks=12)], origins=4, train_weeks=12)
    with_market, _ = backtest(
        table, [StaffplanForecaster(history_weeks=12)], origins=4, train_weeks=12, market=prices()
    )
    assert with_market.loc[0, "mase"] <= 1.01 * plain.loc[0, "mase"], (plain, with_market)


def test_the_sample_history_carries_a_volatility_effect_of_the_documented_size():
    from staffplan.tables import read_history

    table = read_history(SAMPLE / "history.csv", ZONE, 30)
    assert sorted(table["queue"].unique()) == ["chat_en", "email_en", "phone_en", "phone_zh"]
    assert table["interval_start"].min() == START
    assert table["interval_start"].max().day_name() == "Sunday"
    effects = (
        StaffplanForecaster(history_weeks=18)
        .fit(table, prices())
        .effects()
        .set_index(["queue", "driver"])
    )
    for spec in SAMPLE_QUEUES + SAMPLE_POOL_QUEUES:
        assert effects.loc[(spec.name, "log_daily_vol"), "estimate"] == pytest.approx(
            spec.beta, rel=0.15
        )


def test_forecast_rises_with_the_volatility_scenario():
    model = StaffplanForecaster(history_weeks=18).fit(generated(), prices())
    totals = [
        model.predict("2020-05-11", 7, scenario=name)["volume"].sum()
        for name in ("calm", "typical", "stressed", "crash")
    ]
    assert totals == sorted(totals) and totals[-1] > 1.3 * totals[0]


def test_a_scenario_without_market_prices_is_refused():
    model = StaffplanForecaster(history_weeks=4).fit(generated(weeks=5))
    with pytest.raises(InputError, match="needs market prices"):
        model.predict("2020-02-10", 1, scenario="stressed")


def test_market_prices_that_miss_the_history_are_refused():
    later = prices().assign(timestamp=prices()["timestamp"] + pd.Timedelta(weeks=60))
    with pytest.raises(InputError, match="do not overlap the history"):
        StaffplanForecaster(history_weeks=4).fit(generated(weeks=5), later)


def test_market_prices_that_cover_under_a_week_of_the_history_are_refused():
    """Two days of drivers cannot part volatility from the week and weekday levels: the
    fit had raised numpy's "Singular matrix" (exit 1)."""
    table = generated(weeks=5)
    last = table["interval_start"].max()
    recent = prices()[prices()["timestamp"] >= last - pd.Timedelta(days=3)]
    with pytest.raises(InputError, match="overlap only 2 days of the history"):
        StaffplanForecaster(history_weeks=4).fit(table, recent)


def test_a_queue_without_contacts_gets_no_volatility_effect():
    table = generated(weeks=5).copy()
    queue = table["queue"].iloc[0]
    table.loc[table["queue"] == queue, "volume"] = 0
    model = StaffplanForecaster(history_weeks=4).fit(table, prices())
    effect = model.effects().set_index("queue").loc[queue]
    assert (effect["estimate"] == 0).all() and np.isinf(effect["std_error"]).all()
    forecast = model.predict("2020-02-10", 1)
    assert (forecast.loc[forecast["queue"] == queue, "volume"] == 0).all()


def test_a_flat_stretch_of_prices_is_data_not_a_crash():
    flat = prices().copy()
    stretch = (flat["timestamp"] >= "2020-03-01") & (flat["timestamp"] < "2020-03-04")
    flat.loc[stretch, ["close", "high", "low"]] = 7000.0
    drivers = observed(
        market_drivers(flat), pd.date_range("2020-03-02", periods=48, freq="h", tz="UTC")
    )
    assert (drivers["daily_vol"] == 0).any()  # realised volatility really was zero
    assert np.isfinite(drivers[["log_daily_vol", "log_shock"]].to_numpy()).all()
    forecast = StaffplanForecaster(history_weeks=18).fit(generated(), flat).predict("2020-05-11", 7)
    assert np.isfinite(forecast["volume"]).all()


def test_prices_that_never_move_are_refused_naming_the_file():
    constant = prices().assign(close=100.0, high=100.0, low=100.0)
    constant.attrs["source"] = "btc.csv"
    with pytest.raises(InputError, match=r"^btc\.csv: the prices do not move over the history"):
        StaffplanForecaster(history_weeks=4).fit(generated(weeks=5), constant)


def test_a_market_file_too_short_is_named():
    with pytest.raises(InputError, match=r"btc_usd_hourly\.csv: the market file is too short"):
        market_drivers(read_market(SAMPLE / "btc_usd_hourly.csv").iloc[:10])


def test_drivers_at_unsorted_times_are_those_of_the_sorted_times():
    times = pd.date_range("2020-03-10", "2020-03-14", freq="30min", tz=ZONE)
    shuffled = times[np.random.default_rng(3).permutation(len(times))]
    expected = observed(market_drivers(prices()), times)
    pd.testing.assert_frame_equal(
        observed(market_drivers(prices()), shuffled), expected.loc[shuffled]
    )


def test_a_queue_whose_history_ends_a_day_early_is_fitted_with_the_market():
    """Each queue is fitted on its own last weeks, so a queue (not the first) ending a
    day early adds a day before the others' to the fit's union of times, out of order;
    that crashed the driver lookup ("left keys must be sorted")."""
    table = generated()
    last = table["interval_start"].max()
    queue = sorted(table["queue"].unique())[-1]
    early = table[
        (table["queue"] != queue) | (table["interval_start"] <= last - pd.Timedelta(days=1))
    ]
    early = early.sort_values(["queue", "interval_start"])  # as read_history returns it
    model = StaffplanForecaster(history_weeks=12).fit(early, prices())
    effects = model.effects()
    assert set(effects["queue"]) == set(table["queue"]) and effects["estimate"].notna().all()
