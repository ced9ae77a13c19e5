"""An assessment beside its peer group, from the latest publication of its year.

The group leaves the asker out (see assess.framework.benchmark). A regional coordinator sees
only groups that lie inside the own region. Own scores are on the publication's questionnaire
version, so that both sides count the same questions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from assess.access import Principal
from assess.framework.benchmark import (
    GroupComparison,
    ScoreKey,
    compare,
    outside_region,
    unpublished,
)
from assess.framework.loader import carried_over
from assess.framework.publication import Contributor, Snapshot
from assess.framework.schema import Questionnaire
from assess.framework.scoring import Scores, score, scored_groups
from assess.framework.vocabulary import Grouping, PeerGroup
from assess.i18n import _, current_language
from assess.services import publications, questionnaires, register
from assess.services.assessments import AssessmentView, get
from assess.services.memo import Memo

# a group of a publication beside one asker: the same for every read until a new publication
_compared: Memo[GroupComparison] = Memo(1024)


@dataclass(frozen=True)
class PeerComparison:
    assessment_id: uuid.UUID
    questionnaire: Questionnaire
    group: PeerGroup
    label: str
    year: int
    comparison: GroupComparison
    own: dict[ScoreKey, float | None]
    published_at: datetime | None


def own_scores(scores: Scores) -> dict[ScoreKey, float | None]:
    return {(scope, group.key): value for scope, group, value in scored_groups(scores)}


def peer_comparison(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    group: PeerGroup,
    min_group_size: int,
) -> PeerComparison:
    item = get(session, who, assessment_id)
    gemeente = register.gemeente(session, item.municipality_code)
    snapshot = publications.latest_snapshot(session, item.year)
    scores = item.scores()
    [found] = compare_with_groups(
        session, who, item, scores, gemeente, [group], snapshot, min_group_size
    )
    return found


def compare_with_groups(
    session: Session,
    who: Principal,
    item: AssessmentView,
    scores: Scores,
    gemeente: register.Gemeente,
    groups: Iterable[PeerGroup],
    snapshot: Snapshot | None,
    min_group_size: int,
) -> list[PeerComparison]:
    """For an assessment the caller has already read through `assessments.get` and scored
    (`scores`, on its own questionnaire), against the year's latest publication
    (`publications.latest_snapshot`), if there is one."""
    questionnaire, own = _own_scores(session, item, scores, snapshot)
    found = []
    for group in groups:
        grouping = Grouping(group.value)
        kind = _(register.GROUPING_LABELS[grouping])
        value = gemeente.group_value(grouping)
        label = kind if grouping is Grouping.ALL else f"{kind} {value or _('onbekend')}"
        comparison = _group(session, who, snapshot, grouping, value, item, label, min_group_size)
        found.append(
            PeerComparison(
                assessment_id=item.id,
                questionnaire=questionnaire,
                group=group,
                label=label,
                year=item.year,
                comparison=comparison,
                own=own,
                published_at=snapshot.publication.published_at if snapshot else None,
            )
        )
    return found


def _group(
    session: Session,
    who: Principal,
    snapshot: Snapshot | None,
    grouping: Grouping,
    value: str | None,
    item: AssessmentView,
    label: str,
    min_group_size: int,
) -> GroupComparison:
    if snapshot is None:
        return unpublished(item.year, _)
    region = who.benchmark_region
    if region is not None and (grouping, value) not in register.groups_inside(session, region):
        return outside_region(_)
    k = snapshot.publication.min_group_size
    cell = snapshot.publication.cell(grouping, value) if value is not None else None
    asker = str(item.id)
    return _compared.get(
        snapshot,
        (grouping, value, asker, k, label, current_language()),
        lambda: compare(cell, _members(snapshot, grouping, value), asker, k, label, _),
    )


def _members(snapshot: Snapshot, grouping: Grouping, value: str | None) -> list[Contributor]:
    if grouping is Grouping.ALL:
        return snapshot.contributors
    return [c for c in snapshot.contributors if c.groups.get(grouping) == value]


def _own_scores(
    session: Session, item: AssessmentView, scores: Scores, snapshot: Snapshot | None
) -> tuple[Questionnaire, dict[ScoreKey, float | None]]:
    """The assessment's scores on the publication's questionnaire version."""
    if snapshot is None or snapshot.publication.version == item.questionnaire.versie:
        return item.questionnaire, own_scores(scores)
    target = questionnaires.get(
        session, snapshot.publication.questionnaire, snapshot.publication.version
    )
    mapping = carried_over(target, item.questionnaire, questionnaires.stored(session))
    given = item.confirmed_values()
    mapped = {new: given[old] for new, old in mapping.items() if old in given}
    return target, own_scores(score(target, mapped))
