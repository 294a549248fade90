"""Read the contact history that ``staffplan scenarios`` builds its typical week from."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from staffplan.config import Config
from staffplan.errors import ConfigError, InputError
from staffplan.tables import read_history


def read_scenario_history(config: Config, history: Path | None = None) -> pd.DataFrame:
    """History counts of every configured queue, from ``history`` or the queues' files.

    Each distinct file is read once; rows of queues that are not in the config are
    ignored. Every configured queue must have history.
    """
    if history is not None:
        paths = [history]
    else:
        paths = sorted({q.history for q in config.queues if q.history is not None})
    if not paths:
        raise ConfigError(
            f"{config.source or 'config'}: no history to build the typical week from; "
            "pass --history PATH or set history: on each queue"
        )
    frames = [read_history(path, config.zone, config.interval_min) for path in paths]
    table = pd.concat(frames, ignore_index=True)
    names = [q.name for q in config.queues]
    missing = [name for name in names if name not in set(table["queue"])]
    if missing:
        shown = ", ".join(str(p) for p in paths)
        raise InputError(
            f"{shown}: no history for queue(s) {', '.join(missing)}; scenarios size every "
            "configured queue, so add their rows or remove the queues from the config"
        )
    return table[table["queue"].isin(names)].reset_index(drop=True)
