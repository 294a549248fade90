"""The table contract: docs/tables.md and staffplan.tables.schema agree, check() refuses
what breaks it, and the stages' real outputs keep it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffplan.config import parse_config
from staffplan.deflection import project_deflection
from staffplan.errors import InputError
from staffplan.finance.report import presentable
from staffplan.finance.scenarios import scenarios_from_history
from staffplan.forecast import run_forecast
from staffplan.jobs.plan import PlanResult, daily_summary
from staffplan.jobs.publish import manifest
from staffplan.replan import replan_surge
from staffplan.roster.assign import assign_agents
from staffplan.schedule import build_schedule
from staffplan.simulate import simulate_schedule
from staffplan.staffing import size_requirements
from staffplan.tables import read_history, read_market
from staffplan.tables.schema import TABLES, TYPES, check, columns, required

DOCS = Path(__file__).resolve().parents[1] / "docs" / "tables.md"

# ------------------------------------------------------------------ the docs


def doc_sections() -> dict[str, list[str]]:
    """The lines of each ``## `` section of docs/tables.md, by heading."""
    sections: dict[str, list[str]] = {}
    heading = ""
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:]
            sections[heading] = []
        elif heading:
            sections[heading].append(line)
    return sections


def doc_rows(lines: list[str]) -> list[list[str]]:
    """The body rows of the markdown table in ``lines`` (header and rule left out), cells
    stripped, backticks off the first cell."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in lines
        if line.startswith("|")
    ]
    return [[row[0].strip("`"), *row[1:]] for row in rows[2:]]


def doc_tables() -> dict[str, tuple[str, list[list[str]]]]:
    """Per documented table: its ``Key:`` line and its column rows (those of another table
    where it says ``Columns: those of `other`.``)."""
    out, references = {}, {}
    for heading, lines in doc_sections().items():
        name = re.match(r"`(\w+)`", heading)
        if not name:
            continue
        key = next(line for line in lines if line.startswith("Key: "))
        out[name.group(1)] = (key, doc_rows(lines))
        for line in lines:
            if found := re.match(r"Columns: those of `(\w+)`\.", line):
                references[name.group(1)] = found.group(1)
    for name, other in references.items():
        out[name] = (out[name][0], out[other][1])
    return out


def schema_rows(name: str) -> list[list[str]]:
    """The schema's columns of ``name`` as docs/tables.md writes them."""
    return [
        [
            c.name,
            c.type + (" or empty" if c.blank else ""),
            "yes" if c.required else "no",
            c.unit,
            c.meaning,
        ]
        for c in TABLES[name].columns
    ]


def test_docs_document_every_table_of_the_schema_and_no_other():
    assert sorted(doc_tables()) == sorted(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_docs_and_schema_agree_on_every_column(name):
    key, rows = doc_tables()[name]
    assert rows == schema_rows(name), f"docs/tables.md '{name}' differs from the schema"
    keys = TABLES[name].key
    assert key == (f"Key: `{', '.join(keys)}`." if keys else "Key: none (one row per contact).")


def test_docs_list_the_schema_types():
    rows = doc_rows(doc_sections()["Types"])
    assert [row[0] for row in rows] == list(TYPES)


def test_docs_list_the_manifest_keys():
    heading = next(h for h in doc_sections() if h.startswith("Manifest"))
    documented = [row[0] for row in doc_rows(doc_sections()[heading])]
    solver = {"stopped_at_time_limit": False, "gap_to_lp_bound": 0.0, "method": "milp"}
    span = (pd.Timestamp("2026-01-05", tz="UTC"), pd.Timestamp("2026-03-22 23:30", tz="UTC"))
    written = json.loads(
        manifest("plan", ["--start=2026-03-23"], {}, "Europe/Berlin", solver=solver, history=span)
    )
    assert documented == sorted(written)


# ------------------------------------------------------------------ check()


def requirements_frame(rows: int = 3) -> pd.DataFrame:
    times = pd.date_range("2026-03-23", periods=rows, freq="30min", tz="Europe/Berlin")
    return pd.DataFrame(
        {
            "note": "hand-made",
            "agents": np.arange(rows, dtype=float) + 1,
            "interval_start": times,
            "queue": "chat",
            "service_level": np.linspace(0.8, 0.9, rows),
        }
    )


def test_check_puts_contract_columns_in_order_and_keeps_extra_ones_last():
    checked = check(requirements_frame(), "requirements", source="req.csv")
    assert list(checked.columns) == ["queue", "interval_start", "agents", "service_level", "note"]
    assert required("requirements") == ["queue", "interval_start", "agents"]
    assert columns("requirements")[: len(columns("forecast"))] == columns("forecast")


def test_check_names_the_source_the_table_and_every_missing_column():
    frame = requirements_frame().drop(columns=["queue", "agents"])
    with pytest.raises(InputError) as caught:
        check(frame, "requirements", source="hand.csv")
    assert str(caught.value).startswith("hand.csv: the requirements file has no columns")
    assert "'queue', 'agents'" in str(caught.value)


def test_check_suggests_the_column_a_misspelt_one_meant():
    frame = requirements_frame().rename(columns={"agents": "agnets"})
    with pytest.raises(InputError, match=r"^r\.csv: .*found 'agnets', did you mean 'agents'\?"):
        check(frame, "requirements", source="r.csv")


def test_check_refuses_a_column_given_twice():
    frame = pd.concat([requirements_frame(), requirements_frame()[["agents"]]], axis=1)
    with pytest.raises(InputError, match=r"r\.csv: the requirements table has the column 'agents'"):
        check(frame, "requirements", source="r.csv")


def changed(column: str, values: list) -> pd.DataFrame:
    return requirements_frame().assign(**{column: values})


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            changed("interval_start", list(pd.date_range("2026-03-23", periods=3, freq="h"))),
            "column 'interval_start' of the requirements table holds timestamps without a "
            "time zone",
        ),
        (
            changed("interval_start", ["2026-03-23T00:00:00+01:00"] * 3),
            "column 'interval_start' of the requirements table holds string values; expected "
            "a timezone-aware timestamp",
        ),
        (changed("agents", ["1", "2", "3"]), "holds string values; expected a finite number"),
        (changed("agents", [1.0, np.inf, 2.0]),
         "row 3, column 'agents' of the requirements table: inf is not a finite number"),
        (changed("agents", [1.0, np.nan, 2.0]),
         "row 3, column 'agents' of the requirements table is empty; fill in a finite number"),
        (changed("service_level", [0.8, 1.2, 0.9]), "1.2 is not a share from 0 to 1"),
        (changed("queue", ["chat", "", "chat"]),
         "row 3, column 'queue' of the requirements table is empty; fill in text"),
        (changed("queue", [1, 2, 3]), "column 'queue' of the requirements table holds integer"),
        (changed("peak", ["True", "False", "True"]), "holds string values; expected true or"),
    ],
    ids=["naive time", "time as text", "number as text", "inf", "empty", "share", "blank text",
         "text as numbers", "bool as text"],
)  # fmt: skip
def test_check_refuses_values_not_of_the_column_type(frame, message):
    with pytest.raises(InputError, match=r"^r\.csv: ") as caught:
        check(frame, "requirements", source="r.csv")
    assert message in str(caught.value)


def shifts_frame() -> pd.DataFrame:
    start = pd.date_range("2026-03-23 08:00", periods=3, freq="h", tz="Europe/Berlin")
    return pd.DataFrame({"shift_id": ["S1", "S2", "S3"], "start": start, "end": start})


@pytest.mark.parametrize(
    ("frame", "table", "message"),
    [
        (requirements_frame().assign(volume=[1.0, 2.5, 3.0]), "history",
         "row 3, column 'volume' of the history table: 2.5 is not a whole number"),
        (requirements_frame().assign(volume=[1, -1, 3]), "history",
         "row 3, column 'volume' of the history table: -1 is below 0"),
        (shifts_frame().assign(day=["2026-03-23", "23/03/2026", "2026-03-23"]), "shifts",
         "row 3, column 'day' of the shifts table: '23/03/2026' is not a day like 2026-12-07"),
    ],
    ids=["fractional count", "negative count", "day"],
)  # fmt: skip
def test_check_refuses_counts_and_days_that_are_not(frame, table, message):
    with pytest.raises(InputError, match=r"^t\.csv: ") as caught:
        check(frame, table, source="t.csv")
    assert message in str(caught.value)


def test_check_accepts_empty_cells_where_the_column_allows_them():
    shifts = pd.DataFrame(
        {
            "shift_id": ["S1", "S2"],
            "start": pd.date_range("2026-03-23 08:00", periods=2, freq="h", tz="UTC"),
            "breaks": ["", np.nan],
        }
    ).assign(end=lambda f: f["start"] + pd.Timedelta(hours=8))
    assert list(check(shifts, "shifts", source="s.csv").columns) == [
        "shift_id",
        "start",
        "end",
        "breaks",
    ]


def test_check_names_the_tables_when_asked_for_an_unknown_one():
    with pytest.raises(KeyError, match="no table 'requirement'; the tables are history"):
        check(requirements_frame(), "requirement", source="r.csv")


# ------------------------------------------------------------------ the stages' own outputs

CONFIG = """
timezone: Europe/Berlin
interval_min: 60
queues:
  - {name: chat, channel: chat, aht_s: 300, patience_s: 120,
     target: {service_level: 0.8, answer_within_s: 60}}
deflection:
  queues:
    - queue: chat
      programme: faq_bot
      reasons:
        - {name: how_to, share: 0.5, aht_weight: 0.5, containment: 0.4, recontact: 0.25}
        - {name: other, share: 0.5, aht_weight: 1.5}
shifts:
  templates:
    - name: day
      start_window: ["06:00", "14:00"]
      start_every_min: 60
      lengths_min: [480]
      breaks:
        - {minutes: 30, window_after_start_min: [180, 300]}
team:
  agents:
    - {name: Ana}
    - {name: Bo}
    - {name: Chen}
    - {name: Dara}
    - {name: Eli, on_call: true}
scenarios:
  start: 2026-04
  horizon_months: 2
  starting_headcount: 5
  cases:
    - {name: base, volume_growth: 0.01, stressed_share: 0.1, attrition: 0.02,
       hiring_lead_months: 1, ramp: [0.5], cost_per_fte_month: 5000}
"""
MONDAY = dt.date(2026, 3, 23)


def history_csv(folder: Path) -> Path:
    """Three weeks of hourly chats with a daily rhythm and their handle time."""
    times = pd.date_range("2026-03-02", periods=21 * 24, freq="h", tz="Europe/Berlin")
    hour = times.hour.to_numpy()
    volume = np.round(20 + 15 * np.sin((hour - 6) / 24 * 2 * np.pi) + np.arange(len(times)) % 7)
    aht_s = 290.0 + hour
    path = folder / "history.csv"
    pd.DataFrame(
        {"queue": "chat", "interval_start": times, "volume": volume, "aht_s": aht_s}
    ).to_csv(path, index=False)
    return path


def market_csv(folder: Path) -> Path:
    times = pd.date_range("2026-03-01", periods=48, freq="h", tz="UTC")
    close = 60_000 * np.exp(np.cumsum(np.sin(np.arange(48)) / 100))
    path = folder / "market.csv"
    pd.DataFrame({"timestamp": times, "close": close, "volume": 10.0}).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """Every table the stages write, from one small day of one queue."""
    folder = tmp_path_factory.mktemp("tables")
    config = parse_config(CONFIG)
    history = read_history(history_csv(folder), config.zone, config.interval_min)
    run = run_forecast(history, None, 1)
    deflection = project_deflection(run.forecast, config)
    requirements = size_requirements(deflection.intervals, config)
    schedule = build_schedule(requirements, config, time_limit_s=10)
    team = assign_agents(
        schedule.shifts,
        config.team,
        config.shifts.rules,
        week_start=MONDAY,
        templates=config.shifts.templates,
    )
    surge = replan_surge(
        schedule.shifts, requirements.assign(agents=2 * requirements["agents"]), config
    )
    simulation = simulate_schedule(requirements, schedule.coverage, config, replications=5, seed=1)
    finance = scenarios_from_history(history, config)
    start = pd.Timestamp(MONDAY).tz_localize(config.zone)
    plan = PlanResult(start, config.interval_min, run, deflection, requirements, schedule)
    return {
        "history": history,
        "market": read_market(market_csv(folder)),
        "forecast": run.forecast,
        "deflection": deflection.intervals,
        "deflection_summary": deflection.summary,
        "requirements": requirements,
        "shifts": schedule.shifts,
        "coverage": schedule.coverage,
        "daily": daily_summary(plan),
        "simulation": simulation.intervals,
        "simulation_daily": simulation.daily,
        "roster": team.roster,
        "agents": team.agents,
        "open_shifts": team.open_shifts,
        "changes": surge.changes,
        "scenarios": presentable(finance.months),
        "sensitivity": presentable(finance.sensitivity),
    }


OUTPUTS = [
    "history", "market", "forecast", "deflection", "deflection_summary", "requirements",
    "shifts", "coverage", "daily", "simulation", "simulation_daily", "roster", "agents",
    "open_shifts", "changes", "scenarios", "sensitivity",
]  # fmt: skip
NOT_WRITTEN = {  # optional columns these outputs leave out, and why
    "market": {"high", "low"},  # the small market file has none
    "forecast": {"scenario"},  # a label users add
    "deflection": {"scenario"},
    "requirements": {"scenario"},
    "shifts": {"agent"},  # only the roster names agents
    "open_shifts": {"agent"},
}


@pytest.mark.parametrize("name", OUTPUTS)
def test_each_stage_output_passes_check_with_each_key_once(outputs, name):
    frame = outputs[name]
    assert len(frame) > 0
    checked = check(frame, name, source=f"{name} output")
    assert len(checked) == len(frame)
    assert not frame.duplicated(list(TABLES[name].key)).any()


@pytest.mark.parametrize("name", OUTPUTS)
def test_each_stage_writes_the_contract_columns_in_order(outputs, name):
    expected = [c for c in columns(name) if c not in NOT_WRITTEN.get(name, ())]
    assert list(outputs[name].columns) == expected


def test_history_counted_from_events_keeps_the_history_contract(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "created_at,queue,reason,handle_time_s\n"
        "2026-03-02 08:05,chat,how_to,300\n"
        "2026-03-02 08:40,chat,,420\n"
        "2026-03-02 10:10,chat,other,360\n",
        encoding="utf-8",
    )
    history = read_history(path, parse_config(CONFIG).zone, 60)
    checked = check(history, "history", source=str(path))
    assert list(checked.columns) == columns("history")
    assert checked["volume"].tolist() == [2, 0, 1]
    assert checked["aht_s"].isna().tolist() == [False, True, False]  # no contacts at 09:00
