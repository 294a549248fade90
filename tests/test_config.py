"""The config loader: typed sections, key paths, did-you-mean, units."""

from __future__ import annotations

from pathlib import Path

import pytest

from staffplan.config import load_config, parse_config
from staffplan.errors import ConfigError

MINIMAL = """
timezone: Asia/Shanghai
interval_min: 30
queues:
  - name: chat_en
    channel: chat
    aht_s: 420
    concurrency: 2
    target: {service_level: 0.8, answer_within_s: 60}
    patience_s: 240
    max_occupancy: 0.85
    shrinkage: 0.3
  - name: phone_zh
    aht_s: 300
"""


def errors_for(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source=Path("c.yaml"))
    return caught.value.message


def test_minimal_config_loads_into_frozen_dataclasses():
    config = parse_config(MINIMAL)
    chat = config.queue("chat_en")
    assert chat.concurrency == 2 and chat.target.answer_within_s == 60.0
    assert config.queue("phone_zh").target.service_level == 0.8  # default 80/20
    assert config.zone.key == "Asia/Shanghai"
    with pytest.raises(AttributeError):
        chat.aht_s = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("shrinkage: 0.3", "shrinkage: 30", "queues[0].shrinkage: 30 is not a share"),
        ("shrinkage: 0.3", "shrinkage: 30", "write 0.3 for 30%"),
        ("aht_s: 300", "aht: 300", "queues[1].aht: unknown key; did you mean 'aht_s'?"),
        ("service_level: 0.8", "service_level: 1.0", "queues[0].target.service_level"),
        ("aht_s: 420", "aht_s: fast", "queues[0].aht_s: expected a number, got text 'fast'"),
        ("aht_s: 420", "aht_s: 0", "queues[0].aht_s: must be greater than 0 s"),
        ("interval_min: 30", "interval_min: 20", "interval_min: 20 is not allowed"),
        ("Asia/Shanghai", "Asia/Shangai", "timezone: unknown time zone 'Asia/Shangai'"),
        ("concurrency: 2", "concurrency: 1.5", "queues[0].concurrency: expected a whole number"),
        ("name: phone_zh", "name: chat_en", "queues[1].name: queue 'chat_en' is listed twice"),
        ("channel: chat", "channel: fax", "queues[0].channel: 'fax' is not allowed"),
    ],
)
def test_bad_values_name_the_key_path(old, new, expected):
    assert old in MINIMAL
    message = errors_for(MINIMAL.replace(old, new, 1))
    assert message.startswith("c.yaml: ")
    assert expected in message


def test_yaml_syntax_error_names_line_and_column():
    message = errors_for("timezone: UTC\nqueues: [\n  {name: a, aht_s: 1\n")
    assert "YAML syntax error at line" in message and "column" in message


def test_missing_required_key_is_named():
    assert "queues[0].aht_s: missing" in errors_for("queues:\n  - name: a\n")


def test_unknown_queue_lookup_lists_known_queues():
    config = parse_config(MINIMAL, source=Path("c.yaml"))
    with pytest.raises(ConfigError, match=r"queue 'email' is not in the config .*chat_en"):
        config.queue("email")


def test_relative_paths_resolve_against_the_config_folder(tmp_path):
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "c.yaml").write_text(
        "queues: [{name: a, aht_s: 60, history: ../data/h.csv}]\nmarket: {prices: prices.csv}\n",
        encoding="utf-8",
    )
    config = load_config(folder / "c.yaml")
    assert config.queues[0].history == (tmp_path / "data" / "h.csv").resolve()
    assert config.market.prices == (folder / "prices.csv").resolve()


def test_missing_config_file_says_so(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_yaml_tags_are_never_executed():
    message = errors_for("timezone: !!python/object/apply:os.system ['echo hi']\nqueues: []\n")
    assert "YAML" in message


def test_example_config_loads():
    example = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"
    config = load_config(example)
    assert config.queues, "the example config must define queues"
