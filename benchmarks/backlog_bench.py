"""Backlog channels: staffing a week of many backlog queues, and what Erlang C over-asks.

Usage::

    python benchmarks/backlog_bench.py --queues 1000

1. Sizes a week (30-minute intervals) of ``--queues`` email-like backlog queues with
   :func:`size_requirements` (the fluid backlog model, one queue at a time), and the
   same demand as live chat queues (the vectorised Erlang engine), in the same run.
   Volumes, handle times, targets (8-48 h) and opening hours (daily, weekdays, or
   around the clock) vary by queue, seeded. Times are CPU seconds
   (``time.process_time``), as other helpers share the machine.
2. The issue's email queue (10 contacts per 30 minutes around the clock, AHT 600 s, 90 %
   within 24 h, open 09:00-18:00 every day, occupancy cap 0.9): weekly agent-hours from
   the backlog model against Erlang C per interval with the same 24 h target, the way
   ``staff`` sized an email queue before (agents around the clock); and the same for the
   demo's ``email_en`` forecast week (``configs/example.yaml``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from staffplan.config import parse_config
from staffplan.erlang import required_agents
from staffplan.staffing import size_requirements

WEEK = 7 * 48
START = pd.Timestamp("2026-12-07", tz="Europe/Berlin")
EXAMPLE = Path(__file__).parents[1] / "configs" / "example.yaml"
HOURS = [
    '["09:00", "18:00"]',
    '{mon-fri: ["08:00", "20:00"], sat-sun: ["10:00", "16:00"]}',
    '["00:00", "24:00"]',
    '["07:00", "23:00"]',
]


def queue_text(i: int, channel: str, rng: np.random.Generator) -> str:
    target_h = [12, 24, 36, 48][i % 4] if channel != "chat" else None
    aht_s = float(rng.uniform(240, 900))
    if channel == "chat":
        return (
            f"  - {{name: q{i}, channel: chat, aht_s: {aht_s:.0f}, max_occupancy: 0.9,\n"
            "     target: {service_level: 0.9, answer_within_s: 60}}\n"
        )
    return (
        f"  - {{name: q{i}, channel: email, aht_s: {aht_s:.0f}, max_occupancy: 0.9,\n"
        f"     target: {{service_level: 0.9, answer_within_h: {target_h}}},\n"
        f"     open_hours: {HOURS[i % len(HOURS)]}}}\n"
    )


def many_queues(count: int, channel: str, seed: int) -> tuple[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    text = "timezone: Europe/Berlin\ninterval_min: 30\nqueues:\n"
    times = pd.date_range(START, periods=WEEK, freq="30min")
    slot = np.arange(WEEK) % 48
    shape = 0.3 + np.exp(-0.5 * ((slot - 24) / 8.0) ** 2)
    parts = []
    for i in range(count):
        text += queue_text(i, channel, rng)
        level = rng.uniform(2, 40)
        parts.append(
            pd.DataFrame({"queue": f"q{i}", "interval_start": times, "volume": level * shape})
        )
    return text, pd.concat(parts, ignore_index=True)


def timed(count: int, seed: int) -> None:
    for channel in ("email", "chat"):
        text, demand = many_queues(count, channel, seed)
        config = parse_config(text)
        began = time.process_time()
        sized = size_requirements(demand, config)
        cpu_s = time.process_time() - began
        hours = sized["agents"].sum() * 0.5
        print(
            f"{count} {channel} queues × {WEEK} intervals: {cpu_s:.2f} CPU-s "
            f"({1000 * cpu_s / count:.2f} ms a queue), {hours:,.0f} agent-hours"
        )


EMAIL = """
timezone: Europe/Berlin
interval_min: 30
queues:
  - {name: email_en, channel: email, aht_s: 600, max_occupancy: 0.9,
     target: {service_level: 0.9, answer_within_h: 24}, open_hours: ["09:00", "18:00"]}
"""


def versus_erlang(name: str, demand: pd.DataFrame, config_text: str) -> None:
    config = parse_config(config_text)
    queue = config.queue(name)
    rows = demand[demand["queue"] == name].reset_index(drop=True)
    backlog = size_requirements(rows, config)
    erlang = required_agents(
        backlog["offered"].to_numpy(),
        backlog["aht_s"].to_numpy(),
        config.interval_min,
        queue.target.service_level,
        queue.target.answer_within_s,
        max_occupancy=queue.max_occupancy,
    )
    hours = config.interval_min / 60
    work_h = float((backlog["offered"] * backlog["aht_s"]).sum() / 3600)
    backlog_h = float(backlog["agents"].sum() * hours)
    erlang_h = float(erlang.sum() * hours)
    print(
        f"{name}: work {work_h:,.1f} h (÷ occupancy cap {work_h / queue.max_occupancy:,.1f} h); "
        f"backlog model {backlog_h:,.1f} agent-hours; Erlang C per interval {erlang_h:,.1f} "
        f"agent-hours ({erlang_h - backlog_h:,.1f} h, {1 - backlog_h / erlang_h:.1%} saved)"
    )


def demo_email() -> tuple[pd.DataFrame, str]:
    from staffplan.forecast import run_forecast
    from staffplan.jobs.plan import default_start
    from staffplan.tables.inputs import load_history, load_market

    config = parse_config(EXAMPLE.read_text(), source=EXAMPLE)
    history = load_history(config)
    run = run_forecast(history, default_start(history), 7, market=load_market(config))
    raw = yaml.safe_load(EXAMPLE.read_text())
    email = next(q for q in raw["queues"] if q["name"] == "email_en")
    email.pop("history")
    text = yaml.safe_dump(
        {"timezone": raw["timezone"], "interval_min": raw["interval_min"], "queues": [email]}
    )
    return run.forecast, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queues", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    timed(args.queues, args.seed)
    times = pd.date_range(START, periods=WEEK, freq="30min")
    versus_erlang(
        "email_en",
        pd.DataFrame({"queue": "email_en", "interval_start": times, "volume": 10.0}),
        EMAIL,
    )
    versus_erlang("email_en", *demo_email())


if __name__ == "__main__":
    main()
