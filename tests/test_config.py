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


SECTIONS = """
deflection:
  queues:
    - queue: chat_en
      reasons: [{name: how_to, share: 1.0, containment: 0.5}]
shifts:
  templates:
    - {name: day, start_window: ["06:00", "12:00"], start_every_min: 30, lengths_min: [480]}
    - name: late
      start_window: ["13:00", "17:00"]
      start_every_min: 60
      lengths_min: [510]
      lunch: {minutes: 30, window_after_start_min: [180, 300]}
      breaks: [{minutes: 15, window_after_start_min: [90, 150]}]
team:
  agents:
    - {name: Ana, queues: [chat_en, phone_zh], preferred_templates: [day]}
    - {name: Bo, queues: [phone_zh], preferred_templates: [late]}
"""


def test_sections_that_name_each_other_load():
    config = parse_config(MINIMAL + SECTIONS)
    assert config.require("team").agents[1].preferred_templates == ("late",)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "queue: chat_en",
            "queue: chat_enn",
            "deflection.queues[0].queue: queue 'chat_enn' is not in queues: "
            "(chat_en, phone_zh); did you mean 'chat_en'?",
        ),
        (
            "queues: [phone_zh]",
            "queues: [voice]",
            "team.agents[1].queues[0]: queue 'voice' is not in queues: (chat_en, phone_zh); "
            "fix the name",
        ),
        (
            "preferred_templates: [late]",
            "preferred_templates: [lat]",
            "team.agents[1].preferred_templates[0]: template 'lat' is not in shifts.templates: "
            "(day, late); did you mean 'late'?",
        ),
        (
            "start_every_min: 60",
            "start_every_min: 45",
            "shifts.templates[1].start_every_min: 45 is not a multiple of interval_min (30)",
        ),
        (
            '["13:00", "17:00"]',
            '["13:15", "17:00"]',
            "shifts.templates[1].start_window[0]: 13:15 is not on the 30-minute interval grid",
        ),
        (
            "lengths_min: [510]",
            "lengths_min: [500]",
            "shifts.templates[1].lengths_min[0]: 500 min is not a multiple of interval_min (30)",
        ),
        (
            "[90, 150]",
            "[91, 110]",
            "shifts.templates[1].breaks[0].window_after_start_min: no 15-minute break fits "
            "[91, 110] starting on the 30-minute grid",
        ),
    ],
)
def test_names_and_times_across_sections_are_checked_at_load(old, new, expected):
    assert old in SECTIONS
    message = errors_for(MINIMAL + SECTIONS.replace(old, new, 1))
    assert message.startswith(f"c.yaml: {expected}"), message


def test_a_start_step_finer_than_the_grid_is_refused_but_a_coarser_one_loads():
    assert "start_every_min: 15 is not a multiple" in errors_for(
        MINIMAL + SECTIONS.replace("start_every_min: 30", "start_every_min: 15")
    )
    hourly = MINIMAL.replace("interval_min: 30", "interval_min: 60") + SECTIONS.replace(
        "start_every_min: 30", "start_every_min: 120"
    ).replace("lengths_min: [510]", "lengths_min: [540]")
    assert parse_config(hourly).require("shifts").templates[0].start_every_min == 120


def test_agents_naming_templates_need_a_shifts_section():
    no_shifts = SECTIONS[: SECTIONS.index("shifts:")] + SECTIONS[SECTIONS.index("team:") :]
    message = errors_for(MINIMAL + no_shifts)
    assert message.startswith(
        "c.yaml: team.agents[0].preferred_templates[0]: names the shift template 'day' but "
        "there is no shifts: section"
    ), message


@pytest.mark.parametrize(
    ("section", "hint"),
    [
        ("shifts", "add shift templates under shifts.templates"),
        ("team", "list the agents under team.agents"),
        ("deflection", "add one with the reason mix"),
        ("scenarios", "add one with start, starting_headcount and cases"),
    ],
)
def test_require_names_the_file_the_missing_section_and_what_to_add(section, hint):
    config = parse_config(MINIMAL, source=Path("c.yaml"))
    with pytest.raises(ConfigError) as caught:
        config.require(section)
    message = caught.value.message
    assert message.startswith(f"c.yaml: no {section}: section; {hint}"), message
    assert "(see configs/example.yaml)" in message


def test_require_returns_a_present_section():
    config = parse_config(MINIMAL + SECTIONS)
    assert config.require("shifts") is config.shifts


def test_the_demo_config_survives_pickle_for_the_processes_engine(example_config):
    """The processes engine sends the config to its workers by pickle; its mappings are
    read-only views, which pickle had refused ('cannot pickle mappingproxy': exit 1)."""
    import pickle
    import types

    from staffplan.config import load_config

    config = load_config(example_config)
    hours = config.queue("email_en").open_hours  # per weekday: a mapping
    assert isinstance(hours, types.MappingProxyType)
    back = pickle.loads(pickle.dumps(config))
    assert back == config
    assert isinstance(back.queue("email_en").open_hours, types.MappingProxyType)
