"""Forecast models: the shared contract, baselines, robustness, DST and intervals."""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest

from staffplan.errors import InputError
from staffplan.forecast import (
    SameSlotAverage,
    SeasonalNaive,
    StaffplanForecaster,
    backtest,
    mark_peaks,
)

COLUMNS = [
    "queue",
    "interval_start",
    "volume",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "model",
    "volatility_path",
]
MODELS = (StaffplanForecaster, SameSlotAverage, SeasonalNaive)


def history(
    start: str,
    days: int,
    zone: str = "Asia/Shanghai",
    interval_min: int = 30,
    daily: float = 2000.0,
    seed: int | None = 0,
    queues: tuple[str, ...] = ("chat",),
) -> pd.DataFrame:
    """Contacts with a weekly and a two-peak intraday rhythm (expected values if no seed)."""
    times = pd.date_range(pd.Timestamp(start, tz=zone), periods=days, freq="D")
    grid = pd.date_range(
        times[0], times[-1] + pd.DateOffset(days=1), freq=f"{interval_min}min", inclusive="left"
    )
    hours = (grid.hour + grid.minute / 60).to_numpy()
    shape = (
        0.2 + np.exp(-0.5 * ((hours - 11) / 2.0) ** 2) + np.exp(-0.5 * ((hours - 20) / 2.5) ** 2)
    )
    weekday = np.array([1.1, 1.0, 1.0, 1.0, 1.05, 0.8, 0.7])[grid.day_of_week.to_numpy()]
    rate = daily * weekday * shape / (shape.mean() * 1440 / interval_min)
    rng = None if seed is None else np.random.default_rng(seed)
    tables = []
    for queue in queues:
        volume = rate if rng is None else rng.negative_binomial(30, 30 / (30 + rate))
        tables.append(
            pd.DataFrame(
                {"queue": queue, "interval_start": grid, "volume": np.asarray(volume, float)}
            )
        )
    return pd.concat(tables, ignore_index=True)


@functools.cache
def fitted(model: type, start: str = "2026-08-03", days: int = 56) -> object:
    return model().fit(history(start, days, queues=("chat", "phone")))


@pytest.mark.parametrize("model", MODELS)
def test_every_model_returns_the_forecast_table(model):
    forecast = fitted(model).predict("2026-09-28", 7)
    assert list(forecast.columns) == COLUMNS
    assert len(forecast) == 2 * 7 * 48
    assert set(forecast["model"]) == {model.name}
    assert set(forecast["volatility_path"]) == {"none"}
    assert (forecast["lo95"] <= forecast["lo80"]).all()
    assert (forecast["lo80"] <= forecast["hi80"]).all()
    assert (forecast["hi80"] <= forecast["hi95"]).all()
    assert (forecast["lo80"] <= forecast["volume"].round() + 1).all()
    assert (forecast["volume"].round() - 1 <= forecast["hi80"]).all()


@pytest.mark.parametrize("model", MODELS)
def test_fit_returns_the_model_and_predict_before_fit_fails(model):
    fresh = model()
    with pytest.raises(RuntimeError, match="not fitted"):
        fresh.predict("2026-09-28", 7)
    assert fresh.fit(history("2026-08-03", 14)) is fresh


def test_start_off_the_interval_grid_is_refused():
    with pytest.raises(InputError, match="not the start of a 30-minute interval"):
        fitted(StaffplanForecaster).predict("2026-09-28 09:10", 1)


def test_history_shorter_than_a_week_is_refused():
    with pytest.raises(InputError, match=r"queue 'chat'.*at least one full week"):
        StaffplanForecaster().fit(history("2026-08-03", 5))


def test_same_slot_average_is_the_mean_of_the_last_four_same_weekday_slots():
    table = history("2026-08-03", 42, seed=1)
    forecast = SameSlotAverage().fit(table).predict("2026-09-14 09:30", 1)
    wall = table["interval_start"].dt.tz_localize(None)
    slots = [pd.Timestamp("2026-09-14 09:30") - pd.Timedelta(weeks=k) for k in range(1, 5)]
    expected = table.loc[wall.isin(slots), "volume"].mean()
    assert forecast["volume"].iloc[0] == pytest.approx(expected)


def test_seasonal_naive_repeats_last_week():
    table = history("2026-08-03", 28, seed=2)
    forecast = SeasonalNaive().fit(table).predict("2026-08-31", 7)
    assert forecast["volume"].tolist() == table["volume"].iloc[-7 * 48 :].tolist()


def test_an_outage_day_does_not_poison_the_staffplan_profile():
    table = history("2026-08-03", 56, seed=None)
    outage = table["interval_start"].dt.date == pd.Timestamp("2026-09-22").date()  # a Tuesday
    table.loc[outage, "volume"] *= 0.05
    truth = history("2026-09-28", 7, seed=None)["volume"].to_numpy()
    ours = StaffplanForecaster().fit(table).predict("2026-09-28", 7)["volume"].to_numpy()
    average = SameSlotAverage().fit(table).predict("2026-09-28", 7)["volume"].to_numpy()
    tuesday = slice(48, 96)
    assert np.abs(ours[tuesday] / truth[tuesday] - 1).max() < 0.02
    assert average[tuesday].sum() / truth[tuesday].sum() < 0.8  # the baseline is dragged down


def test_dst_days_in_the_planning_zone_keep_their_own_number_of_intervals():
    table = history("2026-03-02", 35, zone="Europe/Berlin", interval_min=15, seed=3)
    assert (table["interval_start"].dt.date == pd.Timestamp("2026-03-29").date()).sum() == 92
    model = StaffplanForecaster().fit(table)
    autumn = model.predict("2026-10-19", 7)
    per_day = autumn.groupby(autumn["interval_start"].dt.date).size()
    assert per_day[pd.Timestamp("2026-10-25").date()] == 100
    assert per_day.drop(pd.Timestamp("2026-10-25").date()).eq(96).all()
    assert autumn["volume"].notna().all() and (autumn["volume"] > 0).all()
    spring = model.predict("2027-03-22", 7)
    assert (spring["interval_start"].dt.date == pd.Timestamp("2027-03-28").date()).sum() == 92
    repeated = autumn[autumn["interval_start"].dt.strftime("%Y-%m-%d %H:%M") == "2026-10-25 02:30"]
    assert len(repeated) == 2 and repeated["volume"].nunique() == 1


def test_intervals_cover_about_their_level_on_overdispersed_counts():
    table = history("2026-01-05", 7 * 20, seed=4, queues=("chat", "phone"))
    summary, _ = backtest(table, [StaffplanForecaster(history_weeks=12)], origins=6, train_weeks=12)
    assert 0.74 <= summary.loc[0, "coverage80"] <= 0.88, summary.to_dict()
    assert 0.91 <= summary.loc[0, "coverage95"] <= 0.99, summary.to_dict()


def test_backtest_scores_every_model_with_the_same_protocol():
    table = history("2026-01-05", 7 * 12, seed=5)
    summary, per_origin = backtest(table, [m() for m in MODELS], origins=3, train_weeks=8)
    assert summary["model"].tolist() == [m.name for m in MODELS]
    assert (summary["origins"] == 3).all()
    assert per_origin["origin"].nunique() == 3
    assert per_origin["origin"].max() == pd.Timestamp("2026-03-23", tz="Asia/Shanghai")
    best = summary.set_index("model")["mase"]
    assert best["staffplan"] < best["seasonal_naive"]


def test_backtest_without_enough_history_says_what_to_change():
    with pytest.raises(InputError, match="use fewer --origins or --train-weeks"):
        backtest(history("2026-01-05", 28), [SeasonalNaive()], origins=4, train_weeks=16)


def test_peaks_are_the_top_decile_of_each_queue():
    forecast = mark_peaks(fitted(StaffplanForecaster).predict("2026-09-28", 7))
    for _, part in forecast.groupby("queue"):
        assert part["peak"].sum() == math.ceil(0.1 * len(part))
        assert part.loc[part["peak"], "volume"].min() >= part.loc[~part["peak"], "volume"].max()


def test_forecast_is_deterministic():
    first = StaffplanForecaster().fit(history("2026-08-03", 56)).predict("2026-09-28", 7)
    second = StaffplanForecaster().fit(history("2026-08-03", 56)).predict("2026-09-28", 7)
    pd.testing.assert_frame_equal(first, second)
