"""Fuzzing every table reader: random bytes and well-formed-but-wrong CSVs either give a
clean table or a StaffplanError naming the problem, never another exception."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffplan import tables
from staffplan.config import parse_config
from staffplan.errors import StaffplanError
from staffplan.tables import read_requirements

ZONE = zoneinfo.ZoneInfo("Europe/Berlin")
INTERVAL_MIN = 30
CONFIG = parse_config(
    "timezone: Europe/Berlin\ninterval_min: 30\nqueues:\n"
    "  - {name: chat_en, channel: chat, aht_s: 420, concurrency: 2, shrinkage: 0.3,\n"
    "     target: {service_level: 0.8, answer_within_s: 60}}\n"
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# reader name -> (read(path), value column checked >= 0, time column)
READERS: dict[str, tuple[Callable[[Path], pd.DataFrame], str, str]] = {
    "counts": (lambda p: tables.read_counts(p, ZONE, INTERVAL_MIN), "volume", "interval_start"),
    "history": (lambda p: tables.read_history(p, ZONE, INTERVAL_MIN), "volume", "interval_start"),
    "events": (lambda p: tables.read_events(p, ZONE, INTERVAL_MIN), "volume", "interval_start"),
    "market": (tables.read_market, "close", "timestamp"),
    "coverage": (
        lambda p: tables.read_coverage(p, CONFIG.zone, CONFIG.interval_min),
        "scheduled",
        "interval_start",
    ),
    "requirements": (
        lambda p: read_requirements(p, CONFIG.zone, CONFIG.interval_min),
        "agents",
        "interval_start",
    ),
}
COLUMNS = [
    "queue", "interval_start", "volume", "aht_s", "created_at", "handle_time_s", "reason",
    "timestamp", "close", "high", "low", "scheduled", "agents", "offered", "Volume",
    "interval start", "",
]  # fmt: skip
TIMES = [
    "2026-12-07T09:00:00+01:00",
    "2026-12-07T09:30:00+01:00",
    "2026-12-07 10:00",
    "2026-12-07T09:00:00Z",
    "2026-12-07T09:00:00+08:00",
    "2026-12-07T09:10:00",
    "2026-03-29T02:30:00",  # does not exist in Berlin (spring forward)
    "2026-10-25T02:30:00",  # happens twice in Berlin (fall back)
    "2026-12-07",
    "07/12/2026 09:00",
    "9999-12-31T23:30:00",
    "0001-01-01T00:00:00",
]
CELLS = st.one_of(
    st.sampled_from(TIMES),
    st.integers(-5, 10**7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "chat_en", "phone_zh", "nan", "inf", "-0", "1e308", "1,5", '"']),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
)


@st.composite
def wrong_csvs(draw: st.DrawFn) -> str:
    """A CSV with a random header from real and near-miss column names and random cells."""
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header) + 1)))
    lines = [",".join(header)] + [",".join(cell.replace("\n", " ") for cell in row) for row in rows]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


def _read_or_refuse(name: str, path: Path) -> None:
    """The reader's only outcomes: a StaffplanError, or a table that obeys its contract."""
    read, value, time = READERS[name]
    try:
        table = read(path)
    except StaffplanError:
        return
    assert isinstance(table, pd.DataFrame) and len(table) > 0
    times = table[time]
    assert isinstance(times.dtype, pd.DatetimeTZDtype), times.dtype
    values = table[value].to_numpy(dtype=float)
    assert np.isfinite(values).all() and (values >= 0).all(), values
    if name == "market":
        assert (values > 0).all() and times.is_monotonic_increasing
    else:
        assert str(times.dt.tz) == ZONE.key


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("name", sorted(READERS))
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_are_read_or_refused(name: str, data: bytes, folder: Path) -> None:
    path = folder / f"{name}.csv"
    path.write_bytes(data)
    _read_or_refuse(name, path)


@pytest.mark.parametrize("name", sorted(READERS))
@FUZZ
@given(text=wrong_csvs())
def test_wrong_csvs_are_read_or_refused(name: str, text: str, folder: Path) -> None:
    path = folder / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    _read_or_refuse(name, path)


def test_text_among_offset_timestamps_is_named_as_not_a_timestamp(tmp_path: Path) -> None:
    """Regression: a text cell among offset timestamps was reported as a naive/offset mix."""
    path = tmp_path / "history.csv"
    path.write_text("created_at,queue\n2026-12-07T09:05:00+01:00,chat_en\nnoon,chat_en\n")
    with pytest.raises(StaffplanError, match=r"row 3, column 'created_at': 'noon' is not a"):
        tables.read_events(path, ZONE, INTERVAL_MIN)


def test_a_lone_carriage_return_in_the_header_is_refused_cleanly(tmp_path: Path) -> None:
    """Regression (found by the fuzzer): ``b"\\r\\x00"`` made the header sniffing raise
    ``_csv.Error`` instead of an InputError."""
    path = tmp_path / "history.csv"
    path.write_bytes(b"\r\x00")
    with pytest.raises(StaffplanError, match=r"history\.csv"):
        tables.read_history(path, ZONE, INTERVAL_MIN)
