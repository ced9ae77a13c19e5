"""Answers -> scores at the basis level and toward verdieping (pure).

Every question belongs to a plateau of the VNG Kader. The basis questions say what every
gemeente must have: the basis score is their weighted share of level 2 (level 3 counts as 2),
and the basisniveau is reached when every applicable basis question is at or above its
target. The verdieping questions say where a gemeente can go further: the verdieping score
is their weighted share of level 3. So deepening never lowers or raises the basis verdict.

'Weet ik niet' counts as level 0 in every score (not knowing never flatters), but it is no
gap: the gap analysis lists it apart, as something to find out. 'nvt' and open questions do
not count; coverage is the share of questions answered in any way. Level 3 is a strength.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum

import msgspec

from assess.framework.answers import NOT_APPLICABLE, UNKNOWN, Answer
from assess.framework.schema import (
    LEVELS,
    Exploitation,
    Pillar,
    Plateau,
    Question,
    Questionnaire,
    TargetGroup,
    Theme,
)

TOP_LEVEL = LEVELS[-1]


class Status(StrEnum):
    OPEN = "open"
    ANSWERED = "beantwoord"
    NOT_APPLICABLE = "nvt"
    UNKNOWN = "onbekend"


class QuestionScore(msgspec.Struct, frozen=True):
    question_id: str
    domain: str
    pillar: Pillar
    theme: Theme
    plateau: Plateau
    forms: tuple[Exploitation, ...]
    groups: tuple[TargetGroup, ...]
    weight: float
    target: int
    status: Status
    level: int | None  # 0-3 ('weet ik niet' is 0); None when open or not applicable
    regional: bool

    @property
    def counts(self) -> bool:
        return self.level is not None

    @property
    def score(self) -> float | None:
        """0-100: toward the target on a basis question, toward level 3 on a verdieping one."""
        if self.level is None:
            return None
        if self.plateau == Plateau.BASIS:
            return question_score(self.level, self.target)
        return self.level / TOP_LEVEL * 100

    @property
    def met(self) -> bool:
        return self.level is not None and self.level >= self.target


class Verdict(StrEnum):
    """The basisniveau in one word: reached, or how far from it the basis score is."""

    REACHED = "bereikt"
    MOSTLY = "grotendeels"  # basis score 75 or more
    PARTLY = "deels"  # 50 or more
    BELOW = "onder"  # below 50


class GroupScore(msgspec.Struct, frozen=True):
    """A group of questions (all, a domain, a pillar, a theme...) on both plateaus."""

    key: str
    score: float | None  # basis score (0-100); None without applicable basis questions
    reached: bool  # every applicable basis question at or above its target
    deepening: float | None  # verdieping score (0-100); None without applicable ones
    coverage: float  # share of the group's questions answered in any way
    total: int
    answered: int


class Scores(msgspec.Struct, frozen=True):
    questions: list[QuestionScore]
    total: GroupScore
    domains: list[GroupScore]
    pillars: list[GroupScore]
    themes: list[GroupScore]
    forms: list[GroupScore]  # forms of exploitation, for the questions tagged with them
    groups: list[GroupScore]  # target groups, likewise
    own: GroupScore  # the questions the gemeente arranges itself
    regional: GroupScore  # the questions answered 'regionaal geregeld'

    @property
    def strengths(self) -> list[QuestionScore]:
        return [q for q in self.questions if q.level == TOP_LEVEL]

    @property
    def basis_counted(self) -> list[QuestionScore]:
        """The basis questions that count: answered with a level or 'weet ik niet'."""
        return [q for q in self.questions if q.plateau == Plateau.BASIS and q.counts]

    @property
    def verdict(self) -> Verdict | None:
        score = self.total.score
        if score is None:
            return None
        if self.total.reached:
            return Verdict.REACHED
        if score >= 75:
            return Verdict.MOSTLY
        return Verdict.PARTLY if score >= 50 else Verdict.BELOW


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
    return QuestionScore(
        question_id=question.id,
        domain=domain,
        pillar=question.pijler,
        theme=question.thema,
        plateau=question.plateau,
        forms=tuple(question.uitbuitingsvormen),
        groups=tuple(question.doelgroepen),
        weight=question.gewicht,
        target=question.doel,
        status=status,
        level=answer.level if answer is not None else None,
        regional=bool(answer and answer.regional),
    )


def _weighted(members: Iterable[QuestionScore]) -> float | None:
    counted = [(m.weight, m.score) for m in members if m.score is not None]
    weight = sum(w for w, _ in counted)
    return sum(w * s for w, s in counted) / weight if weight else None


def group_score(key: str, members: list[QuestionScore]) -> GroupScore:
    basis = [m for m in members if m.plateau == Plateau.BASIS]
    answered = sum(m.status != Status.OPEN for m in members)
    return GroupScore(
        key=key,
        score=_weighted(basis),
        reached=all(m.met for m in basis if m.status != Status.NOT_APPLICABLE),
        deepening=_weighted(m for m in members if m.plateau == Plateau.VERDIEPING),
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
    used_forms = [f for f in Exploitation if any(f in q.forms for q in questions)]
    used_groups = [g for g in TargetGroup if any(g in q.groups for q in questions)]
    return Scores(
        questions=questions,
        total=group_score("totaal", questions),
        domains=_groups([d.code for d in questionnaire.domeinen], questions, lambda q: q.domain),
        pillars=_groups(
            [p for p in Pillar if any(q.pillar == p for q in questions)],
            questions,
            lambda q: q.pillar,
        ),
        themes=_groups(list(Theme), questions, lambda q: q.theme),
        forms=_tagged(used_forms, questions, lambda q: q.forms),
        groups=_tagged(used_groups, questions, lambda q: q.groups),
        own=group_score("eigen", [q for q in questions if not q.regional]),
        regional=group_score("regionaal", [q for q in questions if q.regional]),
    )


def _groups(
    keys: Sequence[str], questions: list[QuestionScore], key_of: Callable[[QuestionScore], str]
) -> list[GroupScore]:
    return [group_score(str(key), [q for q in questions if key_of(q) == key]) for key in keys]


def _tagged(
    tags: Sequence[str],
    questions: list[QuestionScore],
    tags_of: Callable[[QuestionScore], tuple[str, ...]],
) -> list[GroupScore]:
    return [group_score(str(tag), [q for q in questions if tag in tags_of(q)]) for tag in tags]


def scored_groups(scores: Scores) -> list[tuple[str, GroupScore, float | None]]:
    """The scores kept per assessment, as (scope, group, value): the basis score in total, per
    domain and per pillar, and the verdieping score in total."""
    return [
        ("totaal", scores.total, scores.total.score),
        *(("domein", d, d.score) for d in scores.domains),
        *(("pijler", p, p.score) for p in scores.pillars),
        ("verdieping", scores.total, scores.total.deepening),
    ]
