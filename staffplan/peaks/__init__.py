"""The peaks report: when contacts peak in the week, the surge days, and how much market
volatility explains (``staffplan peaks``; a section of the plan report).

:func:`peak_tables` returns the tables; :func:`heatmap_figure` / :func:`heatmap_png` draw
the heat map (:func:`heatmap_grids` are its weekday × hour tables); :func:`peaks_files`
is the output folder's content and :func:`run_peak_tables` the tables the plan report
shows.
"""

from __future__ import annotations

from staffplan.peaks.files import peaks_files, run_peak_tables
from staffplan.peaks.plot import heatmap_figure, heatmap_grids, heatmap_png
from staffplan.peaks.tables import (
    PeakTables,
    effect_sentences,
    peak_tables,
    tables_from_model,
)

__all__ = [
    "PeakTables",
    "effect_sentences",
    "heatmap_figure",
    "heatmap_grids",
    "heatmap_png",
    "peak_tables",
    "peaks_files",
    "run_peak_tables",
    "tables_from_model",
]
