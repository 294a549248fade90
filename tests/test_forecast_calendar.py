"""The calendar of known events in the forecast: closed days, factors, learned effects,
the intervals they carry, and the calendar file and config entries checked at the door."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from test_forecast_model import history

from staffplan import api
from staffplan.config import parse_config
from staffplan.errors import ConfigError, InputError
from staffplan.forecast import StaffplanForecaster, backtest, run_forecast
from staffplan.forecast.events import normal_days
from staffplan.jobs.validate import validate
from staffplan.tables.calendar import load_calendar, read_calendar

START = "2026-01-05"  # a Monday; 12 weeks of history, forecast from 2026-03-30
FORECAST_START = "2026-03-30"


def calendar(*rows: tuple[str, str, str] | tuple[str, str, str, str]) -> pd.DataFrame:
    """A calendar table from ``(date, event, effect[, queue])`` rows."""
    return pd.DataFrame(
        [(*row, "")[:4] for row in rows], columns=["date", "event", "effect", "queue"]
    )


def day_totals(forecast: pd.DataFrame, column: str = "volume") -> pd.Series:
    day = forecast["interval_start"].dt.strftime("%Y-%m-%d")
    return forecast.groupby([forecast["queue"], day])[column].sum()


def fitted_forecast(past: pd.DataFrame, days: pd.DataFrame | None) -> pd.DataFrame:
    return StaffplanForecaster(history_weeks=12, calendar=days).fit(past).predict(FORECAST_START, 7)


@pytest.fixture(scope="module")
def past() -> pd.DataFrame:
    return history(START, 84, queues=("chat", "phone"))


@pytest.fixture(scope="module")
def plain(past) -> pd.DataFrame:
    return fitted_forecast(past, None)


def test_a_closed_day_forecasts_zero_with_zero_intervals(past, plain):
    forecast = fitted_forecast(past, calendar(("2026-04-01", "bank holiday", "closed")))
    closed = forecast["interval_start"].dt.strftime("%Y-%m-%d") == "2026-04-01"
    assert closed.sum() == 2 * 48
    bands = ["volume", "lo80", "hi80", "lo95", "hi95"]
    assert (forecast.loc[closed, bands] == 0).all().all()
    other = ~closed.to_numpy()
    pd.testing.assert_frame_equal(
        forecast[other].reset_index(drop=True), plain[other].reset_index(drop=True)
    )


def test_a_factor_scales_the_day_and_its_own_queue_row_wins(past, plain):
    days = calendar(
        ("2026-04-02", "launch", "x1.8"),
        ("2026-04-02", "launch", "x1.2", "phone"),
    )
    totals, before = day_totals(fitted_forecast(past, days)), day_totals(plain)
    assert totals[("chat", "2026-04-02")] == pytest.approx(1.8 * before[("chat", "2026-04-02")])
    assert totals[("phone", "2026-04-02")] == pytest.approx(1.2 * before[("phone", "2026-04-02")])
    assert totals[("chat", "2026-04-03")] == pytest.approx(before[("chat", "2026-04-03")])


def with_launches(past: pd.DataFrame, dates: list[str], factor: float) -> pd.DataFrame:
    """``past`` with every interval of ``dates`` multiplied by ``factor``."""
    day = past["interval_start"].dt.strftime("%Y-%m-%d")
    return past.assign(volume=np.where(day.isin(dates), past["volume"] * factor, past["volume"]))


LAUNCHES = ["2026-01-14", "2026-02-05", "2026-02-24", "2026-03-12"]  # varied weekdays


def test_a_learned_effect_follows_past_occurrences_shrunk_toward_normal(past, plain):
    boosted = with_launches(past, LAUNCHES, 2.0)
    days = calendar(*[(d, "launch", "x2") for d in LAUNCHES], ("2026-04-01", "launch", "learned"))
    forecast = fitted_forecast(boosted, days)
    ratio = day_totals(forecast) / day_totals(plain)
    assert 1.6 < ratio[("chat", "2026-04-01")] < 2.0, ratio  # up, a little shrunk
    dropped = with_launches(past, LAUNCHES, 0.4)
    down = day_totals(fitted_forecast(dropped, days)) / day_totals(plain)
    assert 0.35 < down[("chat", "2026-04-01")] < 0.5, down
    # the launches were left out of the fit: the other days are the plain forecast's
    assert ratio[("chat", "2026-04-02")] == pytest.approx(1.0, rel=0.03)


def test_fewer_occurrences_shrink_more_and_an_unseen_event_keeps_the_normal_day(past, plain):
    future = ("2026-04-01", "launch", "learned")
    ratios = []
    for count in (1, 4):
        boosted = with_launches(past, LAUNCHES[:count], 2.0)
        days = calendar(*[(d, "launch", "x2") for d in LAUNCHES[:count]], future)
        model = StaffplanForecaster(history_weeks=12, calendar=days).fit(boosted)
        ratios.append(model.calendar_["chat"].learned.set_index("event").loc["launch", "ratio"])
    assert 1.0 < ratios[0] < ratios[1] < 2.0, ratios
    unseen = fitted_forecast(past, calendar(future))
    assert day_totals(unseen)[("chat", "2026-04-01")] == pytest.approx(
        day_totals(plain)[("chat", "2026-04-01")]
    )


def test_a_learned_day_has_wider_intervals_the_more_its_past_ratios_spread(past):
    future = ("2026-04-01", "launch", "learned")
    width = {}
    for label, factors in (("steady", [2.0, 2.0, 2.0, 2.0]), ("erratic", [1.2, 3.2, 1.1, 3.0])):
        varied = past
        for date, factor in zip(LAUNCHES, factors, strict=True):
            varied = with_launches(varied, [date], factor)
        days = calendar(*[(d, "launch", "x2") for d in LAUNCHES], future)
        forecast = fitted_forecast(varied, days)
        on_day = forecast[forecast["interval_start"].dt.strftime("%Y-%m-%d") == "2026-04-01"]
        chat = on_day[on_day["queue"] == "chat"]
        width[label] = ((chat["hi80"] - chat["lo80"]) / chat["volume"]).mean()
    assert width["erratic"] > 1.3 * width["steady"], width


def test_backtest_applies_the_calendar_and_closed_days_score_perfectly():
    past = history(START, 112)
    day = past["interval_start"].dt.strftime("%Y-%m-%d")
    holidays = ["2026-04-06", "2026-04-22"]  # inside the last four weeks (the windows)
    closed = past.assign(volume=np.where(day.isin(holidays), 0.0, past["volume"]))
    days = calendar(*[(d, "holiday", "closed") for d in holidays])
    mase = [
        backtest(closed, [model], origins=4, train_weeks=12)[0].loc[0, "mase"]
        for model in (StaffplanForecaster(), StaffplanForecaster(calendar=days))
    ]
    assert mase[1] < 0.9 * mase[0], mase


def test_normal_days_use_the_same_weekday_around_and_skip_events():
    day = np.arange(0, 70)
    total = np.where(day % 7 == 0, 700.0, 100.0)
    total[35] = 5.0  # an event on a 700-day
    exclude = day == 35
    expected = normal_days(day, total, exclude)
    assert expected[35] == 700.0 and expected[36] == 100.0


# ------------------------------------------------------------------ reading the calendar


def write(tmp_path, text: str):
    path = tmp_path / "calendar.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_calendar_keeps_effects_and_blank_queue_means_every_queue(tmp_path):
    path = write(tmp_path, "date,event,effect,queue\n2026-12-25,christmas,Closed,\n"
                 "2026-12-24,eve,x0.6,chat\n2026-11-27,black friday,learned,\n")  # fmt: skip
    table = read_calendar(path, ["chat", "phone"])
    assert table.to_dict("list") == {
        "date": ["2026-12-25", "2026-12-24", "2026-11-27"],
        "event": ["christmas", "eve", "black friday"],
        "effect": ["closed", "x0.6", "learned"],
        "queue": ["", "chat", ""],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,event,effect\n2026-12-25,a,closed\n25/12/2026,b,closed\n",
         "row 3, column 'date': '25/12/2026' is not a date; write the day as YYYY-MM-DD"),
        ("date,event,effect\n2026-02-30,a,closed\n", "row 2, column 'date': '2026-02-30'"),
        ("date,event,effect\n2026-12-25,a,shut\n",
         "row 2, column 'effect': 'shut' is not an effect; use closed, learned or a factor"),
        ("date,event,effect\n2026-12-25,a,x-2\n", "'x-2' is not an effect"),
        ("date,event,effect,queue\n2026-12-25,a,closed,chatt\n",
         "row 2, column 'queue': queue 'chatt' is not in the config (queues: chat, phone)"),
        ("date,event,effect\n2026-12-25,,closed\n", "row 2, column 'event': blank"),
        ("date,event,effect\n2026-12-25,a,closed\n2026-12-25,b,x2\n",
         "row 3: 2026-12-25 is in the calendar twice for every queue"),
        ("date,event\n2026-12-25,a\n", "the calendar file has no column 'effect'"),
    ],
    ids=["date format", "no such day", "unknown effect", "negative factor", "unknown queue",
         "blank event", "twice", "no effect column"],
)  # fmt: skip
def test_read_calendar_names_the_file_row_and_problem(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_calendar(path, ["chat", "phone"])
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


CONFIG = """\
timezone: UTC
queues: [{name: chat, aht_s: 300}, {name: phone, aht_s: 300}]
forecast:
  calendar: calendar.csv
  calendar_days:
    - {date: 2026-12-31, event: new year's eve, effect: x0.7, queue: phone}
"""


def test_load_calendar_merges_the_file_and_inline_days(tmp_path):
    write(tmp_path, "date,event,effect\n2026-12-25,christmas,closed\n")
    (tmp_path / "c.yaml").write_text(CONFIG, encoding="utf-8")
    table = load_calendar(parse_config(CONFIG, source=tmp_path / "c.yaml"))
    assert table.to_dict("list") == {
        "date": ["2026-12-25", "2026-12-31"],
        "event": ["christmas", "new year's eve"],
        "effect": ["closed", "x0.7"],
        "queue": ["", "phone"],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("effect: x0.7", "effect: half"), "forecast.calendar_days[0].effect: 'half' is not an"),
        (("queue: phone", "queue: fone"), "forecast.calendar_days[0].queue: queue 'fone' is not"),
    ],
)
def test_inline_calendar_days_are_checked_with_their_key(tmp_path, change, message):
    write(tmp_path, "date,event,effect\n2026-12-25,christmas,closed\n")
    text = CONFIG.replace(change[0], change[1])
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_calendar(parse_config(text, source=tmp_path / "c.yaml"))


def test_the_config_calendar_reaches_the_forecast_and_validate(example_config, tmp_path):
    raw = yaml.safe_load(example_config.read_text(encoding="utf-8"))
    for queue in raw["queues"]:
        if "history" in queue:  # a tier-2 queue has none: escalations feed it
            queue["history"] = str((example_config.parent / queue["history"]).resolve())
    raw["market"]["prices"] = str((example_config.parent / raw["market"]["prices"]).resolve())
    raw["forecast"]["calendar"] = "calendar.csv"
    write(tmp_path, "date,event,effect,queue\n2020-05-11,outage,closed,phone_zh\n")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    run = api.forecast(path, start="2020-05-11", horizon_days=2)
    totals = day_totals(run.forecast)
    assert totals[("phone_zh", "2020-05-11")] == 0
    assert totals[("chat_en", "2020-05-11")] > 1000 and totals[("phone_zh", "2020-05-12")] > 500
    checks = validate(path).set_index("item")
    row = checks.loc["forecast.calendar"]  # the file's day and the example's inline one
    assert (row["rows"], row["first"], row["last"]) == (2, "2020-05-11", "2020-06-25")


def test_a_learned_event_never_seen_before_is_forecast_normal_with_a_warning(past):
    days = calendar(
        ("2026-03-12", "launch", "x2"),
        ("2026-04-01", "launch", "learned"),
        ("2026-04-02", "town fair", "learned", "phone"),
    )
    run = run_forecast(past, FORECAST_START, 7, calendar=days)
    (warning,) = run.warnings
    assert "'town fair' on 2026-04-02 (phone)" in warning and "no earlier day" in warning
    assert "launch" not in warning  # 2026-03-12 is in the history
    assert run_forecast(past, FORECAST_START, 7, calendar=days.iloc[:2]).warnings == ()
