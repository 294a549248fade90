"""Manifests trace outputs to inputs; locks stop two writers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from staffplan.jobs.publish import OutputLockedError, manifest, output_lock


def test_manifest_hashes_inputs_and_is_reproducible(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("timezone: UTC\n", encoding="utf-8")
    first = manifest("plan", ["--config", str(config)], {"config": config}, "UTC")
    again = manifest("plan", ["--config", str(config)], {"config": config}, "UTC")
    assert first == again
    record = json.loads(first)
    assert len(record["inputs"]["config"]["sha256"]) == 64
    config.write_text("timezone: Asia/Shanghai\n", encoding="utf-8")
    changed = manifest("plan", ["--config", str(config)], {"config": config}, "UTC")
    assert json.loads(changed)["inputs"]["config"]["sha256"] != record["inputs"]["config"]["sha256"]


def test_lock_refuses_a_second_writer_while_held(tmp_path):
    out = tmp_path / "rosters"
    with output_lock(out) as lock:
        assert lock.read_text(encoding="utf-8").strip().isdigit()
        with pytest.raises(OutputLockedError, match="another staffplan run"), output_lock(out):
            pass
    assert not lock.exists()


def test_stale_lock_from_a_dead_process_is_taken_over_with_a_warning(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = tmp_path / "rosters"
    lock = tmp_path / "rosters.lock"
    lock.write_text(dead.stdout, encoding="utf-8")
    warnings: list[str] = []
    with output_lock(out, warn=warnings.append):
        assert lock.read_text(encoding="utf-8").strip() != dead.stdout.strip()
    assert warnings and "stale lock" in warnings[0]
