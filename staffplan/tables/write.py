"""Writing outputs: CSV/JSON text and atomic files and folders.

Writers never leave half a file: they write a temp file in the same folder and
``os.replace`` it; a multi-file output is built in a temp folder and renamed into place.
CSV text cells a spreadsheet would run as a formula get a leading ``'``
(:func:`staffplan.config.names.defuse_formula`); numbers are never touched.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from staffplan.config.names import defuse_formula
from staffplan.errors import InputError
from staffplan.tables.parse import iso_times

FLOAT_FORMAT = "%.6g"  # numbers in CSV outputs: 6 significant digits


def to_csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV text: timestamps ISO 8601 with offset, floats to 6 significant
    digits, text cells defused against formula injection."""
    out = defuse_text_cells(frame)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = iso_times(out[column])
    return out.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def defuse_text_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (strings in text columns; never numbers) a
    spreadsheet would read as a formula start with ``'``."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda value: defuse_formula(value) if isinstance(value, str) else value
            )
    return out


def as_written(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every float as :func:`to_csv_text` writes it (6 significant digits).

    A job hands each stage its predecessor's table as written, so running the stages one
    by one on the files gives exactly what the job computed in memory.
    """
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = [float(FLOAT_FORMAT % value) for value in out[column].to_numpy()]
    return out


def to_json_text(payload: Any) -> str:
    """JSON text; a DataFrame becomes a list of records; NaN and inf become null."""
    if isinstance(payload, pd.DataFrame):
        payload = records(payload)
    return json.dumps(_finite(payload), indent=2, ensure_ascii=False) + "\n"


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready records (ISO timestamps, plain Python numbers)."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = iso_times(out[column])
    return [{k: _plain(v) for k, v in row.items()} for row in out.to_dict(orient="records")]


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return _plain(value)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    _check_writable(folder, path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _check_writable(folder: Path, target: Path) -> None:
    if not folder.is_dir():
        raise InputError(f"{target}: the folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{target}: the folder {folder} is not writable; choose another --output")


def check_folder_target(path: str | Path) -> Path:
    """Check that a folder output can be written at ``path`` (run before slow work);
    return the folder it goes in."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    _check_writable(parent, path)
    if path.exists() and not path.is_dir():
        raise InputError(f"{path}: exists and is not a folder; choose another --output")
    return parent


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """Build a multi-file output in a temp folder; it replaces ``path`` only on success.

    Yields the temp folder to write into. If the body raises, the temp folder is removed
    and an existing ``path`` is left as it was.
    """
    path = Path(path)
    parent = check_folder_target(path)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent))
    os.chmod(staging, 0o777 & ~_umask())
    try:
        yield staging
        _swap_in(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, path: Path) -> None:
    if not path.exists():
        os.rename(staging, path)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    os.rename(path, old / path.name)
    try:
        os.rename(staging, path)
    except BaseException:
        os.rename(old / path.name, path)
        raise
    shutil.rmtree(old, ignore_errors=True)
