"""Large inputs (:mod:`staffplan.tables.folders`, :mod:`staffplan.forecast.parts`): a
history or forecast may be a folder of CSV files or a Parquet dataset partitioned by
queue; read part by part, it gives the same tables and the same forecast bytes as the
one CSV file, and a folder that cannot be read is one error naming the part."""

from __future__ import annotations

import json
import shutil
import sys
import zoneinfo
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import staffplan
from staffplan.cli import app
from staffplan.errors import InputError
from staffplan.jobs.publish import manifest
from staffplan.tables import read_history, to_csv_text
from staffplan.tables.folders import table_parts
from staffplan.tables.read import read_demand

REPO = Path(__file__).resolve().parents[1]
HISTORY = REPO / "sample_data" / "history.csv"
CONFIG = REPO / "configs" / "example.yaml"
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def by_queue(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["queue", "interval_start"], kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample history as a folder of one CSV per queue and as a Parquet dataset
    partitioned by queue (``queue=NAME/``, as pandas writes it)."""
    root = tmp_path_factory.mktemp("folders")
    text = pd.read_csv(HISTORY, dtype=str, keep_default_na=False)
    (root / "csv").mkdir()
    for queue, rows in text.groupby("queue"):
        rows.to_csv(root / "csv" / f"{queue}.csv", index=False)
    (root / "csv" / "_SUCCESS").write_text("", encoding="utf-8")  # skipped, like .crc files
    read_history(HISTORY, ZONE, 30).to_parquet(root / "parquet", partition_cols=["queue"])
    return {"csv": root / "csv", "parquet": root / "parquet"}


def test_a_folders_parts_are_its_files_or_its_queue_folders(folders):
    assert [p.name for p in table_parts(folders["csv"], "history")] == [
        "chat_en.csv",
        "email_en.csv",
        "phone_en.csv",
        "phone_zh.csv",
    ]
    parts = table_parts(folders["parquet"], "history")
    assert [p.name for p in parts] == [
        "queue=chat_en",
        "queue=email_en",
        "queue=phone_en",
        "queue=phone_zh",
    ]
    assert table_parts(HISTORY, "history") == [HISTORY]


@pytest.mark.parametrize("layout", ["csv", "parquet"])
def test_a_history_folder_reads_as_the_one_file(folders, layout):
    one = read_history(HISTORY, ZONE, 30)
    pd.testing.assert_frame_equal(by_queue(read_history(folders[layout], ZONE, 30)), by_queue(one))


@pytest.mark.parametrize("layout", ["csv", "parquet"])
def test_a_forecast_from_a_folder_is_byte_identical_to_the_one_file(folders, layout, tmp_path):
    options = ["--config", CONFIG, "--horizon-days", 2, "--quiet"]
    for name, history in (("file", HISTORY), ("folder", folders[layout])):
        out = tmp_path / f"{name}.csv"
        args = ["forecast", *options, "--history", history, "-o", out]
        result = CliRunner().invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.stderr
    assert (tmp_path / "folder.csv").read_bytes() == (tmp_path / "file.csv").read_bytes()


@pytest.fixture(scope="module")
def uneven(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample history with phone_zh starting 3 weeks later and ending 26.5 hours
    earlier than chat_en, as one file and as a folder of one CSV per queue."""
    root = tmp_path_factory.mktemp("uneven")
    text = pd.read_csv(HISTORY, dtype=str, keep_default_na=False)
    times = pd.to_datetime(text["interval_start"], utc=True)
    later = times >= times.min() + pd.Timedelta(days=21)
    earlier = times <= times.max() - pd.Timedelta(hours=26.5)
    text = text[(text["queue"] != "phone_zh") | (later & earlier)]
    text.to_csv(root / "one.csv", index=False)
    (root / "parts").mkdir()
    for queue, rows in text.groupby("queue"):
        rows.to_csv(root / "parts" / f"{queue}.csv", index=False)
    return {"file": root / "one.csv", "folder": root / "parts"}


def test_queues_of_different_spans_forecast_and_backtest_the_same_from_a_folder(uneven):
    def both(history: Path) -> tuple[str, str]:
        run = staffplan.forecast(CONFIG, history=history, horizon_days=2)
        options = {"origins": 3, "horizon_days": 5, "train_weeks": 6}
        scores = staffplan.backtest(CONFIG, history=history, **options)
        # fit_predict_s is a measured time, not a result
        return to_csv_text(run.forecast), to_csv_text(scores.drop(columns="fit_predict_s"))

    assert both(uneven["folder"]) == both(uneven["file"])


@pytest.mark.parametrize("layout", ["csv", "parquet"])
def test_a_backtest_from_a_folder_scores_as_the_one_file(folders, layout):
    options = {"origins": 2, "train_weeks": 8}
    one = staffplan.backtest(CONFIG, **options).drop(columns="fit_predict_s")
    run = staffplan.backtest(CONFIG, history=folders[layout], **options)
    assert to_csv_text(run.drop(columns="fit_predict_s")) == to_csv_text(one)


def test_a_folder_runs_tail_and_driver_are_those_of_the_one_file(folders):
    one = staffplan.forecast(CONFIG, horizon_days=2)
    run = staffplan.forecast(CONFIG, history=folders["parquet"], horizon_days=2)
    pd.testing.assert_frame_equal(run.driver, one.driver)
    start = one.forecast["interval_start"].min()
    tail = one.history[one.history["interval_start"] >= start - pd.Timedelta(days=14)]
    pd.testing.assert_frame_equal(run.history, by_queue(tail))
    assert run.model.queues_.keys() == one.model.queues_.keys()


def test_queues_history_may_name_a_folder(folders, make_checkout):
    config = make_checkout("history-folder") / "configs" / "example.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("../sample_data/history.csv", str(folders["csv"])), "utf-8")
    run = staffplan.forecast(config, horizon_days=2)
    one = staffplan.forecast(CONFIG, horizon_days=2)
    pd.testing.assert_frame_equal(run.forecast, one.forecast, check_exact=True)


def test_a_forecast_folder_reads_as_the_one_file(tmp_path):
    forecast = staffplan.forecast(CONFIG, horizon_days=1).forecast
    (tmp_path / "parts").mkdir()
    text = forecast.assign(interval_start=forecast["interval_start"].map(pd.Timestamp.isoformat))
    text.to_csv(tmp_path / "forecast.csv", index=False)
    for queue, rows in text.groupby("queue"):
        rows.to_csv(tmp_path / "parts" / f"{queue}.csv", index=False)
    one = read_demand(tmp_path / "forecast.csv", ZONE, 30)
    pd.testing.assert_frame_equal(
        by_queue(read_demand(tmp_path / "parts", ZONE, 30)), by_queue(one)
    )


# ----------------------------------------------------------------- folders it cannot read


def refused(*args: object) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def test_a_queue_in_two_parts_is_refused_naming_both(folders, tmp_path):
    (tmp_path / "twice").mkdir()
    text = HISTORY.read_text(encoding="utf-8")
    (tmp_path / "twice" / "a.csv").write_text(text, encoding="utf-8")
    (tmp_path / "twice" / "b.csv").write_text(text, encoding="utf-8")
    message = refused("forecast", "--config", CONFIG, "--history", tmp_path / "twice")
    assert "b.csv: queue 'chat_en' is also in" in message and "a.csv" in message
    assert "must all be in one file" in message


def test_an_empty_folder_is_refused(tmp_path):
    message = refused("forecast", "--config", CONFIG, "--history", tmp_path)
    assert f"{tmp_path}: the history folder has no .csv, .parquet, .pq files" in message


def test_a_bad_row_in_a_part_names_that_part_and_row(tmp_path):
    (tmp_path / "parts").mkdir()
    text = pd.read_csv(HISTORY, dtype=str, keep_default_na=False)
    text.loc[3, "volume"] = "lots"
    text.to_csv(tmp_path / "parts" / "all.csv", index=False)
    message = refused("forecast", "--config", CONFIG, "--history", tmp_path / "parts")
    assert "all.csv: row 5, column 'volume': 'lots' is not a number" in message


def test_parquet_without_pyarrow_says_how_to_install_it(folders, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(InputError, match=r'needs pyarrow.*pip install "staffplan\[dask\]"'):
        read_history(folders["parquet"], ZONE, 30)


def test_a_manifest_hashes_a_history_folder_by_its_files(folders, tmp_path):
    shutil.copytree(folders["csv"], tmp_path / "history")
    record = json.loads(manifest("plan", [], {"history": tmp_path / "history"}, "UTC"))
    before = record["inputs"]["history"]
    assert before["path"] == str(tmp_path / "history") and len(before["sha256"]) == 64
    (tmp_path / "history" / "chat_en.csv").write_text("queue,interval_start,volume\n", "utf-8")
    record = json.loads(manifest("plan", [], {"history": tmp_path / "history"}, "UTC"))
    assert record["inputs"]["history"]["sha256"] != before["sha256"]
