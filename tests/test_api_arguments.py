"""The Python API refuses a bad argument as the CLI refuses a bad file or option: with a
:class:`StaffplanError` naming the parameter, column and row, never a pandas or pathlib
error from deep inside a stage (the README promises it for notebooks too)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import staffplan
from staffplan import errors
from staffplan.config import Config
from staffplan.errors import InputError
from staffplan.tables import to_csv_text

ONE_DAY = {"start": "2020-05-11", "horizon_days": 1}


@pytest.fixture(scope="module")
def config(example_config: Path) -> Config:
    return staffplan.load_config(example_config)


@pytest.fixture(scope="module")
def forecast(config) -> pd.DataFrame:
    return staffplan.forecast(config, **ONE_DAY).forecast


@pytest.fixture(scope="module")
def requirements(forecast, config) -> pd.DataFrame:
    return staffplan.size(forecast, config)


@pytest.fixture(scope="module")
def coverage(requirements) -> pd.DataFrame:
    return requirements.assign(scheduled=requirements["agents"])[
        ["queue", "interval_start", "scheduled"]
    ]


@pytest.fixture(scope="module")
def history(sample_data: Path) -> pd.DataFrame:
    return pd.read_csv(sample_data / "history.csv")


def _refused(call, *fragments: str) -> None:
    with pytest.raises(InputError) as caught:
        call()
    for fragment in fragments:
        assert fragment in str(caught.value)


# ------------------------------------------------------------------ tables in memory

TABLE_CASES = {
    "schedule-negative-agents": (
        lambda t: staffplan.schedule(t.requirements.assign(agents=-3.0), t.config),
        ("requirements: row 0, column 'agents'", "is below 0"),
    ),
    "schedule-nan-agents": (
        lambda t: staffplan.schedule(t.requirements.assign(agents=math.nan), t.config),
        ("requirements: row 0, column 'agents'", "is blank"),
    ),
    "schedule-no-agents": (
        lambda t: staffplan.schedule(t.requirements.drop(columns="agents"), t.config),
        ("requirements: the requirements table has no column 'agents'",),
    ),
    "size-no-volume": (
        lambda t: staffplan.size(t.forecast.drop(columns="volume"), t.config),
        ("demand: the forecast table has no column 'volume'",),
    ),
    "size-empty-frame": (
        lambda t: staffplan.size(pd.DataFrame(), t.config),
        ("demand: the forecast table has no columns 'queue', 'interval_start', 'volume'",),
    ),
    "size-text-volume": (
        lambda t: staffplan.size(t.forecast.assign(volume="many"), t.config),
        ("demand: row 0, column 'volume'", "is not a number"),
    ),
    "deflect-no-queue": (
        lambda t: staffplan.deflect(t.forecast.drop(columns="queue"), t.config),
        ("demand: the forecast table has no column 'queue'",),
    ),
    "simulate-no-scheduled": (
        lambda t: staffplan.simulate(
            t.requirements, t.coverage.drop(columns="scheduled"), t.config, replications=2
        ),
        ("coverage: the coverage table has no column 'scheduled'",),
    ),
    "forecast-negative-history": (
        lambda t: staffplan.forecast(t.config, history=t.history.assign(volume=-1), **ONE_DAY),
        ("history: row 0, column 'volume'", "is below 0"),
    ),
    "forecast-market-no-close": (
        lambda t: staffplan.forecast(
            t.config, market=pd.DataFrame({"timestamp": ["2020-01-01"]}), **ONE_DAY
        ),
        ("market: the market table has no column 'close'",),
    ),
    "replan-baseline-no-shift-id": (
        lambda t: staffplan.replan(
            pd.DataFrame({"start": [], "end": []}), t.requirements, t.config
        ),
        ("baseline: the baseline shifts table has no column 'shift_id'",),
    ),
    "reforecast-actuals-no-volume": (
        lambda t: staffplan.reforecast(
            t.config,
            forecast=t.forecast,
            actuals=t.forecast[["queue", "interval_start"]],
            as_of="2020-05-11T12:00",
        ),
        ("actuals: the actuals table has no column 'volume'",),
    ),
    "scenarios-fractional-history": (
        lambda t: staffplan.scenarios(t.config, history=t.history.assign(volume=0.5)),
        ("history: row 0, column 'volume'", "is not a whole number of contacts"),
    ),
}


class Tables:
    """The fixtures a case needs, by attribute."""

    def __init__(self, **tables: object) -> None:
        self.__dict__.update(tables)


@pytest.fixture(scope="module")
def tables(config, forecast, requirements, coverage, history) -> Tables:
    return Tables(
        config=config,
        forecast=forecast,
        requirements=requirements,
        coverage=coverage,
        history=history,
    )


@pytest.mark.parametrize("case", list(TABLE_CASES), ids=list(TABLE_CASES))
def test_a_bad_dataframe_is_refused_naming_the_argument_column_and_row(case, tables):
    call, fragments = TABLE_CASES[case]
    _refused(lambda: call(tables), *fragments)


def test_rows_of_a_dataframe_are_counted_by_position_not_index(tables):
    later = tables.requirements.iloc[5:]
    bad = later.assign(agents=[1.0, 1.0, -3.0, *[1.0] * (len(later) - 3)])
    _refused(lambda: staffplan.schedule(bad, tables.config), "requirements: row 2, column 'agents'")


def test_a_dataframe_fails_the_same_check_as_its_csv_file(tables, tmp_path):
    bad = tables.requirements.assign(agents=-3.5)
    path = tmp_path / "requirements.csv"
    path.write_text(to_csv_text(bad), encoding="utf-8")
    messages = []
    for given in (bad, path):
        with pytest.raises(InputError) as caught:
            staffplan.schedule(given, tables.config)
        messages.append(str(caught.value).split("column", 1)[1])
    assert messages[0] == messages[1]


def test_a_good_dataframe_gives_what_its_csv_file_gives(tables, tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text(to_csv_text(tables.forecast), encoding="utf-8")
    from_file = staffplan.size(path, tables.config)
    in_memory = staffplan.size(tables.forecast, tables.config)
    pd.testing.assert_frame_equal(in_memory, from_file, rtol=1e-4)  # the file: 6 digits


# ------------------------------------------------------------------ parameters

PARAMETER_CASES = {
    "horizon-days-text": (
        lambda t: staffplan.forecast(t.config, start="2020-05-11", horizon_days="7"),
        "horizon_days '7' is not a whole number of days; give e.g. 7",
    ),
    "horizon-days-fraction": (
        lambda t: staffplan.forecast(t.config, start="2020-05-11", horizon_days=7.5),
        "horizon_days 7.5 is not a whole number of days",
    ),
    "horizon-days-bool": (
        lambda t: staffplan.forecast(t.config, start="2020-05-11", horizon_days=True),
        "horizon_days True is not a whole number of days",
    ),
    "origins-text": (
        lambda t: staffplan.backtest(t.config, origins="4"),
        "origins '4' is not a whole number of origins",
    ),
    "time-limit-text": (
        lambda t: staffplan.schedule(t.requirements, t.config, time_limit_s="fast"),
        "time_limit 'fast' is not a number of seconds; give e.g. 60",
    ),
    "replications-text": (
        lambda t: staffplan.simulate(t.requirements, t.coverage, t.config, replications="100"),
        "replications '100' is not a whole number of runs",
    ),
    "seed-text": (
        lambda t: staffplan.simulate(t.requirements, t.coverage, t.config, seed="x"),
        "seed 'x' is not a whole number; give e.g. 7",
    ),
    "plan-replications-fraction": (
        lambda t: staffplan.plan(t.config, simulate_replications=2.5),
        "replications 2.5 is not a whole number of runs",
    ),
}


@pytest.mark.parametrize("case", list(PARAMETER_CASES), ids=list(PARAMETER_CASES))
def test_a_parameter_of_the_wrong_type_is_refused_naming_it(case, tables):
    call, message = PARAMETER_CASES[case]
    _refused(lambda: call(tables), message)


# ------------------------------------------------------------------ what an argument is

ARGUMENT_CASES = {
    "forecast-config-none": (
        lambda t: staffplan.forecast(None, **ONE_DAY),
        "config must be a Config (staffplan.load_config) or the path of a YAML config, not None",
    ),
    "deflect-demand-list": (
        lambda t: staffplan.deflect([1, 2, 3], t.config),
        "demand must be a DataFrame or the path of a CSV file, not a list",
    ),
    "deflect-swapped": (
        lambda t: staffplan.deflect(t.config, t.forecast),
        "config must be a Config (staffplan.load_config) or the path of a YAML config, "
        "not a DataFrame",
    ),
    "schedule-requirements-number": (
        lambda t: staffplan.schedule(42, t.config),
        "requirements must be a DataFrame or the path of a CSV file, not an int",
    ),
    "simulate-coverage-dict": (
        lambda t: staffplan.simulate(t.requirements, {}, t.config),
        "coverage must be a DataFrame or the path of a CSV file, not a dict",
    ),
}


@pytest.mark.parametrize("case", list(ARGUMENT_CASES), ids=list(ARGUMENT_CASES))
def test_an_argument_that_is_no_table_or_config_says_what_it_must_be(case, tables):
    call, message = ARGUMENT_CASES[case]
    _refused(lambda: call(tables), message)


# ------------------------------------------------------------------ the error family


@pytest.mark.parametrize("name", ["StaffplanError", "InputError", "ConfigError"])
def test_the_errors_are_importable_from_the_package(name):
    assert getattr(staffplan, name) is getattr(errors, name)
    assert name in staffplan.__all__


def test_a_queue_the_config_lacks_is_named_as_the_readers_name_its_row(forecast, config):
    """The queue check names an in-memory row as the readers do (``demand: row N``,
    counted from 0), not in a wording of its own."""
    renamed = forecast.assign(queue=forecast["queue"].replace("chat_en", "chat_fr"))
    first = int((renamed["queue"] == "chat_fr").to_numpy().argmax())
    with pytest.raises(InputError, match=rf"^demand: row {first}: queue 'chat_fr' is not in"):
        staffplan.size(renamed, config)
    with pytest.raises(InputError, match=rf"^demand: row {first}: queue 'chat_fr' is not in"):
        staffplan.deflect(renamed, config)
