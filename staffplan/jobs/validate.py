"""Check a config and every file it names, in about a second, before any long run.

The config is loaded (every section and every rule across sections), then each file it
names is read with the reader the stages use: each queue's ``history``, the
``market.prices`` and the ``forecast.calendar``. A problem therefore ends with the
reader's own message (the file, the row and what to do), found before a forecast is
fitted instead of after.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pandas as pd

from staffplan.config import Config, load_config
from staffplan.errors import InputError, StaffplanError
from staffplan.tables.calendar import load_calendar
from staffplan.tables.inputs import load_history, load_market

CHECK_COLUMNS = ["item", "path", "rows", "first", "last", "details"]


def validate(config: Config | str | Path) -> pd.DataFrame:
    """One row per checked item (:data:`CHECK_COLUMNS`): the config, each queue's
    history and the market prices, with the rows each holds and its first and last
    timestamp (ISO 8601; histories in the planning zone, market prices in UTC).

    ``config`` is a loaded :class:`Config` or the path of a YAML config. Every file is
    read even after one fails; any problem raises a :class:`StaffplanError` (the
    reader's message, or all of them joined when several files fail).
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    files: dict[Path, list[int]] = {}
    for i, queue in enumerate(cfg.queues):
        if queue.history is not None:
            files.setdefault(queue.history, []).append(i)
    checks = [functools.partial(_history_rows, cfg, f, indices) for f, indices in files.items()]
    checks += [functools.partial(_unset_history_rows, cfg), functools.partial(_market_rows, cfg)]
    checks.append(functools.partial(_calendar_rows, cfg))
    rows = [_config_row(cfg)]
    problems: list[StaffplanError] = []
    for check in checks:
        try:
            rows += check()
        except StaffplanError as exc:
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        joined = " | ".join(p.message for p in problems)
        raise type(problems[0])(f"{len(problems)} problems: {joined}")
    return pd.DataFrame(rows, columns=CHECK_COLUMNS, dtype=object)  # rows: int or None


def _config_row(config: Config) -> dict[str, Any]:
    sections = ("forecast", "shifts", "simulation", "deflection", "scenarios", "team")
    present = [name for name in sections if getattr(config, name) is not None]
    queues = ", ".join(q.name for q in config.queues)
    return _row(
        "config",
        config.source,
        details=f"queues: {queues}; sections: {', '.join(present) or 'none'}",
    )


def _unset_history_rows(config: Config) -> list[dict[str, Any]]:
    fed = config.receivers()
    return [
        _row(
            f"queues[{i}].history",
            None,
            details=(
                "not set; its demand comes by escalation from tier 1"
                if queue.name in fed
                else "not set; forecasts need --history"
            ),
        )
        for i, queue in enumerate(config.queues)
        if queue.history is None
    ]


def _history_rows(config: Config, file: Path, indices: list[int]) -> list[dict[str, Any]]:
    table = load_history(config, file)
    rows = []
    for i in indices:
        name = config.queues[i].name
        part = table.loc[table["queue"] == name, "interval_start"]
        if part.empty:
            present = ", ".join(sorted(table["queue"].unique()))
            raise InputError(
                f"{file}: no rows for queue {name!r} (queues[{i}].history names this file; "
                f"its queues: {present}); fix the queue name or point history to its file"
            )
        rows.append(_row(f"queues[{i}].history", file, part, details=f"queue {name}"))
    return rows


def _market_rows(config: Config) -> list[dict[str, Any]]:
    prices = load_market(config)
    if prices is None:
        return [_row("market.prices", None, details="not set; forecasts use no market driver")]
    return [_row("market.prices", config.market.prices, prices["timestamp"], details="prices")]


def _calendar_rows(config: Config) -> list[dict[str, Any]]:
    calendar = load_calendar(config)  # inline days are checked even without a file
    path = config.forecast.calendar if config.forecast else None
    if calendar is None or path is None:
        return []
    days = calendar["date"].map(dt.date.fromisoformat)
    details = "known events (the file and forecast.calendar_days)"
    return [_row("forecast.calendar", path, days, details=details)]


def _row(
    item: str, path: Path | None, times: pd.Series | None = None, *, details: str
) -> dict[str, Any]:
    first = last = None
    if times is not None:
        first, last = times.min().isoformat(), times.max().isoformat()
    return {
        "item": item,
        "path": None if path is None else str(path),
        "rows": None if times is None else len(times),
        "first": first,
        "last": last,
        "details": details,
    }
