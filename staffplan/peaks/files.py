"""The peaks report as files (the ``staffplan peaks`` folder) and as a plan-report section."""

from __future__ import annotations

from staffplan.forecast.model import StaffplanForecaster
from staffplan.forecast.run import ForecastRun
from staffplan.peaks.plot import heatmap_png
from staffplan.peaks.tables import PeakTables, tables_from_model
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


def run_peak_tables(run: ForecastRun) -> PeakTables | None:
    """The peaks of a forecast run's history, with the effect its own model fitted (no
    refit), for the plan report; None when the run's model is a baseline."""
    if not isinstance(run.model, StaffplanForecaster):
        return None
    return tables_from_model(run.history, run.model, REPORT_TOP_DAYS)
