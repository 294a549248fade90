"""Tables between stages: the schema, readers, writers and the inputs a config names.

Every stage exchanges the long tables documented in ``docs/tables.md``; the schema in
:mod:`staffplan.tables.schema` holds their columns and types, and one ``check()``
validates any of them. Readers name the file and spreadsheet row of every problem;
writers are atomic.
"""

from __future__ import annotations

from staffplan.tables.parse import (
    MAX_COUNT,
    check_aligned,
    check_series_order,
    iso_times,
    parse_numbers,
    parse_times,
    read_csv,
    row_number,
)
from staffplan.tables.read import (
    HISTORY_FORMATS,
    check_gaps,
    read_counts,
    read_coverage,
    read_demand,
    read_events,
    read_history,
    read_market,
    read_requirements,
)
from staffplan.tables.schema import TABLES, Column, Table, check, columns, required
from staffplan.tables.write import (
    as_written,
    atomic_files,
    atomic_folder,
    atomic_write_bytes,
    atomic_write_files,
    atomic_write_text,
    check_file_target,
    check_folder_target,
    defuse_text_cells,
    records,
    recover_folder,
    to_csv_text,
    to_json_text,
)

__all__ = [
    "HISTORY_FORMATS",
    "MAX_COUNT",
    "TABLES",
    "Column",
    "Table",
    "as_written",
    "atomic_files",
    "atomic_folder",
    "atomic_write_bytes",
    "atomic_write_files",
    "atomic_write_text",
    "check",
    "check_aligned",
    "check_file_target",
    "check_folder_target",
    "check_gaps",
    "check_series_order",
    "columns",
    "defuse_text_cells",
    "iso_times",
    "parse_numbers",
    "parse_times",
    "read_counts",
    "read_coverage",
    "read_csv",
    "read_demand",
    "read_events",
    "read_history",
    "read_market",
    "read_requirements",
    "records",
    "recover_folder",
    "required",
    "row_number",
    "to_csv_text",
    "to_json_text",
]
