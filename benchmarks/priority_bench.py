"""Priority classes and pools: staffing time at scale, and agents saved on the example.

Usage::

    python benchmarks/priority_bench.py --queues 100

1. Sizes one week of 30-minute intervals for ``--queues`` queues with two classes each
   (security: priority 1, 10 % of volume, 420 s, 90 % in 10 s; general: 300 s, 80 % in
   60 s; volumes a seeded daily curve of 20-400 contacts per interval, half the queues
   with patience) with :func:`size_requirements`; prints the CPU time
   (``time.process_time``: the machine is shared, so wall time is distorted) and, as the
   peer measured in the same run, the same queues without classes (plain Erlang).
2. A week of one pool of two queues (300 s, 80 % in 20 s), fully and partly
   cross-trained: the partly trained one is sized by the simulation search.
3. On the example (``configs/example.yaml``, its demo forecast week, no deflection): the
   agent-hours of ``phone_zh`` with its security class sized as separate queues vs
   shared with priority; and the demo's pool ``tier1`` (``phone_zh`` and ``phone_en``,
   fully cross-trained) against the two queues sized apart.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd

from staffplan.config import load_config
from staffplan.config.model import ClassConfig, QueueConfig, Target
from staffplan.config.pools import PoolConfig
from staffplan.forecast.run import run_forecast
from staffplan.jobs.plan import default_start
from staffplan.staffing import size_requirements
from staffplan.tables.inputs import load_history, load_market

EXAMPLE = Path(__file__).parents[1] / "configs" / "example.yaml"
SECURITY = ClassConfig("security", 0.1, 1, 420.0, Target(0.9, 10.0))
GENERAL = ClassConfig("general", 0.9, 2)


def week_forecast(names: list[str], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-01-05", periods=7 * 48, freq="30min", tz="UTC")
    shape = 0.55 - 0.45 * np.cos(2 * np.pi * np.arange(starts.size) / 48)
    peaks = rng.uniform(20.0, 400.0, len(names))
    return pd.DataFrame(
        {
            "queue": np.repeat(names, starts.size),
            "interval_start": np.tile(starts, len(names)),
            "volume": np.concatenate([p * shape for p in peaks]),
        }
    )


def scale(queues: int) -> None:
    config = load_config(EXAMPLE)
    names = [f"q{i:03d}" for i in range(queues)]
    plain = tuple(
        QueueConfig(n, 300.0, Target(0.8, 60.0), patience_s=240.0 if i % 2 else None)
        for i, n in enumerate(names)
    )
    forecast = week_forecast(names, seed=12)
    for label, qs in (
        ("plain Erlang (peer)", plain),
        (
            "two classes each",
            tuple(dataclasses.replace(q, classes=(SECURITY, GENERAL)) for q in plain),
        ),
    ):
        cfg = dataclasses.replace(config, queues=qs, pools=(), deflection=None, team=None)
        started = time.process_time()
        out = size_requirements(forecast, cfg)
        cpu_s = time.process_time() - started
        agents = out["agents"].sum()
        print(f"{label}: {len(out):,} rows in {cpu_s:.1f} CPU-s; {agents:,.0f} agent-intervals")


def partial_pool() -> None:
    """A week of one two-queue pool, fully and partly cross-trained (simulation search)."""
    config = load_config(EXAMPLE)
    a, b = (QueueConfig(n, 300.0, Target(0.8, 20.0)) for n in ("billing", "technical"))
    forecast = week_forecast(["billing", "technical"], seed=3)
    mix = {"billing+technical": 0.5, "billing": 0.3, "technical": 0.2}
    for label, skill_mix in (("full", None), ("partial", mix)):
        pool = PoolConfig("tier1", ("billing", "technical"), skill_mix)
        cfg = dataclasses.replace(
            config, queues=(a, b), pools=(pool,), deflection=None, team=None, scenarios=None
        )
        started = time.process_time()
        out = size_requirements(forecast, cfg)
        cpu_s = time.process_time() - started
        agents = out["agents"].sum()
        print(
            f"pool of 2, {label} cross-training: {len(out):,} rows in {cpu_s:.1f} CPU-s; "
            f"{agents:,.0f} agent-intervals"
        )


def agent_hours(requirements: pd.DataFrame, queues: list[str]) -> float:
    rows = requirements[requirements["queue"].isin(queues)]
    return float(rows["agents"].sum()) * 0.5


def example() -> None:
    config = load_config(EXAMPLE)
    config = dataclasses.replace(config, deflection=None, team=None, scenarios=None)
    history = load_history(config)
    start = default_start(history)
    run = run_forecast(history, start, 7, market=load_market(config), settings=config.forecast)
    phones = ["phone_zh", "phone_en"]
    demand = run.forecast[run.forecast["queue"].isin(phones)][["queue", "interval_start", "volume"]]
    zh_volume = demand[demand["queue"] == "phone_zh"]
    zh, en = config.queue("phone_zh"), config.queue("phone_en")
    security = dataclasses.replace(
        zh, name="zh_security", classes=(), aht_s=450.0, target=Target(0.9, 10.0)
    )
    general = dataclasses.replace(zh, name="zh_general", classes=())
    apart = dataclasses.replace(config, queues=(security, general, en), pools=())
    split = pd.concat(
        [
            zh_volume.assign(queue="zh_security", volume=zh_volume["volume"] * 0.1),
            zh_volume.assign(queue="zh_general", volume=zh_volume["volume"] * 0.9),
            demand[demand["queue"] == "phone_en"],
        ]
    )
    separate = size_requirements(split, apart)
    shared = size_requirements(demand, dataclasses.replace(config, queues=(zh, en), pools=()))
    pooled = size_requirements(demand, dataclasses.replace(config, queues=(zh, en)))
    sep_zh = agent_hours(separate, ["zh_security", "zh_general"])
    pri_zh = agent_hours(shared, ["phone_zh"])
    print(
        f"phone_zh week: classes as separate queues {sep_zh:,.0f} agent-hours, shared with "
        f"priority {pri_zh:,.0f} ({sep_zh - pri_zh:,.0f} saved, {1 - pri_zh / sep_zh:.1%})"
    )
    apart_h = agent_hours(shared, phones)
    pool_h = agent_hours(pooled, phones)
    every = sep_zh + agent_hours(separate, ["phone_en"])
    print(
        f"phone_zh + phone_en: apart {apart_h:,.0f} agent-hours, pooled as "
        f"{config.pools[0].name} {pool_h:,.0f} ({apart_h - pool_h:,.0f} saved, "
        f"{1 - pool_h / apart_h:.1%}); classes and queues all separate {every:,.0f} "
        f"({every - pool_h:,.0f} saved by pool + priority, {1 - pool_h / every:.1%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=100)
    args = parser.parse_args()
    scale(args.queues)
    partial_pool()
    example()


if __name__ == "__main__":
    main()
