"""Time ``staffplan simulate``'s engine on one week of one queue, against ciw.

The week: 7 days x 48 half-hours, about 60,000 contacts (weekday peaks, quiet nights
and a lighter weekend), AHT 360 s, exponential patience 240 s, 80/20 target, and a
square-root-staffing schedule (N = ceil(A + sqrt(A)) + 1, about 100 agents at peak).
Both simulators get the same piecewise-constant Poisson arrivals, exponential handle
times, exponential patience and the same staffing curve.

ciw cannot express "an agent whose shift ends finishes the contact, then leaves" for a
staffing *curve*: its non-preemptive schedule sends every busy server off duty at every
change. Its ``preemption="resume"`` keeps the capacity equal to the schedule and resumes
interrupted contacts first, which is the closest match; waits and service levels are
taken from each contact's first service start.

Run by hand (not in the tests):

    python benchmarks/simulate_bench.py --replications 100 --ciw-replications 10

ciw takes seconds per replication, so by default it runs fewer replications and the
time for ``--replications`` is extrapolated linearly (printed as such).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from staffplan.config.simulation import SimulationConfig
from staffplan.simulate.model import QueueArrays
from staffplan.simulate.replicate import run_replications
from staffplan.simulate.tallies import ABANDONED, OFFERED, WITHIN

INTERVAL_S = 1800.0
AHT_S = 360.0
PATIENCE_S = 240.0
ANSWER_WITHIN_S = 20.0


def week_queue(contacts: float = 60_000.0) -> QueueArrays:
    """The benchmark week: one queue, 336 half-hour intervals, ~``contacts`` contacts."""
    k = np.arange(7 * 48)
    hour = (k % 48) / 2.0
    daytime = np.exp(-0.5 * ((hour - 11.0) / 2.5) ** 2) + 0.8 * np.exp(
        -0.5 * ((hour - 16.0) / 2.0) ** 2
    )
    weekday = np.where(k // 48 < 5, 1.0, 0.6)
    shape = (0.05 + daytime) * weekday
    volume = shape / shape.sum() * contacts
    load = volume * AHT_S / INTERVAL_S
    agents = np.ceil(load + np.sqrt(load)).astype(np.int64) + 1
    return QueueArrays(
        name="bench",
        seed_key=0,
        interval_s=INTERVAL_S,
        volume=volume,
        day=k // 48,
        agents=agents,
        aht_s=AHT_S,
        answer_within_s=ANSWER_WITHIN_S,
        patience_s=PATIENCE_S,
    )


def ciw_replication(queue: QueueArrays, seed: int) -> tuple[int, int, int]:
    """(offered, answered within target, abandoned) of one ciw run of ``queue`` (one AHT)."""
    import ciw

    (aht_s,) = np.unique(queue.interval_aht_s())  # ciw's service distribution is one
    n = queue.volume.size
    ends = [(k + 1) * queue.interval_s for k in range(n)]
    horizon = ends[-1]
    slots, step_s = queue.slot_curve()
    drain = horizon + 50.0 * (queue.patience_s or aht_s)  # nobody served after the horizon
    network = ciw.create_network(
        arrival_distributions=[
            ciw.dists.PoissonIntervals(
                rates=list(queue.volume / queue.interval_s), endpoints=ends, max_sample_date=horizon
            )
        ],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / aht_s)],
        number_of_servers=[
            ciw.Schedule(
                numbers_of_servers=[*slots.tolist(), 0],
                shift_end_dates=[*((np.arange(slots.size) + 1) * step_s).tolist(), drain],
                preemption="resume",
            )
        ],
        reneging_time_distributions=(
            [ciw.dists.Exponential(rate=1.0 / queue.patience_s)] if queue.patience_s else None
        ),
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(drain)
    first_start: dict[int, float] = {}
    arrival: dict[int, float] = {}
    abandoned = 0
    for record in simulation.get_all_records(include_incomplete=True):
        arrival[record.id_number] = record.arrival_date
        if record.record_type == "renege":
            abandoned += 1
        elif record.service_start_date is not None and record.service_start_date is not False:
            start = first_start.get(record.id_number, np.inf)
            first_start[record.id_number] = min(start, record.service_start_date)
    within = sum(1 for i, s in first_start.items() if s - arrival[i] <= queue.answer_within_s)
    return len(arrival), within, abandoned


def mean_ci(values: np.ndarray) -> tuple[float, float]:
    """Mean and 95% confidence half-width (normal approximation) across replications."""
    return float(values.mean()), float(1.96 * values.std(ddof=1) / np.sqrt(values.size))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--ciw-replications", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    queue = week_queue()
    settings = SimulationConfig()
    print(
        f"load average {os.getloadavg()[0]:.1f}; "
        f"week: {queue.volume.size} intervals, {queue.volume.sum():,.0f} contacts expected, "
        f"{int(queue.agents.max())} agents at peak, {os.cpu_count()} CPUs"
    )
    for jobs in sorted({1, args.jobs}):
        began, cpu = time.perf_counter(), time.process_time()
        (tallies,) = run_replications([queue], settings, args.replications, args.seed, jobs=jobs)
        took, cpu = time.perf_counter() - began, time.process_time() - cpu
        totals = tallies.sum(axis=2)
        sl = mean_ci(totals[:, WITHIN] / totals[:, OFFERED])
        abandon = mean_ci(totals[:, ABANDONED] / totals[:, OFFERED])
        contacts = totals[:, OFFERED].sum()
        print(
            f"staffplan jobs={jobs}: {args.replications} replications in {took:.2f} s "
            f"(this process's CPU {cpu:.2f} s) "
            f"({contacts / took / 1e6:.2f} M contacts/s); "
            f"service level {sl[0]:.4f} +- {sl[1]:.4f}, "
            f"abandoned {abandon[0]:.4f} +- {abandon[1]:.4f}"
        )
    began, cpu = time.perf_counter(), time.process_time()
    runs = np.array([ciw_replication(queue, args.seed + r) for r in range(args.ciw_replications)])
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    sl = mean_ci(runs[:, 1] / runs[:, 0])
    abandon = mean_ci(runs[:, 2] / runs[:, 0])
    per_run = took / args.ciw_replications
    projected = per_run * args.replications
    print(
        f"ciw {ciw_version()}: {args.ciw_replications} replications in {took:.2f} s "
        f"(CPU {cpu:.2f} s) "
        f"({per_run:.2f} s each; {args.replications} would take ~{projected:.0f} s "
        f"on one core, extrapolated); service level {sl[0]:.4f} +- {sl[1]:.4f}, "
        f"abandoned {abandon[0]:.4f} +- {abandon[1]:.4f}"
    )


def ciw_version() -> str:
    import ciw

    return ciw.__version__


if __name__ == "__main__":
    main()
