"""The plan report's per-class service levels: one row per queue and priority class.

For queues with priority ``classes:`` the requirements carry ``service_level_<class>``,
``asa_s_<class>`` and ``abandon_rate_<class>`` per interval; the report shows each
class's offered-weighted mean over the horizon and how it was computed (``method``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CAPTION = "Service level by priority class"
_MEASURES = ("service_level", "asa_s", "abandon_rate")


def class_service_tables(requirements: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``{CAPTION: table}`` with columns ``queue, class, service_level, asa_s,
    abandon_rate, method``, or ``{}`` when no queue has classes."""
    classes = [
        c.removeprefix("asa_s_")
        for c in requirements.columns
        if c.startswith("asa_s_") and f"service_level_{c.removeprefix('asa_s_')}" in requirements
    ]
    rows = []
    for queue, mine in requirements.groupby(requirements["queue"].astype(str), sort=False):
        weight = mine["offered" if "offered" in mine.columns else "volume"].to_numpy(float)
        weight = weight if weight.sum() > 0 else np.ones_like(weight)
        for name in classes:
            values = {m: mine[f"{m}_{name}"].to_numpy(float) for m in _MEASURES}
            if np.isnan(values["service_level"]).all():
                continue
            rows.append(
                {
                    "queue": queue,
                    "class": name,
                    **{m: float(np.average(v, weights=weight)) for m, v in values.items()},
                    "method": ", ".join(sorted(set(mine["method"].astype(str)))),
                }
            )
    return {CAPTION: pd.DataFrame(rows)} if rows else {}
