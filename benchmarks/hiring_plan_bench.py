"""The demo's finance scenarios: how the hiring plan behaves per case; run by hand.

From the repository root:

    PYTHONPATH=. python benchmarks/hiring_plan_bench.py [CONFIG]

Runs ``staffplan scenarios`` on the bundled demo (``configs/example.yaml``, sample
history) and prints per case: the most hires starting in one month, the largest surplus
of productive FTE over the need, the FTE-months bought as overtime, the total cost and
the CPU seconds of the whole run. Pointed at another checkout (``PYTHONPATH=<it>`` and
its ``configs/example.yaml``) it gives that version's figures from the same inputs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from staffplan.config.loader import load_config
from staffplan.finance.scenarios import scenarios_from_history
from staffplan.tables.inputs import load_history

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"


def main(path: Path) -> None:
    config = load_config(path)
    start = time.process_time()
    months = scenarios_from_history(load_history(config), config).months
    cpu = time.process_time() - start
    months = months.assign(surplus=months["available_fte"] - months["required_fte"])
    summary = months.groupby("scenario", sort=False).agg(
        most_hires_in_a_month=("hires", "max"),
        largest_surplus_fte=("surplus", "max"),
        overtime_fte_months=("gap_fte", "sum"),
        cost=("cost", "sum"),
    )
    print(summary.round(2).to_string())
    print(f"{cpu:.2f} s CPU")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE)
