"""Write tables to an .xlsx workbook: numbers as numbers, text defused, bytes reproducible.

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

import io
import re
import zipfile
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
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
    book = Workbook()
    book.remove(book.active)
    used: list[str] = []
    for name, table in sheets:
        title = _sheet_title(name, used)
        used.append(title.casefold())
        _fill(book.create_sheet(title), table, number_formats)
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


def _fill(sheet, table: pd.DataFrame, number_formats: Mapping[str, str]) -> None:
    bold = Font(bold=True)
    for j, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=j, value=cell_text(str(column)))
        cell.font = bold
        values = table[column].tolist()
        numeric = pd.api.types.is_numeric_dtype(table[column]) and not pd.api.types.is_bool_dtype(
            table[column]
        )
        default = (
            DEFAULT_INT_FORMAT
            if pd.api.types.is_integer_dtype(table[column])
            else DEFAULT_FLOAT_FORMAT
        )
        fmt = number_formats.get(str(column), default)
        for i, value in enumerate(values, start=2):
            cell = sheet.cell(row=i, column=j, value=_cell_value(value))
            if numeric:
                cell.number_format = fmt
        width = max([len(str(column))] + [len(str(v)) for v in values[:200]])
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"


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
