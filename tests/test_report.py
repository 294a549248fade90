"""The HTML report: self-contained, escaped, readable on a phone, and the plan's report
answers a manager's questions (what it assumed, peaks, team size, over/under, solver)."""

from __future__ import annotations

import dataclasses
import re
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from report_parsing import ReportParser

from staffplan.charts import figure_svg, grouped_bars_figure, hour_by_weekday, value_range
from staffplan.heat_map import heatmap_svg
from staffplan.jobs import plan_report
from staffplan.jobs.plan_report import PLAN_SECTIONS, PlanReport, volatility_text
from staffplan.jobs.report import Section, figure_html, render_report, table_html

ZONE = "Asia/Shanghai"
SVG = "{http://www.w3.org/2000/svg}"


def parsed(page: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(page)
    return parser


def test_report_escapes_text_and_has_a_mobile_viewport():
    table = pd.DataFrame({"queue": ["<script>alert(1)</script>"], "agents": [3]})
    page = render_report(
        "Plan", "week 50", {"Peak agents": "42"}, [Section("Requirements", table_html(table))]
    )
    report = parsed(page)
    assert report.headlines == {"Peak agents": "42"}
    assert report.sections == ["Requirements"]
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


def test_report_loads_nothing_from_outside_the_page():
    heat = heatmap_svg(pd.DataFrame({"Mon": [1.0]}), title="t", value_label="v", id_prefix="a")
    bars = figure_svg(grouped_bars_figure(pd.DataFrame({"n": [1.0]}), ylabel="n"), id_prefix="b")
    charts = [Section("Chart", figure_html(heat, "a map") + figure_html(bars, "bars"))]
    page = render_report("Plan", "", {}, charts)
    assert not re.search(r"""(src|href)\s*=\s*['"]?(https?:)?//""", page)
    assert "<link" not in page and "<script" not in page and "@import" not in page


def test_long_table_is_collapsed_with_its_csv_linked_and_short_one_is_open():
    long = pd.DataFrame({"n": range(30)})
    html = table_html(long, csv_name="shifts.csv", open_rows=12, max_rows=20)
    assert html.startswith("<details><summary>Show the 30 rows</summary>")
    assert "First 20 of 30 rows" in html and "href='shifts.csv'" in html
    assert html.count("<tr>") == 21  # header + 20 rows
    assert not table_html(long.head(5)).startswith("<details>")


def test_table_writes_infinity_and_missing_as_the_screen_does():
    html = table_html(pd.DataFrame({"asa_s": [float("inf"), float("nan"), 1234.5]}))
    assert "<td>inf</td>" in html and "<td>—</td>" in html and "<td>1,234.50</td>" in html


def test_section_titles_get_unique_anchors():
    page = render_report("P", "", {}, [Section("Same", ""), Section("Same", "")])
    assert "id='same'" in page and "id='same-2'" in page and "href='#same-2'" in page


def test_hour_by_weekday_sums_within_the_hour_and_averages_the_same_weekdays():
    # Mondays 7 and 14 Dec 2026 at 09:00 and 09:30; one Tuesday at 10:00
    times = pd.Series(
        pd.to_datetime(
            [
                "2026-12-07 09:00",
                "2026-12-07 09:30",
                "2026-12-14 09:00",
                "2026-12-14 09:30",
                "2026-12-08 10:00",
            ]
        ).tz_localize(ZONE)
    )
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])
    summed = hour_by_weekday(times, values)
    assert list(summed.columns) == ["Mon", "Tue"] and list(summed.index) == list(range(24))
    assert summed.loc[9, "Mon"] == (1 + 2 + 3 + 4) / 2  # per-hour sums 3 and 7, mean 5
    assert summed.loc[10, "Tue"] == 5.0 and np.isnan(summed.loc[10, "Mon"])
    assert hour_by_weekday(times, values, within_hour="mean").loc[9, "Mon"] == 2.5


def test_heat_maps_on_one_page_share_no_svg_id():
    tables = [pd.DataFrame({"Mon": [1.0, -2.0]}), pd.DataFrame({"Mon": [0.5, 3.0]})]
    assert value_range(tables) == (-2.0, 3.0)
    svgs = [
        heatmap_svg(
            t,
            title=f"q{i}",
            value_label="v",
            id_prefix=f"balance{i}",
            diverging=True,
            limits=(-2, 3),
        )
        for i, t in enumerate(tables)
    ]
    ids = [re.findall(r'\bid="([^"]+)"', svg) for svg in svgs]
    assert ids[0] and not set(ids[0]) & set(ids[1])
    assert all(svg.startswith("<svg") for svg in svgs)


def test_heat_map_writes_every_cell_value_and_leaves_missing_cells_blank():
    table = pd.DataFrame({"Mon": [1.0, np.nan], "Tue": [120.0, 3.0]}, index=pd.Index([9, 10]))
    svg = heatmap_svg(table, title="chat", value_label="contacts", id_prefix="peaks0",
                      cell_text=lambda v: f"{v:,.0f} c")  # fmt: skip
    root = ElementTree.fromstring(svg)  # well-formed: the page inlines it
    texts = {t.text: t.get("fill") for t in root.iter(f"{SVG}text")}
    assert {"chat", "contacts", "Mon", "Tue", "9", "10"} <= set(texts)
    values = {text: fill for text, fill in texts.items() if text.endswith(" c")}
    assert values == {"1 c": None, "120 c": "#ffffff", "3 c": None}  # white on the darkest
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills.count("#800026") == 1 and fills.count("#ffffcc") == 1  # top, bottom of scale
    assert len(fills) == 3 + 3  # page, grey ground (the NaN cell), scale; three cells


def test_grouped_bars_write_every_value_and_name():
    table = pd.DataFrame({"available": [70, 63], "needed": [85.9, 51.2]}, index=["Mon", "Sun"])
    svg = figure_svg(grouped_bars_figure(table, ylabel="agents"), id_prefix="bars")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert {"70", "63", "86", "51", "Mon", "Sun", "available", "needed", "agents"} <= set(texts)


@pytest.fixture(scope="module")
def plan_page(shared_plan) -> str:
    return (shared_plan.folder / "report.html").read_text(encoding="utf-8")


def test_plan_report_answers_the_managers_questions(plan_page):
    report = parsed(plan_page)
    assert report.sections[:6] == [
        "What this plan assumed",
        "When are the peaks",
        "Past surges in the history",
        "Is the team big enough",
        "Where we are over and under",
        "What the solver left",
    ]
    assert report.charts >= 6  # 2 peak maps, forecast, 2 balance maps, coverage
    assert "shifts.csv" in report.links and "daily.csv" in report.links


def test_plan_report_states_zone_targets_volatility_and_solver_limit(plan_page, shared_plan):
    assert f"{ZONE} time (UTC+08:00)" in plan_page
    assert " CST" not in plan_page  # an abbreviation is ambiguous: the IANA name instead
    assert "80% within 60 s" in plan_page and "80% within 20 s" in plan_page
    vol = re.search(r"mean (\d+\.\d\d)% a day", plan_page)
    driver = shared_plan.result.forecast_run.driver
    conditional = driver.loc[driver["source"] == "conditional", "daily_vol"]
    assert vol and float(vol[1]) == pytest.approx(100 * conditional.mean(), abs=0.006)
    assert "finished before its time limit of 300 s" in plan_page  # the --time-limit given


def test_plan_report_team_section_counts_agents_free_each_day(shared_plan, example_config):
    from staffplan.config import load_config

    config = load_config(example_config)
    section = plan_report.team_size(PlanReport(shared_plan.result, config, 300))
    rostered = [a for a in config.team.agents if not a.on_call]
    assert f"{len(rostered)} rostered agents and 1 on call" in section.html
    shifts = shared_plan.result.schedule.shifts
    monday = shifts[shifts["day"] == shifts["day"].min()]
    assert f"<td>{len(monday)}</td>" in section.html


def test_a_new_section_is_one_function_in_the_list(shared_plan, example_config, monkeypatch):
    from staffplan.config import load_config

    def backlog(plan: PlanReport) -> Section:
        return Section("Backlog", f"<p>{len(plan.result.requirements)} rows</p>")

    monkeypatch.setattr(plan_report, "PLAN_SECTIONS", [*PLAN_SECTIONS, backlog])
    page = plan_report.plan_report(PlanReport(shared_plan.result, load_config(example_config), 300))
    assert parsed(page).sections[-1] == "Backlog"


def with_volatility(result, label: str, daily_vol: float):
    """``result`` as if its horizon had run on the volatility path ``label``."""
    run = result.forecast_run
    forecast = run.forecast.assign(volatility_path=label)
    horizon = pd.DataFrame(
        {"interval_start": forecast["interval_start"].unique(), "daily_vol": daily_vol}
    ).assign(source=label)
    driver = pd.concat([run.driver[run.driver["source"] == "observed"], horizon])
    run = dataclasses.replace(run, forecast=forecast, driver=driver)
    return dataclasses.replace(result, forecast_run=run)


def test_volatility_scenario_is_named_with_its_quantile_and_value(shared_plan):
    stressed = with_volatility(shared_plan.result, "stressed", 0.05)
    assert volatility_text(stressed) == (
        "scenario 'stressed' (the 90% quantile of the market's daily volatility): "
        "5.00% a day, held over the horizon"
    )
    number = with_volatility(shared_plan.result, "vol=0.031", 0.031)
    assert volatility_text(number) == "scenario vol=0.031: 3.10% a day, held over the horizon"
    none = with_volatility(shared_plan.result, "none", float("nan"))
    assert volatility_text(none).startswith("none: volume has no volatility effect")


def test_a_solver_stopped_by_its_time_limit_says_so_and_names_the_option(
    shared_plan, example_config
):
    from staffplan.config import load_config

    schedule = dataclasses.replace(shared_plan.result.schedule, timed_out=True)
    result = dataclasses.replace(shared_plan.result, schedule=schedule)
    page = plan_report.plan_report(PlanReport(result, load_config(example_config), 30))
    assert "stopped at its time limit of 30 s" in page and "raise --time-limit" in page
    assert "class='card warn' data-headline='Shift solver'" in page


def test_more_queues_than_panels_make_one_heat_map_of_their_sum():
    times = pd.Series(pd.date_range("2026-12-07", periods=2, freq="30min", tz=ZONE))
    many = pd.concat(
        [pd.DataFrame({"queue": f"q{i}", "interval_start": times, "volume": 1.0}) for i in range(7)]
    )
    panels = plan_report._per_queue(many, "volume", within_hour="sum")
    assert list(panels) == ["all 7 queues"]
    assert panels["all 7 queues"].loc[0, "Mon"] == 14.0  # 7 queues × 2 half-hours
    few = plan_report._per_queue(many[many["queue"] < "q2"], "volume", within_hour="sum")
    assert list(few) == ["q0", "q1"] and few["q0"].loc[0, "Mon"] == 2.0
