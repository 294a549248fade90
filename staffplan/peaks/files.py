"""The peaks report as files (the ``staffplan peaks`` folder) and as a plan-report section."""

from __future__ import annotations

import dataclasses

import pandas as pd

from staffplan.forecast.model import StaffplanForecaster
from staffplan.forecast.run import ForecastRun
from staffplan.peaks.plot import heatmap_png
from staffplan.peaks.tables import PeakTables, effect_sentences, tables_from_model
from staffplan.tables import to_csv_text

REPORT_TOP_DAYS = 5  # surge days per queue in the plan report


def peaks_files(tables: PeakTables) -> dict[str, str | bytes]:
    """The folder's files: ``heatmap.csv``, ``surge_days.csv``, ``volatility_effect.csv``
    and ``heatmap.png``."""
    return {
        "heatmap.csv": to_csv_text(tables.heatmap),
        "surge_days.csv": to_csv_text(tables.surge_days),
        "volatility_effect.csv": to_csv_text(tables.volatility_effect),
        "heatmap.png": heatmap_png(tables.heatmap),
    }


@dataclasses.dataclass(frozen=True)
class ReportSection:
    """What the peaks add to a report page: captioned images and tables."""

    images: dict[str, bytes]
    tables: dict[str, pd.DataFrame]


def report_section(run: ForecastRun) -> ReportSection:
    """The peaks of a forecast run's history, with the effect its own model fitted (no
    refit): the heat map, the top surge days and, with a market, the volatility effect."""
    if not isinstance(run.model, StaffplanForecaster):
        return ReportSection({}, {})
    tables = tables_from_model(run.history, run.model, REPORT_TOP_DAYS)
    section = ReportSection(
        {"Peaks: mean contacts per hour by weekday": heatmap_png(tables.heatmap)},
        {"Peaks: surge days (volume against a normal day)": tables.surge_days},
    )
    if not tables.volatility_effect.empty:
        sentences = pd.DataFrame({"effect": effect_sentences(tables.volatility_effect)})
        section.tables["Peaks: volatility effect"] = sentences
    return section
