"""Descriptive statistics over scores, with the per-score minimum (pure).

The one implementation behind the officer's peer comparison, the national benchmark and the
reports, so that the same members always give the same figures wherever they are shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from statistics import median, quantiles

import msgspec

# (scope, key): ("totaal", "totaal"), ("domein", "A"), ("pijler", "zorg")
ScoreKey = tuple[str, str]
TARGET_SCORE = 100.0


class Figure(msgspec.Struct, frozen=True):
    n: int
    median: float
    q1: float
    q3: float
    at_target: float  # share of members whose score meets the target (100)


def describe(values: Iterable[float]) -> Figure:
    """Median and quartiles (inclusive method, as spreadsheets compute them)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values to describe")
    if len(ordered) > 1:
        q1, _, q3 = quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    at_target = sum(v >= TARGET_SCORE for v in ordered) / len(ordered)
    return Figure(len(ordered), median(ordered), q1, q3, at_target)


def per_key(
    members: Iterable[Mapping[ScoreKey, float | None]], min_group_size: int
) -> dict[ScoreKey, Figure]:
    """A figure per score key over the members that have that score.

    A key that fewer than `min_group_size` members scored (for example all 'nvt') is left
    out on its own, even when the group as a whole is large enough.
    """
    values: dict[ScoreKey, list[float]] = {}
    for scores in members:
        for key, value in scores.items():
            if value is not None:
                values.setdefault(key, []).append(value)
    return {key: describe(v) for key, v in values.items() if len(v) >= min_group_size}
