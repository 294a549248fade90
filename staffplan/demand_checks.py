"""The checks a demand table passes before it is sized, each naming the row at fault.

Every queue must be in the config, and the intervals of a backlog queue must follow one
another (its backlog carries over from each to the next). A queue that only receives
escalations takes its tier-1 queue's intervals (:func:`staffplan.escalation.
receiver_sources`), so when that queue is a backlog queue a missing tier-1 row is what
breaks it, and the message names that row.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from staffplan.backlog import first_gap
from staffplan.config import Config, QueueConfig
from staffplan.config.fields import closest
from staffplan.errors import InputError, shown
from staffplan.escalation import receiver_sources
from staffplan.tables.parse import row_number

RowName = Callable[[int], str]  # how a message names the demand table's row at a position


def forecast_row(position: int) -> str:
    """Row ``position`` (0-based) of a demand table given in memory."""
    return f"forecast row {position}"


def file_rows(path: object) -> RowName:
    """The rows of the demand file ``path`` as its reader names them: by spreadsheet row
    (the header is row 1), or by position for a table in memory."""
    return lambda position: f"{path}: row {row_number(position, path)}"


def check_demand(
    rows: pd.DataFrame, runs: np.ndarray, config: Config, row_name: RowName, *, escalate: bool
) -> None:
    """An :class:`InputError` naming the first row (``row_name``) of a queue the config
    lacks, or after a missing interval of a backlog queue (with ``escalate``, also of a
    tier-1 queue whose intervals a backlog queue takes). ``runs``: per row, the number of
    its queue's run of intervals, each sized on its own."""
    check_queues(rows["queue"], config, row_name)
    present = set(rows["queue"])
    sources = receiver_sources(present, config) if escalate else {}
    positions = rows.groupby("queue", sort=False).indices
    for queue in config.queues:
        owner = queue.name if queue.name in present else sources.get(queue.name)
        if not queue.backlog or owner is None:
            continue
        at = positions[owner]
        for run in np.unique(runs[at]):
            _check_run(rows["interval_start"], at[runs[at] == run], queue, owner, config, row_name)


def check_queues(queues: pd.Series, config: Config, row_name: RowName) -> None:
    """An :class:`InputError` naming the first row (``row_name``) of ``queues`` whose
    queue the config lacks."""
    known = [q.name for q in config.queues]
    unknown = np.flatnonzero(~queues.isin(known).to_numpy())
    if unknown.size == 0:
        return
    name = str(queues.iloc[unknown[0]])
    hint = closest(name, known)
    guess = f"; did you mean {hint!r}?" if hint else ""
    where = f" {config.source}" if config.source else ""
    raise InputError(
        f"{row_name(unknown[0])}: queue {shown(name)} is not in the config{where} (queues: "
        f"{', '.join(known)}); add it to the config's queues:, or fix the row's queue "
        f"name{guess}"
    )


def _check_run(
    times: pd.Series,
    at: np.ndarray,
    queue: QueueConfig,
    owner: str,
    config: Config,
    row_name: RowName,
) -> None:
    """The rows ``at`` (one run of ``owner``'s, in time order) leave no interval of the
    backlog ``queue`` out."""
    gap = first_gap(times.iloc[at], config.interval_min)
    if gap is None:
        return
    before, after = (times.iloc[at[k]].isoformat() for k in (gap - 1, gap))
    if owner == queue.name:
        why = f"backlog queue {owner!r} has no row between {before} and {after}"
    else:
        why = (
            f"queue {owner!r} has no row between {before} and {after}; {queue.name!r}, "
            "the backlog queue it escalates to, has no rows of its own and takes the "
            f"intervals of {owner!r}"
        )
    raise InputError(
        f"{row_name(at[gap])}: {why}; a backlog carries over every interval, so give each "
        "one a row: re-run `staffplan forecast`, or add the missing rows with volume 0"
    )
