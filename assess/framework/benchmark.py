"""Peer-group statistics with small-group suppression (pure).

A group's statistics are shown only when at least `min_group_size` assessments contribute;
otherwise only its size is given, with the reason, so no single municipality is exposed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from statistics import median, quantiles

import msgspec

from assess.framework.messages import untranslated

ScoreKey = tuple[
    str, str
]  # (scope, key): ("totaal", "totaal"), ("domein", "A"), ("pijler", "zorg")


class Statistics(msgspec.Struct, frozen=True):
    n: int
    median: float
    q1: float
    q3: float


class GroupComparison(msgspec.Struct, frozen=True):
    n: int
    suppressed: bool
    reason: str | None
    statistics: dict[ScoreKey, Statistics]


def describe(values: list[float]) -> Statistics:
    """Median and quartiles (inclusive method, as spreadsheets compute them)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return Statistics(1, ordered[0], ordered[0], ordered[0])
    q1, _, q3 = quantiles(ordered, n=4, method="inclusive")
    return Statistics(len(ordered), median(ordered), q1, q3)


def compare(
    member_scores: Mapping[object, Mapping[ScoreKey, float | None]],
    min_group_size: int,
    group_label: str,
    _: Callable[[str], str] = untranslated,
) -> GroupComparison:
    """Statistics per score key over the group's members (one score mapping per assessment).

    `_` translates the Dutch reason (the web layer passes gettext; the default keeps Dutch).
    """
    n = len(member_scores)
    if n < min_group_size:
        reason = _(
            "Te weinig vergelijkingsmateriaal: {n} van de minimaal {minimum} ingediende "
            "zelfevaluaties in {groep}. Kleinere groepen tonen we niet, zodat geen enkele "
            "gemeente herkenbaar is."
        ).format(n=n, minimum=min_group_size, groep=group_label)
        return GroupComparison(n=n, suppressed=True, reason=reason, statistics={})
    return GroupComparison(
        n=n,
        suppressed=False,
        reason=None,
        statistics=_per_key(member_scores.values(), min_group_size),
    )


def _per_key(
    members: Iterable[Mapping[ScoreKey, float | None]], min_group_size: int
) -> dict[ScoreKey, Statistics]:
    values: dict[ScoreKey, list[float]] = {}
    for scores in members:
        for key, value in scores.items():
            if value is not None:
                values.setdefault(key, []).append(value)
    # A key that too few members scored (e.g. all 'nvt') is suppressed on its own.
    return {key: describe(v) for key, v in values.items() if len(v) >= min_group_size}
