"""Peer-group statistics with small-group suppression (pure).

A group's statistics are shown only when at least `min_group_size` assessments contribute;
otherwise only its size is given, with the reason, so no single municipality is exposed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from assess.framework.messages import untranslated
from assess.framework.statistics import Figure, ScoreKey, per_key


class GroupComparison(msgspec.Struct, frozen=True):
    n: int
    suppressed: bool
    reason: str | None
    statistics: dict[ScoreKey, Figure]


def compare(
    member_scores: Mapping[Any, Mapping[ScoreKey, float | None]],
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
        statistics=per_key(member_scores.values(), min_group_size),
    )
