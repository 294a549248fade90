"""Check and broadcast the engine's arguments; every problem is a plain StaffplanError.

Each checker turns one argument into a float array and names the argument, the rule and
the first offending value (with its index when the argument is an array) in its message.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from staffplan.errors import StaffplanError


def _floats(name: str, value: ArrayLike) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise StaffplanError(f"{name} must be a number or an array of numbers") from None


def _require(name: str, values: np.ndarray, ok: np.ndarray, rule: str) -> None:
    if ok.all():
        return
    where = np.argwhere(~ok)[0]
    bad = values[tuple(where)]
    at = (
        ""
        if values.ndim == 0
        else f" at index {int(where[0]) if where.size == 1 else tuple(where)}"
    )
    raise StaffplanError(f"{name} {rule}; got {bad:g}{at}")


def non_negative(name: str, value: ArrayLike, unit: str) -> np.ndarray:
    """A finite number ≥ 0 (``unit`` is named in the message)."""
    values = _floats(name, value)
    _require(name, values, np.isfinite(values) & (values >= 0), f"must be 0 or more {unit}")
    return values


def positive(name: str, value: ArrayLike, unit: str) -> np.ndarray:
    """A finite number > 0 (``unit`` is named in the message)."""
    values = _floats(name, value)
    _require(name, values, np.isfinite(values) & (values > 0), f"must be above 0 {unit}")
    return values


def whole(name: str, value: ArrayLike, minimum: int) -> np.ndarray:
    """A whole number ≥ ``minimum``, as floats."""
    values = _floats(name, value)
    finite = np.isfinite(values)
    _require(name, values, finite, "must be a finite whole number")
    _require(name, values, values == np.round(values), "must be a whole number")
    _require(name, values, values >= minimum, f"must be {minimum} or more")
    return values


def patience(value: ArrayLike | None) -> np.ndarray:
    """Mean patience in seconds; None, NaN or inf mean no abandonment (returned as inf)."""
    if value is None:
        return np.asarray(np.inf)
    values = _floats("patience_s", value)
    none = np.isnan(values) | (values == np.inf)
    _require(
        "patience_s",
        values,
        none | (values > 0),
        "must be above 0 seconds (use None, NaN or inf for no abandonment)",
    )
    return np.where(none, np.inf, values)


_AT_ONE = {
    "service_level": "a 100% service level needs infinitely many agents; use e.g. 0.8",
    "shrinkage": "a shrinkage of 1 leaves no one to take contacts; use e.g. 0.3",
}


def share(
    name: str, value: ArrayLike, *, example: float, zero_ok: bool = False, one_ok: bool = False
) -> np.ndarray:
    """A share of 1 (0.8 means 80 %); the ends 0 and 1 only where allowed.

    A value like 80 gets the hint "write 0.8, not 80".
    """
    values = _floats(name, value)
    _require(name, values, ~np.isnan(values), f"must be a share of 1, e.g. {example:g}")
    high = values > 1.0 if one_ok else values >= 1.0
    if high.any():
        bad = float(values[high].flat[0])
        if bad == 1.0 and name in _AT_ONE:
            problem = _AT_ONE[name]
        elif 1.0 < bad <= 100.0:
            problem = f"is a share of 1: write {bad / 100:g}, not {bad:g}"
        else:
            problem = f"must be {'at most' if one_ok else 'below'} 1, e.g. {example:g}; got {bad:g}"
        raise StaffplanError(f"{name} {problem}")
    low_ok = values >= 0.0 if zero_ok else values > 0.0
    rule = "must be 0 or more" if zero_ok else "must be above 0"
    _require(name, values, low_ok, f"{rule}, e.g. {example:g}")
    return values


def broadcast(**arrays: np.ndarray) -> tuple[tuple[int, ...], dict[str, Any]]:
    """(common shape, each array broadcast to it and flattened); names the misfit."""
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {a.shape}" for name, a in arrays.items())
        raise StaffplanError(f"the arguments' array shapes do not broadcast: {shapes}") from None
    return shape, {name: np.broadcast_to(a, shape).ravel() for name, a in arrays.items()}
