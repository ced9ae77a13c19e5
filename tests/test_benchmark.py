"""Peer-group statistics: hand-computed quartiles and small-group suppression (pure)."""

from __future__ import annotations

import pytest

from assess.framework.benchmark import compare
from assess.framework.statistics import describe

TOTAL = ("totaal", "totaal")


def test_median_and_quartiles_inclusive():
    stats = describe([10, 20, 30, 40, 50])
    assert (stats.n, stats.median, stats.q1, stats.q3) == (5, 30, 20, 40)
    even = describe([0, 25, 50, 100])
    assert (even.median, even.q1, even.q3) == (37.5, 18.75, 62.5)


def test_groups_below_the_minimum_give_only_n_and_a_reason():
    members = {i: {TOTAL: float(i)} for i in range(4)}
    result = compare(members, 5, "provincie Flevoland")
    assert (result.n, result.suppressed, result.statistics) == (4, True, {})
    assert "4 van de minimaal 5" in result.reason and "provincie Flevoland" in result.reason


def test_group_at_the_minimum_is_shown():
    members = {i: {TOTAL: 20.0 * i, ("domein", "A"): 50.0} for i in range(5)}
    result = compare(members, 5, "alle gemeenten")
    assert not result.suppressed and result.reason is None
    assert result.statistics[TOTAL].median == 40
    assert result.statistics[("domein", "A")].q1 == 50


def test_a_score_too_few_members_have_is_suppressed_on_its_own():
    members = {i: {TOTAL: 50.0, ("domein", "D"): None if i < 2 else 80.0} for i in range(6)}
    result = compare(members, 5, "x")
    assert TOTAL in result.statistics and ("domein", "D") not in result.statistics


@pytest.mark.parametrize("minimum", [2, 5, 10])
def test_no_statistic_ever_rests_on_fewer_members_than_the_minimum(minimum):
    for n in range(12):
        result = compare({i: {TOTAL: float(i)} for i in range(n)}, minimum, "g")
        assert all(s.n >= minimum for s in result.statistics.values())
        assert result.suppressed == (n < minimum)
