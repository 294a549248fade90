"""Find and read the forecast inputs a config names (or the files given instead)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from staffplan.errors import ConfigError, InputError
from staffplan.tables import read_history, read_market
from staffplan.tables.folders import is_folder

if TYPE_CHECKING:
    from staffplan.config import Config


def load_history(
    config: Config, path: str | Path | None = None, fill_gaps: str | None = None
) -> pd.DataFrame:
    """History counts from ``path`` or, without it, from each queue's ``history`` file.

    A file named by several queues is read once; from a config file only the rows of
    the queues that name it are kept.
    """
    if path is not None:
        return read_history(path, config.zone, config.interval_min, fill_gaps=fill_gaps)
    files: dict[Path, list[str]] = {}
    for queue in config.queues:
        if queue.history is not None:
            files.setdefault(queue.history, []).append(queue.name)
    if not files:
        raise ConfigError(
            f"{config.source or 'config'}: no history to read; pass --history FILE "
            "or set queues[].history"
        )
    parts = []
    for file, names in files.items():
        table = read_history(file, config.zone, config.interval_min, fill_gaps=fill_gaps)
        parts.append(table[table["queue"].isin(names)])
    return pd.concat(parts, ignore_index=True)


def history_folder(
    config: Config, path: str | Path | None = None
) -> tuple[Path, frozenset[str] | None] | None:
    """The history folder whose parts the workers read (:mod:`staffplan.tables.folders`)
    and the queues to keep from it (None: all): ``path`` if it is a folder; without
    ``path``, the folder every queue's ``history`` names. None when the history is read
    in this process (a file, or several)."""
    if path is not None:
        return (Path(path), None) if is_folder(path) else None
    named = {queue.history for queue in config.queues}
    if len(named) != 1 or None in named or not is_folder(next(iter(named))):
        return None
    return next(iter(named)), frozenset(queue.name for queue in config.queues)


def load_market(config: Config, path: str | Path | None = None) -> pd.DataFrame | None:
    """Market prices from ``path``, else ``market.prices`` in the config, else ``None``."""
    path = path or config.market.prices
    return None if path is None else read_market(path)


def load_every_queue_history(config: Config, path: str | Path | None = None) -> pd.DataFrame:
    """:func:`load_history` of every configured queue (finance sizes them all): only
    their rows, and an :class:`InputError` naming the queues a file has no rows for."""
    table = load_history(config, path)
    names = [q.name for q in config.queues]
    # a tier-2 queue without a history file of its own gets its demand by escalation
    generated = {q.name for q in config.queues if q.history is None} & config.receivers()
    missing = [n for n in names if n not in set(table["queue"]) and n not in generated]
    if missing:
        files = [path] if path else sorted({q.history for q in config.queues if q.history})
        raise InputError(
            f"{', '.join(str(p) for p in files)}: no history for queue(s) {', '.join(missing)}; "
            "every configured queue is sized, so add their rows or remove the queues"
        )
    return table[table["queue"].isin(names)].reset_index(drop=True)
