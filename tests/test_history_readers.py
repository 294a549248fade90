"""The history and market readers: formats, DST, and one precise error per mistake."""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path

import pandas as pd
import pytest

from staffplan.errors import InputError
from staffplan.tables import read_events, read_history, read_market

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


COUNTS = """queue,interval_start,volume
chat,2026-12-07T09:00:00+08:00,3
chat,2026-12-07T09:30:00+08:00,5
chat,2026-12-07T10:00:00+08:00,0
"""


def test_counts_history_is_read_with_zone_and_integers(tmp_path):
    table = read_history(write(tmp_path, COUNTS), SHANGHAI, 30)
    assert list(table.columns) == ["queue", "interval_start", "volume"]
    assert table["volume"].tolist() == [3, 5, 0]
    assert str(table["interval_start"].dt.tz) == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("chat,2026-12-07T10:00:00+08:00,-1", "row 4, column 'volume': '-1' is below 0"),
        ("chat,2026-12-07T10:00:00+08:00,lots", "row 4, column 'volume': 'lots' is not a number"),
        ("chat,2026-12-07T10:00:00+08:00,2.5", "row 4, column 'volume': '2.5' is not a whole"),
        (
            "chat,2026-12-07T09:30:00+08:00,2",
            "row 4: queue 'chat' has 2026-12-07T09:30:00+08:00 again",
        ),
        (
            "chat,2026-12-07T09:00:00+08:00,2",
            "row 4: queue 'chat' has 2026-12-07T09:00:00+08:00 again",
        ),
        ("chat,2026-12-07T08:30:00+08:00,2", "row 4: queue 'chat' goes back in time"),
        ("chat,2026-12-07 10:00,2", "row 4, column 'interval_start': '2026-12-07 10:00' mixes"),
        ("chat,2026-12-07T10:10:00+08:00,2", "is not the start of a 30-minute interval"),
    ],
)
def test_bad_counts_row_is_named(tmp_path, row, message):
    text = "\n".join([*COUNTS.splitlines()[:3], row]) + "\n"
    with pytest.raises(InputError, match=re.escape(message)):
        read_history(write(tmp_path, text), SHANGHAI, 30)


def test_mixed_offsets_in_history_are_an_error(tmp_path):
    text = COUNTS.replace("10:00:00+08:00", "02:00:00+00:00")
    with pytest.raises(InputError, match=r"row 4.*mixed UTC offsets"):
        read_history(write(tmp_path, text), SHANGHAI, 30)


def test_gap_is_an_error_unless_filled_with_zero(tmp_path):
    text = COUNTS.replace("chat,2026-12-07T09:30:00+08:00,5\n", "")
    path = write(tmp_path, text)
    with pytest.raises(
        InputError, match=r"row 3: queue 'chat' has no rows for 1 interval.*--fill-gaps zero"
    ):
        read_history(path, SHANGHAI, 30)
    filled = read_history(path, SHANGHAI, 30, fill_gaps="zero")
    assert filled["volume"].tolist() == [3, 0, 0]


def test_unknown_fill_gaps_choice_is_refused(tmp_path):
    with pytest.raises(InputError, match="fill_gaps 'mean' is not supported"):
        read_history(write(tmp_path, COUNTS), SHANGHAI, 30, fill_gaps="mean")


def test_history_of_neither_format_names_both(tmp_path):
    with pytest.raises(
        InputError, match=r"not a history file.*counts \(queue.*events \(created_at"
    ):
        read_history(write(tmp_path, "when,queue,n\n2026-12-07,chat,3\n"), SHANGHAI, 30)


EVENTS = """created_at,queue,reason,handle_time_s
2026-12-07 09:01:10,chat,deposit,100
2026-12-07 09:29:59,chat,deposit,300
2026-12-07 10:45:00,chat,login,50
2026-12-07 09:40:00,phone,withdrawal,200
"""


def test_events_are_counted_per_interval_with_zero_fill_and_mean_handle_time(tmp_path):
    table = read_history(write(tmp_path, EVENTS), SHANGHAI, 30)
    chat = table[table["queue"] == "chat"]
    assert chat["interval_start"].dt.strftime("%H:%M").tolist() == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
    ]
    assert chat["volume"].tolist() == [2, 0, 0, 1]
    assert chat["aht_s"].tolist()[0] == 200
    phone = table[table["queue"] == "phone"]
    assert phone["volume"].tolist() == [0, 1, 0, 0]


def test_events_over_a_spring_forward_day_give_92_quarter_hours(tmp_path):
    times = pd.date_range("2026-03-29", "2026-03-30", freq="15min", tz=BERLIN, inclusive="left")
    text = "created_at,queue\n" + "".join(f"{t.isoformat()},chat\n" for t in times)
    table = read_events(write(tmp_path, text), BERLIN, 15)
    assert len(table) == 92
    assert (table["volume"] == 1).all()


def test_events_with_a_bad_timestamp_name_the_row(tmp_path):
    text = EVENTS.replace("2026-12-07 10:45:00", "yesterday")
    with pytest.raises(
        InputError, match="row 4, column 'created_at': 'yesterday' is not a timestamp"
    ):
        read_history(write(tmp_path, text), SHANGHAI, 30)


MARKET = """timestamp,high,low,close
2020-03-12 00:00,7970,7500,7900.5
2020-03-12 01:00,7950,7700,7800
2020-03-12 02:00,7900,7600,7700
"""


def test_market_naive_timestamps_are_utc_and_offsets_are_converted(tmp_path):
    naive = read_market(write(tmp_path, MARKET, "a.csv"))
    assert str(naive["timestamp"].dt.tz) == "UTC"
    assert naive["timestamp"].iloc[0] == pd.Timestamp("2020-03-12 00:00", tz="UTC")
    shifted = MARKET.replace("2020-03-12 0", "2020-03-12T0").replace(":00,", ":00+08:00,")
    offset = read_market(write(tmp_path, shifted, "b.csv"))
    assert offset["timestamp"].iloc[0] == pd.Timestamp("2020-03-11 16:00", tz="UTC")
    assert offset["close"].tolist() == [7900.5, 7800, 7700]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("7800\n", "0\n", r"row 3, column 'close': '0' must be greater than 0"),
        ("7800\n", "nan\n", r"row 3, column 'close'"),
        (
            "2020-03-12 02:00",
            "2020-03-12 01:00",
            r"row 4: series 'market' has 2020-03-12T01:00:00\+00:00 again",
        ),
        ("2020-03-12 02:00", "2020-03-11 23:00", "row 4: series 'market' goes back in time"),
        (
            "2020-03-12 02:00",
            "2020-03-12 02:30",
            r"row 4: 2020-03-12T02:30:00\+00:00 is off the hourly grid",
        ),
        ("7950,7700", "7650,7700", "row 3: low is above high"),
    ],
)
def test_bad_market_row_is_named(tmp_path, old, new, message):
    with pytest.raises(InputError, match=message):
        read_market(write(tmp_path, MARKET.replace(old, new, 1)))


def test_market_at_two_hour_steps_is_refused(tmp_path):
    text = MARKET.replace("01:00", "02:00").replace(
        "2020-03-12 02:00,7900", "2020-03-12 04:00,7900"
    )
    with pytest.raises(InputError, match="use hourly or daily closes"):
        read_market(write(tmp_path, text))
