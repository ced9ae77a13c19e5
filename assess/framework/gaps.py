"""Gap analysis: every question below its target, with its recommendation, by priority."""

from __future__ import annotations

import msgspec

from assess.framework.schema import Questionnaire
from assess.framework.scoring import QuestionScore, Scores, Status


class Gap(msgspec.Struct, frozen=True):
    question_id: str
    domain: str
    level: int
    target: int
    weight: float
    priority: float
    recommendation: str
    regional: bool
    insight_gap: bool  # answered 'onbekend': the municipality lacks the insight to answer


class GapAnalysis(msgspec.Struct, frozen=True):
    scores: Scores
    gaps: list[Gap]
    open_questions: list[str]

    @property
    def insight_gaps(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.insight_gap]


def priority(weight: float, level: int, target: int) -> float:
    return weight * max(target - level, 0)


def analyse(questionnaire: Questionnaire, scores: Scores) -> GapAnalysis:
    order = {q.question_id: i for i, q in enumerate(scores.questions)}
    gaps = [_gap(questionnaire, q) for q in scores.questions if _is_gap(q)]
    gaps.sort(key=lambda gap: (-gap.priority, order[gap.question_id]))
    return GapAnalysis(
        scores=scores,
        gaps=gaps,
        open_questions=[q.question_id for q in scores.questions if q.status == Status.OPEN],
    )


def _is_gap(q: QuestionScore) -> bool:
    return q.level is not None and q.level < q.target


def _gap(questionnaire: Questionnaire, q: QuestionScore) -> Gap:
    question = questionnaire.question(q.question_id)
    assert question is not None and q.level is not None
    return Gap(
        question_id=q.question_id,
        domain=q.domain,
        level=q.level,
        target=q.target,
        weight=q.weight,
        priority=priority(q.weight, q.level, q.target),
        recommendation=question.aanbevelingen[q.level],
        regional=q.regional,
        insight_gap=q.status == Status.UNKNOWN,
    )
