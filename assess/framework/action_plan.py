"""The action plan's rules (pure): what the gap analysis proposes, and what a valid action is.

A gap proposes its recommendation as an action, a 'weet ik niet' proposes finding out, in the
order a plan is worked through: the basis level first, then what to find out there, then the
deepening and what to find out there. A question that already has an action in the plan
proposes nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

import msgspec

from assess.framework.gaps import GapAnalysis
from assess.framework.messages import untranslated
from assess.framework.schema import Plateau, Questionnaire
from assess.framework.scoring import Scores
from assess.framework.vocabulary import ActionStatus

MAX_TITLE = 500
MAX_OWNER = 200
MAX_NOTE = 2000
EARLIEST_DUE = date(2000, 1, 1)
LATEST_DUE = date(2100, 12, 31)
OPEN = (ActionStatus.PLANNED, ActionStatus.STARTED)  # what carries over to the next year


class Proposal(msgspec.Struct, frozen=True):
    question_id: str
    title: str
    plateau: Plateau
    find_out: bool  # a 'weet ik niet': the action is to find out


class Draft(msgspec.Struct, frozen=True):
    """An action as a writer gives it."""

    title: str
    owner: str = ""
    due: date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    note: str = ""
    question_id: str | None = None


def proposals(
    analysis: GapAnalysis,
    questionnaire: Questionnaire,
    planned: Collection[str] = (),
    _: Callable[[str], str] = untranslated,
) -> list[Proposal]:
    """What the analysis proposes for the questions not yet in the plan (`planned`)."""
    found: list[Proposal] = []
    for plateau in Plateau:
        found += [
            Proposal(g.question_id, g.action, plateau, find_out=False)
            for g in analysis.gaps
            if g.plateau == plateau
        ]
        for unknown in analysis.unknowns:
            question = questionnaire.question(unknown.question_id)
            if unknown.plateau == plateau and question is not None:
                title = _("Zoek uit hoe het staat met: {vraag} Navragen bij: {wie}").format(
                    vraag=question.vraag, wie=unknown.ask
                )
                found.append(Proposal(unknown.question_id, title, plateau, find_out=True))
    return [p for p in found if p.question_id not in planned]


def draft_problems(
    draft: Draft, questionnaire: Questionnaire, _: Callable[[str], str] = untranslated
) -> dict[str, str]:
    """Field name -> message for each rule the action breaks; empty when valid."""
    problems: dict[str, str] = {}
    if not draft.title.strip():
        problems["titel"] = _("Beschrijf de actie.")
    elif len(draft.title) > MAX_TITLE:
        problems["titel"] = _("De actie mag hoogstens {n} tekens lang zijn.").format(n=MAX_TITLE)
    if len(draft.owner) > MAX_OWNER:
        problems["trekker"] = _("De trekker mag hoogstens {n} tekens lang zijn.").format(
            n=MAX_OWNER
        )
    if draft.due is not None and not EARLIEST_DUE <= draft.due <= LATEST_DUE:
        problems["gereedOp"] = _("Kies een datum tussen 2000 en 2100.")
    if len(draft.note) > MAX_NOTE:
        problems["toelichting"] = _("De toelichting mag hoogstens {n} tekens lang zijn.").format(
            n=MAX_NOTE
        )
    if draft.question_id is not None and questionnaire.question(draft.question_id) is None:
        problems["vraagId"] = _("Vraag {id} staat niet in deze vragenlijst.").format(
            id=draft.question_id
        )
    return problems


def closed_gaps(before: Scores, now: Scores) -> tuple[list[str], list[str]]:
    """Of the basis gaps `before` (an earlier year, scored on this year's questionnaire): the
    questions at their target `now`, and those still below it or not answered yet."""
    reached = {q.question_id for q in now.questions if q.level is not None and q.level >= q.target}
    gaps = [
        q.question_id
        for q in before.questions
        if q.plateau == Plateau.BASIS and q.level is not None and q.level < q.target
    ]
    return [q for q in gaps if q in reached], [q for q in gaps if q not in reached]
