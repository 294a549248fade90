"""``staffplan validate``: the config and every file it names, read with the stages'
readers, every problem named by file and row before any long run."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from staffplan.cli import app
from staffplan.errors import ConfigError, InputError
from staffplan.jobs.validate import CHECK_COLUMNS, validate

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"
CONFIG = """
timezone: Europe/Berlin
interval_min: 30
queues:
  - {name: chat, aht_s: 300, history: chat.csv}
  - {name: mail, aht_s: 600, history: mail.csv}
  - {name: phone, aht_s: 240}
"""
HISTORY = """queue,interval_start,volume
{queue},2026-03-02T09:00:00,4
{queue},2026-03-02T09:30:00,6
{queue},2026-03-02T10:00:00,5
"""


def write_inputs(folder: Path) -> Path:
    for queue in ("chat", "mail"):
        (folder / f"{queue}.csv").write_text(HISTORY.format(queue=queue), encoding="utf-8")
    config = folder / "c.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


def test_each_history_is_listed_with_its_rows_and_time_span(tmp_path: Path):
    checks = validate(write_inputs(tmp_path)).set_index("item")
    assert list(checks.reset_index().columns) == CHECK_COLUMNS
    chat = checks.loc["queues[0].history"]
    assert chat["path"] == str(tmp_path / "chat.csv") and chat["rows"] == 3
    assert chat["first"] == "2026-03-02T09:00:00+01:00"
    assert chat["last"] == "2026-03-02T10:00:00+01:00"
    assert checks.loc["queues[2].history", "path"] is None
    assert checks.loc["market.prices", "rows"] is None
    assert "queues: chat, mail, phone" in checks.loc["config", "details"]


def test_a_queue_missing_from_its_history_file_is_named(tmp_path: Path):
    config = write_inputs(tmp_path)
    (tmp_path / "mail.csv").write_text(HISTORY.format(queue="email"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate(config)
    message = caught.value.message
    assert message.startswith(f"{tmp_path / 'mail.csv'}: no rows for queue 'mail'"), message
    assert "queues[1].history" in message


def test_every_broken_file_is_named_at_once(tmp_path: Path):
    config = write_inputs(tmp_path)
    for queue in ("chat", "mail"):
        broken = HISTORY.format(queue=queue).replace(",6\n", ",six\n")
        (tmp_path / f"{queue}.csv").write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate(config)
    message = caught.value.message
    assert message.startswith("2 problems: ")
    assert f"{tmp_path / 'chat.csv'}: row 3" in message
    assert f"{tmp_path / 'mail.csv'}: row 3" in message


def test_a_config_rule_fails_before_any_file_is_read(tmp_path: Path):
    config = write_inputs(tmp_path)
    config.write_text(CONFIG + "team:\n  agents: [{name: Ana, queues: [chta]}]\n")
    with pytest.raises(ConfigError, match=r"team.agents\[0\].queues\[0\]: queue 'chta'"):
        validate(config)


def test_cli_validates_the_example_config_and_lists_its_files():
    result = CliRunner().invoke(app, ["validate", "--config", str(EXAMPLE), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "history.csv" in result.stdout and "btc_usd_hourly.csv" in result.stdout
    assert result.stdout.splitlines()[0] == ",".join(CHECK_COLUMNS)


def test_cli_names_the_file_and_row_of_a_broken_history(tmp_path: Path):
    config = write_inputs(tmp_path)
    broken = HISTORY.format(queue="chat").replace("09:30:00", "09:45:00")
    (tmp_path / "chat.csv").write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--config", str(config)])
    assert result.exit_code == 2
    assert f"error: {tmp_path / 'chat.csv'}: row 3" in result.stderr
    assert "Traceback" not in result.stderr
