"""Terminal rendering with rich: tables for results, progress on stderr.

Every title, header and cell is plain :class:`rich.text.Text`, never markup: a name like
``a[/b]`` or ``[link=...]`` prints as written, and a control character (an escape
sequence in a data file's cell) prints escaped (``\x1b``), so no value can restyle or
clear the terminal.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

MAX_ROWS = 60  # more rows than fit a screen: show head and tail
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def print_table(result: pd.DataFrame | dict[str, Any], *, title: str = "") -> None:
    """Print a table (or a one-record dict as key/value rows) to stdout."""
    console = Console(highlight=False)
    if isinstance(result, dict):
        table = Table(title=_text(title) if title else None, show_header=False)
        table.add_column("key", style="bold")
        table.add_column("value", justify="right")
        for key, value in result.items():
            table.add_row(_text(str(key)), _cell(value))
        console.print(table)
        return
    table = Table(title=_text(title) if title else None)
    for column in result.columns:
        justify = "right" if _numeric(result[column]) else "left"
        table.add_column(_text(str(column)), justify=justify)
    shown = result
    if len(result) > MAX_ROWS:
        half = MAX_ROWS // 2
        shown = pd.concat([result.head(half), result.tail(half)])
    for position, (_, row) in enumerate(shown.iterrows()):
        if len(result) > MAX_ROWS and position == MAX_ROWS // 2:
            table.add_row(*[_text("…")] * len(result.columns))
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    if len(result) > MAX_ROWS:
        console.print(f"{len(result)} rows; use --output FILE or --format csv for all of them")


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series)


def _text(text: str) -> Text:
    return Text(CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode(), text))


def _cell(value: Any) -> Text:
    return _text(_shown(value))


def _shown(value: Any) -> str:
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
