"""The national picture: hand-computed aggregates and attacks on the suppression."""

from __future__ import annotations

from assess.framework.national import (
    COMPLEMENTARY,
    SMALL,
    Record,
    level_distribution,
    national_picture,
)

TOTAL = ("totaal", "totaal")
GROUPS = {"provincie": ["Drenthe", "Flevoland", "Utrecht"], "grootteklasse": ["klein", "groot"]}


def record(i: int, province: str, size: str, score: float | None) -> Record:
    return Record(str(i), {"provincie": province, "grootteklasse": size}, {TOTAL: score})


def breakdown(picture, dimension):
    return {c.group: c for b in picture.breakdowns if b.dimension == dimension for c in b.cells}


def test_hand_computed_total():
    records = [record(i, "Utrecht", "groot", s) for i, s in enumerate([0, 50, 50, 100, 100])]
    total = national_picture(records, 5, GROUPS).total.figures[TOTAL]
    assert (total.n, total.median, total.q1, total.q3, total.at_target) == (5, 50, 50, 100, 0.4)


def test_one_small_group_is_not_recoverable_by_subtraction():
    """Drenthe (2) is primary suppressed; Flevoland (5), the smallest other, goes with it."""
    records = (
        [record(i, "Drenthe", "klein", 10) for i in range(2)]
        + [record(10 + i, "Flevoland", "klein", 60) for i in range(5)]
        + [record(20 + i, "Utrecht", "groot", 90) for i in range(8)]
    )
    provinces = breakdown(national_picture(records, 5, GROUPS), "provincie")
    assert provinces["Drenthe"].suppressed == SMALL
    assert provinces["Flevoland"].suppressed == COMPLEMENTARY
    assert provinces["Utrecht"].suppressed is None and provinces["Utrecht"].figures
    published = [c for c in provinces.values() if not c.suppressed]
    hidden = 15 - sum(c.n for c in published)
    assert hidden >= 5  # total minus published groups covers at least the minimum


def test_empty_groups_need_no_partner():
    records = [record(i, "Utrecht", "groot", 80) for i in range(6)]
    provinces = breakdown(national_picture(records, 5, GROUPS), "provincie")
    assert provinces["Drenthe"].n == 0 and provinces["Drenthe"].suppressed == SMALL
    assert provinces["Utrecht"].suppressed is None


def test_several_small_groups_that_together_reach_the_minimum_stand():
    records = (
        [record(i, "Drenthe", "klein", 10) for i in range(3)]
        + [record(10 + i, "Flevoland", "klein", 60) for i in range(3)]
        + [record(20 + i, "Utrecht", "groot", 90) for i in range(5)]
    )
    provinces = breakdown(national_picture(records, 5, GROUPS), "provincie")
    assert [provinces[p].suppressed for p in ("Drenthe", "Flevoland", "Utrecht")] == [
        SMALL,
        SMALL,
        None,
    ]


def test_total_below_minimum_suppresses_everything():
    records = [record(i, "Utrecht", "groot", 80) for i in range(4)]
    picture = national_picture(records, 5, GROUPS)
    assert picture.total.suppressed == SMALL and picture.total.figures == {}
    assert all(c.suppressed for b in picture.breakdowns for c in b.cells)


def test_no_published_figure_rests_on_fewer_than_the_minimum():
    records = [
        record(
            i,
            ["Drenthe", "Flevoland", "Utrecht"][i % 3],
            ["klein", "groot"][i % 2],
            float(i * 7 % 100),
        )
        for i in range(17)
    ]
    for minimum in (2, 5, 7):
        picture = national_picture(records, minimum, GROUPS)
        for b in picture.breakdowns:
            hidden = sum(c.n for c in b.cells if c.suppressed)
            assert hidden == 0 or hidden >= minimum
            for c in b.cells:
                assert all(f.n >= minimum for f in c.figures.values())


def test_scores_that_too_few_have_are_left_out():
    records = [record(i, "Utrecht", "groot", None if i < 2 else 50) for i in range(6)]
    assert TOTAL not in national_picture(records, 5, GROUPS).total.figures


def test_level_distribution_needs_the_minimum():
    counts = {("A1", "0"): 1, ("A1", "2"): 4}
    assert level_distribution(counts, 5, 5) == {"A1": {"0": 0.2, "2": 0.8}}
    assert level_distribution(counts, 4, 5) is None
