"""The per-queue-interval results every model returns, as flat float arrays."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Metrics(NamedTuple):
    """Shares of 1, except ``asa`` (mean wait of answered contacts, in units of the AHT)."""

    service_level: np.ndarray
    asa: np.ndarray
    p_wait: np.ndarray
    occupancy: np.ndarray
    abandon_rate: np.ndarray

    @classmethod
    def saturated(cls, size: int) -> Metrics:
        """No capacity for the work: everyone waits, no one within target, ASA infinite."""
        return cls(
            np.zeros(size), np.full(size, np.inf), np.ones(size), np.ones(size), np.zeros(size)
        )

    def put(self, mask: np.ndarray, other: Metrics) -> None:
        """Write ``other``'s values into the elements selected by ``mask``."""
        for mine, theirs in zip(self, other, strict=True):
            mine[mask] = theirs
