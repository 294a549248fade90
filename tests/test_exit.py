"""The ``staffplan`` command's quick exit (:mod:`staffplan.cli._exit`): the same exit codes,
every byte of output and the ``atexit`` handlers, as a normal exit gives."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from staffplan.cli._exit import _exit_status

REPO = Path(__file__).resolve().parents[1]


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    python_path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env={**os.environ, "PYTHONPATH": python_path},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


ENTRY = """
    import atexit, sys
    atexit.register(lambda: print("atexit handler ran", file=sys.stderr))
    sys.argv = ["staffplan", *sys.argv[1:]]
    from staffplan.cli import main
    main()
    print("never reached")
"""


def test_a_command_keeps_its_output_exit_code_and_atexit_handlers() -> None:
    done = _run(ENTRY, "--version")
    assert done.returncode == 0
    assert done.stdout.strip() == __import__("staffplan").__version__
    assert done.stderr == "atexit handler ran\n"


def test_a_user_mistake_still_exits_2_with_its_one_message(tmp_path: Path) -> None:
    done = _run(ENTRY, "validate", "--config", str(tmp_path / "missing.yaml"))
    assert done.returncode == 2
    assert "config file not found" in done.stderr
    assert done.stderr.endswith("atexit handler ran\n")
    assert "Traceback" not in done.stderr and "never reached" not in done.stdout


def test_a_long_table_on_stdout_arrives_whole() -> None:
    done = _run(ENTRY, "forecast", "--format", "csv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("queue,") and len(lines) > 1000
    assert len({line.count(",") for line in lines}) == 1  # no row cut short


def test_a_thread_still_running_is_waited_for_as_python_would() -> None:
    code = """
        import sys, threading, time
        def late():
            time.sleep(0.5)
            print("thread finished", flush=True)
        threading.Thread(target=late).start()
        sys.argv = ["staffplan", "--version"]
        from staffplan.cli import main
        main()
    """
    done = _run(code)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "thread finished"


@pytest.mark.parametrize(
    ("code", "status"), [(None, 0), (0, 0), (2, 2), (130, 130), (256, 0), (-1, 255), ("bye", 1)]
)
def test_exit_status_follows_sys_exit(code: object, status: int) -> None:
    assert _exit_status(code) == status
