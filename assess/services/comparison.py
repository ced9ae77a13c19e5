"""An assessment beside its peer group: statistics of the group's stored scores."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.access import COUNTED_IN_AGGREGATES, Principal
from assess.db.models import Assessment, AssessmentScore, Municipality, QuestionnaireVersion
from assess.framework.benchmark import GroupComparison, compare
from assess.framework.schema import Questionnaire
from assess.framework.scoring import Scores, scored_groups
from assess.framework.statistics import ScoreKey
from assess.framework.vocabulary import Grouping, PeerGroup, Status
from assess.i18n import _
from assess.services import register
from assess.services.assessments import AssessmentView, get


@dataclass(frozen=True)
class PeerComparison:
    assessment_id: uuid.UUID
    questionnaire: Questionnaire
    group: PeerGroup
    label: str
    year: int
    comparison: GroupComparison
    own: dict[ScoreKey, float | None]


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
    return compare_with_group(session, item, gemeente, group, min_group_size)


def compare_with_group(
    session: Session,
    item: AssessmentView,
    gemeente: register.Gemeente,
    group: PeerGroup,
    min_group_size: int,
) -> PeerComparison:
    """For an assessment the caller has already read through `assessments.get`."""
    grouping = Grouping(group.value)
    kind = _(register.GROUPING_LABELS[grouping])
    value = gemeente.group_value(grouping)
    label = kind if grouping is Grouping.ALL else f"{kind} {value or _('onbekend')}"
    members = _member_scores(session, item, grouping, value) if value is not None else {}
    return PeerComparison(
        assessment_id=item.id,
        questionnaire=item.questionnaire,
        group=group,
        label=label,
        year=item.year,
        comparison=compare(members, min_group_size, label, _),
        own=own_scores(item.analysis().scores),
    )


def _member_scores(
    session: Session, item: AssessmentView, grouping: Grouping, value: str
) -> dict[uuid.UUID, dict[ScoreKey, float | None]]:
    """Stored scores of the submitted, shared assessments of the year and version."""
    query = (
        select(
            AssessmentScore.assessment_id,
            AssessmentScore.scope,
            AssessmentScore.key,
            AssessmentScore.score,
        )
        .join(Assessment, Assessment.id == AssessmentScore.assessment_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Assessment.questionnaire_version_id)
        .join(Municipality, Municipality.code == Assessment.municipality_code)
        .where(
            Assessment.year == item.year,
            QuestionnaireVersion.questionnaire_id == item.questionnaire.id,
            QuestionnaireVersion.version == item.questionnaire.versie,
            Assessment.status == Status.SUBMITTED,
            Assessment.sharing.in_([str(s) for s in COUNTED_IN_AGGREGATES]),
        )
    )
    if grouping is not Grouping.ALL:
        query = query.where(register.GROUP_COLUMNS[grouping] == value)
    members: dict[uuid.UUID, dict[ScoreKey, float | None]] = {}
    for assessment_id, scope, key, score_value in session.execute(query):
        members.setdefault(assessment_id, {})[(scope, key)] = score_value
    return members
