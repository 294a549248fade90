"""The event-driven core for shared agents: priority classes and skills.

Beside the FCFS core (:mod:`staffplan.simulate._engine`), which plain queues keep. Here
contacts belong to *streams* (a class of a queue); each stream has a priority ``level``
(0 first) and the ``queue`` whose skill it needs. Agents (slots) are on duty in windows
(:func:`staffplan.simulate._engine.slot_windows`) and have a set of skills (queues).

* A contact that arrives while agents with its skill are idle goes to the one idle the
  longest (ties: the one whose time on duty ends first, then the lower agent number, as
  in the FCFS core, which this engine reproduces exactly for one stream).
* Otherwise it waits in its stream's line. An agent that becomes free (or comes on
  duty) takes, among the lines it has the skill for, the waiting contact of the best
  level, the earliest arrival within a level. Service is never interrupted
  (non-preemptive); an agent whose window closes finishes its contact first.
* A contact whose patience runs out before an agent takes it abandons (it is dropped
  when an agent would otherwise have taken it: the outcome is the same).

Events at the same moment: agents freeing up and coming on or off duty go first, then
arrivals. Deterministic: no randomness here, ties broken by index.
"""

from __future__ import annotations

import heapq
import math
from collections import deque

import numpy as np

_FREE, _ON, _OFF = 0, 1, 2  # event kinds; the order breaks ties at one moment


def serve_priority(
    arrival_s: np.ndarray,
    stream: np.ndarray,
    handle_s: np.ndarray,
    give_up_s: np.ndarray,
    levels: np.ndarray,
    stream_queue: np.ndarray,
    windows: tuple[np.ndarray, np.ndarray, np.ndarray],
    skills: np.ndarray,
) -> np.ndarray:
    """Service start (s) of each contact; NaN for those never served.

    ``arrival_s`` sorted; ``stream`` the stream of each contact; ``give_up_s`` arrival +
    patience (inf: never); ``levels`` and ``stream_queue`` per stream; ``windows`` =
    (start_s, end_s, agent) sorted by agent then time; ``skills`` a bool (agents, queues)
    matrix: which queues each agent takes.
    """
    start_s, end_s, agent_of = windows
    n_agents = skills.shape[0]
    n_queues = skills.shape[1]
    windows_of: list[list[tuple[float, float]]] = [[] for _ in range(n_agents)]
    for s, e, a in zip(start_s.tolist(), end_s.tolist(), agent_of.tolist(), strict=True):
        windows_of[a].append((s, e))
    # lines each agent may take from, best level first
    order = np.argsort(levels, kind="stable")
    agent_lines = [[int(j) for j in order if skills[a, stream_queue[j]]] for a in range(n_agents)]
    stream_level = levels.tolist()
    lines: list[deque[int]] = [deque() for _ in range(levels.size)]
    idle: list[list[tuple[float, float, int, int]]] = [[] for _ in range(n_queues)]
    token = [0] * n_agents
    window_index = [0] * n_agents
    events: list[tuple[float, int, int, int]] = []
    for a in range(n_agents):
        if windows_of[a]:
            events.append((windows_of[a][0][0], _ON, a, 0))
    heapq.heapify(events)
    arrivals, streams = arrival_s.tolist(), stream.tolist()
    handles, limits = handle_s.tolist(), give_up_s.tolist()
    queue_of = stream_queue.tolist()
    agent_queues = [np.flatnonzero(skills[a]).tolist() for a in range(n_agents)]
    out = [math.nan] * len(arrivals)

    def take(agent: int, now: float) -> bool:
        """The agent takes the best waiting contact it may; False when there is none."""
        best, best_key = -1, (math.inf, math.inf)
        for j in agent_lines[agent]:
            line = lines[j]
            while line and limits[line[0]] < now:
                line.popleft()  # gave up before anyone could take it
            if line:
                key = (stream_level[j], arrivals[line[0]])
                if key < best_key:
                    best, best_key = j, key
        if best < 0:
            return False
        contact = lines[best].popleft()
        out[contact] = now
        heapq.heappush(events, (now + handles[contact], _FREE, agent, 0))
        return True

    def ready(agent: int, now: float) -> None:
        """The agent is free at ``now``: work, wait idle, or go off duty."""
        spans = windows_of[agent]
        k = window_index[agent]
        while k < len(spans) and spans[k][1] <= now:
            k += 1
        window_index[agent] = k
        if k == len(spans):
            return
        if spans[k][0] > now:
            heapq.heappush(events, (spans[k][0], _ON, agent, 0))
            return
        if take(agent, now):
            return
        token[agent] += 1
        for q in agent_queues[agent]:
            heapq.heappush(idle[q], (now, spans[k][1], agent, token[agent]))
        heapq.heappush(events, (spans[k][1], _OFF, agent, token[agent]))

    def on_duty(agent: int, at: int, now: float) -> bool:
        spans = windows_of[agent]
        k = window_index[agent]
        return k < len(spans) and spans[k][0] <= now < spans[k][1] and token[agent] == at

    i, n = 0, len(arrivals)
    while i < n or events:
        if events and (i >= n or events[0][0] <= arrivals[i]):
            now, kind, agent, at = heapq.heappop(events)
            if kind == _OFF:
                if at != token[agent]:
                    continue  # it took work since; it leaves when that is done
                token[agent] += 1  # leaves its idle entries behind
            ready(agent, now)
            continue
        now, contact = arrivals[i], i
        i += 1
        heap = idle[queue_of[streams[contact]]]
        while heap and not on_duty(heap[0][2], heap[0][3], now):
            heapq.heappop(heap)
        if heap:
            agent = heapq.heappop(heap)[2]
            token[agent] += 1
            out[contact] = now
            heapq.heappush(events, (now + handles[contact], _FREE, agent, 0))
        else:
            lines[streams[contact]].append(contact)
    return np.array(out)
