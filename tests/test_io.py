"""Readers name file and row; writers are atomic."""

from __future__ import annotations

import json
import zoneinfo

import numpy as np
import pandas as pd
import pytest

from staffplan import tables
from staffplan.errors import InputError

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HEADER = "queue,interval_start,volume\n"


def write(tmp_path, text: str, name: str = "h.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path, interval_min: int = 60):
    return tables.read_counts(path, BERLIN, interval_min)


def test_counts_with_offsets_convert_to_the_planning_zone(tmp_path):
    path = write(tmp_path, HEADER + "a,2026-01-05T08:00:00Z,3\na,2026-01-05T09:00:00Z,4\n")
    table = read(path)
    assert table["interval_start"].iloc[0] == pd.Timestamp("2026-01-05 09:00", tz=BERLIN)
    assert table["volume"].tolist() == [3.0, 4.0]


def test_naive_repeated_autumn_hour_is_resolved_by_order(tmp_path):
    times = ["00:00", "01:00", "02:00", "02:00", "03:00"]
    text = HEADER + "".join(f"{q},2026-10-25 {t},1\n" for q in "ab" for t in times)
    table = read(write(tmp_path, text))
    offsets = table["interval_start"].map(lambda t: t.strftime("%z")).tolist()[:5]
    assert offsets == ["+0200", "+0200", "+0200", "+0100", "+0100"]


def test_bom_is_accepted(tmp_path):
    path = write(tmp_path, "\ufeff" + HEADER + "a,2026-01-05 08:00,3\n")
    assert read(path)["volume"].iloc[0] == 3.0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a,2026-03-29 02:30,1\n", "row 2, column 'interval_start': '2026-03-29 02:30' does not"),
        ("a,2026-10-25 02:00,1\n", "happens twice in Europe/Berlin"),
        ("a,2026-01-05 08:00,-1\n", "row 2, column 'volume': '-1' is below 0"),
        ("a,2026-01-05 08:00,2.5\n", "'2.5' is not a whole number"),
        ("a,2026-01-05 08:00,many\n", "row 2, column 'volume': 'many' is not a number"),
        ("a,2026-01-05 08:00,\n", "row 2, column 'volume': '' is blank"),
        ("a,2026-01-05 08:00,nan\n", "is not a number"),
        ("a,2026-01-05 08:00,1e12\n", "implausibly large"),
        ("a,yesterday,1\n", "'yesterday' is not a timestamp"),
        ("a,2026-01-05 08:10,1\n", "is not the start of a 60-minute interval"),
        ("a,2026-01-05 08:00,1\na,2026-01-05 08:00,1\n", "row 3: queue 'a' has"),
        ("a,2026-01-05 09:00,1\na,2026-01-05 08:00,1\n", "row 3: queue 'a' goes back in time"),
        ("a,2026-01-05T08:00+01:00,1\na,2026-01-05 09:00,1\n", "mixes timestamps with and"),
        ("a,2026-01-05T08:00+01:00,1\na,2026-01-05T09:00+05:00,1\n", "mixed UTC offsets"),
    ],
)
def test_bad_rows_are_named(tmp_path, body, expected):
    path = write(tmp_path, HEADER + body)
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(path) in caught.value.message
    assert expected in caught.value.message


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("", "utf-8", "is empty"),
        (HEADER, "utf-8", "header but no data rows"),
        ("queue;interval_start;volume\na;2026-01-05 08:00;1\n", "utf-8", "semicolons"),
        ("queue,interval_start,volum\na,2026-01-05 08:00,1\n", "utf-8", "did you mean 'volume'"),
        (HEADER + "café,2026-01-05 08:00,1\n", "latin-1", "not UTF-8"),
    ],
)
def test_bad_files_are_explained(tmp_path, text, encoding, expected):
    with pytest.raises(InputError, match=expected):
        read(write(tmp_path, text, encoding=encoding))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="history file not found"):
        read(tmp_path / "missing.csv")


def test_gaps_are_errors_unless_filled_with_zero(tmp_path):
    path = write(tmp_path, HEADER + "a,2026-01-05 08:00,1\na,2026-01-05 11:00,2\n")
    table = read(path)
    with pytest.raises(InputError, match="no rows for 2 interval"):
        tables.check_gaps(table, path, 60)
    filled = tables.check_gaps(table, path, 60, fill_zero=True)
    assert filled["volume"].tolist() == [1.0, 0.0, 0.0, 2.0]


def test_csv_text_has_iso_timestamps_with_offset():
    frame = pd.DataFrame(
        {"interval_start": pd.date_range("2026-03-29", periods=3, freq="h", tz=BERLIN)}
    )
    lines = tables.to_csv_text(frame).splitlines()
    assert lines[1:] == [
        "2026-03-29T00:00:00+01:00",
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
    ]


def test_json_writes_infinity_as_csv_does_and_missing_as_null():
    text = tables.to_json_text({"asa_s": float("inf"), "low": float("-inf"), "gap": float("nan")})
    assert json.loads(text) == {"asa_s": "inf", "low": "-inf", "gap": None}
    assert tables.to_csv_text(pd.DataFrame({"asa_s": [float("inf")]})) == "asa_s\ninf\n"


def test_atomic_write_leaves_no_partial_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tables.write.os, "replace", explode)
    with pytest.raises(OSError):
        tables.atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_folder_keeps_the_previous_version_when_the_run_fails(tmp_path):
    out = tmp_path / "plan"
    with tables.atomic_folder(out) as staging:
        (staging / "a.csv").write_text("v1", encoding="utf-8")
    with pytest.raises(RuntimeError), tables.atomic_folder(out) as staging:
        (staging / "a.csv").write_text("v2", encoding="utf-8")
        raise RuntimeError("killed halfway")
    assert (out / "a.csv").read_text(encoding="utf-8") == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    with tables.atomic_folder(out) as staging:
        (staging / "b.csv").write_text("v3", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["b.csv"]


def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        tables.atomic_write_text(tmp_path / "no" / "such" / "out.csv", "x")


def test_as_written_is_what_a_reader_gets_back_from_the_csv(tmp_path):
    values = [1 / 3, 123456789.123, -0.000123456789, float("nan"), 2.5e-300, 0.0]
    frame = pd.DataFrame({"x": values, "name": list("abcdef"), "n": range(6)})
    written = tables.as_written(frame)
    assert tables.to_csv_text(written) == tables.to_csv_text(frame)
    path = tmp_path / "t.csv"
    path.write_text(tables.to_csv_text(frame), encoding="utf-8")
    back = pd.read_csv(path)["x"].to_numpy()
    np.testing.assert_array_equal(written["x"].to_numpy(), back)  # bit for bit, NaN = NaN
    assert written["x"].iloc[0] != frame["x"].iloc[0]  # it did round
