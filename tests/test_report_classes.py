"""The default plan shows each priority class's service level (report and requirements)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from staffplan.jobs.report_classes import CAPTION, class_service_tables


def test_the_default_plan_report_shows_service_level_by_priority_class(plan_folder: Path):
    page = (plan_folder / "report.html").read_text(encoding="utf-8")
    assert CAPTION in page
    section = page[page.index(CAPTION) :]
    assert "<td>security</td>" in section and "<td>general</td>" in section
    requirements = pd.read_csv(plan_folder / "requirements.csv")
    zh = requirements[requirements["queue"] == "phone_zh"]
    assert (zh["service_level_security"] >= 0.9 - 1e-9).all()
    assert (zh["service_level_general"] >= 0.8 - 1e-9).all()


def test_the_class_table_weights_intervals_by_their_contacts():
    requirements = pd.DataFrame(
        {
            "queue": ["q", "q", "plain"],
            "offered": [30.0, 10.0, 5.0],
            "service_level_vip": [0.9, 0.5, float("nan")],
            "asa_s_vip": [2.0, 6.0, float("nan")],
            "abandon_rate_vip": [0.0, 0.0, float("nan")],
            "method": ["exact", "exact", "erlang_c"],
        }
    )
    (table,) = class_service_tables(requirements).values()
    assert table.to_dict("records") == [
        {"queue": "q", "class": "vip", "service_level": 0.8, "asa_s": 3.0,
         "abandon_rate": 0.0, "method": "exact"}
    ]  # fmt: skip
    assert class_service_tables(requirements.drop(columns="asa_s_vip")) == {}
