"""Tables too large for one file: a folder of CSV files, or a Parquet dataset.

A history or demand path may be a folder. Its **parts** are read one by one (on the
workers, see :mod:`staffplan.forecast.parts`): each ``.csv``, ``.parquet`` or ``.pq``
file is a part, except in a folder partitioned by queue the hive way
(``queue=NAME/part-0.parquet``, as pandas, Spark and pyarrow write it), where each
``queue=NAME`` folder is one part, its files read in name order and their rows given
the ``queue`` its name says. A queue's rows must all be in one part. Files and folders
whose names start with ``.`` or ``_`` (``_SUCCESS``, ``.crc``) are skipped.

Parquet needs ``pyarrow`` (``pip install "staffplan[dask]"``); its typed columns are
checked like a CSV's cells (a timestamp column may be typed with a zone, or text).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from staffplan.errors import InputError, shown
from staffplan.tables.parse import InMemory, _check_columns, read_csv

CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")
PARTITION_KEY = "queue"  # the hive partition column: queue=NAME/
PYARROW_INSTALL = 'pip install "staffplan[dask]" (or pip install pyarrow)'


def table_parts(path: str | Path, kind: str) -> list[Path]:
    """The parts of the ``kind`` table at ``path`` in name order: ``[path]`` for a
    file, else the folder's data files and ``queue=NAME`` folders (see module doc)."""
    path = Path(path)
    if not is_folder(path):
        return [path]
    parts = sorted(_parts_under(path))
    if not parts:
        raise InputError(
            f"{path}: the {kind} folder has no {', '.join(CSV_SUFFIXES + PARQUET_SUFFIXES)} "
            f"files (nor {PARTITION_KEY}=NAME folders); point to the folder that holds them"
        )
    return parts


def read_cells(
    path: str | Path, *, required: Sequence[str], kind: str, text: str | None = None
) -> pd.DataFrame:
    """One part's rows, checked to have the ``required`` columns: a CSV's text cells
    (:func:`~staffplan.tables.parse.read_csv`; ``text``: its content, already read), or a
    Parquet file's or ``queue=NAME`` folder's typed columns, or an
    :class:`~staffplan.tables.parse.InMemory` table's."""
    if isinstance(path, InMemory) or not is_parquet(Path(path)):
        return read_csv(path, required=required, kind=kind, text=text)
    path = Path(path)
    frame = _read_parquet(path, kind)
    _check_columns(frame, path, required, kind)
    if frame.empty:
        raise InputError(f"{path}: the {kind} table has no rows")
    return frame


def parquet_columns(path: Path, kind: str) -> list[str]:
    """The column names of a Parquet part, without reading its rows."""
    pq = _pyarrow_parquet(path, kind)
    names = list(pq.read_schema(_data_files(path)[0]).names)
    key = _partition_value(path)
    return names if key is None or PARTITION_KEY in names else [PARTITION_KEY, *names]


def is_folder(path: str | Path) -> bool:
    """A folder of parts (not one ``queue=NAME`` part); never an in-memory table."""
    if isinstance(path, InMemory):
        return False
    return Path(path).is_dir() and _partition_value(Path(path)) is None


def is_parquet(path: Path) -> bool:
    """A Parquet file, or a ``queue=NAME`` folder of them."""
    return path.suffix.lower() in PARQUET_SUFFIXES or _partition_value(path) is not None


def read_parts(
    path: str | Path, kind: str, read_part: Callable[[Path], pd.DataFrame]
) -> pd.DataFrame:
    """Every part of ``path`` read by ``read_part`` and stacked in part order; a queue
    found in two parts is an error naming both (:func:`check_one_part_per_queue`)."""
    parts = table_parts(path, kind)
    tables = [read_part(part) for part in parts]
    check_one_part_per_queue(
        [(p, pd.unique(t["queue"])) for p, t in zip(parts, tables, strict=True)]
    )
    return pd.concat(tables, ignore_index=True)


def check_one_part_per_queue(queues_by_part: Iterable[tuple[Path, Iterable[str]]]) -> None:
    """:class:`InputError` naming both parts when a queue is in two of them."""
    owner: dict[str, Path] = {}
    for part, queues in queues_by_part:
        for queue in queues:
            if queue in owner:
                raise InputError(
                    f"{part}: queue {shown(queue)} is also in {owner[queue]}; a queue's "
                    f"rows must all be in one file (or one {PARTITION_KEY}=NAME folder)"
                )
            owner[queue] = part


def _parts_under(folder: Path) -> list[Path]:
    parts = []
    for entry in folder.iterdir():
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_dir():
            parts += [entry] if _partition_value(entry) is not None else _parts_under(entry)
        elif entry.suffix.lower() in CSV_SUFFIXES + PARQUET_SUFFIXES:
            parts.append(entry)
    return parts


def _partition_value(path: Path) -> str | None:
    """``NAME`` of a ``queue=NAME`` folder (percent-decoded, as pyarrow writes it)."""
    key, sep, value = path.name.partition("=")
    if not sep or key != PARTITION_KEY or not path.is_dir():
        return None
    return urllib.parse.unquote(value)


def _data_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "_")))
    if not files:
        raise InputError(f"{path}: the {PARTITION_KEY} folder has no Parquet files")
    return files


def _read_parquet(path: Path, kind: str) -> pd.DataFrame:
    pq = _pyarrow_parquet(path, kind)
    tables = []
    for file in _data_files(path):
        try:
            tables.append(pq.read_table(file).to_pandas())
        except OSError as exc:
            raise InputError(f"{file}: not a readable Parquet file ({exc})") from None
    frame = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    value = _partition_value(path)
    if value is None:
        return frame
    if PARTITION_KEY in frame.columns:
        other = frame[PARTITION_KEY].astype(str) != value
        if other.any():
            raise InputError(
                f"{path}: has rows of queue {shown(frame[PARTITION_KEY][other].iloc[0])}; "
                f"a {PARTITION_KEY}={value} folder holds that queue's rows only"
            )
        return frame
    return frame.assign(**{PARTITION_KEY: value})[[PARTITION_KEY, *frame.columns]]


def _pyarrow_parquet(path: Path, kind: str) -> Any:  # pyarrow is optional: no type
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            f"{path}: reading a Parquet {kind} table needs pyarrow, which is not installed "
            f"here: {PYARROW_INSTALL}"
        ) from None
    return pq
