"""Tasks side by side on threads (:func:`staffplan.engine.in_threads`): results in task
order, and the first failed task's error whichever thread was faster."""

from __future__ import annotations

import threading
import time

import pytest

from staffplan.engine import IN_PROCESS, in_threads


def slow_square(pause_s: float, n: int) -> tuple[int, str]:
    """``n`` squared after a pause that makes early tasks finish last."""
    time.sleep(pause_s * (5 - n))
    return n * n, threading.current_thread().name


def test_results_come_back_in_task_order_from_several_threads():
    finished: list[int] = []
    results = in_threads(3).map(
        slow_square, range(5), common=(0.01,), progress=lambda done, total: finished.append(done)
    )
    assert [square for square, _ in results] == [0, 1, 4, 9, 16]
    assert len({name for _, name in results}) > 1, "the tasks ran on more than one thread"
    assert finished == [1, 2, 3, 4, 5]


def test_one_slot_runs_here_in_order():
    assert in_threads(1) is IN_PROCESS


def fail_on(bad: set[int], ran: list[int], n: int) -> int:
    ran.append(n)
    time.sleep(0.02 if n == 1 else 0.0)  # task 1 fails last, after task 3 has failed
    if n in bad:
        raise ValueError(f"task {n}")
    return n


def test_the_first_failed_task_is_the_error_raised_and_every_task_before_it_ran():
    ran: list[int] = []
    with pytest.raises(ValueError, match="task 1"):
        in_threads(2).map(fail_on, range(8), common=({1, 3}, ran))
    assert {0, 1, 2} <= set(ran)
    assert not {5, 6, 7} & set(ran), "tasks after a failure are not started"
