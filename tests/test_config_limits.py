"""A config cannot eat the machine: size, nesting and alias limits, duplicate keys, and
error lines that never echo a huge value (see staffplan/config/safe_yaml.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from staffplan.config import parse_config
from staffplan.config.safe_yaml import MAX_CONFIG_BYTES, MAX_DEPTH
from staffplan.errors import ConfigError

QUEUE = "queues: [{name: chat_en, aht_s: 420}]\n"
MEMORY_CAP_BYTES = 1 << 30  # a regression hits MemoryError here instead of swapping
TIMEOUT_S = 120  # far above the ~1 s these take; a regression took 270 s and 10.8 GB


def alias_bomb(levels: int) -> str:
    """A YAML list of ``levels`` lists, each of 9 aliases to the one before: a few hundred
    bytes that expand to 9**levels values."""
    lists = ['&l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lists += [f"&l{n} [{','.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels + 1)]
    return f"[{', '.join(lists)}]"


def _run_capped(config: Path) -> subprocess.CompletedProcess[str]:
    """``staffplan validate --config config`` in a process capped at 1 GiB of memory."""
    repo = Path(__file__).resolve().parents[1]
    python_path = os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")]))
    cap = textwrap.dedent(f"""
        import resource, runpy, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP_BYTES}, {MEMORY_CAP_BYTES}))
        sys.argv = ["staffplan", "validate", "--config", {str(config)!r}]
        runpy.run_module("staffplan", run_name="__main__")
    """)
    return subprocess.run(
        [sys.executable, "-c", cap],
        env={**os.environ, "PYTHONPATH": python_path},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def _huge_config(path: Path) -> None:
    """A 49 MB config of plain queues (the issue's took 710 s and 6.4 GB to refuse)."""
    line = "  - {name: queue_%07d, channel: phone, aht_s: 300, shrinkage: 0.3}\n"
    with path.open("w", encoding="utf-8") as file:
        file.write("queues:\n")
        for i in range(49_000_000 // len(line % 0)):
            file.write(line % i)


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS caps memory on Linux")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bomb_echoed", "values once its aliases (*name) are expanded"),
        ("bomb_nested", "values once its aliases (*name) are expanded"),
        ("deep_5000_levels", f"nested more than {MAX_DEPTH} levels deep"),
        ("huge_49_mb", "larger than 1 MiB"),
    ],
)
def test_hostile_config_fails_fast_with_one_short_line(name, expected, tmp_path):
    config = tmp_path / f"{name}.yaml"
    if name == "bomb_echoed":  # the 348 B bomb: its expansion was the error line
        config.write_text(f"{QUEUE}interval_min: {alias_bomb(6)}\n", encoding="utf-8")
    elif name == "bomb_nested":  # the 579 B bomb: 270 s and 10.8 GB to echo
        bomb = f"queues: [{{name: q, aht_s: 1, channel: {alias_bomb(9)}}}]\n"
        config.write_text(bomb, encoding="utf-8")
    elif name == "deep_5000_levels":
        config.write_text(f"{QUEUE}market: {'[' * 5000}{']' * 5000}\n", encoding="utf-8")
    else:
        _huge_config(config)
    if name.startswith("bomb"):
        assert config.stat().st_size < 600
    done = _run_capped(config)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert done.stderr.count("\n") == 1 and len(done.stderr) < 300, done.stderr[:2000]
    assert expected in done.stderr and config.name in done.stderr, done.stderr


def test_alias_that_contains_itself_is_refused():
    with pytest.raises(ConfigError, match=r"line 1: the alias \*q refers to the value"):
        parse_config("queues: &q [{name: q, aht_s: 1, extra: *q}]\n")


def test_anchors_that_share_a_block_still_work():
    text = QUEUE.replace("420}", "420, target: &t {service_level: 0.8, answer_within_s: 20}}")
    text = text.replace("]\n", ", {name: phone, aht_s: 300, target: *t}]\n")
    config = parse_config(text)
    assert config.queues[0].target == config.queues[1].target


def test_duplicate_key_names_the_key_and_both_lines():
    text = f"{QUEUE}timezone: UTC\ninterval_min: 30\ntimezone: Asia/Shanghai\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source=Path("c.yaml"))
    assert caught.value.message == (
        "c.yaml: line 4: key 'timezone' is given twice (first at line 2); keep one"
    )


def test_duplicate_key_in_one_flow_mapping_names_the_column():
    with pytest.raises(ConfigError, match=r"'aht_s' is given twice \(first at column 20 of"):
        parse_config("queues: [{name: q, aht_s: 1, aht_s: 2}]\n")


def test_merge_key_may_be_overridden_without_a_duplicate():
    text = "queues: [&a {name: a, aht_s: 300, shrinkage: 0.3}, {<<: *a, name: b, aht_s: 420}]\n"
    second = parse_config(text).queues[1]
    assert (second.name, second.aht_s, second.shrinkage) == ("b", 420.0, 0.3)


def test_nesting_beyond_the_limit_is_refused_before_python_recursion():
    with pytest.raises(ConfigError, match=f"line 2: nested more than {MAX_DEPTH} levels"):
        parse_config(f"{QUEUE}market: {'[' * 3000}{']' * 3000}\n")


def test_text_larger_than_the_limit_is_refused_unparsed():
    with pytest.raises(ConfigError, match="larger than 1 MiB"):
        parse_config("#" * (MAX_CONFIG_BYTES + 1))


def test_an_echoed_value_is_cut_short():
    with pytest.raises(ConfigError) as caught:
        parse_config(f"{QUEUE}interval_min: {'9' * 100_000}x\n")
    assert len(caught.value.message) < 200, caught.value.message
    assert "100,001 characters" in caught.value.message


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("1e3", "write 1000 or 1.0e+3"),
        ("1.5e2", "write 150 or 1.5e+2"),
        ("3e-2", "write 3.0e-2"),
        ("'420'", "remove the quotes around the number"),
        ("nan", "got text 'nan'"),  # no hint: YAML's NaN is .nan, and a NaN is refused anyway
    ],
)
def test_number_yaml_reads_as_text_says_how_to_write_it(written, hint):
    with pytest.raises(ConfigError) as caught:
        parse_config(QUEUE.replace("420", written))
    assert "queues[0].aht_s: expected a number, got text" in caught.value.message
    assert caught.value.message.endswith(hint), caught.value.message
