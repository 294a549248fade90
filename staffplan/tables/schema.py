"""The data contract between the stages: every table's columns, types and units, and one check.

``docs/tables.md`` is the same contract for people; a test holds the two together. A
**required** column must be in every table of its kind: a stage reading the table refuses
it without the column. An **optional** one is used when present; its meaning says when
staffplan writes it. ``blank`` columns may have empty cells (NaN, NaT or "").

One demand table grows through the stages and never loses a column: ``forecast`` →
``deflection`` (adds ``deflected, offered, aht_s``) → ``requirements`` (adds the sizing
columns).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffplan.errors import InputError
from staffplan.tables._demand import (
    BACKLOG_DAILY,
    DEFLECTION,
    DEFLECTION_SUMMARY,
    FORECAST,
    HISTORY,
    HISTORY_EVENTS,
    MARKET,
    REQUIREMENTS,
)
from staffplan.tables._finance import SCENARIOS, SENSITIVITY
from staffplan.tables._peaks import CALENDAR, HEATMAP, SURGE_DAYS, VOLATILITY_EFFECT
from staffplan.tables._reforecast import ACTUALS, REFORECAST_FACTORS
from staffplan.tables._schedule import (
    AGENTS,
    CHANGES,
    COVERAGE,
    DAILY,
    OPEN_SHIFTS,
    ROSTER,
    SHIFTS,
    SIMULATION,
    SIMULATION_DAILY,
)
from staffplan.tables._spec import Column, Table
from staffplan.tables._types import TYPES, bad_cells, blank_cells, kind_problem
from staffplan.tables.parse import _check_columns, row_number

__all__ = ["TABLES", "TYPES", "Column", "Table", "check", "columns", "required"]

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        HISTORY,
        HISTORY_EVENTS,
        MARKET,
        FORECAST,
        DEFLECTION,
        DEFLECTION_SUMMARY,
        REQUIREMENTS,
        BACKLOG_DAILY,
        SHIFTS,
        COVERAGE,
        DAILY,
        SIMULATION,
        SIMULATION_DAILY,
        ROSTER,
        AGENTS,
        OPEN_SHIFTS,
        CHANGES,
        SCENARIOS,
        SENSITIVITY,
        CALENDAR,
        HEATMAP,
        SURGE_DAYS,
        VOLATILITY_EFFECT,
        ACTUALS,
        REFORECAST_FACTORS,
    )
}


def _table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; the tables are {', '.join(TABLES)}") from None


def columns(table: str) -> list[str]:
    """Every column of ``table`` in contract (file) order."""
    return _table(table).names


def required(table: str) -> list[str]:
    """The columns ``table`` cannot do without, in contract order."""
    return [c.name for c in _table(table).columns if c.required]


def check(frame: pd.DataFrame, table: str, *, source: str) -> pd.DataFrame:
    """``frame`` checked against the contract of ``table``, columns in contract order.

    Refuses (:class:`InputError` naming ``source``, the table, the column and the first
    bad row) a missing required column, a repeated column name, and values not of the
    column's type: text that is not text, time without a time zone, counts that are not
    whole and 0 or more, shares outside 0..1, numbers that are not finite, and empty cells
    where the column may not have them. Columns the contract does not know are kept, last.
    """
    spec = _table(table)
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        raise InputError(
            f"{source}: the {table} table has the column {repeated[0]!r} twice; keep one"
        )
    _check_columns(frame, source, required(table), table)
    for column in spec.columns:
        if column.name in frame.columns:
            _check_values(frame[column.name], column, table, source)
    known = [name for name in spec.names if name in frame.columns]
    return frame[known + [name for name in frame.columns if name not in known]]


def _check_values(values: pd.Series, column: Column, table: str, source: str) -> None:
    where = f"{source}: column {column.name!r} of the {table} table"
    empty = blank_cells(values)
    if empty.any() and not column.blank:
        i = int(np.flatnonzero(empty)[0])
        raise InputError(
            f"{source}: row {row_number(i)}, column {column.name!r} of the {table} table is "
            f"empty; fill in {TYPES[column.type]}"
        )
    filled = values[~empty]
    if filled.empty:
        return
    problem = kind_problem(filled, column.type)
    if problem is not None:
        raise InputError(f"{where} {problem}; expected {TYPES[column.type]}")
    found = bad_cells(filled, column.type)
    if found is not None:
        bad, what = found
        i = int(np.flatnonzero(~empty)[np.flatnonzero(bad)[0]])
        raise InputError(
            f"{source}: row {row_number(i)}, column {column.name!r} of the {table} table: "
            f"{_shown(values.iloc[i])!r} {what}"
        )


def _shown(value: object) -> object:
    """A cell as a message shows it: numpy scalars as plain Python values."""
    return value.item() if isinstance(value, np.generic) else value
