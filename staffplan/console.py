"""Terminal rendering with rich: tables for results, progress on stderr."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

MAX_ROWS = 60  # more rows than fit a screen: show head and tail


def print_table(result: pd.DataFrame | dict[str, Any], *, title: str = "") -> None:
    """Print a table (or a one-record dict as key/value rows) to stdout."""
    console = Console(highlight=False)
    if isinstance(result, dict):
        table = Table(title=title or None, show_header=False)
        table.add_column("key", style="bold")
        table.add_column("value", justify="right")
        for key, value in result.items():
            table.add_row(key, _cell(value))
        console.print(table)
        return
    table = Table(title=title or None)
    for column in result.columns:
        table.add_column(str(column), justify="right" if _numeric(result[column]) else "left")
    shown = result
    if len(result) > MAX_ROWS:
        half = MAX_ROWS // 2
        shown = pd.concat([result.head(half), result.tail(half)])
    for position, (_, row) in enumerate(shown.iterrows()):
        if len(result) > MAX_ROWS and position == MAX_ROWS // 2:
            table.add_row(*["…"] * len(result.columns))
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    if len(result) > MAX_ROWS:
        console.print(f"{len(result)} rows; use --output FILE or --format csv for all of them")


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if math.isinf(value):
            return "∞"
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)
