"""Erlang C engine: published values, extremes, exact minimum, caps, concurrency, errors."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import special

from staffplan.erlang import required_agents, required_fte, staffing_metrics, workload_erlangs
from staffplan.errors import StaffplanError

COLUMNS = ["service_level", "asa_s", "p_wait", "occupancy", "abandon_rate", "workload_erlangs"]


def metrics(agents, volume, aht_s=180.0, interval_min=30.0, answer_within_s=20.0, **kw):
    return staffing_metrics(agents, volume, aht_s, interval_min, answer_within_s, **kw)


def erlang_c_by_sums(n: int, load: float) -> float:
    """Textbook P(wait) from the Poisson terms, for a moderate load."""
    terms = np.exp(np.arange(n + 1) * np.log(load) - special.gammaln(np.arange(1, n + 2)) - load)
    tail = terms[n] * n / (n - load)
    return tail / (terms[:n].sum() + tail)


def test_cran_erlangc_readme_example_with_14_and_11_agents() -> None:
    # CRAN package ErlangC README: 100 contacts per 30 min, AHT 180 s, 20 s target.
    m = metrics([14, 11], 100.0)
    assert list(m.columns) == COLUMNS
    assert m["p_wait"].to_numpy() == pytest.approx([0.1741319, 0.6821182], rel=1e-6)
    assert m["service_level"].to_numpy() == pytest.approx([0.8883500, 0.3896138], rel=1e-6)
    assert m.loc[0, "asa_s"] == pytest.approx(7.8359, rel=1e-5)
    assert m.loc[0, "occupancy"] == pytest.approx(0.7142857, rel=1e-6)
    assert m["workload_erlangs"].tolist() == [10.0, 10.0]
    assert m["abandon_rate"].tolist() == [0.0, 0.0]


def test_cran_example_needs_14_agents_for_80_20_because_13_give_79_6_percent() -> None:
    assert int(required_agents(100.0, 180.0, 30.0, 0.8, 20.0)) == 14
    assert metrics(13, 100.0).loc[0, "service_level"] == pytest.approx(0.7955952, rel=1e-6)


def test_p_wait_matches_the_textbook_sums() -> None:
    for n, load in [(1, 0.3), (3, 2.5), (14, 10.0), (60, 52.7)]:
        volume = load * 1800.0 / 180.0
        assert metrics(n, volume).loc[0, "p_wait"] == pytest.approx(
            erlang_c_by_sums(n, load), rel=1e-12
        )


def test_ten_thousand_erlangs_with_10100_agents_is_finite_and_in_range() -> None:
    volume = 10_000.0 * 900.0 / 300.0  # 10,000 Erlangs in a 15-minute interval
    m = metrics([10_100, 10_050, 10_000, 9_000], volume, 300.0, 15.0, 20.0).iloc[0]
    for column in ("service_level", "p_wait", "occupancy"):
        assert 0.0 <= m[column] <= 1.0
    assert np.isfinite(m["asa_s"])
    # Halfin-Whitt with beta = 1: P(wait) is about 1/(1 + beta*Phi(beta)/phi(beta)) = 0.2178
    assert m["p_wait"] == pytest.approx(0.2178, abs=0.01)
    assert m["occupancy"] == pytest.approx(10_000 / 10_100)


def test_at_or_below_the_load_the_queue_never_drains() -> None:
    m = metrics([10, 9, 0], 100.0)  # 10 Erlangs
    assert m["p_wait"].tolist() == [1.0, 1.0, 1.0]
    assert m["service_level"].tolist() == [0.0, 0.0, 0.0]
    assert np.isinf(m["asa_s"]).all()
    assert m["occupancy"].tolist() == [1.0, 1.0, 1.0]


def test_tiny_load_of_0_03_erlangs() -> None:
    volume = 0.03 * 1800.0 / 180.0
    m = metrics(1, volume).iloc[0]
    assert m["p_wait"] == pytest.approx(0.03)  # one server: P(wait) = A
    assert m["service_level"] == pytest.approx(1 - 0.03 * np.exp(-0.97 * 20 / 180))
    assert m["asa_s"] == pytest.approx(0.03 / 0.97 * 180.0)
    assert int(required_agents(volume, 180.0, 30.0, 0.8, 20.0)) == 1


def test_zero_volume_needs_no_one_and_zero_agents_face_no_work() -> None:
    assert required_agents([0.0, 0.0], 300.0, 15.0, 0.8, 20.0, max_occupancy=0.5).tolist() == [0, 0]
    m = metrics([0, 3], 0.0)
    assert m["service_level"].tolist() == [1.0, 1.0]
    assert m["asa_s"].tolist() == [0.0, 0.0]
    assert m["occupancy"].tolist() == [0.0, 0.0]
    assert m["p_wait"].tolist() == [0.0, 0.0]


def test_zero_agents_with_work_answer_no_one() -> None:
    m = metrics(0, 5.0).iloc[0]
    assert (m["service_level"], m["p_wait"]) == (0.0, 1.0)
    assert np.isinf(m["asa_s"])


def test_fractional_load_above_one_half_gets_the_true_minimum() -> None:
    # 2.6 Erlangs of e-mail-like work answered within an hour (AHT 5 minutes): floor(A)+1 = 3
    # agents give 99.4 %. Starting at round(A + 1) = 4, as pyworkforce 0.5.1 does, staffs 4.
    volume = 2.6 * 900.0 / 300.0
    n = int(required_agents(volume, 300.0, 15.0, 0.8, 3600.0))
    assert n == 3
    sl = staffing_metrics([n - 1, n], volume, 300.0, 15.0, 3600.0)["service_level"]
    assert sl[0] < 0.8 <= sl[1]


@pytest.mark.parametrize("load", [0.03, 0.7, 2.5, 9.5, 48.6, 333.3, 2718.28])
def test_required_agents_is_the_exact_minimum(load: float) -> None:
    volume = load * 900.0 / 240.0
    n = int(required_agents(volume, 240.0, 15.0, 0.85, 30.0))
    sl = staffing_metrics([n - 1, n], volume, 240.0, 15.0, 30.0)["service_level"]
    assert sl[0] < 0.85 <= sl[1]


def test_occupancy_cap_raises_agents_without_float_noise() -> None:
    # 60 contacts of 63 s in 15 minutes are 4.2 Erlangs; at a 0.7 cap that is
    # 6.000000000000001 agents in floating point: 6, not 7. A long target makes SL easy.
    load = float(workload_erlangs(60.0, 63.0, 15.0))
    assert load / 0.7 > 6.0
    assert int(required_agents(60.0, 63.0, 15.0, 0.5, 1e6, max_occupancy=0.7)) == 6
    assert int(required_agents(60.1, 63.0, 15.0, 0.5, 1e6, max_occupancy=0.7)) == 7


def test_occupancy_cap_only_binds_when_the_target_needs_fewer() -> None:
    volume = 100.0  # 10 Erlangs over 30 min at AHT 180 s; 14 agents for 80/20
    assert required_agents(
        volume, 180.0, 30.0, 0.8, 20.0, max_occupancy=[1.0, 0.75, 0.5]
    ).tolist() == [
        14,
        14,
        20,
    ]


def test_chat_concurrency_sizes_slots_and_reports_occupancy_per_slot() -> None:
    # 3 chats per agent: the same queue as 3N slots of an M/M/(3N) queue.
    volume, aht = 400.0, 540.0  # 400 chats per 30 min of 9 minutes each: 120 Erlangs
    n = int(required_agents(volume, aht, 30.0, 0.8, 60.0, concurrency=3))
    slots = int(required_agents(volume, aht, 30.0, 0.8, 60.0))
    assert n == -(-slots // 3)
    chat = staffing_metrics(n, volume, aht, 30.0, 60.0, concurrency=3).iloc[0]
    plain = staffing_metrics(3 * n, volume, aht, 30.0, 60.0).iloc[0]
    pd.testing.assert_series_equal(chat, plain)
    assert chat["occupancy"] == pytest.approx(120.0 / (3 * n))
    sl_fewer = staffing_metrics(n - 1, volume, aht, 30.0, 60.0, concurrency=3)["service_level"]
    assert sl_fewer.iloc[0] < 0.8


def test_arrays_broadcast_and_keep_their_shape() -> None:
    volume = np.array([[10.0, 50.0, 200.0], [0.0, 80.0, 400.0]])
    aht = np.array([[300.0], [200.0]])
    agents = required_agents(volume, aht, 15.0, 0.8, 20.0)
    assert agents.shape == (2, 3) and agents.dtype == np.int64
    for i, j in np.ndindex(volume.shape):
        assert agents[i, j] == required_agents(volume[i, j], aht[i, 0], 15.0, 0.8, 20.0)
    assert required_agents(100.0, 180.0, 30.0, 0.8, 20.0).shape == ()
    assert len(staffing_metrics(agents, volume, aht, 15.0, 20.0)) == 6


def test_workload_and_fte() -> None:
    assert workload_erlangs(100.0, 180.0, 30.0) == pytest.approx(10.0)
    assert workload_erlangs([0.0, 60.0], 60.0, [15.0, 60.0]).tolist() == [0.0, 1.0]
    assert required_fte([14, 0], 0.3).tolist() == pytest.approx([20.0, 0.0])
    assert required_fte(10, [0.0, 0.5]).tolist() == [10.0, 20.0]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"volume": -1.0}, "volume"),
        ({"volume": float("nan")}, "volume"),
        ({"volume": [1.0, float("inf")]}, "volume"),
        ({"aht_s": 0.0}, "aht_s"),
        ({"interval_min": -15.0}, "interval_min"),
        ({"service_level": 1.0}, "100% service level needs infinitely many agents"),
        ({"service_level": 80.0}, "write 0.8, not 80"),
        ({"service_level": 0.0}, "service_level must be above 0"),
        ({"service_level": -0.2}, "service_level"),
        ({"service_level": 250.0}, "service_level must be below 1"),
        ({"answer_within_s": -5.0}, "answer_within_s"),
        ({"max_occupancy": 0.0}, "max_occupancy"),
        ({"max_occupancy": 85.0}, "write 0.85, not 85"),
        ({"max_occupancy": 1.2}, "max_occupancy"),
        ({"concurrency": 0}, "concurrency must be 1 or more"),
        ({"concurrency": 1.5}, "concurrency must be a whole number"),
        ({"patience_s": 0.0}, "patience_s"),
        ({"patience_s": [60.0, -1.0]}, "patience_s"),
        ({"volume": "many"}, "volume must be a number"),
        ({"volume": [1.0, 2.0, 3.0], "aht_s": [1.0, 2.0]}, "do not broadcast"),
    ],
)
def test_bad_input_raises_a_plain_error_naming_the_argument(kwargs: dict, words: str) -> None:
    args = {"volume": 100.0, "aht_s": 180.0, "interval_min": 30.0, "service_level": 0.8}
    args |= {"answer_within_s": 20.0} | kwargs
    with pytest.raises(StaffplanError, match=re.escape(words)):
        required_agents(**args)


def test_bad_metrics_and_fte_inputs_name_the_argument() -> None:
    with pytest.raises(StaffplanError, match="agents must be a whole number"):
        staffing_metrics(2.5, 100.0, 180.0, 30.0, 20.0)
    with pytest.raises(StaffplanError, match=r"agents must be 0 or more.*at index 1"):
        staffing_metrics([1, -1], 100.0, 180.0, 30.0, 20.0)
    with pytest.raises(StaffplanError, match="shrinkage of 1 leaves no one"):
        required_fte(10, 1.0)
    with pytest.raises(StaffplanError, match=r"write 0\.3, not 30"):
        required_fte(10, 30.0)
    with pytest.raises(StaffplanError, match="shrinkage must be 0 or more"):
        required_fte(10, -0.1)
