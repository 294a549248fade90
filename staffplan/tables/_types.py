"""The column types of the table contract and the check of a column's values.

A type says what a column holds once a reader has parsed it (the pandas form), which is
what :func:`staffplan.tables.schema.check` is given: ``time`` columns are timezone-aware
timestamps, ``date`` columns ``YYYY-MM-DD`` text, numbers real numbers (not text).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

# Each type and what a cell of it must be, as a message completes it ("expected ...").
TYPES = {
    "text": "text",
    "time": "a timezone-aware timestamp (ISO 8601 with offset in a file)",
    "date": "a day as YYYY-MM-DD",
    "number": "a finite number",
    "count": "a whole number, 0 or more",
    "share": "a number from 0 to 1",
    "bool": "true or false",
}
_INFERRED = {  # pandas.api.types.infer_dtype names a type's values may have
    "text": {"string"},
    "time": {"datetime64", "datetime"},
    "date": {"string"},
    "number": {"integer", "floating", "mixed-integer-float"},
    "count": {"integer", "floating", "mixed-integer-float"},
    "share": {"integer", "floating", "mixed-integer-float"},
    "bool": {"boolean"},
}
_DAY = r"^\d{4}-\d{2}-\d{2}$"


def blank_cells(values: pd.Series) -> np.ndarray:
    """Per cell: empty (NaN, NaT, None or empty text)."""
    empty = values.isna().to_numpy()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        empty = empty | (values.astype(object) == "").to_numpy()
    return empty


def kind_problem(values: pd.Series, kind: str) -> str | None:
    """Why the (non-blank) ``values`` cannot be of type ``kind`` as a whole, or None."""
    found = pd.api.types.infer_dtype(values, skipna=True)
    if found not in _INFERRED[kind]:
        return f"holds {found} values"
    if kind == "time" and not _aware(values):
        return "holds timestamps without a time zone"
    return None


def _aware(values: pd.Series) -> bool:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return True
    return all(getattr(v, "tzinfo", None) is not None for v in values)


def bad_cells(values: pd.Series, kind: str) -> tuple[np.ndarray, str] | None:
    """The first problem of the (non-blank, right-kind) ``values``: a mask of the cells
    that have it and what it is, or None when every cell is a valid ``kind``."""
    for test, problem in _CELL_TESTS.get(kind, ()):
        bad = test(values)
        if bad.any():
            return bad, problem
    return None


def _numbers(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype=float)


def _not_a_day(values: pd.Series) -> np.ndarray:
    text = values.astype(str)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return (~text.str.match(_DAY) | parsed.isna()).to_numpy()


_CELL_TESTS: dict[str, tuple[tuple[Callable[[pd.Series], np.ndarray], str], ...]] = {
    "date": ((_not_a_day, "is not a day like 2026-12-07"),),
    "number": ((lambda v: ~np.isfinite(_numbers(v)), "is not a finite number"),),
    "count": (
        (lambda v: ~np.isfinite(_numbers(v)), "is not a finite number"),
        (lambda v: _numbers(v) < 0, "is below 0"),
        (lambda v: _numbers(v) != np.round(_numbers(v)), "is not a whole number"),
    ),
    "share": (
        (lambda v: ~np.isfinite(_numbers(v)), "is not a finite number"),
        (lambda v: (_numbers(v) < 0) | (_numbers(v) > 1), "is not a share from 0 to 1"),
    ),
}
