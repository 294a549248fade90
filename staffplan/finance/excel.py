"""Write tables to an .xlsx workbook: numbers as numbers, text defused, bytes reproducible.

Each sheet (:class:`Sheet`) is a table with its header row bold, frozen with its key
columns, under an auto-filter; headers can carry their unit (``cost (USD/month)``),
columns and single cells their Excel number format, date cells a date format, and a
sheet a line chart of some of its columns (:class:`LineChartSpec`).

User text first loses the characters XML cannot hold (control characters but tab, CR
and LF; U+FFFE, U+FFFF), then, if a spreadsheet could read what is left as a formula, gets
a leading ``'``, as the OWASP guidance on CSV/formula injection asks (ASVS 1.2.10), with
the rule shared with the CSV writer (:func:`staffplan.config.names.defuse_formula`). In
that order a leading control character cannot hide a ``=`` that stripping would expose.
Sheet titles lose the same characters. openpyxl
stamps "now" into ``docProps/core.xml`` and into every zip entry; both are replaced by a
fixed date, so the same tables always give the same bytes.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from staffplan.config.names import defuse_formula

# What XML 1.0 cannot hold (openpyxl raises IllegalCharacterError on most of it).
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
FIXED_DOC_TIME = "1980-01-01T00:00:00Z"
SHEET_NAME_MAX = 31
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
DEFAULT_FLOAT_FORMAT = "#,##0.00"
DEFAULT_INT_FORMAT = "#,##0"


@dataclasses.dataclass(frozen=True)
class LineChartSpec:
    """A line chart of the columns ``series`` against the column ``x`` (category axis,
    shown with ``x_format``), titled ``title``, y axis labelled ``y_title``."""

    title: str
    x: str
    series: tuple[str, ...]
    y_title: str
    x_format: str = "mmm yyyy"


@dataclasses.dataclass(frozen=True)
class Sheet:
    """One sheet: ``table`` with ``number_formats`` per column (other numeric columns get
    a default), ``units`` per column shown in the header as ``name (unit)``,
    ``cell_formats`` overriding single cells (``(row, column) → format``, row 0 = first
    data row), the first ``key_columns`` frozen beside the header, an optional ``chart``
    and ``notes``: lines of text under the table."""

    name: str
    table: pd.DataFrame
    number_formats: Mapping[str, str] = dataclasses.field(default_factory=dict)
    units: Mapping[str, str] = dataclasses.field(default_factory=dict)
    cell_formats: Mapping[tuple[int, str], str] = dataclasses.field(default_factory=dict)
    key_columns: int = 0
    chart: LineChartSpec | None = None
    notes: tuple[str, ...] = ()


def cell_text(value: str) -> str:
    """``value`` as a workbook can hold it and no spreadsheet evaluates it."""
    return defuse_formula(NOT_IN_XML.sub("", value))


def workbook_bytes(
    sheets: Sequence[tuple[str, pd.DataFrame]], number_formats: Mapping[str, str]
) -> bytes:
    """An .xlsx with one sheet per ``(name, table)``, header row bold and frozen.

    ``number_formats`` maps column names to Excel formats (e.g. ``"#,##0"``); other
    numeric columns get a default. Sheet names are made valid and unique.
    """
    return book_bytes([Sheet(name, table, number_formats) for name, table in sheets])


def book_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx of ``sheets`` in order; sheet names are made valid and unique."""
    book = Workbook()
    book.remove(book.active)
    used: list[str] = []
    for sheet in sheets:
        title = _sheet_title(sheet.name, used)
        used.append(title.casefold())
        target = book.create_sheet(title)
        _fill(target, sheet)
        if sheet.chart is not None and len(sheet.table):
            _add_chart(target, sheet)
        _add_notes(target, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible(buffer.getvalue())


def _sheet_title(name: str, used: list[str]) -> str:
    base = FORBIDDEN_IN_SHEET_NAME.sub("_", NOT_IN_XML.sub("", name)).strip("'").strip()
    base = base or "sheet"
    base = base[:SHEET_NAME_MAX]
    title, n = base, 1
    while title.casefold() in used:
        n += 1
        suffix = f" ({n})"
        title = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    return title


def _fill(target, sheet: Sheet) -> None:
    bold = Font(bold=True)
    table = sheet.table
    for j, column in enumerate(table.columns, start=1):
        unit = sheet.units.get(str(column), "")
        label = f"{column} ({unit})" if unit else str(column)
        cell = target.cell(row=1, column=j, value=cell_text(label))
        cell.font = bold
        values = table[column].tolist()
        fmt = sheet.number_formats.get(str(column)) or _default_format(table[column])
        for i, value in enumerate(values):
            cell = target.cell(row=i + 2, column=j, value=_cell_value(value))
            override = sheet.cell_formats.get((i, str(column)))
            if override or fmt:
                cell.number_format = override or fmt
        width = max([len(label)] + [len(str(v)) for v in values[:200]])
        target.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
    target.freeze_panes = target.cell(row=2, column=sheet.key_columns + 1).coordinate
    if len(table.columns) and len(table):
        last = get_column_letter(len(table.columns))
        target.auto_filter.ref = f"A1:{last}{len(table) + 1}"


def _default_format(column: pd.Series) -> str | None:
    """The format of a numeric column without its own (None: leave the cell General)."""
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return None
    return DEFAULT_INT_FORMAT if pd.api.types.is_integer_dtype(column) else DEFAULT_FLOAT_FORMAT


def _add_chart(target, sheet: Sheet) -> None:
    """The sheet's line chart, to the right of its table."""
    spec, table = sheet.chart, sheet.table
    columns = list(table.columns)
    rows = len(table) + 1
    chart = LineChart()
    chart.title = NOT_IN_XML.sub("", spec.title)  # a title is never evaluated: no defusing
    chart.y_axis.title = NOT_IN_XML.sub("", spec.y_title)
    chart.x_axis.number_format = spec.x_format
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.height, chart.width = 9.0, 18.0
    for name in spec.series:
        j = columns.index(name) + 1
        chart.add_data(Reference(target, min_col=j, min_row=1, max_row=rows), titles_from_data=True)
    x = columns.index(spec.x) + 1
    chart.set_categories(Reference(target, min_col=x, min_row=2, max_row=rows))
    target.add_chart(chart, f"{get_column_letter(len(columns) + 2)}2")


def _add_notes(target, sheet: Sheet) -> None:
    """``sheet.notes`` one per row, two rows below the table, wrapped to the page."""
    first = len(sheet.table) + 3
    for i, line in enumerate(sheet.notes):
        cell = target.cell(row=first + i, column=1, value=cell_text(line))
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _cell_value(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return cell_text(value)
    return value


def _reproducible(data: bytes) -> bytes:
    """The same zip with fixed entry times and fixed document dates."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rb"\g<1>" + FIXED_DOC_TIME.encode() + rb"\g<3>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()
