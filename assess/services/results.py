"""The results of one assessment, as the results page and the report both show them.

One function gathers them for one principal: the gap analysis, the four peer comparisons,
and the earlier years this principal may read, scored on this year's questionnaire. Because
the page and the PDF call the same function, they can never disagree about what is shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.access import Principal
from assess.db.models import Answer as AnswerRow
from assess.db.models import Assessment
from assess.framework import answers as rules
from assess.framework.action_plan import closed_gaps
from assess.framework.gaps import GapAnalysis
from assess.framework.loader import carried_over
from assess.framework.scoring import Scores, score
from assess.framework.vocabulary import PeerGroup, Status
from assess.services import publications, questionnaires, register
from assess.services.assessments import AssessmentView, may_read, readable_row, view
from assess.services.comparison import PeerComparison, compare_with_groups


@dataclass(frozen=True)
class TrendYear:
    """An earlier submitted assessment, scored on this year's questionnaire."""

    year: int
    version: str
    scores: Scores
    mapped: int  # questions of this year's questionnaire with an answer from that year


@dataclass(frozen=True)
class Results:
    item: AssessmentView
    gemeente: register.Gemeente
    analysis: GapAnalysis
    comparisons: list[PeerComparison]
    trend: list[TrendYear]  # earlier years the principal may read, oldest first
    min_group_size: int

    @property
    def previous(self) -> TrendYear | None:
        return self.trend[-1] if self.trend else None

    @property
    def since_previous(self) -> tuple[list[str], list[str]]:
        """The previous year's basis gaps now at target, and those still open."""
        if self.previous is None:
            return [], []
        return closed_gaps(self.previous.scores, self.analysis.scores)

    def peer(self, group: PeerGroup) -> PeerComparison | None:
        return next((c for c in self.comparisons if c.group == group), None)


def results(
    session: Session, who: Principal, assessment_id: uuid.UUID | str, min_group_size: int
) -> Results:
    row = readable_row(session, who, assessment_id)
    item = view(row, who)
    gemeente = register.gemeente(session, item.municipality_code)
    snapshot = publications.latest_snapshot(session, item.year)
    analysis = item.analysis()
    return Results(
        item=item,
        gemeente=gemeente,
        analysis=analysis,
        comparisons=compare_with_groups(
            session, who, item, analysis.scores, gemeente, PeerGroup, snapshot, min_group_size
        ),
        trend=earlier_years(session, who, row),
        min_group_size=min_group_size,
    )


def earlier_years(session: Session, who: Principal, row: Assessment) -> list[TrendYear]:
    """The gemeente's earlier submitted assessments that the principal may read, oldest first,
    each scored on this assessment's questionnaire: answers follow their question across
    versions (`vorige_versie.koppeling`); questions new since then stay open for that year."""
    current = questionnaires.definition_of(row.questionnaire_version)
    earlier = session.scalars(
        select(Assessment)
        .filter_by(municipality_code=row.municipality_code, status=Status.SUBMITTED)
        .where(Assessment.year < row.year)
        .order_by(Assessment.year)
    )
    readable = [old for old in earlier if may_read(session, who, old)]
    given = _answers(session, [old.id for old in readable])
    known = questionnaires.stored(session)
    years = []
    for old in readable:
        old_questionnaire = questionnaires.definition_of(old.questionnaire_version)
        mapping = carried_over(current, old_questionnaire, known)
        old_answers = given[old.id]
        mapped = {new: old_answers[o] for new, o in mapping.items() if o in old_answers}
        years.append(
            TrendYear(old.year, old_questionnaire.versie, score(current, mapped), len(mapped))
        )
    return years


def _answers(
    session: Session, assessment_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, rules.Answer]]:
    """The answers of these assessments in one statement, as plain values (no ORM rows to
    build: the trend reads them for scoring only)."""
    found: dict[uuid.UUID, dict[str, rules.Answer]] = {id_: {} for id_ in assessment_ids}
    rows = session.execute(
        select(
            AnswerRow.assessment_id,
            AnswerRow.question_id,
            AnswerRow.code,
            AnswerRow.regional,
            AnswerRow.explanation,
            AnswerRow.evidence,
        ).where(AnswerRow.assessment_id.in_(assessment_ids))
    )
    for assessment_id, question_id, code, regional, explanation, evidence in rows:
        found[assessment_id][question_id] = rules.Answer(code, regional, explanation, evidence)
    return found
