"""The discrete-event simulation: the engine by hand, against Erlang C/A, Pollaczek-
Khinchine and ciw, the backlog after a surge, determinism, and bad input."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from benchmarks.simulate_bench import ciw_replication
from staffplan.config import parse_config
from staffplan.engine import open_workers
from staffplan.erlang import required_agents, staffing_metrics
from staffplan.errors import ConfigError, InputError
from staffplan.simulate import (
    QueueArrays,
    SimulationConfig,
    queue_arrays,
    run_replications,
    simulate_schedule,
)
from staffplan.simulate import tallies as T
from staffplan.simulate._engine import serve_fcfs, slot_windows
from staffplan.simulate.summary import _percentiles
from staffplan.tables import read_coverage, read_demand

INTERVAL_S = 1800.0
CONFIG = """
timezone: Asia/Shanghai
interval_min: 30
queues:
  - name: phone_zh
    aht_s: 300
    target: {service_level: 0.8, answer_within_s: 20}
    patience_s: 240
  - name: chat_en
    channel: chat
    aht_s: 480
    concurrency: 2
    target: {service_level: 0.8, answer_within_s: 60}
"""
# The fixture day: a phone queue peaking late morning with an afternoon bump, and the
# shift-shaped schedule a planner would publish for it: (intervals, agents) blocks.
PHONE_BLOCKS = [(14, 3), (2, 8), (2, 14), (6, 22), (2, 18), (4, 15), (6, 13), (4, 7), (8, 3)]
CHAT_AGENTS = 3


def fixture_frames(days: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(forecast, coverage) of the fixture: ``days`` identical days from 2026-12-07."""
    k = np.arange(48)
    phone = 8 + 110 * np.exp(-0.5 * ((k - 21) / 4.5) ** 2) + 50 * np.exp(-0.5 * ((k - 33) / 3) ** 2)
    times = pd.date_range("2026-12-07", periods=48 * days, freq="30min", tz="Asia/Shanghai")
    agents = np.repeat([a for _, a in PHONE_BLOCKS], [n for n, _ in PHONE_BLOCKS])
    forecast = pd.concat(
        [
            _forecast_rows("phone_zh", times, np.tile(np.round(phone, 1), days)),
            _forecast_rows("chat_en", times, np.full(times.size, 10.0)),
        ],
        ignore_index=True,
    )
    coverage = pd.concat(
        [
            pd.DataFrame(
                {"queue": "phone_zh", "interval_start": times, "scheduled": np.tile(agents, days)}
            ),
            pd.DataFrame({"queue": "chat_en", "interval_start": times, "scheduled": CHAT_AGENTS}),
        ],
        ignore_index=True,
    )
    return forecast, coverage


def _forecast_rows(queue: str, times: pd.DatetimeIndex, volume: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "queue": queue,
            "interval_start": times,
            "volume": volume,
            "lo80": 0.8 * volume,
            "hi80": 1.25 * volume,
            "lo95": 0.7 * volume,
            "hi95": 1.4 * volume,
            "model": "fixture",
            "scenario": "base",
        }
    )


def constant_queue(agents, load, aht_s, answer_within_s, patience_s=None, *, concurrency=1, n=400):
    """A queue with a constant rate (``load`` Erlangs) and constant staffing."""
    return QueueArrays(
        name="constant",
        seed_key=0,
        interval_s=INTERVAL_S,
        volume=np.full(n, load * INTERVAL_S / aht_s),
        day=np.arange(n) // 48,
        agents=np.full(n, float(agents)),
        concurrency=concurrency,
        aht_s=aht_s,
        answer_within_s=answer_within_s,
        patience_s=patience_s,
    )


# --------------------------------------------------------------------------- the engine by hand


def test_slot_windows_follow_the_staffing_curve_last_in_first_out():
    start, end, slot = slot_windows(np.array([1, 3, 2, 0, 2]), 10.0)
    windows = sorted(zip(slot.tolist(), start.tolist(), end.tolist(), strict=True))
    assert windows == [
        (0, 0.0, 30.0),
        (0, 40.0, 50.0),
        (1, 10.0, 30.0),
        (1, 40.0, 50.0),
        (2, 10.0, 20.0),
    ]


def test_part_of_an_agent_is_an_agent_on_duty_for_the_start_of_the_interval():
    queue = constant_queue(2, 1.0, 300.0, 20.0, n=2, concurrency=2)
    queue = dataclasses.replace(queue, agents=np.array([2.5, 1.0]))
    slots, step_s = queue.slot_curve()
    assert step_s == 60.0 and slots.size == 60
    np.testing.assert_array_equal(slots, [6] * 15 + [4] * 15 + [2] * 30)
    np.testing.assert_allclose(queue.capacity_s(), [5 * 1800.0, 2 * 1800.0])
    whole = dataclasses.replace(queue, agents=np.array([3.0, 1.0]))
    np.testing.assert_array_equal(whole.slot_curve()[0], [6, 2])


def test_agent_finishes_contact_past_shift_end_and_next_window_waits_for_it():
    # One agent on in intervals 0 and 2 (1800 s each), off in interval 1.
    windows = slot_windows(np.array([1, 0, 1]), INTERVAL_S)
    arrival = np.array([1700.0, 1750.0, 1760.0])
    handle = np.array([2500.0, 100.0, 100.0])
    give_up = np.array([np.inf, np.inf, 1760.0 + 600.0])
    start = serve_fcfs(arrival, handle, give_up, windows)
    # The first contact runs to 4200 s, past the break at 1800-3600; the second waits for
    # it; the third gives up at 2360 s, long before anyone is free.
    np.testing.assert_array_equal(start, [1700.0, 4200.0, np.nan])


def test_tallies_count_by_arrival_interval_and_measure_busy_time_and_queue():
    windows = slot_windows(np.array([1, 0, 1]), INTERVAL_S)
    arrival = np.array([1700.0, 1750.0, 1760.0])
    handle = np.array([2500.0, 100.0, 100.0])
    give_up = np.array([np.inf, np.inf, 2360.0])
    start = serve_fcfs(arrival, handle, give_up, windows)
    out = T.interval_tallies(arrival, start, handle, give_up, INTERVAL_S, 3, 20.0)
    np.testing.assert_array_equal(out[T.OFFERED], [3, 0, 0])
    np.testing.assert_array_equal(out[T.WITHIN], [1, 0, 0])
    np.testing.assert_array_equal(out[T.WAIT_S], [2450.0, 0, 0])
    np.testing.assert_array_equal(out[T.ABANDONED], [1, 0, 0])
    np.testing.assert_allclose(out[T.BUSY_S], [100.0, 1800.0, 700.0])
    np.testing.assert_array_equal(out[T.QUEUE_END], [2, 1, 0])


# --------------------------------------------------------------------------- steady state


def _pooled(queue: QueueArrays, replications: int, warm_up: int, settings=None) -> dict:
    """Per replication, each measure pooled over the intervals after ``warm_up``."""
    (tallies,) = run_replications([queue], settings or SimulationConfig(), replications, 11)
    total = tallies[:, :, warm_up:].sum(axis=2)
    capacity_s = queue.capacity_s()[warm_up:].sum()
    return {
        "service_level": total[:, T.WITHIN] / total[:, T.OFFERED],
        "asa_s": total[:, T.WAIT_S] / total[:, T.ANSWERED],
        "abandon_rate": total[:, T.ABANDONED] / total[:, T.OFFERED],
        "occupancy": total[:, T.BUSY_S] / capacity_s,
    }


# (agents, load in Erlangs, aht_s, answer_within_s, patience_s, chats per agent, intervals):
# the horizon is long enough for a +-0.02 service-level interval at 30 replications.
STEADY_CASES = {
    "erlang_c_80_percent_busy": (10, 8.0, 300.0, 20.0, None, 1, 400),
    "erlang_c_n_close_to_a": (10, 9.2, 120.0, 20.0, None, 1, 800),
    "erlang_c_single_agent": (1, 0.7, 200.0, 30.0, None, 1, 900),
    "erlang_c_chat_two_slots": (6, 10.0, 480.0, 60.0, None, 2, 1000),
    "erlang_a_fewer_agents_than_load": (10, 12.0, 300.0, 20.0, 180.0, 1, 400),
    "erlang_a_well_staffed": (20, 16.0, 240.0, 20.0, 120.0, 1, 400),
}
COMPARISONS = 4 * 3 + 2 * 4  # Erlang C: SL, ASA, occupancy; Erlang A: and abandonment


@pytest.mark.parametrize("case", STEADY_CASES.values(), ids=STEADY_CASES.keys())
def test_steady_state_matches_erlang_engine_within_confidence_interval(case):
    agents, load, aht_s, within_s, patience_s, concurrency, n = case
    queue = constant_queue(agents, load, aht_s, within_s, patience_s, concurrency=concurrency, n=n)
    replications = 30
    simulated = _pooled(queue, replications, warm_up=20)
    erlang = staffing_metrics(
        agents,
        queue.volume[0],
        aht_s,
        30,
        within_s,
        patience_s=patience_s,
        concurrency=concurrency,
    ).iloc[0]
    # Family-wise 95%: Bonferroni over every comparison of this test.
    critical = stats.t.ppf(1 - 0.05 / (2 * COMPARISONS), replications - 1)
    measures = ["service_level", "asa_s", "occupancy"]
    measures += ["abandon_rate"] if patience_s else []
    for name in measures:
        values = simulated[name]
        half_width = critical * values.std(ddof=1) / np.sqrt(replications)
        assert abs(values.mean() - erlang[name]) <= half_width, (
            f"{name}: simulated {values.mean():.4f} +- {half_width:.4f}, Erlang {erlang[name]:.4f}"
        )
        tight = 0.15 * erlang[name] if name == "asa_s" else 0.02
        assert half_width <= tight, f"{name}: CI +-{half_width:.4f} is too wide to test anything"
    if not patience_s:
        assert (simulated["abandon_rate"] == 0).all()


def test_lognormal_handle_times_match_pollaczek_khinchine_mean_wait():
    # M/G/1: mean wait = rho / (1 - rho) * (1 + cv^2) / 2 * aht, independent of Erlang.
    settings = SimulationConfig(handle_time="lognormal", aht_cv=1.5)
    queue = constant_queue(1, 0.6, 120.0, 20.0, n=400)
    replications = 40
    asa_s = _pooled(queue, replications, warm_up=10, settings=settings)["asa_s"]
    expected = 0.6 / 0.4 * (1 + 1.5**2) / 2 * 120.0
    half_width = stats.t.ppf(0.975, replications - 1) * asa_s.std(ddof=1) / np.sqrt(replications)
    assert abs(asa_s.mean() - expected) <= half_width, (asa_s.mean(), half_width, expected)
    exponential = constant_queue(1, 0.6, 120.0, 20.0, n=400)
    assert asa_s.mean() > 1.5 * _pooled(exponential, 10, warm_up=10)["asa_s"].mean()


# --------------------------------------------------------------------------- time-varying


def test_backlog_of_a_surge_pulls_the_next_interval_below_the_erlang_figure():
    config = parse_config(CONFIG)
    times = pd.date_range("2026-12-07 08:00", periods=16, freq="30min", tz="Asia/Shanghai")
    planned = np.full(16, 60.0)
    agents = _agents_for(planned, config)
    actual = planned.copy()
    actual[4:8] *= 2.0  # a 2-hour surge at twice the planned rate, 10:00-12:00
    forecast = pd.DataFrame({"queue": "phone_zh", "interval_start": times, "volume": actual})
    coverage = pd.DataFrame({"queue": "phone_zh", "interval_start": times, "scheduled": agents})
    result = simulate_schedule(forecast, coverage, config, replications=100, seed=3)
    after = result.intervals.iloc[8]
    assert after["interval_start"] == times[8]
    assert after["erlang_service_level"] >= 0.8, after.to_dict()
    # 100 replications of ~60 contacts: the mean's standard error is about 0.02.
    assert after["service_level"] < after["erlang_service_level"] - 0.1, after.to_dict()
    assert result.intervals["queue_at_end"].iloc[7] > 5 * result.intervals["queue_at_end"].iloc[3]
    # Before the surge the simulation and Erlang agree.
    before = result.intervals.iloc[3]
    assert abs(before["service_level"] - before["erlang_service_level"]) < 0.05, before.to_dict()


def _agents_for(volume: np.ndarray, config) -> np.ndarray:
    phone = config.queue("phone_zh")
    return required_agents(volume, phone.aht_s, 30, 0.8, 20.0, patience_s=phone.patience_s)


def test_time_varying_fixture_agrees_with_ciw():
    config = parse_config(CONFIG)
    forecast, coverage = fixture_frames()
    phone = coverage[coverage["queue"] == "phone_zh"]
    (queue,), _ = queue_arrays(forecast, phone, config)
    replications = 30
    (tallies,) = run_replications([queue], SimulationConfig(), replications, 5)
    total = tallies.sum(axis=2)
    ours = {
        "service_level": total[:, T.WITHIN] / total[:, T.OFFERED],
        "abandon_rate": total[:, T.ABANDONED] / total[:, T.OFFERED],
    }
    runs = np.array([ciw_replication(queue, 1000 + r) for r in range(replications)], dtype=float)
    theirs = {"service_level": runs[:, 1] / runs[:, 0], "abandon_rate": runs[:, 2] / runs[:, 0]}
    for name in ours:
        a, b = ours[name], theirs[name]
        half_a = 1.96 * a.std(ddof=1) / np.sqrt(replications)
        half_b = 1.96 * b.std(ddof=1) / np.sqrt(replications)
        assert abs(a.mean() - b.mean()) <= np.hypot(half_a, half_b), (name, a.mean(), b.mean())
        assert half_a < 0.02 and half_b < 0.02, (name, half_a, half_b)


def test_overdispersion_adds_the_forecast_spread_to_each_day():
    config = parse_config(CONFIG + "simulation: {overdispersed: true}\n")
    forecast, coverage = fixture_frames(days=2)
    (phone, _), _ = queue_arrays(forecast, coverage, config)
    (tallies,) = run_replications([phone], config.simulation, 400, 2)
    per_day = tallies[:, T.OFFERED].reshape(400, 2, 48).sum(axis=2)
    # One shock z per day moves every interval together: the day's total is Poisson around
    # V + z * S, S the summed rate sd above (z > 0) or below (z < 0) the forecast, so
    # Var = V + (S_up^2 + S_down^2) / 2 - (S_up - S_down)^2 / (2 pi).
    upper, lower = phone.spread_up[:48].sum(), phone.spread_down[:48].sum()
    expected_var = phone.volume[:48].sum() + (upper**2 + lower**2) / 2
    expected_var -= (upper - lower) ** 2 / (2 * np.pi)
    observed_var = per_day.var(axis=0, ddof=1)
    assert np.all(np.abs(observed_var / expected_var - 1) < 0.2), (observed_var, expected_var)
    assert abs(np.corrcoef(per_day[:, 0], per_day[:, 1])[0, 1]) < 0.15  # days independent
    (plain,) = run_replications([phone], SimulationConfig(), 400, 2)
    assert plain[:, T.OFFERED, :48].sum(axis=1).var() < 0.2 * per_day[:, 0].var()


def test_dst_day_has_its_own_number_of_intervals():
    config = parse_config(CONFIG.replace("Asia/Shanghai", "Europe/Berlin"))
    times = pd.date_range(
        "2026-03-29", "2026-03-30", freq="30min", tz="Europe/Berlin", inclusive="left"
    )
    assert times.size == 46
    forecast = pd.DataFrame({"queue": "phone_zh", "interval_start": times, "volume": 20.0})
    coverage = pd.DataFrame({"queue": "phone_zh", "interval_start": times, "scheduled": 6})
    result = simulate_schedule(forecast, coverage, config, replications=5)
    assert len(result.intervals) == 46
    assert result.daily[["day", "volume"]].values.tolist() == [["2026-03-29", 920.0]]


def test_nobody_on_duty_means_everyone_waits_or_gives_up():
    config = parse_config(CONFIG)
    times = pd.date_range("2026-12-07", periods=4, freq="30min", tz="Asia/Shanghai")
    forecast = pd.DataFrame({"queue": "phone_zh", "interval_start": times, "volume": 10.0})
    coverage = pd.DataFrame({"queue": "phone_zh", "interval_start": times, "scheduled": 0})
    table = simulate_schedule(forecast, coverage, config, replications=20).intervals
    assert (table["service_level"] == 0).all() and (table["abandon_rate"] == 1).all()
    assert (table["erlang_service_level"] == 0).all() and table["occupancy"].isna().all()
    assert (table["queue_at_end"] > 0).all()  # patience 240 s: the last few are still there


def test_offered_column_is_the_volume_reaching_agents():
    config = parse_config(CONFIG)
    forecast, coverage = fixture_frames()
    forecast["offered"] = forecast["volume"] / 2
    result = simulate_schedule(forecast, coverage, config, replications=40, seed=1)
    table = result.intervals
    np.testing.assert_allclose(table["volume"], forecast["offered"])
    simulated, expected = table["offered"].sum(), forecast["offered"].sum()
    assert abs(simulated / expected - 1) < 0.02, (simulated, expected)


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_tables_whatever_the_number_of_processes():
    config = parse_config(CONFIG)
    forecast, coverage = fixture_frames()
    one = simulate_schedule(forecast, coverage, config, replications=12, seed=7)
    with open_workers("processes", jobs=2) as workers:
        two = simulate_schedule(
            forecast, coverage, config, replications=12, seed=7, workers=workers
        )
    pd.testing.assert_frame_equal(one.intervals, two.intervals)
    pd.testing.assert_frame_equal(one.daily, two.daily)
    other = simulate_schedule(forecast, coverage, config, replications=12, seed=8)
    assert not one.intervals["service_level"].equals(other.intervals["service_level"])


def test_the_percentile_band_is_numpys_nanpercentile_to_the_bit():
    rng = np.random.default_rng(4)
    values = rng.normal(0.8, 0.1, size=(17, 300))
    values[rng.random(values.shape) < 0.3] = np.nan
    values[:, :5] = np.nan  # columns without a value stay NaN
    values[1:, 5:9] = np.nan  # one value: it is both percentiles
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        expected = np.nanpercentile(values, [10.0, 90.0], axis=0)
    for ours, numpys in zip(_percentiles(values), expected, strict=True):
        np.testing.assert_array_equal(ours, numpys)  # exact, NaN where NaN


def test_a_queue_result_does_not_depend_on_the_other_queues_simulated():
    config = parse_config(CONFIG)
    forecast, coverage = fixture_frames()
    both = simulate_schedule(forecast, coverage, config, replications=6, seed=7)
    alone = simulate_schedule(
        forecast, coverage[coverage["queue"] == "phone_zh"], config, replications=6, seed=7
    )
    phone = both.intervals[both.intervals["queue"] == "phone_zh"].reset_index(drop=True)
    pd.testing.assert_frame_equal(phone, alone.intervals)
    assert alone.unscheduled == ("chat_en",)


def test_progress_reports_every_batch_of_replications():
    config = parse_config(CONFIG)
    forecast, coverage = fixture_frames()
    seen = []
    simulate_schedule(
        forecast,
        coverage,
        config,
        replications=4,
        progress=lambda d, t: seen.append((d, t)),
    )
    total = len(seen)  # batches of a queue's replications
    assert total >= 2 and seen == [(done, total) for done in range(1, total + 1)], seen


# --------------------------------------------------------------------------- tables and files


def test_tables_have_the_design_columns_and_plausible_values():
    config = parse_config(CONFIG)
    forecast, coverage = fixture_frames()
    result = simulate_schedule(forecast, coverage, config, replications=20, seed=7)
    design = ["queue", "interval_start", "service_level", "service_level_p10", "service_level_p90"]
    design += ["asa_s", "abandon_rate", "occupancy", "queue_at_end"]
    assert list(result.intervals.columns[: len(design)]) == design
    table = result.intervals
    assert (table["service_level_p10"] <= table["service_level_p90"]).all()
    assert table["service_level"].between(0, 1).all()
    assert table["occupancy"].between(0, 1.05).all()
    assert set(result.daily["queue"]) == {"phone_zh", "chat_en"}
    assert result.daily["target_met_share"].between(0, 1).all()


def test_tables_in_utc_are_summarised_by_planning_zone_day():
    config = parse_config(CONFIG)
    forecast, coverage = fixture_frames()
    utc = [
        t.assign(interval_start=t["interval_start"].dt.tz_convert("UTC"))
        for t in (forecast, coverage)
    ]
    result = simulate_schedule(*utc, config, replications=2)
    assert result.daily["day"].tolist() == ["2026-12-07", "2026-12-07"]
    assert str(result.intervals["interval_start"].dt.tz) == "Asia/Shanghai"


def test_naive_timestamps_are_refused():
    forecast, coverage = fixture_frames()
    naive = coverage.assign(interval_start=coverage["interval_start"].dt.tz_localize(None))
    with pytest.raises(InputError, match="interval_start must be timezone-aware"):
        _simulate(forecast, naive)


def test_read_files_round_trip(tmp_path):
    config = parse_config(CONFIG)
    forecast, coverage = fixture_frames()
    folder = tmp_path / "schedule"
    folder.mkdir()
    _write(coverage, folder / "coverage.csv")
    _write(forecast, tmp_path / "forecast.csv")
    read_back = read_coverage(folder, config.zone, config.interval_min)
    assert read_back["scheduled"].tolist() == coverage["scheduled"].tolist()
    assert read_back["interval_start"].equals(coverage["interval_start"])
    table = read_demand(tmp_path / "forecast.csv", config.zone, 30)
    np.testing.assert_allclose(table["hi80"], forecast["hi80"])


def _write(frame: pd.DataFrame, path: Path) -> None:
    from staffplan.tables import to_csv_text

    path.write_text(to_csv_text(frame), encoding="utf-8")


# --------------------------------------------------------------------------- bad input


def _simulate(forecast, coverage, config_text=CONFIG, **options):
    options = {"replications": 2, **options}
    return simulate_schedule(forecast, coverage, parse_config(config_text), **options)


def test_schedule_interval_without_forecast_is_named():
    forecast, coverage = fixture_frames()
    forecast = forecast.drop(index=10)
    with pytest.raises(
        InputError, match=r"queue 'phone_zh' has no row for 2026-12-07T05:00:00\+08:00"
    ):
        _simulate(forecast, coverage)


def test_gap_in_the_schedule_is_named():
    forecast, coverage = fixture_frames()
    with pytest.raises(InputError, match="no coverage row between 2026-12-07T04:30:00"):
        _simulate(forecast, coverage.drop(index=10))


def test_negative_agents_are_refused():
    forecast, coverage = fixture_frames()
    coverage.loc[3, "scheduled"] = -1
    with pytest.raises(
        InputError, match=r"01:30:00\+08:00: scheduled -1 is not a number of agents"
    ):
        _simulate(forecast, coverage)


def test_forecast_with_an_interval_twice_is_named():
    forecast, coverage = fixture_frames()
    crash = forecast.assign(scenario="crash")
    with pytest.raises(InputError, match=r"has 2026-12-07T00:00:00\+08:00 twice"):
        _simulate(pd.concat([forecast, crash], ignore_index=True), coverage)


def test_schedule_queue_missing_from_config_is_a_config_error():
    forecast, coverage = fixture_frames()
    coverage.loc[coverage["queue"] == "chat_en", "queue"] = "chat_fr"
    with pytest.raises(ConfigError, match="queue 'chat_fr' is not in the config"):
        _simulate(forecast, coverage)


def test_overdispersion_needs_forecast_intervals():
    forecast, coverage = fixture_frames()
    text = CONFIG + "simulation: {overdispersed: true}\n"
    with pytest.raises(InputError, match="no lo80 and hi80 columns"):
        _simulate(forecast.drop(columns=["lo80", "hi80"]), coverage, text)


@pytest.mark.parametrize(("option", "value"), [("replications", 0), ("seed", -1)])
def test_bad_counts_are_refused(option, value):
    forecast, coverage = fixture_frames()
    with pytest.raises(InputError, match=f"^{option} must") as caught:
        _simulate(forecast, coverage, **{option: value})
    assert caught.value.parameter == option
    assert caught.value.for_command_line().startswith(f"--{option} must")


def test_aht_cv_without_lognormal_is_a_config_error():
    with pytest.raises(ConfigError, match=r"simulation\.aht_cv: exponential handle times"):
        parse_config(CONFIG + "simulation: {aht_cv: 1.3}\n")


def test_schedule_folder_without_coverage_is_named(tmp_path):
    with pytest.raises(InputError, match=r"no coverage\.csv in this folder"):
        read_coverage(tmp_path, parse_config(CONFIG).zone, 30)


def test_forecast_with_several_scenarios_needs_one_picked(tmp_path):
    forecast, _ = fixture_frames()
    crash = forecast.assign(scenario="crash", volume=forecast["volume"] * 2)
    crash = crash.assign(lo80=crash["volume"] * 0.8, hi80=crash["volume"] * 1.25)
    _write(pd.concat([forecast, crash]), tmp_path / "forecast.csv")
    config = parse_config(CONFIG)
    with pytest.raises(InputError, match="scenarios base, crash; pick one with --scenario"):
        read_demand(tmp_path / "forecast.csv", config.zone, 30)
    picked = read_demand(tmp_path / "forecast.csv", config.zone, 30, scenario="crash")
    np.testing.assert_allclose(picked["volume"], crash["volume"])


def test_forecast_interval_not_containing_volume_names_the_row(tmp_path):
    forecast, _ = fixture_frames()
    forecast.loc[4, "hi80"] = 1.0
    _write(forecast, tmp_path / "forecast.csv")
    with pytest.raises(InputError, match="row 6: the 80% interval"):
        read_demand(tmp_path / "forecast.csv", parse_config(CONFIG).zone, 30)


# --------------------------------------------------------------------------- command line


def _cli_files(folder: Path) -> list[str]:
    forecast, coverage = fixture_frames()
    (folder / "schedule").mkdir()
    _write(coverage, folder / "schedule" / "coverage.csv")
    _write(forecast, folder / "forecast.csv")
    (folder / "c.yaml").write_text(CONFIG, encoding="utf-8")
    return [
        "simulate",
        "--schedule",
        str(folder / "schedule"),
        "--forecast",
        str(folder / "forecast.csv"),
        "--config",
        str(folder / "c.yaml"),
        "--replications",
        "8",
        "--jobs",
        "1",
    ]


def test_cli_writes_tables_and_chart_byte_identical_on_rerun(tmp_path):
    from typer.testing import CliRunner

    from staffplan.cli import app

    args = _cli_files(tmp_path)
    outputs = []
    for run in ("a", "b"):
        out, png = tmp_path / f"sim_{run}", tmp_path / f"sim_{run}.png"
        result = CliRunner().invoke(app, [*args, "--output", str(out), "--plot", str(png), "-q"])
        assert result.exit_code == 0, result.stderr
        outputs.append([(out / name).read_bytes() for name in ("simulation.csv", "daily.csv")])
        outputs[-1].append(png.read_bytes())
    assert outputs[0] == outputs[1]
    header = outputs[0][0].split(b"\n", 1)[0].decode()
    assert header.startswith("queue,interval_start,service_level,service_level_p10,")
    assert outputs[0][2].startswith(b"\x89PNG")


def test_cli_prints_the_daily_table(tmp_path):
    from typer.testing import CliRunner

    from staffplan.cli import app

    result = CliRunner().invoke(app, [*_cli_files(tmp_path), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("queue,day,volume,service_level,")
    assert len(lines) == 3  # phone_zh and chat_en, one day


def test_cli_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path):
    from typer.testing import CliRunner

    from staffplan.cli import app

    args = _cli_files(tmp_path)
    out = tmp_path / "sim"
    result = CliRunner().invoke(app, [*args, "--output", str(out), "--scenario", "crash"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "has no scenario 'crash' (scenarios: base)" in result.stderr
    assert not out.exists()
