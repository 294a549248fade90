"""The peaks report: heat map, surge days (the March 2020 storm on the sample), the
volatility effect with its uncertainty, the command's folder and the plan report section."""

from __future__ import annotations

import math
import zoneinfo

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.errors import InputError
from staffplan.forecast import run_forecast
from staffplan.forecast.synthetic import SAMPLE_POOL_QUEUES, SAMPLE_QUEUES
from staffplan.peaks import effect_sentences, peak_tables, run_peak_tables
from staffplan.tables import read_history, read_market
from staffplan.tables.schema import check

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def sample(sample_data):
    history = read_history(sample_data / "history.csv", ZONE, 30)
    return history, read_market(sample_data / "btc_usd_hourly.csv")


@pytest.fixture(scope="module")
def tables(sample):
    return peak_tables(*sample, top=5)


def test_the_march_2020_storm_tops_the_surge_days_with_its_volatility(tables):
    surge = tables.surge_days
    queues = surge["queue"].nunique()
    assert queues == 4 and list(surge.groupby("queue").size()) == [5] * queues
    top = surge[surge["rank"] == 1]
    assert list(top["date"]) == ["2020-03-13"] * queues, top
    # the live queues surge hardest; email (a backlog queue) is less market-driven
    live = top[top["queue"] != "email_en"]
    assert (live["ratio"] > 2.5).all() and (top["ratio"] > 1.5).all(), top
    assert (top["vol_vs_typical"] > 10).all(), top
    storm = surge["date"].between("2020-03-09", "2020-03-22")
    assert storm.sum() >= 5, surge  # most of each queue's top five are that fortnight
    assert (np.diff(surge["ratio"].to_numpy()[:5]) <= 0).all()


def test_the_volatility_effect_comes_with_its_uncertainty_and_finds_the_true_beta(tables):
    effect = tables.volatility_effect.set_index(["queue", "driver"])
    truth = {q.name: q.beta for q in SAMPLE_QUEUES + SAMPLE_POOL_QUEUES}
    for queue, beta in truth.items():
        row = effect.loc[(queue, "daily_vol")]
        assert row["std_error"] > 0 and row["clear"]
        assert row["lo95_pct"] < row["change_per_doubling_pct"] < row["hi95_pct"]
        assert row["lo95_pct"] > 10, row  # clearly more contacts when volatility doubles
        assert abs(row["estimate"] - beta) < 3 * row["std_error"], (queue, row["estimate"])
    lines = effect_sentences(tables.volatility_effect)
    assert (
        lines[0].startswith("chat_en: +")
        and "% contacts per doubling of 24 h volatility" in (lines[0])
    )
    assert "(95 % CI +" in lines[0]


def test_the_heat_map_hours_add_up_to_the_mean_day(sample, tables):
    history, _ = sample
    heat = tables.heatmap
    assert len(heat) == history["queue"].nunique() * 7 * 24
    mondays = history[history["interval_start"].dt.day_of_week == 0]
    chat = mondays[mondays["queue"] == "chat_en"]
    mean_day = chat.groupby(chat["interval_start"].dt.date)["volume"].sum().mean()
    rows = heat[(heat["queue"] == "chat_en") & (heat["weekday"] == "mon")]
    assert rows["contacts_per_hour"].sum() == pytest.approx(mean_day)
    average = heat[heat["queue"] == "chat_en"]["vs_average"].mean()
    assert average == pytest.approx(1.0)


def test_without_a_market_there_is_no_effect_and_no_volatility(sample):
    history, _ = sample
    tables = peak_tables(history, weeks=8, top=3)
    assert tables.volatility_effect.empty
    assert tables.surge_days["daily_vol"].isna().all()
    assert tables.surge_days["date"].min() >= "2020-03-16"  # the last 8 weeks only


@pytest.mark.parametrize(("keyword", "value"), [("weeks", 0), ("top", 0)])
def test_out_of_range_windows_name_the_option(sample, keyword, value):
    with pytest.raises(InputError, match=f"{value} is out of range") as caught:
        peak_tables(sample[0], **{keyword: value})
    assert caught.value.parameter == keyword


def test_peaks_command_publishes_the_folder_and_repeats_byte_for_byte(example_config, tmp_path):
    written = []
    for run in ("a", "b"):
        folder = tmp_path / run
        args = ["peaks", "--config", str(example_config), "--top", "3", "--output", str(folder)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "2020-03-13" in result.stdout and "per doubling of 24 h volatility" in result.stdout
        written.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    assert sorted(written[0]) == [
        "heatmap.csv",
        "heatmap.png",
        "manifest.json",
        "surge_days.csv",
        "volatility_effect.csv",
    ]
    assert written[0] == written[1]
    for name in ("heatmap", "surge_days", "volatility_effect"):
        table = pd.read_csv(tmp_path / "a" / f"{name}.csv", keep_default_na=False)
        if name == "surge_days":
            table["daily_vol"] = table["daily_vol"].astype(float)
        check(table, name, source=f"{name}.csv")


def test_the_plan_report_tables_reuse_the_forecast_model(sample):
    history, market = sample
    run = run_forecast(history, None, 7, market=market)
    tables = run_peak_tables(run)
    surge = tables.surge_days
    assert (surge.loc[surge["rank"] == 1, "date"] == "2020-03-13").all()
    effect = effect_sentences(tables.volatility_effect)
    assert all("per doubling of 24 h volatility" in line for line in effect) and len(effect) == 4
    assert not math.isnan(surge["daily_vol"].iloc[0])
