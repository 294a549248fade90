"""Property tests: monotone service level, exact minimum, arrays = scalars, never NaN."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from staffplan.erlang import required_agents, staffing_metrics

SHARES = ["service_level", "p_wait", "occupancy", "abandon_rate"]

loads = st.floats(0.01, 3000.0)
ahts = st.floats(20.0, 1800.0)
targets = st.floats(0.05, 0.99)
withins = st.one_of(st.just(0.0), st.floats(0.0, 900.0))
patiences = st.one_of(st.none(), st.floats(2.0, 1e5))
concurrencies = st.integers(1, 4)


def volume(load: float, aht_s: float) -> float:
    return load * 900.0 / aht_s  # 15-minute intervals


@settings(max_examples=150, deadline=None)
@given(loads, ahts, targets, withins, patiences, concurrencies)
def test_required_agents_is_the_minimum(load, aht_s, target, within_s, patience_s, k) -> None:
    v = volume(load, aht_s)
    n = int(required_agents(v, aht_s, 15.0, target, within_s, patience_s=patience_s, concurrency=k))
    sl = staffing_metrics(
        [n - 1, n], v, aht_s, 15.0, within_s, patience_s=patience_s, concurrency=k
    )
    assert sl.loc[1, "service_level"] >= target
    assert sl.loc[0, "service_level"] < target


@settings(max_examples=100, deadline=None)
@given(loads, ahts, targets, withins, st.floats(0.3, 1.0))
def test_occupancy_cap_without_patience(load, aht_s, target, within_s, cap) -> None:
    v = volume(load, aht_s)
    plain = int(required_agents(v, aht_s, 15.0, target, within_s))
    capped = int(required_agents(v, aht_s, 15.0, target, within_s, max_occupancy=cap))
    assert capped == max(plain, int(np.ceil(load / cap - 1e-9 * load / cap)))


@settings(max_examples=100, deadline=None)
@given(loads, ahts, withins, patiences, concurrencies)
def test_service_level_rises_and_occupancy_falls_with_agents(
    load, aht_s, within_s, patience_s, k
) -> None:
    agents = np.arange(0, int(load / k) + 40)
    m = staffing_metrics(
        agents, volume(load, aht_s), aht_s, 15.0, within_s, patience_s=patience_s, concurrency=k
    )
    assert (np.diff(m["service_level"]) >= -1e-12).all()
    assert (np.diff(m["p_wait"]) <= 1e-12).all()
    assert (np.diff(m["occupancy"]) <= 1e-12).all()  # the occupancy floor's search needs this


@settings(max_examples=100, deadline=None)
@given(loads, ahts, withins, patiences, st.integers(1, 400))
def test_service_level_falls_with_volume(load, aht_s, within_s, patience_s, agents) -> None:
    volumes = volume(load, aht_s) * np.array([1.0, 1.01, 1.1, 1.5, 3.0])
    m = staffing_metrics(agents, volumes, aht_s, 15.0, within_s, patience_s=patience_s)
    assert (np.diff(m["service_level"]) <= 1e-12).all()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(loads, ahts, targets, withins, patiences, concurrencies), min_size=1, max_size=6
    )
)
def test_arrays_equal_scalar_calls(rows) -> None:
    # As a float array a row's patience None becomes NaN: no abandonment for that element.
    load, aht_s, target, within_s, patience_s, k = (
        np.array(c, dtype=float) for c in zip(*rows, strict=True)
    )
    v = load * 900.0 / aht_s
    agents = required_agents(v, aht_s, 15.0, target, within_s, patience_s=patience_s, concurrency=k)
    table = staffing_metrics(agents, v, aht_s, 15.0, within_s, patience_s=patience_s, concurrency=k)
    for i, row in enumerate(rows):
        p = row[4]
        one = required_agents(
            v[i], aht_s[i], 15.0, target[i], within_s[i], patience_s=p, concurrency=row[5]
        )
        assert int(one) == agents[i]
        single = staffing_metrics(
            one, v[i], aht_s[i], 15.0, within_s[i], patience_s=p, concurrency=row[5]
        )
        np.testing.assert_allclose(table.iloc[i].to_numpy(), single.iloc[0].to_numpy(), rtol=1e-13)


@settings(max_examples=150, deadline=None)
@given(
    st.floats(0.0, 2e4),
    st.integers(0, 25_000),
    ahts,
    st.floats(0.0, 1e5),
    st.one_of(st.none(), st.floats(1e-3, 1e12)),
    concurrencies,
)
@example(2277.0, 827, 73.0, 14.0, 163878848772.0, 3)  # service level rounded to 1 + 2e-16
def test_metrics_are_never_nan_and_shares_stay_in_range(
    load, agents, aht_s, within_s, patience_s, k
) -> None:
    m = staffing_metrics(
        agents, volume(load, aht_s), aht_s, 15.0, within_s, patience_s=patience_s, concurrency=k
    )
    shares = m[SHARES].to_numpy()
    assert np.isfinite(shares).all()
    assert ((shares >= 0) & (shares <= 1)).all()
    assert m.loc[0, "asa_s"] >= 0  # may be inf when the queue never drains, never NaN
