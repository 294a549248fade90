"""Discrete-event simulation of a staffing plan (``staffplan simulate``).

Erlang formulas treat every interval as its own steady state; the simulation carries
the queue across interval boundaries, follows the schedule's agents as they come and
go, and repeats the day many times, so a peak's backlog and the forecast's risk show.
"""

from __future__ import annotations

from staffplan.config.simulation import SimulationConfig
from staffplan.simulate.inputs import queue_arrays
from staffplan.simulate.model import QueueArrays
from staffplan.simulate.output import plot_simulation, simulation_files
from staffplan.simulate.replicate import replicate_queue, run_replications
from staffplan.simulate.run import SimulationResult, simulate_schedule

__all__ = [
    "QueueArrays",
    "SimulationConfig",
    "SimulationResult",
    "plot_simulation",
    "queue_arrays",
    "replicate_queue",
    "run_replications",
    "simulate_schedule",
    "simulation_files",
]
