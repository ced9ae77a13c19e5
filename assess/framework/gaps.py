"""Gap analysis: what to do first, what to find out, and where the gemeente is strong (pure).

- A gap is a question answered below its target. Basis gaps come before verdieping gaps;
  within a plateau the larger weight x distance to the target comes first, ties by weight,
  and equal gaps are spread over the domains (and within a domain over the VNG themes), so
  that the first actions never all come from one domain while others have gaps as large.
- A gap on a question answered 'regionaal geregeld' is an action to take up with the region
  the assessment names, not a local to-do.
- 'Weet ik niet' is no gap: it is something to find out ('uit te zoeken'), with whom.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import msgspec

from assess.framework.messages import untranslated
from assess.framework.schema import Plateau, Questionnaire, Theme
from assess.framework.scoring import QuestionScore, Scores, Status

PLATEAU_ORDER = (Plateau.BASIS, Plateau.VERDIEPING)


class Gap(msgspec.Struct, frozen=True):
    question_id: str
    domain: str
    theme: Theme
    plateau: Plateau
    level: int
    target: int
    weight: float
    priority: float
    recommendation: str
    regional: bool
    action: str  # the recommendation, or for a regional answer: take it up with the region


class Unknown(msgspec.Struct, frozen=True):
    """A question answered 'weet ik niet': the action is to find out, and with whom."""

    question_id: str
    domain: str
    plateau: Plateau
    ask: str  # who can tell


class GapAnalysis(msgspec.Struct, frozen=True):
    scores: Scores
    gaps: list[Gap]
    unknowns: list[Unknown]
    open_questions: list[str]

    @property
    def basis_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if g.plateau == Plateau.BASIS]

    @property
    def deepening_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if g.plateau == Plateau.VERDIEPING]

    @property
    def strengths(self) -> list[QuestionScore]:
        return self.scores.strengths


def priority(weight: float, level: int, target: int) -> float:
    return weight * max(target - level, 0)


def analyse(
    questionnaire: Questionnaire,
    scores: Scores,
    region: str | None = None,
    _: Callable[[str], str] = untranslated,
) -> GapAnalysis:
    """`region` names the region regional answers rely on; `_` translates the Dutch texts."""
    gaps = [
        _gap(questionnaire, q, region, _)
        for q in scores.questions
        if q.status == Status.ANSWERED and not q.met and q.level is not None
    ]
    return GapAnalysis(
        scores=scores,
        gaps=order(gaps, [q.question_id for q in scores.questions]),
        unknowns=[
            _unknown(questionnaire, q, _) for q in scores.questions if q.status == Status.UNKNOWN
        ],
        open_questions=[q.question_id for q in scores.questions if q.status == Status.OPEN],
    )


def order(gaps: list[Gap], question_order: list[str]) -> list[Gap]:
    """Basis before verdieping, then weight x distance, then weight; equal gaps spread."""
    position = {qid: i for i, qid in enumerate(question_order)}

    def rank(gap: Gap) -> tuple[int, float, float]:
        return (PLATEAU_ORDER.index(gap.plateau), -gap.priority, -gap.weight)

    ordered: list[Gap] = []
    for key in sorted({rank(g) for g in gaps}):
        tied = sorted((g for g in gaps if rank(g) == key), key=lambda g: position[g.question_id])
        ordered += spread(tied)
    return ordered


def spread(tied: list[Gap]) -> list[Gap]:
    """Take equal gaps in turn from each domain; within a domain the least used theme first."""
    domains = list(dict.fromkeys(g.domain for g in tied))
    queues = {d: [g for g in tied if g.domain == d] for d in domains}
    themes: Counter[Theme] = Counter()
    result: list[Gap] = []
    while any(queues.values()):
        for domain in domains:
            queue = queues[domain]
            if not queue:
                continue
            pick = min(queue, key=lambda g: (themes[g.theme], queue.index(g)))
            queue.remove(pick)
            themes[pick.theme] += 1
            result.append(pick)
    return result


def _gap(
    questionnaire: Questionnaire,
    q: QuestionScore,
    region: str | None,
    _: Callable[[str], str],
) -> Gap:
    question = questionnaire.question(q.question_id)
    assert question is not None and q.level is not None
    recommendation = question.aanbevelingen[q.level]
    action = recommendation
    if q.regional and region:
        action = _(
            "Dit is regionaal geregeld via {regio}, maar nog niet op het niveau van het doel. "
            "Bespreek met de regio: {aanbeveling}"
        ).format(regio=region, aanbeveling=recommendation)
    elif q.regional:
        action = _(
            "Dit is regionaal geregeld, maar nog niet op het niveau van het doel. "
            "Bespreek met de regio: {aanbeveling}"
        ).format(aanbeveling=recommendation)
    return Gap(
        question_id=q.question_id,
        domain=q.domain,
        theme=q.theme,
        plateau=q.plateau,
        level=q.level,
        target=q.target,
        weight=q.weight,
        priority=priority(q.weight, q.level, q.target),
        recommendation=recommendation,
        regional=q.regional,
        action=action,
    )


def _unknown(questionnaire: Questionnaire, q: QuestionScore, _: Callable[[str], str]) -> Unknown:
    question = questionnaire.question(q.question_id)
    assert question is not None
    ask = question.uitzoeken or _(
        "Vraag het na bij de collega's die dit onderwerp in hun taak hebben, of bij de "
        "aandachtsfunctionaris mensenhandel."
    )
    return Unknown(question_id=q.question_id, domain=q.domain, plateau=q.plateau, ask=ask)
