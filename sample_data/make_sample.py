"""Regenerate the bundled sample: synthetic support queues driven by real BTC volatility.

Usage (from the repository root)::

    python sample_data/make_sample.py /path/to/btc_usd_bitstamp_1h.csv

Writes ``sample_data/history.csv`` (counts, Asia/Shanghai, 30-minute intervals, 18 weeks
from Monday 2020-01-06 to Sunday 2020-05-10, timestamps with UTC offsets) and
``sample_data/btc_usd_hourly.csv`` (the matching hourly BTC-USD slice, UTC, from three
days before the history to its end). Same input and seed → byte-identical files.

The volumes are synthetic (see :mod:`staffplan.forecast.synthetic`): the queues and
their true parameters are ``SAMPLE_QUEUES`` there (chat_en: 2,400 contacts a day,
beta = 0.35; phone_zh: 900 a day, beta = 0.25), ``SAMPLE_BACKLOG_QUEUES`` (email_en:
600 a day, beta = 0.15) and ``SAMPLE_POOL_QUEUES`` (phone_en: 450 a day, beta = 0.25),
each tuple drawn after the ones before it, so their volumes do not depend on it (beta
is the log change in volume per standard deviation of log 24-hour realised
volatility), with day busyness log-sd 0.08,
negative-binomial size 40 and 0.5 % growth a week. Seed 7.
"""

from __future__ import annotations

import sys
import zoneinfo
from pathlib import Path

import pandas as pd

from staffplan.forecast.synthetic import (
    SAMPLE_BACKLOG_QUEUES,
    SAMPLE_POOL_QUEUES,
    SAMPLE_QUEUES,
    simulate_history,
)
from staffplan.tables import atomic_write_text, read_market, to_csv_text

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
START = pd.Timestamp("2020-01-06", tz=ZONE)
WEEKS = 18
INTERVAL_MIN = 30
SEED = 7
WARM_UP = pd.Timedelta(days=3)  # prices before the history, for the trailing windows


def main(btc_path: str) -> None:
    """Write the sample history and the BTC slice next to this script."""
    folder = Path(__file__).resolve().parent
    end = START + pd.DateOffset(weeks=WEEKS)
    prices = read_market(btc_path)
    prices = prices[(prices["timestamp"] >= START - WARM_UP) & (prices["timestamp"] < end)]
    queues = SAMPLE_QUEUES + SAMPLE_BACKLOG_QUEUES + SAMPLE_POOL_QUEUES
    history = simulate_history(queues, prices, START, WEEKS, INTERVAL_MIN, seed=SEED)
    atomic_write_text(folder / "history.csv", to_csv_text(history))
    columns = ["timestamp", "high", "low", "close"]
    atomic_write_text(folder / "btc_usd_hourly.csv", to_csv_text(prices[columns]))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
