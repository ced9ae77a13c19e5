"""An assessment's peer group, from the latest publication of its year (pure).

The group is the publication's cell without the asker: an officer compares the own gemeente
with the others, never with a group that contains itself, and needs at least k anonymised
others. Only figures the publication shows are given, with the same statistics rules, so the
comparison never tells more than the publication.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from assess.framework.messages import untranslated
from assess.framework.publication import Cell, Contributor, Figure, band, figure_of

ScoreKey = tuple[str, str]  # (scope, key): ("totaal", "totaal"), ("domein", "A")


class GroupComparison(msgspec.Struct, frozen=True):
    n: str  # band of the others in the group
    suppressed: bool
    reason: str | None
    statistics: dict[ScoreKey, Figure]


def compare(
    published: Cell | None,
    members: Sequence[Contributor],
    asker: str | None,
    min_group_size: int,
    group_label: str,
    _: Callable[[str], str] = untranslated,
) -> GroupComparison:
    """The group's figures over its members other than the asker.

    `_` translates the Dutch reason (the web layer passes gettext; the default keeps Dutch).
    """
    others = [c for c in members if c.id != asker]
    n = band(len(others), min_group_size)
    if (
        published is None
        or published.suppressed
        or sum(not c.named for c in others) < min_group_size
    ):
        reason = _(
            "Te weinig vergelijkingsmateriaal in {groep}: er zijn minstens {minimum} andere "
            "gemeenten nodig die hun zelfevaluatie delen. Kleinere groepen tonen we niet, zodat "
            "geen enkele gemeente herkenbaar is."
        ).format(minimum=min_group_size, groep=group_label)
        return GroupComparison(n=n, suppressed=True, reason=reason, statistics={})
    statistics = {}
    for shown in published.figures:
        score_key = f"{shown.scope}/{shown.key}"
        scored = [c for c in others if score_key in c.scores]
        figure = figure_of(
            score_key,
            [c.scores[score_key] for c in scored],
            [c.scores[score_key] for c in scored if not c.named],
            min_group_size,
            share_shown=shown.at_target is not None,
            quantiles_shown=shown.median is not None,
        )
        if figure is not None:
            statistics[shown.score_key] = figure
    return GroupComparison(n=n, suppressed=False, reason=None, statistics=statistics)


def unpublished(year: int, _: Callable[[str], str] = untranslated) -> GroupComparison:
    reason = _(
        "VNG heeft de cijfers over {jaar} nog niet gepubliceerd. De vergelijking verschijnt "
        "zodra dat gebeurd is."
    ).format(jaar=year)
    return GroupComparison(n="0", suppressed=True, reason=reason, statistics={})


def outside_region(_: Callable[[str], str] = untranslated) -> GroupComparison:
    reason = _("Deze groep ligt niet binnen uw RIEC-regio; u ziet alleen groepen in uw regio.")
    return GroupComparison(n="–", suppressed=True, reason=reason, statistics={})
