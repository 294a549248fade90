"""How long ``staffplan plan`` takes end to end, as a user runs it: a fresh process per
run (start-up and imports included), from an empty output folder, default options.

    PYTHONPATH=. python benchmarks/plan_time_bench.py                 # both cases, 3 runs
    PYTHONPATH=. python benchmarks/plan_time_bench.py sample --runs 5 --against previous

Cases: ``sample`` (issue 14's sample: the two-queue demo as it was at ``PREVIOUS_REV``,
its ``configs/`` and ``sample_data/`` exported with ``git archive``, planned by this
checkout's code) and ``demo`` (today's bundled demo: five queues, a pool, backlog work).
``--against previous`` also runs the code of ``PREVIOUS_REV`` (exported the same way) on
the sample, in the same session, alternating with this checkout's runs.

Prints per run the wall seconds, the CPU seconds of the child (user + system) and the
stage times the command itself reports; then the median of each.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PREVIOUS_REV = "561f1f7"  # main before issue 14: the sample's two-queue demo, 28 s plans


def export(revision: str, paths: list[str], into: Path) -> Path:
    """``paths`` of ``revision`` written under ``into`` (``git archive``)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision, *paths], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run_once(folder: Path, config: Path | None, code: Path | None) -> tuple[float, float, str]:
    """One ``staffplan plan`` in ``folder``: (wall s, child CPU s, its stage lines)."""
    command = [sys.executable, "-m", "staffplan", "plan", "--output", "out"]
    if config is not None:
        command += ["--config", str(config)]
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    shutil.rmtree(folder / "out", ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"staffplan plan failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stages = " ".join(
        line.split("plan: ", 1)[1] for line in done.stderr.splitlines() if " plan: " in line
    )
    return wall, cpu, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=["sample", "demo"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", default="", help="previous: also PREVIOUS_REV's code")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sample = export(PREVIOUS_REV, ["configs", "sample_data"], root / "sample")
        demo = root / "demo"
        demo.mkdir()
        setups = {
            "sample": [("this checkout", sample, sample / "configs" / "example.yaml", None)],
            "demo": [("this checkout", demo, None, None)],
        }
        if "previous" in args.against:
            previous = export(PREVIOUS_REV, ["staffplan"], root / "previous_code")
            setups["sample"].append(
                (
                    f"previous ({PREVIOUS_REV})",
                    sample,
                    sample / "configs" / "example.yaml",
                    previous,
                )
            )
        for case in args.cases:
            print(f"{case}:")
            runs: dict[str, list[tuple[float, float]]] = {}
            for n in range(args.runs):
                for label, folder, config, code in setups[case]:
                    wall, cpu, stages = run_once(folder, config, code)
                    runs.setdefault(label, []).append((wall, cpu))
                    print(
                        f"  {label:24s} run {n + 1}: wall {wall:5.2f} s  CPU {cpu:5.2f} s  {stages}"
                    )
            for label, figures in runs.items():
                wall = statistics.median(w for w, _ in figures)
                cpu = statistics.median(c for _, c in figures)
                print(
                    f"  {label:24s} median of {len(figures)}: wall {wall:5.2f} s  CPU {cpu:5.2f} s"
                )


if __name__ == "__main__":
    main()
