"""A publication's statistics rules and joint disclosure control (pure), checked against an
independent oracle over random populations and against hand-made nested groups."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.framework.benchmark import compare
from assess.framework.publication import (
    Contributor,
    Header,
    Snapshot,
    band,
    compile_publication,
    figure_of,
    regional_view,
    share,
)
from assess.framework.vocabulary import Grouping

K = 5
TOTAL = "totaal/totaal"
# A small country: safety regions inside provinces and RIEC regions, which overlap each other.
GEOGRAPHY = {  # veiligheidsregio -> (provincie, riec)
    "Gooi": ("Noord-Holland", "Midden"),
    "Utrecht": ("Utrecht", "Midden"),
    "Kennemerland": ("Noord-Holland", "Noord-Holland"),
    "Zaanstreek": ("Noord-Holland", "Noord-Holland"),
    "Twente": ("Overijssel", "Oost"),
}
GROUPS = {
    Grouping.SIZE_CLASS: ["klein", "groot"],
    Grouping.PROVINCE: sorted({p for p, _ in GEOGRAPHY.values()}),
    Grouping.RIEC: sorted({r for _, r in GEOGRAPHY.values()}),
    Grouping.SAFETY_REGION: sorted(GEOGRAPHY),
}


def contributor(i, region, score, *, size="klein", named=False, answer=None, extra=None):
    province, riec = GEOGRAPHY[region]
    return Contributor(
        id=f"a{i}",
        code=f"GM{i:04d}",
        name=f"Gemeente {i}",
        named=named,
        groups={
            "grootteklasse": size,
            "provincie": province,
            "riec": riec,
            "veiligheidsregio": region,
        },
        scores={TOTAL: float(score), **(extra or {})},
        answers={"A1": answer or ("2" if score >= 100 else "1")},
    )


def header(number=1):
    return Header(2025, number, datetime(2025, 12, 1, tzinfo=UTC), "q", "2026.2", 342, ["A1"])


def publish(contributors, earlier=()):
    return compile_publication(header(len(earlier) + 1), contributors, GROUPS, K, earlier)


# --- the oracle: what an attacker can subtract, computed plainly with sets -----------------


def shown_sets(snapshot):
    """(family, cell, score key) -> (anonymised ids, at-target count or None) of every
    figure the publication shows."""
    found = {}
    number = snapshot.publication.number
    for dimension, cell in snapshot.publication.cells():
        for figure in cell.figures:
            key = f"{figure.scope}/{figure.key}"
            members = [
                c
                for c in snapshot.contributors
                if key in c.scores
                and not c.named
                and (dimension == "alle" or c.groups.get(dimension) == cell.group)
            ]
            at_target = (
                sum(c.scores[key] >= 100 for c in members) if figure.at_target is not None else None
            )
            found[(f"{number}/{dimension}", cell.group, key)] = (
                frozenset(c.id for c in members),
                at_target,
            )
    return found


def breaches(snapshots):
    """Every way the published figures single out fewer than K anonymised contributors, or a
    remainder that is all at target."""
    shown = {}
    for snapshot in snapshots:
        shown |= shown_sets(snapshot)
    problems = []
    for (family, group, key), (outer, outer_count) in shown.items():
        inside_by_family = {}
        for (f, g, k), (inner, count) in shown.items():
            if k == key and (f, g) != (family, group) and inner and inner <= outer:
                inside_by_family.setdefault(f, []).append((g, inner, count))
                if inner != outer:
                    problems += _remainder(
                        (family, group, key), outer, outer_count, [(inner, count)]
                    )
        for f, inside in inside_by_family.items():
            if len(inside) > 1:
                parts = [(inner, count) for _, inner, count in inside]
                problems += _remainder((family, group, key, f), outer, outer_count, parts)
    return problems


def _remainder(where, outer, outer_count, parts):
    covered = frozenset().union(*(p for p, _ in parts))
    remainder = outer - covered
    if 0 < len(remainder) < K:
        return [(where, "isolates", len(remainder))]
    counts = [c for _, c in parts]
    disjoint = sum(len(p) for p, _ in parts) == len(covered)
    known = remainder and outer_count is not None and None not in counts and disjoint
    if known and outer_count - sum(counts) == len(remainder):
        return [(where, "all at target", len(remainder))]
    return []


def statistics_problems(snapshot):
    problems = []
    shown = shown_sets(snapshot)
    for (family, group, key), (members, at_target) in shown.items():
        dimension = family.split("/")[1]
        cell = snapshot.publication.cell(Grouping(dimension), group)
        figure = cell.figure(tuple(key.split("/")))
        if len(members) < K:
            problems.append((group, key, "rests on fewer than k"))
        if figure.median is not None and len(members) < 2 * K:
            problems.append((group, key, "quartiles below 2k"))
        if at_target is not None and (0 < at_target < K or len(members) - at_target < K):
            problems.append((group, key, "share of too few"))
        if figure.at_target is not None and figure.at_target % 5:
            problems.append((group, key, "share not rounded"))
    return problems


# --- rules on their own --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "k", "expected"),
    [
        (0, 5, "0"),
        (1, 5, "minder dan 5"),
        (4, 5, "minder dan 5"),
        (5, 5, "5–9"),
        (9, 5, "5–9"),
        (10, 5, "10–19"),
        (20, 5, "20–29"),
        (342, 5, "300–349"),
        (800, 5, "500 of meer"),
        (12, 10, "10–19"),
        (25, 10, "20–29"),
    ],
)
def test_counts_are_published_as_bands(n, k, expected):
    assert band(n, k) == expected


def test_shares_are_rounded_to_five_points():
    assert [share(c, 15) for c in (0, 1, 8, 15)] == [0, 5, 55, 100]


def test_quartiles_need_twice_the_minimum_and_are_whole_points():
    nine = figure_of(TOTAL, [10.4] * 4 + [60.6] * 5, [10.4] * 4 + [60.6] * 5, K)
    assert nine.median is None and nine.at_target == 0  # nobody at target: the share shows
    ten = figure_of(TOTAL, [0.0, 12.5, 25, 37.5, 50, 62.5, 75, 87.5, 90, 95], [1.0] * 10, K)
    assert (ten.median, ten.q1, ten.q3) == (56, 28, 84)  # 56.25, 28.125, 84.375


@pytest.mark.parametrize(
    ("at_target", "n", "shown"),
    [(0, 10, True), (3, 10, False), (5, 10, True), (6, 10, False), (10, 10, False)],
)
def test_a_share_needs_k_on_both_sides(at_target, n, shown):
    values = [100.0] * at_target + [40.0] * (n - at_target)
    figure = figure_of(TOTAL, values, values, K)
    assert (figure is not None and figure.at_target is not None) == shown


def test_named_contributors_do_not_count_toward_the_minimum():
    values = [50.0] * 10
    assert figure_of(TOTAL, values, values[:4], K) is None
    assert figure_of(TOTAL, values, values[:5], K).median is None  # 5 anonymised: below 2k


# --- the leaks of the first release ----------------------------------------------------------


def nested_country():
    """Hilversum alone in Gooi; Utrecht five; RIEC Midden the six; Noord-Holland the rest."""
    people = [contributor(0, "Gooi", 70, size="groot")]
    people += [contributor(1 + i, "Utrecht", 40 + 10 * i) for i in range(5)]
    people += [contributor(10 + i, "Kennemerland", 30 + 5 * i, size="groot") for i in range(12)]
    return people


def test_a_region_minus_its_published_part_never_isolates_a_gemeente():
    people = nested_country()
    tables = publish(people)
    assert tables.cell(Grouping.SAFETY_REGION, "Gooi").suppressed == "klein"
    # Midden minus Utrecht (safety region, or the province: the same five) would be Hilversum;
    # Midden takes part in both breaches and goes, as docs/benchmark.md tells
    assert tables.cell(Grouping.RIEC, "Midden").suppressed == "aanvullend"
    for dimension in (Grouping.SAFETY_REGION, Grouping.PROVINCE):
        utrecht = tables.cell(dimension, "Utrecht")
        assert utrecht.n == "5–9" and utrecht.figures[0].median is None
    assert breaches([Snapshot(tables, people)]) == []


def test_a_newcomer_between_publications_is_not_revealed():
    people = nested_country()
    first = Snapshot(publish(people), people)
    joined = [*people, contributor(99, "Kennemerland", 100, size="groot")]
    second = publish(joined, [first])
    assert second.total.suppressed or not second.total.figures  # total minus total = newcomer
    assert breaches([first, Snapshot(second, joined)]) == []


def test_a_group_shared_by_name_but_for_one_shows_nothing():
    people = [contributor(i, "Twente", 40 + i, named=i > 0) for i in range(8)]
    people += [contributor(20 + i, "Utrecht", 60) for i in range(10)]
    tables = publish(people)
    assert tables.cell(Grouping.PROVINCE, "Overijssel").suppressed == "klein"
    assert breaches([Snapshot(tables, people)]) == []


def test_all_at_target_is_never_shown():
    people = [contributor(i, "Utrecht", 100) for i in range(12)]
    people += [contributor(20 + i, "Twente", 50) for i in range(12)]
    tables = publish(people)
    assert tables.cell(Grouping.PROVINCE, "Utrecht").figure(("totaal", "totaal")).at_target is None
    assert breaches([Snapshot(tables, people)]) == []


def test_a_unanimous_question_and_rare_answers_are_withheld():
    people = [contributor(i, "Utrecht", 60, answer="2") for i in range(12)]
    assert publish(people).distribution[0].shares is None  # everyone's answer would be known
    people[0] = contributor(0, "Utrecht", 60, answer="0")
    people[1] = contributor(1, "Utrecht", 60, answer="3")
    shares = publish(people).distribution[0].shares
    # '0' and '3' (one each) are hidden, and so is '2': otherwise 100% - 2's share gives them away
    assert shares["0"] is None and shares["3"] is None and shares["2"] is None
    assert shares["1"] == 0 and shares["nvt"] == 0


# --- the oracle over random populations -------------------------------------------------------

people_strategy = st.lists(
    st.tuples(
        st.sampled_from(sorted(GEOGRAPHY)),
        st.sampled_from([0, 25, 50, 75, 100]),
        st.booleans(),  # size class
        st.integers(0, 9),  # named when 0
    ),
    min_size=0,
    max_size=45,
)


def population(drawn, offset=0):
    return [
        contributor(offset + i, region, score, size="klein" if small else "groot", named=n == 0)
        for i, (region, score, small, n) in enumerate(drawn)
    ]


@settings(max_examples=60, deadline=None)
@given(people_strategy)
def test_one_publication_never_singles_anyone_out(drawn):
    people = population(drawn)
    tables = publish(people)
    snapshot = Snapshot(tables, people)
    assert breaches([snapshot]) == []
    assert statistics_problems(snapshot) == []


@settings(max_examples=40, deadline=None)
@given(people_strategy, people_strategy, st.integers(0, 6))
def test_publications_of_a_year_never_single_anyone_out_together(first, joiners, leaving):
    before = population(first)
    after = before[leaving:] + population(joiners, offset=1000)
    one = Snapshot(publish(before), before)
    two = Snapshot(publish(after, [one]), after)
    assert breaches([one, two]) == []
    assert statistics_problems(two) == []


# --- the regional view and the officer's comparison ------------------------------------------


def test_the_regional_view_holds_only_groups_inside_the_region():
    people = nested_country()
    tables = publish(people)
    inside = {
        (Grouping.SAFETY_REGION, "Gooi"),
        (Grouping.SAFETY_REGION, "Utrecht"),
        (Grouping.PROVINCE, "Utrecht"),
        (Grouping.RIEC, "Midden"),
    }
    view = regional_view(tables, "Midden", inside=inside, codes={"GM0001"}, municipalities=30)
    assert view.total == tables.cell(Grouping.RIEC, "Midden")
    assert {(b.dimension, c.group) for b in view.breakdowns for c in b.cells} == inside - {
        (Grouping.RIEC, "Midden")
    }
    assert view.distribution == [] and view.named == []


def test_the_comparison_leaves_the_asker_out():
    people = [contributor(i, "Utrecht", 10 * i) for i in range(11)]
    tables = publish(people)
    cell = tables.cell(Grouping.PROVINCE, "Utrecht")
    others = compare(cell, people, "a10", K, "provincie Utrecht")
    assert others.n == "10–19" and not others.suppressed
    assert others.statistics[("totaal", "totaal")].median == 45  # 0..90 without the asker's 100
    few = compare(cell, people[:5], "a0", K, "provincie Utrecht")
    assert few.suppressed and "minstens 5 andere" in few.reason


def test_the_comparison_shows_nothing_the_publication_withholds():
    people = [contributor(i, "Utrecht", 50, extra={"domein/A": 20.0}) for i in range(12)]
    tables = publish(people)
    cell = tables.cell(Grouping.PROVINCE, "Utrecht")
    assert cell.figure(("domein", "A")).at_target == 0
    assert compare(cell, people, None, K, "x").statistics.keys() == {
        ("totaal", "totaal"),
        ("domein", "A"),
    }
    assert compare(None, people, None, K, "x").suppressed
