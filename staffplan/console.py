"""Terminal rendering with rich: tables for results, progress on stderr.

Every title, header and cell is plain :class:`rich.text.Text`, never markup: a name like
``a[/b]`` or ``[link=...]`` prints as written, and a control character (an escape
sequence in a data file's cell) prints escaped (``\\x1b``), so no value can restyle or
clear the terminal.

A table never cuts a number, date or header to fit the terminal (80 columns in cron mail
and pipes): a table wider than the terminal is printed as several blocks of columns, each
repeating the key columns (the leading text columns such as queue and day), and a column
is as wide as its longest cell. Only a text cell longer than a whole line folds onto the
next line, never ``…``. Infinity prints as ``inf``, as in CSV.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

MAX_ROWS = 60  # more rows than fit a screen: show head and tail
SKIPPED = "⋮"  # the row standing for the rows between head and tail
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
EDGE = 1  # the table's left border, in characters
PER_COLUMN = 3  # a column's padding (one each side) and its right border, in characters
MAX_KEY_COLUMNS = 2  # leading text columns repeated in every block


def print_table(
    result: pd.DataFrame | dict[str, Any], *, title: str = "", console: Console | None = None
) -> None:
    """Print a table (or a one-record dict as key/value rows) to stdout (or ``console``),
    in blocks of columns when it is wider than the terminal."""
    console = console or Console(highlight=False)
    if isinstance(result, dict):
        rows = [[str(key), cell_text(value)] for key, value in result.items()]
        _print_blocks(console, title, ("key", "value"), rows, [False, True], show_header=False)
        return
    shown = result
    if len(result) > MAX_ROWS:
        half = MAX_ROWS // 2
        shown = pd.concat([result.head(half), result.tail(half)])
    rows = [[cell_text(v) for v in row] for row in shown.itertuples(index=False)]
    if len(result) > MAX_ROWS:
        rows.insert(MAX_ROWS // 2, [SKIPPED] * len(result.columns))
    numeric = [_numeric(result[column]) for column in result.columns]
    _print_blocks(console, title, [str(c) for c in result.columns], rows, numeric)
    if len(result) > MAX_ROWS:
        console.print(f"{len(result)} rows; use --output FILE or --format csv for all of them")


def _print_blocks(
    console: Console,
    title: str,
    headers: Sequence[str],
    rows: list[list[str]],
    numeric: list[bool],
    *,
    show_header: bool = True,
) -> None:
    """Print the table as blocks of whole columns that each fit ``console.width``."""
    widths = [
        max(
            [cell_len(_escaped(h)) if show_header else 0, *(cell_len(_escaped(r[i])) for r in rows)]
        )
        for i, h in enumerate(headers)
    ]
    for number, block in enumerate(_blocks(widths, numeric, console.width)):
        caption = title if number == 0 else f"{title} (continued)" if title else ""
        table = Table(title=_text(caption) if caption else None, show_header=show_header)
        for i in block:
            fits = EDGE + PER_COLUMN + widths[i] <= console.width
            table.add_column(
                _text(headers[i]),
                justify="right" if numeric[i] else "left",
                min_width=widths[i] if fits else None,
                no_wrap=fits,
                overflow="fold",
                style="bold" if not show_header and i == 0 else "",
            )
        for row in rows:
            table.add_row(*(_text(row[i]) for i in block))
        console.print(table)


def _blocks(widths: list[int], numeric: list[bool], line: int) -> list[list[int]]:
    """Column indices per block: the key columns, then as many further columns as fit a
    ``line`` of characters (at least one per block)."""
    keys: list[int] = []
    for i, is_number in enumerate(numeric[:MAX_KEY_COLUMNS]):
        if is_number:
            break
        keys.append(i)
    rest = [i for i in range(len(widths)) if i not in keys]
    if _width(widths, range(len(widths))) <= line or not rest:
        return [list(range(len(widths)))]
    if _width(widths, keys) > line // 2:  # keys too wide to repeat
        keys, rest = [], list(range(len(widths)))
    blocks: list[list[int]] = []
    for i in rest:
        if blocks and _width(widths, [*blocks[-1], i]) <= line:
            blocks[-1].append(i)
        else:
            blocks.append([*keys, i])
    return blocks


def _width(widths: list[int], columns: Sequence[int]) -> int:
    return EDGE + sum(widths[i] + PER_COLUMN for i in columns)


def _len(text: str) -> int:
    return cell_len(_escaped(text))


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series)


def _escaped(text: str) -> str:
    return CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode(), text)


def _text(text: str) -> Text:
    return Text(_escaped(text))


def cell_text(value: Any) -> str:
    """A cell as shown: numbers with thousands separators, infinity ``inf``, missing ``—``."""
    if value is None:
        return "—"
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)
