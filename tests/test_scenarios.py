"""Finance scenarios: engine-sized demand, headcount flow, hiring lead time, outputs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from staffplan.config import parse_config
from staffplan.errors import ConfigError, InputError
from staffplan.finance.headcount import plan_headcount
from staffplan.finance.report import (
    csv_text,
    presentable,
    scenario_chart,
    scenario_workbook,
    write_scenarios,
)
from staffplan.finance.scenarios import (
    SCENARIO_COLUMNS,
    representative_week,
    run_scenarios,
    scenarios_from_history,
)
from staffplan.staffing import size_requirements

BASE = """
timezone: Asia/Shanghai
interval_min: 60
queues:
  - {name: phone_zh, channel: phone, aht_s: 300, shrinkage: 0.3,
     target: {service_level: 0.8, answer_within_s: 20}}
deflection:
  queues:
    - queue: phone_zh
      programme: ivr
      launch: 2026-02-01
      reasons:
        - {name: how_to, share: 0.5, aht_weight: 0.6, containment: 0.4, recontact: 0.25,
           ramp_weeks: 8, aht_uplift: 0.1}
        - {name: other, share: 0.5, aht_weight: 1.4}
scenarios:
  start: 2026-02
  horizon_months: 6
  starting_headcount: 10
  cases:
    - {name: base, cost_per_fte_month: 5000, volume_growth: 0.02, stressed_share: 0.1,
       attrition: 0.03, hiring_lead_months: 2, ramp: [0.5, 0.8]}
    - {name: '$\\x$ stressed', cost_per_fte_month: 5000, volume_growth: 0.05,
       stressed_share: 0.3, attrition: 0.05, hiring_lead_months: 1, ramp: [0.6]}
"""


def config(text: str = BASE):
    return parse_config(text, source=Path("c.yaml"))


def history(weeks: int = 4, zone: str = "Asia/Shanghai", end: str = "2026-02-01"):
    times = pd.date_range(end=pd.Timestamp(end, tz=zone), periods=168 * weeks + 1, freq="h")[:-1]
    hour = times.hour.to_numpy()
    volume = np.round(20 + 60 * np.exp(-(((hour - 14) / 4.0) ** 2)))
    return pd.DataFrame({"queue": "phone_zh", "interval_start": times, "volume": volume})


@pytest.fixture(scope="module")
def result():
    return scenarios_from_history(history(), config())


def test_months_table_has_the_contract_columns(result):
    months = result.months
    assert list(months.columns) == SCENARIO_COLUMNS
    assert list(months.columns[:9]) == [
        "scenario", "month", "volume", "deflected", "required_fte",
        "available_fte", "hires", "attrition", "cost",
    ]  # fmt: skip
    assert months["month"].tolist()[:6] == [f"2026-0{m}" for m in range(2, 8)]


def test_headcount_is_conserved_month_by_month(result):
    for _, months in result.months.groupby("scenario"):
        start, end = months["headcount_start"].to_numpy(), months["headcount_end"].to_numpy()
        flow = start - months["attrition"].to_numpy() + months["hires"].to_numpy()
        np.testing.assert_allclose(end, flow, rtol=0, atol=1e-9)
        np.testing.assert_allclose(start[1:], end[:-1], rtol=0, atol=1e-12)
        assert start[0] == 10


def test_hires_respect_the_lead_time(result):
    base = result.months[result.months["scenario"] == "base"]
    hires, requisitions = base["hires"].to_numpy(), base["hires_requisitioned"].to_numpy()
    assert hires[:2].sum() == 0 and hires.sum() > 0
    np.testing.assert_array_equal(requisitions[:-2], hires[2:])  # lead time of 2 months
    gap = base["gap_fte"].to_numpy()
    assert gap[:2].min() > 0 and np.all(gap[2 + 2 :] == 0)  # met from lead + ramp on
    assert "lead time: first 2 month(s) cannot be met by hiring" in base["note"].iloc[0]
    np.testing.assert_allclose(
        base["cost"], base["headcount_end"] * 5000 + base["gap_fte"] * 7500, rtol=1e-12
    )


def test_required_fte_comes_from_the_engine_not_volume_times_aht():
    text = BASE.replace(
        "volume_growth: 0.02, stressed_share: 0.1", "volume_growth: 0.0, stressed_share: 0.0"
    )
    text = text.replace("launch: 2026-02-01", "launch: 2030-01-01")  # no deflection yet
    cfg = config(text)
    week = representative_week(history(), cfg, 4)
    months = run_scenarios(week, cfg).months.query("scenario == 'base'")
    sized = size_requirements(week, cfg)
    engine_fte = sized["required_fte"].sum() * 1.0 / 40.0  # hourly intervals, 40 h per FTE
    np.testing.assert_allclose(months["required_fte"], engine_fte, rtol=1e-12)
    linear_fte = (week["volume"] * 300 / 3600).sum() / 0.7 / 40.0
    assert engine_fte > 1.2 * linear_fte  # 80/20 on a small queue costs far more than workload


def test_month_mixes_calm_and_stressed_days_and_compounds_growth(result):
    base = result.months[result.months["scenario"] == "base"]
    mixed = 0.9 * base["required_fte_calm"] + 0.1 * base["required_fte_stressed"]
    np.testing.assert_allclose(base["required_fte"], mixed, rtol=1e-12)
    assert (base["required_fte_stressed"] > base["required_fte_calm"]).all()
    days = np.array([28, 31, 30, 31, 30, 31])
    per_day = (base["volume"] / days).to_numpy()
    np.testing.assert_allclose(per_day[1:] / per_day[:-1], 1.02, rtol=1e-12)
    deflected_per_day = (base["deflected"] / days).to_numpy()
    assert np.all(np.diff(deflected_per_day) > 0)  # growth, and the IVR ramps up over 8 weeks


def test_lead_time_beyond_the_horizon_is_reported_not_an_error():
    text = BASE.replace("hiring_lead_months: 2", "hiring_lead_months: 8")
    months = scenarios_from_history(history(), config(text)).months.query("scenario == 'base'")
    assert months["hires"].sum() == 0 and months["hires_requisitioned"].sum() == 0
    assert (months["gap_fte"] > 0).all()
    assert "the 8-month lead time exceeds the horizon" in months["note"].iloc[-1]


def test_plan_headcount_by_hand():
    # 10 heads, 10% leave each month, 1-month lead, new hires at 50% in their first month.
    # Month 1: 8.1 tenured, 1.9 short -> 4 hires at 0.5 (month 2 can use 2.71 / 0.9 = 3.01
    # of them, rounded up); month 2: 7.29 + 3.6 = 10.89, no hire; month 3: 6.561 + 3.24 =
    # 9.801, 0.199 short -> 1 hire at 0.5.
    plan = plan_headcount(np.full(4, 10.0), 10.0, 0.1, 1, (0.5,))
    np.testing.assert_array_equal(plan.hires, [0, 4, 0, 1])
    np.testing.assert_allclose(plan.headcount_end, [9.0, 12.1, 10.89, 10.801])
    np.testing.assert_allclose(plan.available_fte, [9.0, 10.1, 10.89, 10.301])
    np.testing.assert_allclose(plan.attrition, [1.0, 0.9, 1.21, 1.089])
    np.testing.assert_allclose(plan.gap_fte, [1.0, 0, 0, 0])
    np.testing.assert_array_equal(plan.hires_requisitioned, [4, 0, 1, 0])


def test_sensitivity_moves_each_driver_and_sorts_by_cost_swing(result):
    table = result.sensitivity[result.sensitivity["scenario"] == "base"].set_index("driver")
    assert list(table["cost_swing"]) == sorted(table["cost_swing"], reverse=True)
    payroll = result.months.query("scenario == 'base'")["payroll_cost"].sum()
    cost = table.loc["cost_per_fte_month"]
    assert cost["delta_cost_high"] == pytest.approx(0.1 * payroll)
    assert cost["delta_cost_low"] == pytest.approx(-0.1 * payroll)
    assert cost["delta_required_fte_high"] == 0
    volume = table.loc["volume"]
    assert volume["delta_required_fte_low"] < 0 < volume["delta_required_fte_high"]
    deflection = table.loc["deflection"]
    assert deflection["delta_required_fte_high"] < 0 < deflection["delta_required_fte_low"]
    assert table.loc["attrition", "delta_required_fte_high"] == 0  # supply, not demand
    assert set(table.index) >= {"aht", "shrinkage", "new_hire_ramp", "stressed_share"}


def header_names(sheet) -> list[str]:
    """The header cells without their units: ``cost (USD/month)`` -> ``cost``."""
    return [str(c.value).split(" (")[0] for c in sheet[1]]


def test_excel_opens_and_its_numbers_equal_the_csv(result):
    book = load_workbook(io.BytesIO(scenario_workbook(result)))
    assert book.sheetnames[0] == "Comparison" and "Sensitivity" in book.sheetnames
    csv = pd.read_csv(io.StringIO(csv_text(result.months)), keep_default_na=False)
    sheet = book["base"]
    header = header_names(sheet)
    assert header == SCENARIO_COLUMNS
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=7)]
    expected = csv[csv["scenario"] == "base"]
    assert len(rows) == len(expected) == 6
    for cells, (_, line) in zip(rows, expected.iterrows(), strict=True):
        for column, value in zip(header, cells, strict=True):
            if column == "month":
                assert f"{value:%Y-%m}" == line[column]
            elif isinstance(line[column], str):
                assert (value or "") == line[column], column
            else:
                assert isinstance(value, int | float) and value == line[column], column


def test_workbook_is_finance_grade(result):
    book = load_workbook(io.BytesIO(scenario_workbook(result)))
    sheet = book["base"]
    header = [c.value for c in sheet[1]]
    column = {name: i + 1 for i, name in enumerate(header_names(sheet))}
    assert "cost (USD/month)" in header and "required_fte (FTE)" in header
    assert "hires (people)" in header
    month = sheet.cell(row=2, column=column["month"])
    assert month.is_date and month.number_format == "mmm yyyy"
    assert month.value.date() == dt.date(2026, 2, 1)
    cost = sheet.cell(row=2, column=column["cost"])
    assert '"USD"' in cost.number_format and cost.number_format.startswith("#,##0")
    fte = sheet.cell(row=2, column=column["required_fte"])
    assert fte.number_format == "#,##0.00"
    assert sheet.freeze_panes == "C2"  # header row, scenario and month stay in view
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}7"
    (chart,) = sheet._charts
    assert "required vs planned FTE" in chart.title.tx.rich.p[0].r[0].t
    assert len(chart.series) == 3  # required, available (productive), heads
    notes = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert any(n.startswith("Hiring rule (max_hires_per_month: no cap)") for n in notes)
    for name in ("Comparison", "Sensitivity", "Assumptions"):
        assert book[name].auto_filter.ref and book[name].freeze_panes != "A1", name
    assumptions = book["Assumptions"]
    names = header_names(assumptions)
    rate = assumptions.cell(row=2, column=names.index("attrition") + 1)
    assert rate.value == 0.03 and rate.number_format == "0.0%"
    start = assumptions.cell(row=2, column=names.index("start") + 1)
    assert start.is_date and start.number_format == "mmm yyyy"
    sensitivity = book["Sensitivity"]
    names = header_names(sensitivity)
    formats = {
        row[names.index("driver")].value: row[names.index("base_value")].number_format
        for row in sensitivity.iter_rows(min_row=2)
        if row[0].value == "base"
    }
    assert formats["attrition"] == "0.0%" and '"USD"' in formats["cost_per_fte_month"]
    assert formats["volume"] == '0.00"×"'


def test_workbook_money_uses_the_configured_currency():
    text = BASE.replace("starting_headcount: 10", "starting_headcount: 10\n  currency: EUR")
    result = scenarios_from_history(history(), config(text))
    sheet = load_workbook(io.BytesIO(scenario_workbook(result)))["base"]
    header = [c.value for c in sheet[1]]
    assert "cost (EUR/month)" in header
    assert '"EUR"' in sheet.cell(row=2, column=header.index("cost (EUR/month)") + 1).number_format
    with pytest.raises(ConfigError, match="is not a currency code"):
        config(text.replace("currency: EUR", "currency: euro"))


def test_rounded_tables_still_add_up(result):
    shown = presentable(result.months)
    np.testing.assert_array_equal(shown["cost"], shown["payroll_cost"] + shown["overtime_cost"])
    flow = shown["headcount_start"] - shown["attrition"] + shown["hires"]
    np.testing.assert_allclose(flow, shown["headcount_end"], atol=1e-9)


@pytest.mark.parametrize("prefix", ["", "\x1f", "\x01", " "])
def test_text_that_would_start_a_formula_is_defused_in_workbook_and_csv(result, prefix):
    # the config refuses such names; text from elsewhere is defused all the same, also
    # behind a leading control character that the workbook must strip
    name = prefix + '=HYPERLINK("http://x")'
    renamed = dataclasses.replace(
        result,
        **{
            part: getattr(result, part).replace({"scenario": {"base": name}})
            for part in ("months", "sensitivity", "assumptions")
        },
    )
    book = load_workbook(io.BytesIO(scenario_workbook(renamed)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    scenario_cells = [c.value for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    shown = "'" + name.replace("\x1f", "").replace("\x01", "")
    assert scenario_cells and all(v == shown for v in scenario_cells)
    csv = pd.read_csv(io.StringIO(csv_text(renamed.months)), keep_default_na=False)
    assert set(csv["scenario"]) == {"'" + name, "$\\x$ stressed"}


def test_outputs_are_byte_identical_across_runs(result):
    again = scenarios_from_history(history(), config())
    pd.testing.assert_frame_equal(result.months, again.months)
    assert scenario_workbook(result) == scenario_workbook(again)
    png = scenario_chart(result)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png == scenario_chart(again)


def test_write_scenarios_picks_the_format_from_the_suffix(result, tmp_path):
    written = write_scenarios(result, tmp_path / "plan.csv")
    assert [p.name for p in written] == ["plan.csv", "plan_sensitivity.csv"]
    (json_file,) = write_scenarios(result, tmp_path / "plan.json")
    assert '"sensitivity"' in json_file.read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"use one of \.xlsx, \.csv, \.json"):
        write_scenarios(result, tmp_path / "plan.txt")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "ramp: [0.5, 0.8]",
            "ramp: [0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0]",
            "scenarios.cases[0].ramp: the new-hire ramp has 7 months but the horizon is 6",
        ),
        ("ramp: [0.5, 0.8]", "ramp: [0, 0.8]", "cases[0].ramp[0]: 0 is not a productivity"),
        ("start: 2026-02", "start: 2026-2", "scenarios.start: '2026-2' is not a month"),
        ("attrition: 0.03", "attrition: 3", "cases[0].attrition: 3 is not a share"),
        ("name: base", "name: BASE", ""),
        ("name: base", "name: '$\\X$ Stressed'", "is listed twice"),
        ("hiring_lead_months: 2", "hiring_lead_months: -1", "must be 0 or more months"),
        ("volume_growth: 0.02", "volume_growth: -1.5", "must be above -1"),
    ],
)
def test_bad_scenario_config_is_a_clear_config_error(old, new, message):
    text = BASE.replace(old, new, 1)
    if not message:  # a control: the replacement alone is valid
        config(text)
        return
    with pytest.raises(ConfigError) as caught:
        config(text)
    assert message in caught.value.message


def test_short_history_and_missing_section_are_named():
    with pytest.raises(InputError, match="covers 5 day"):
        scenarios_from_history(history().iloc[: 24 * 5], config())
    no_section = BASE.split("scenarios:")[0]
    with pytest.raises(ConfigError, match="no scenarios: section"):
        scenarios_from_history(history(), config(no_section))


@pytest.mark.parametrize("start", ["2025-06", "2025-12"])
def test_a_start_before_the_history_is_named_with_the_first_month_to_set(start):
    # the history runs 2026-01-04 to 2026-01-31: a horizon before it would plan months
    # the history already holds, with growth compounded backwards
    with pytest.raises(ConfigError) as caught:
        scenarios_from_history(history(), config(BASE.replace("start: 2026-02", f"start: {start}")))
    assert caught.value.message == (
        f"c.yaml: scenarios.start: {start} is before the month the history ends in (it "
        "ends 2026-01-31); set it to 2026-01 or later"
    )


def test_a_start_in_the_month_the_history_ends_in_is_planned():
    """A history exported mid-month: finance plans from the current month."""
    result = scenarios_from_history(
        history(), config(BASE.replace("start: 2026-02", "start: 2026-01"))
    )
    assert str(result.months["month"].iloc[0]) == "2026-01"


def test_cli_refuses_a_start_before_the_history_with_exit_2(tmp_path):
    from typer.testing import CliRunner

    from staffplan.cli import app
    from staffplan.tables import to_csv_text

    cfg = tmp_path / "c.yaml"
    cfg.write_text(BASE.replace("start: 2026-02", "start: 2019-01"), encoding="utf-8")
    source = tmp_path / "history.csv"
    source.write_text(to_csv_text(history()), encoding="utf-8")
    out = tmp_path / "s.csv"
    args = ["scenarios", "--config", str(cfg), "--history", str(source), "-o", str(out)]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 2 and not out.exists()
    assert done.output.count("\n") == 1 and "Traceback" not in done.output
    assert f"{cfg}: scenarios.start: 2019-01 is before the month the history" in done.output
    assert "set it to 2026-01 or later" in done.output


def test_representative_week_averages_recent_weeks_per_weekday_and_slot():
    rows = history(weeks=3)
    rows.loc[rows.index[-168:], "volume"] = 100.0  # the last week
    rows.loc[rows.index[-336:-168], "volume"] = 50.0
    cfg = config()
    np.testing.assert_allclose(representative_week(rows, cfg, 1)["volume"], 100.0)
    week = representative_week(rows, cfg, 2)
    np.testing.assert_allclose(week["volume"], 75.0)
    np.testing.assert_allclose(week["aht_s"], 300.0)
    assert week["interval_start"].iloc[0] == pd.Timestamp("2026-01-25", tz="Asia/Shanghai")
    timed = rows.assign(aht_s=np.where(rows["volume"] == 100.0, 200.0, 500.0))
    mixed = representative_week(timed, cfg, 2)  # volume-weighted: (100·200 + 50·500) / 150
    np.testing.assert_allclose(mixed["aht_s"], 300.0)


def test_representative_week_keeps_a_dst_day_short():
    text = BASE.replace("Asia/Shanghai", "Europe/Berlin")
    rows = history(weeks=2, zone="Europe/Berlin", end="2026-04-01")
    week = representative_week(rows, config(text), 2)
    assert len(week) == 167  # 2026-03-29 has 23 hours
    assert week["volume"].min() > 0


def test_cli_writes_workbook_and_chart(tmp_path):
    from typer.testing import CliRunner

    from staffplan.cli import app
    from staffplan.tables import to_csv_text

    cfg = tmp_path / "c.yaml"
    cfg.write_text(BASE, encoding="utf-8")
    source = tmp_path / "history.csv"
    source.write_text(to_csv_text(history()), encoding="utf-8")
    book, png = tmp_path / "plan.xlsx", tmp_path / "plan.png"
    runner = CliRunner()
    args = ["scenarios", "--config", str(cfg), "--history", str(source)]
    done = runner.invoke(app, [*args, "--output", str(book), "--plot", str(png)])
    assert done.exit_code == 0, done.output
    assert load_workbook(book).sheetnames[:2] == ["Comparison", "base"]
    assert png.read_bytes()[:4] == b"\x89PNG"
    screen = runner.invoke(app, [*args, "--format", "csv"])
    assert screen.exit_code == 0 and screen.stdout.startswith("scenario,month,volume")
    bad = runner.invoke(app, [*args, "--output", str(tmp_path / "plan.txt")])
    assert bad.exit_code == 2 and "use one of .xlsx, .csv, .json" in bad.output


@settings(max_examples=200, deadline=None)
@given(
    start=st.floats(0.0, 200.0),
    first=st.floats(0.0, 300.0),
    rises=st.lists(st.floats(0.0, 40.0), min_size=1, max_size=24),
    attrition=st.floats(0.0, 0.2),
    lead=st.integers(0, 4),
    ramp=st.lists(st.floats(0.1, 1.0), max_size=4),  # a learning curve: sorted below
    cap=st.one_of(st.none(), st.integers(1, 50)),
)
def test_hiring_plan_is_capped_and_carries_no_surplus(
    start, first, rises, attrition, lead, ramp, cap
):
    required = first + np.cumsum([0.0, *rises])  # a need that grows, as in every case
    plan = plan_headcount(required, start, attrition, lead, tuple(sorted(ramp)), cap)
    assert (plan.hires >= 0).all() and (plan.hires[:lead] == 0).all()
    if cap is not None:
        assert plan.hires.max() <= cap
    tenured = start * (1.0 - attrition) ** (np.arange(len(required)) + 1)
    kept = np.maximum(tenured - required, 0.0)  # the starting team, never laid off
    # capped hiring may have to start before a rise in the need the starting team leaves
    # (growth and attrition); never beyond that rise
    net = required - tenured
    rise_ahead = np.array([net[i:].max() - net[i] for i in range(len(required))])
    ahead = rise_ahead if cap is not None else 0.0
    surplus = plan.available_fte - required
    assert (surplus < kept + ahead + 1.0 + 1e-9).all(), surplus  # < 1 hire of rounding


def test_the_stressed_case_hires_within_the_cap_without_a_lasting_surplus():
    # the demo's stressed case: 80 heads for a need growing from 142 to 211 FTE, a 3-month
    # lead, a 3-month ramp; once 132 hires started in one month, then 30+ FTE above need
    required = np.linspace(141.8, 211.4, 12)
    plan = plan_headcount(required, 80.0, 0.04, 3, (0.4, 0.7, 0.9), 30)
    assert plan.hires.max() <= 30 and plan.hires[:3].sum() == 0
    assert (plan.available_fte - required).max() < 1.0
    assert plan.gap_fte[-1] == 0  # caught up within the year


SHARED = """
timezone: Asia/Shanghai
interval_min: 60
queues:
  - {name: phone_zh, channel: phone, aht_s: 300, shrinkage: 0.3, patience_s: 120,
     target: {service_level: 0.8, answer_within_s: 20},
     classes: [{name: security, share: 0.1, priority: 1, aht_s: 450,
                target: {service_level: 0.9, answer_within_s: 10}},
               {name: general, share: 0.9, priority: 2}]}
  - {name: phone_en, channel: phone, aht_s: 300, shrinkage: 0.3,
     target: {service_level: 0.8, answer_within_s: 20}}
  - {name: chat_en, channel: chat, aht_s: 600, shrinkage: 0.3,
     target: {service_level: 0.8, answer_within_s: 60},
     classes: [{name: funds, share: 0.2, priority: 1}, {name: other, share: 0.8, priority: 2}]}
pools:
  - {name: tier1, queues: [phone_zh, phone_en]}
scenarios:
  start: 2026-02
  horizon_months: 2
  starting_headcount: 10
  cases:
    - {name: flat, cost_per_fte_month: 5000, volume_growth: 0.0, stressed_share: 0.0,
       attrition: 0.0, hiring_lead_months: 1, ramp: [1.0]}
"""


def test_pools_and_priority_classes_are_sized_as_staff_sizes_them():
    """A pool's queues share agents and a queue's classes are sized for each class's
    target: finance's FTE is the staff stage's, not each queue sized alone."""
    cfg = config(SHARED)
    one = history()
    rows = [
        one.assign(queue=name, volume=one["volume"] * scale)
        for name, scale in (("phone_zh", 1.0), ("phone_en", 0.5), ("chat_en", 0.7))
    ]
    week = representative_week(pd.concat(rows, ignore_index=True), cfg, 4)
    months = run_scenarios(week, cfg).months
    sized = size_requirements(week, cfg)
    staff_fte = sized["required_fte"].sum() * 1.0 / 40.0
    np.testing.assert_allclose(months["required_fte"], staff_fte, rtol=1e-12)
