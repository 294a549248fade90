"""Where a stage's independent tasks run: here, in this machine's processes, or on Dask.

A stage that splits its work (per queue, per origin, per batch of replications, per
scenario case) writes one pure task function, ``function(*common, task)``, which returns
a table or an array, reads and writes no file and prints nothing, and hands its tasks to
:meth:`Workers.map`. The results come back in task order and do not depend on where the
tasks ran, so every engine writes the same bytes.

- ``local`` (the default): one task after the other in this process; Dask is not imported.
- ``processes``: a pool of this machine's processes (``jobs``, default every CPU this
  process may use), the tasks sent in a few chunks per process.
- ``dask``: the Dask cluster whose scheduler is at ``scheduler`` (``tcp://host:8786``),
  or without one a ``LocalCluster`` of ``jobs`` processes on this machine, closed
  afterwards. Each task is one Dask task, retried if it fails (Dask reruns the tasks of
  a lost worker elsewhere); the ``common`` values go to every worker once.

Within one process, :func:`in_threads` runs tasks side by side on threads: for tasks that
spend their time in C code that releases the interpreter lock (the covering solver's
HiGHS models), with nothing to start or pickle.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from staffplan.errors import EngineError

ENGINES = ("local", "processes", "dask")
CONNECT_TIMEOUT_S = 5.0  # seconds to reach a scheduler before giving up
TASK_RETRIES = 2  # reruns of a Dask task that failed
CHUNKS_PER_PROCESS = 4  # a few chunks per process keep progress moving and processes busy
DASK_INSTALL = 'pip install "staffplan[dask]"'

Progress = Callable[[int, int], None]
Finished = Callable[[int], None]  # called with the number of tasks done so far


class Workers:
    """Runs tasks, ``slots`` at a time. This base class runs them here, in order."""

    @property
    def slots(self) -> int:
        """How many tasks run at the same time (a stage may split finer for more)."""
        return 1

    def map(
        self,
        function: Callable[..., Any],
        tasks: Sequence[Any],
        *,
        common: Sequence[Any] = (),
        progress: Progress | None = None,
    ) -> list[Any]:
        """``[function(*common, task) for task in tasks]``; ``progress(done, total)`` is
        called as tasks finish. ``function`` must be importable (a module-level function)
        and the tasks and ``common`` values picklable, as they may run elsewhere."""
        tasks = list(tasks)

        def finished(done: int) -> None:
            if progress is not None:
                progress(done, len(tasks))

        return self._run(function, tasks, tuple(common), finished) if tasks else []

    def _run(self, function: Callable, tasks: list, common: tuple, finished: Finished) -> list:
        results = []
        for task in tasks:
            results.append(function(*common, task))
            finished(len(results))
        return results


IN_PROCESS = Workers()  # stateless: the default of every stage


class _Threads(Workers):
    """Tasks on ``slots`` threads of this process, for tasks that spend their time in C
    code that releases the interpreter lock (HiGHS): nothing to start or pickle.

    Results come back in task order. When tasks fail, the first failed task's error is
    raised (every task before it has run; tasks after it that had not started are
    skipped), so the error does not depend on which thread was faster. The threads are
    daemons: Ctrl-C stops the waiting main thread at once.
    """

    def __init__(self, slots: int) -> None:
        self._slots = slots

    @property
    def slots(self) -> int:
        return self._slots

    def _run(self, function: Callable, tasks: list, common: tuple, finished: Finished) -> list:
        results: list[Any] = [None] * len(tasks)
        failed: dict[int, BaseException] = {}
        lock = threading.Lock()
        order = iter(range(len(tasks)))
        done = 0

        def work() -> None:
            nonlocal done
            while True:
                with lock:
                    i = next(order, None)
                    if i is None or (failed and i > min(failed)):
                        return
                try:
                    result = function(*common, tasks[i])
                except BaseException as exc:  # raised in the caller's thread below
                    with lock:
                        failed[i] = exc
                    continue
                with lock:
                    results[i] = result
                    done += 1
                    finished(done)

        threads = [
            threading.Thread(target=work, name=f"staffplan-task-{n}", daemon=True)
            for n in range(min(self._slots, len(tasks)))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            join(thread)
        if failed:
            raise failed[min(failed)]
        return results


JOIN_POLL_S = 0.1  # seconds between the waiting thread's looks at pending signals


def join(thread: threading.Thread) -> None:
    """Wait for ``thread`` to finish, waking every ``JOIN_POLL_S`` seconds: a Ctrl-C the
    kernel happened to deliver to another thread (one in C code, such as HiGHS) is then
    still raised here within that time, instead of after the thread finishes."""
    while thread.is_alive():
        thread.join(JOIN_POLL_S)


def in_threads(slots: int | None = None) -> Workers:
    """Workers running tasks side by side on ``slots`` threads of this process (default:
    every CPU this process may use; one slot: :data:`IN_PROCESS`). For tasks whose time
    is spent in C code that releases the interpreter lock, such as HiGHS solves."""
    slots = usable_cpus() if slots is None else slots
    return IN_PROCESS if slots <= 1 else _Threads(slots)


@contextlib.contextmanager
def open_workers(
    engine: str | None = None, scheduler: str | None = None, *, jobs: int | None = None
) -> Iterator[Workers]:
    """The workers of ``engine`` (``local``, ``processes`` or ``dask``), open for the
    ``with`` block. Without ``engine``: ``dask`` when a ``scheduler`` address is given,
    ``processes`` when ``jobs`` > 1, else ``local``. ``jobs`` sizes the process pool or
    the ``LocalCluster`` (default: every CPU this process may use).

    Raises :class:`EngineError` (exit 2) when Dask is not installed, the scheduler is
    not reachable within ``CONNECT_TIMEOUT_S`` or its workers run another staffplan.
    """
    engine = _chosen(engine, scheduler, jobs)
    if engine == "dask":
        with _dask_client(scheduler, jobs) as client:
            yield _DaskWorkers(client)
        return
    slots = 1 if engine == "local" else jobs or usable_cpus()
    if slots == 1:
        yield IN_PROCESS
        return
    pool = concurrent.futures.ProcessPoolExecutor(slots, mp_context=_process_context())
    try:
        yield _ProcessPool(pool, slots)
    finally:
        pool.shutdown(cancel_futures=True)


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _chosen(engine: str | None, scheduler: str | None, jobs: int | None) -> str:
    if jobs is not None and jobs < 1:
        raise EngineError(f"must be at least 1, got {jobs}", parameter="jobs")
    if scheduler and jobs is not None:
        raise EngineError(
            "sizes a pool on this machine; the Dask cluster at --scheduler has its own "
            "workers: leave --jobs off",
            parameter="jobs",
        )
    if engine is None:
        return "dask" if scheduler else "processes" if (jobs or 1) > 1 else "local"
    if engine not in ENGINES:
        raise EngineError(
            f"must be one of {', '.join(ENGINES)}, got {engine!r}", parameter="engine"
        )
    if scheduler and engine != "dask":
        raise EngineError(
            f"is the address of a Dask scheduler, but the engine is {engine}: use "
            "--engine dask with it, or leave it off (and unset STAFFPLAN_SCHEDULER)",
            parameter="scheduler",
        )
    return engine


# ----------------------------------------------------------------- processes


def _process_context() -> multiprocessing.context.BaseContext:
    # Fresh interpreters ("forkserver"), never a fork of a process holding threads.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class _ProcessPool(Workers):
    """Tasks in chunks on a pool of this machine's processes."""

    def __init__(self, pool: concurrent.futures.ProcessPoolExecutor, slots: int) -> None:
        self._pool = pool
        self._slots = slots

    @property
    def slots(self) -> int:
        return self._slots

    def _run(self, function: Callable, tasks: list, common: tuple, finished: Finished) -> list:
        size = max(1, -(-len(tasks) // (self._slots * CHUNKS_PER_PROCESS)))
        chunks = [range(i, min(i + size, len(tasks))) for i in range(0, len(tasks), size)]
        futures = {
            self._pool.submit(_run_chunk, function, common, tasks[c.start : c.stop]): c
            for c in chunks
        }
        results: list[Any] = [None] * len(tasks)
        done = 0
        try:
            for future in concurrent.futures.as_completed(futures):
                chunk = futures[future]
                results[chunk.start : chunk.stop] = future.result()
                done += len(chunk)
                finished(done)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return results


def _run_chunk(
    function: Callable[..., Any], common: tuple[Any, ...], tasks: Sequence[Any]
) -> list[Any]:
    return [function(*common, task) for task in tasks]


# ----------------------------------------------------------------- dask


class _DaskWorkers(Workers):
    """One Dask task per task on the client's cluster."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @property
    def slots(self) -> int:
        return max(1, sum(self._client.nthreads().values()))

    def _run(self, function: Callable, tasks: list, common: tuple, finished: Finished) -> list:
        from distributed import as_completed

        client = self._client
        shared = [client.scatter([value], broadcast=True, hash=False)[0] for value in common]
        run = f"staffplan-{getattr(function, '__name__', 'task')}-{uuid.uuid4().hex[:12]}"
        with warnings.catch_warnings():
            # Each task carries its own rows in the graph on purpose: the scheduler can
            # then rerun it when a worker is lost (data scattered to workers cannot be).
            warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
            futures = client.map(
                function,
                *([value] * len(tasks) for value in shared),
                tasks,
                key=[f"{run}-{i}" for i in range(len(tasks))],
                pure=False,
                retries=TASK_RETRIES,
            )
        try:
            for done, _ in enumerate(as_completed(futures, loop=client.loop), 1):
                finished(done)
            return client.gather(futures)
        finally:
            client.cancel([*futures, *shared])


@contextlib.contextmanager
def _dask_client(scheduler: str | None, jobs: int | None) -> Iterator[Any]:
    try:
        import distributed
    except ImportError:
        raise EngineError(
            f"dask needs Dask, which is not installed here: {DASK_INSTALL} "
            "(or use --engine local or --engine processes)",
            parameter="engine",
        ) from None
    if scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=jobs or usable_cpus(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        with cluster, distributed.Client(cluster, set_as_default=False) as client:
            yield client
        return
    _reach(scheduler)
    with distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False) as client:
        check_versions(client, scheduler)
        yield client


def _reach(scheduler: str) -> None:
    """Fail fast and quietly on an address nobody answers (a ``Client`` that cannot
    connect waits, then logs a traceback while it is garbage-collected)."""
    from distributed.comm import connect
    from distributed.security import Security

    async def knock() -> None:
        arguments = Security().get_connection_args("client")
        comm = await connect(scheduler, timeout=CONNECT_TIMEOUT_S, **arguments)
        await comm.close()

    try:
        asyncio.run(knock())
    except (ValueError, TypeError) as exc:  # the address itself is wrong
        raise EngineError(
            f"{scheduler!r} is not a Dask scheduler address ({exc}); write it like tcp://host:8786",
            parameter="scheduler",
        ) from None
    except Exception as exc:  # any failure to connect (refused, timed out, unreachable)
        raise EngineError(
            f"{scheduler}: no Dask scheduler answered within {CONNECT_TIMEOUT_S:g} s "
            f"({exc}); start one (dask scheduler) or check the address",
            parameter="scheduler",
        ) from None


def check_versions(client: Any, scheduler: str) -> None:
    """Every worker of ``client`` must run this process's staffplan version (tasks are
    sent by name and would run other code, or fail, elsewhere)."""
    import staffplan

    ours = staffplan.__version__
    reported = client.run(_version_probe(), on_error="return")
    wrong = {address: v for address, v in sorted(reported.items()) if v != ours}
    if not wrong:
        return
    address, theirs = next(iter(wrong.items()))
    found = f"staffplan {theirs}" if isinstance(theirs, str) else "no staffplan"
    raise EngineError(
        f"{scheduler}: {len(wrong)} of {len(reported)} Dask worker(s) have {found} (e.g. "
        f"{address}), this process runs staffplan {ours}; install staffplan {ours} on "
        f"every worker (pip install staffplan=={ours})",
        parameter="scheduler",
    )


def _version_probe() -> Callable[[], str | None]:
    # A nested function is sent by value, so it runs even where staffplan is missing.
    def installed_staffplan() -> str | None:
        try:
            from staffplan import __version__
        except ImportError:
            return None
        return __version__

    return installed_staffplan
