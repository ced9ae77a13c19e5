"""The national picture for VNG: aggregates per breakdown with primary and secondary suppression.

Every published figure rests on at least `min_group_size` assessments. A group below that is
suppressed (primary). Within one breakdown the groups add up to the national total, so when the
suppressed groups together hold fewer than `min_group_size` assessments, their figures could be
recovered by subtracting the published groups from the total: then the smallest published groups
are suppressed too (secondary), until the suppressed groups together reach the minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from assess.framework.statistics import Figure, ScoreKey, per_key
from assess.framework.vocabulary import DIMENSIONS, Grouping

SMALL, COMPLEMENTARY = "klein", "aanvullend"


class Record(msgspec.Struct, frozen=True):
    """One submitted, shared assessment: its peer-group attributes and stored scores."""

    assessment_id: str
    groups: Mapping[str, str | None]
    scores: dict[ScoreKey, float | None]


class Cell(msgspec.Struct, frozen=True):
    group: str
    n: int
    suppressed: str | None  # None, "klein" (primary) or "aanvullend" (secondary)
    figures: dict[ScoreKey, Figure]


class Breakdown(msgspec.Struct, frozen=True):
    dimension: Grouping
    cells: list[Cell]


class NationalPicture(msgspec.Struct, frozen=True):
    min_group_size: int
    total: Cell
    breakdowns: list[Breakdown]


def cell(group: str, records: list[Record], min_group_size: int) -> Cell:
    if len(records) < min_group_size:
        return Cell(group, len(records), SMALL, {})
    figures = per_key((record.scores for record in records), min_group_size)
    return Cell(group, len(records), None, figures)


def national_picture(
    records: Iterable[Record],
    min_group_size: int,
    groups: Mapping[Grouping, list[str]],
) -> NationalPicture:
    """Aggregates for all, and per dimension for every known group (also empty ones)."""
    members = list(records)
    total = cell(Grouping.ALL, members, min_group_size)
    breakdowns = []
    for dimension in DIMENSIONS:
        cells = [
            cell(value, [r for r in members if r.groups.get(dimension) == value], min_group_size)
            for value in groups.get(dimension, [])
        ]
        breakdowns.append(Breakdown(dimension, protect(cells, total, min_group_size)))
    return NationalPicture(min_group_size, total, breakdowns)


def protect(cells: list[Cell], total: Cell, min_group_size: int) -> list[Cell]:
    """Secondary suppression: suppressed groups together must hold the minimum, or be empty."""
    if total.suppressed:
        return [Cell(c.group, c.n, c.suppressed or COMPLEMENTARY, {}) for c in cells]
    hidden = sum(c.n for c in cells if c.suppressed)
    candidates = sorted((c for c in cells if not c.suppressed), key=lambda c: (c.n, c.group))
    extra: set[str] = set()
    while 0 < hidden < min_group_size and candidates:
        smallest = candidates.pop(0)
        extra.add(smallest.group)
        hidden += smallest.n
    return [Cell(c.group, c.n, COMPLEMENTARY, {}) if c.group in extra else c for c in cells]


def level_distribution(
    counts: Mapping[tuple[str, str], int], n: int, min_group_size: int
) -> dict[str, dict[str, float]] | None:
    """Per question the share of each answer code; None when too few assessments."""
    if n < min_group_size:
        return None
    result: dict[str, dict[str, float]] = {}
    for (question_id, code), count in counts.items():
        result.setdefault(question_id, {})[code] = count / n
    return result


class NamedAssessment(msgspec.Struct, frozen=True):
    """An assessment its gemeente shares by name (`benoemd`), with its total score."""

    code: str
    name: str
    total: float | None


class YearBenchmark(msgspec.Struct, frozen=True):
    """Everything published about one year: the picture, answer shares, named assessments."""

    year: int
    municipalities: int  # gemeenten in the register (in the region, for a coordinator)
    picture: NationalPicture
    distribution: dict[str, dict[str, float]] | None  # question -> answer code -> share
    named: list[NamedAssessment]
