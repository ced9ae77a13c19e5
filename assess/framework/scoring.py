"""Answers -> scores per question, domain, pillar and in total (pure).

A question's score is its level against the target, 0-100, capped at 100 (level 3 above a
target of 2 counts as meeting it). A group's score is the weighted mean over the questions
that count: answered with a level or 'onbekend' (as 0). 'nvt' and open questions do not
count; coverage is the share of questions answered in any way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum

import msgspec

from assess.framework.answers import NOT_APPLICABLE, UNKNOWN, Answer
from assess.framework.schema import Pillar, Question, Questionnaire


class Status(StrEnum):
    OPEN = "open"
    ANSWERED = "beantwoord"
    NOT_APPLICABLE = "nvt"
    UNKNOWN = "onbekend"


class QuestionScore(msgspec.Struct, frozen=True):
    question_id: str
    domain: str
    pillar: Pillar
    weight: float
    target: int
    status: Status
    level: int | None
    score: float | None
    regional: bool

    @property
    def counts(self) -> bool:
        return self.score is not None


class GroupScore(msgspec.Struct, frozen=True):
    key: str
    score: float | None
    coverage: float
    total: int
    answered: int


class Scores(msgspec.Struct, frozen=True):
    questions: list[QuestionScore]
    domains: list[GroupScore]
    pillars: list[GroupScore]
    total: GroupScore


def question_score(level: int, target: int) -> float:
    if target <= 0:
        return 100.0
    return min(level, target) / target * 100


def score_question(domain: str, question: Question, answer: Answer | None) -> QuestionScore:
    if answer is None:
        status = Status.OPEN
    elif answer.code == NOT_APPLICABLE:
        status = Status.NOT_APPLICABLE
    elif answer.code == UNKNOWN:
        status = Status.UNKNOWN
    else:
        status = Status.ANSWERED
    level = answer.level if answer is not None else None
    return QuestionScore(
        question_id=question.id,
        domain=domain,
        pillar=question.pijler,
        weight=question.gewicht,
        target=question.doel,
        status=status,
        level=level,
        score=None if level is None else question_score(level, question.doel),
        regional=bool(answer and answer.regional),
    )


def group_score(key: str, members: list[QuestionScore]) -> GroupScore:
    counted = [(m.weight, m.score) for m in members if m.score is not None]
    weight = sum(w for w, _ in counted)
    answered = sum(m.status != Status.OPEN for m in members)
    return GroupScore(
        key=key,
        score=sum(w * s for w, s in counted) / weight if weight else None,
        coverage=answered / len(members) if members else 0.0,
        total=len(members),
        answered=answered,
    )


def score(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> Scores:
    questions = [
        score_question(domain.code, question, answers.get(question.id))
        for domain in questionnaire.domeinen
        for question in domain.vragen
    ]
    return Scores(
        questions=questions,
        domains=_groups([d.code for d in questionnaire.domeinen], questions, lambda q: q.domain),
        pillars=_groups(list(Pillar), questions, lambda q: q.pillar),
        total=group_score("totaal", questions),
    )


def _groups(
    keys: list[str], questions: list[QuestionScore], key_of: Callable[[QuestionScore], str]
) -> list[GroupScore]:
    return [group_score(str(key), [q for q in questions if key_of(q) == key]) for key in keys]


def scored_groups(scores: Scores) -> list[tuple[str, GroupScore]]:
    """Every group score with its scope: ('totaal', ...), ('domein', ...), ('pijler', ...)."""
    return [
        ("totaal", scores.total),
        *(("domein", d) for d in scores.domains),
        *(("pijler", p) for p in scores.pillars),
    ]
