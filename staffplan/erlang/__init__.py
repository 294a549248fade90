"""The queueing engine: exact, vectorised Erlang C / Erlang A staffing for every interval.

::

    from staffplan.erlang import required_agents, staffing_metrics, required_fte, workload_erlangs

Every argument broadcasts, so one call sizes every queue × interval. Units: ``volume`` is
contacts offered per interval of ``interval_min`` minutes; ``aht_s``, ``answer_within_s``
and ``patience_s`` are seconds; ``service_level``, ``max_occupancy`` and ``shrinkage`` are
shares of 1 (0.8, not 80). The load is A = volume · aht_s / (interval_min · 60) Erlangs.

Models (Poisson arrivals, exponential handle times, first come first served, steady
state within each interval):

* **Erlang C** (M/M/N), when ``patience_s`` is None (or NaN/inf for an element): callers
  never hang up. Stable from A = 0 to beyond 10,000 Erlangs (log-space Poisson terms, no
  factorials). N ≤ A never drains: P(wait) 1, service level 0, ASA inf, occupancy 1.
* **Erlang A** (M/M/N+M), when ``patience_s`` is given: each caller's patience is
  exponential with mean ``patience_s`` (Garnett, Mandelbaum & Reiman 2002; Mandelbaum &
  Zeltyn 2007); valid for N < A too. See :mod:`staffplan.erlang._erlang_a`.
* **Chat concurrency** ``k`` (``concurrency=k``): each agent holds k chat slots, each chat
  takes ``aht_s`` (the per-chat handle time *at that concurrency*), i.e. an M/M/(N·k)
  queue of slots; the answer is the fewest agents N whose N·k slots meet the target, and
  occupancy is per slot. The model ignores that an agent juggling k chats slows down,
  except through the AHT you give it, and that a new chat may go to a busier agent.

Priority classes sharing agents (and pools of queues) have their own module,
:mod:`staffplan.erlang.priority`: per-class waiting-time distributions of the
non-preemptive priority M/M/N, exact for a common handle time.

Definitions: ``service_level`` = contacts answered within ``answer_within_s`` / contacts
offered (abandons count as misses); ``asa_s`` = mean wait of answered contacts;
``p_wait`` = P(wait > 0); ``abandon_rate`` = P(abandon) (0 without patience);
``occupancy`` = A·(1 − P(abandon)) / (N·k). With zero volume: service level 1, ASA 0,
P(wait) 0, occupancy 0, and 0 agents required. Zero agents facing work: service level 0,
P(wait) 1, ASA inf, occupancy 1 (and P(abandon) 1 with patience).

``required_agents`` returns the exact minimum N with service level ≥ target (never one
too many), then raised, if need be, to the fewest agents whose occupancy is at most
``max_occupancy``: ⌈A / (k · max_occupancy)⌉ without patience (within one part in 10⁹,
so float noise never adds an agent); with patience only answered work keeps agents busy,
so the cap counts A·(1 − P(abandon)) and a cap of 1 adds nothing.

Accuracy: probabilities to about 1e-12 absolute (checked against brute-force sums over
the queue states, 30-digit arithmetic and simulation); loads below 1e-200 Erlangs count
as zero. Bad arguments raise :class:`staffplan.errors.StaffplanError` naming the argument.
"""

from __future__ import annotations

from staffplan.erlang._api import required_agents, required_fte, staffing_metrics, workload_erlangs

__all__ = ["required_agents", "required_fte", "staffing_metrics", "workload_erlangs"]
