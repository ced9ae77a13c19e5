"""The action plan of an assessment: read it with what the gap analysis proposes, add an
action, change one, and carry the open ones over to next year's assessment.

The plan lives on after submission: the gemeente's own medewerkers keep it up to date all year,
everyone who may read the assessment may read its plan. Each action has its own version, so
colleagues editing different actions never conflict; every change is in the audit trail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import msgspec
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assess.access import Principal, can_write
from assess.db.models import Action, Assessment, utcnow
from assess.errors import InvalidInput, NotFound, StaleVersion
from assess.framework import action_plan as rules
from assess.framework.action_plan import Draft, Proposal
from assess.framework.gaps import GapAnalysis
from assess.framework.schema import Plateau, Questionnaire
from assess.framework.vocabulary import ActionStatus, Status
from assess.i18n import _
from assess.services import audit, questionnaires
from assess.services.assessments import (
    may_read,
    previous_row,
    readable_row,
    view,
    writable_row,
)


class Origin(msgspec.Struct, frozen=True):
    """The action of an earlier year this one was carried over from."""

    action_id: uuid.UUID
    year: int


class ActionView(msgspec.Struct, frozen=True):
    id: uuid.UUID
    question_id: str | None
    title: str
    owner: str
    due: date | None
    status: ActionStatus
    note: str
    carried_from: Origin | None
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class Plan:
    assessment_id: uuid.UUID
    year: int
    actions: list[ActionView]
    proposals: list[Proposal]  # gaps and 'weet ik niet' without an action yet
    writable: bool  # the principal may add and change actions
    submitted: bool  # answers are fixed (a workbook can no longer be read in)


class Phase(StrEnum):
    """The parts of the plan in the order it is worked through (and printed)."""

    BASIS = "basis"
    FIND_OUT = "uitzoeken"
    DEEPENING = "verdieping"
    OWN = "eigen"  # the gemeente's own actions, and those on a question that is no gap now


class PlanLine(msgspec.Struct, frozen=True):
    """One line of the printed plan: a proposal with the action the gemeente made of it (or
    none yet), or an action of its own."""

    number: int
    phase: Phase
    question_id: str | None
    text: str
    action: ActionView | None


def phased(
    actions: list[ActionView], analysis: GapAnalysis, questionnaire: Questionnaire
) -> list[PlanLine]:
    """The whole plan in phases: the basis gaps, what to find out, the deepening, then the
    gemeente's own actions; each proposal with its actions (its own text and owner)."""
    by_question: dict[str, list[ActionView]] = {}
    for action in actions:
        if action.question_id:
            by_question.setdefault(action.question_id, []).append(action)
    order = [Phase.BASIS, Phase.FIND_OUT, Phase.DEEPENING]
    proposed = sorted(
        rules.proposals(analysis, questionnaire, (), _),
        key=lambda p: order.index(_phase(p)),
    )
    lines: list[tuple[Phase, str | None, str, ActionView | None]] = []
    for proposal in proposed:
        made: list[ActionView | None] = [*by_question.pop(proposal.question_id, [])]
        for taken in made or [None]:
            text = taken.title if taken else proposal.title
            lines.append((_phase(proposal), proposal.question_id, text, taken))
    used = {line[3].id for line in lines if line[3]}
    lines += [(Phase.OWN, a.question_id, a.title, a) for a in actions if a.id not in used]
    return [PlanLine(n, *line) for n, line in enumerate(lines, start=1)]


def _phase(proposal: Proposal) -> Phase:
    if proposal.find_out:
        return Phase.FIND_OUT
    return Phase.BASIS if proposal.plateau == Plateau.BASIS else Phase.DEEPENING


class Outcome(msgspec.Struct, frozen=True):
    """What became of an action of last year's plan."""

    title: str
    question_id: str | None
    status_then: ActionStatus  # in last year's plan
    status_now: ActionStatus | None  # in this year's plan, when it was carried over


class LastYear(msgspec.Struct, frozen=True):
    year: int
    outcomes: list[Outcome]


def last_year(session: Session, who: Principal, assessment_id: uuid.UUID | str) -> LastYear | None:
    """Last year's plan beside this one, when the principal may read last year's assessment."""
    row = readable_row(session, who, assessment_id)
    earlier = previous_row(session, row)
    if earlier is None or not may_read(session, who, earlier):
        return None
    carried = {
        a.carried_from.action_id: a.status for a in _views(session, who, row.id) if a.carried_from
    }
    outcomes = [
        Outcome(a.title, a.question_id, a.status, carried.get(a.id))
        for a in _views(session, who, earlier.id)
    ]
    return LastYear(earlier.year, outcomes) if outcomes else None


def actions_of(
    session: Session, who: Principal, assessment_id: uuid.UUID | str
) -> list[ActionView]:
    """The plan's actions in order, for whoever may read the assessment."""
    return _views(session, who, readable_row(session, who, assessment_id).id)


def plan(session: Session, who: Principal, assessment_id: uuid.UUID | str) -> Plan:
    row = readable_row(session, who, assessment_id)
    item = view(row, who)
    actions = _views(session, who, row.id)
    planned = {a.question_id for a in actions if a.question_id}
    return Plan(
        assessment_id=row.id,
        year=row.year,
        actions=actions,
        proposals=rules.proposals(item.analysis(), item.questionnaire, planned, _),
        writable=can_write(who, row.municipality_code),
        submitted=row.status == Status.SUBMITTED,
    )


def add(
    session: Session, who: Principal, assessment_id: uuid.UUID | str, draft: Draft
) -> ActionView:
    row = writable_row(session, who, assessment_id)
    _check(draft, row)
    last = session.scalar(select(func.max(Action.position)).filter_by(assessment_id=row.id))
    action = Action(assessment_id=row.id, position=(last or 0) + 1, updated_by=who.user_id)
    _fill(action, draft)
    session.add(action)
    session.flush()
    audit.record(session, who, "action.add", "actie", action.id, **_details(action))
    return _view(session, who, action)


def change(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    action_id: uuid.UUID | str,
    draft: Draft,
    expected_version: int | None = None,
) -> ActionView:
    """Change one action; `expected_version` is the version the writer saw (None: any)."""
    row = writable_row(session, who, assessment_id)
    action = _action(session, row.id, action_id, lock=True)
    if expected_version is not None and expected_version != action.version:
        raise StaleVersion(
            _("Iemand anders heeft deze actie intussen gewijzigd."),
            _view(session, who, action),
            action.version,
        )
    _check(draft, row)
    before = _details(action)
    _fill(action, draft)
    after = _details(action)
    if after != before:
        action.version += 1
        action.updated_at, action.updated_by = utcnow(), who.user_id
        session.flush()
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        audit.record(session, who, "action.change", "actie", action.id, **changed)
    return _view(session, who, action)


def carry_over(
    session: Session, who: Principal, earlier: Assessment, row: Assessment, to_new: dict[str, str]
) -> int:
    """Copy the open actions of `earlier` into the new assessment `row`, linked to where they
    came from. `to_new` maps the earlier questionnaire's question ids to the current ones; an
    action on a question that no longer exists carries over as the gemeente's own action."""
    open_actions = session.scalars(
        select(Action)
        .filter_by(assessment_id=earlier.id)
        .where(Action.status.in_([s.value for s in rules.OPEN]))
        .order_by(Action.position)
    ).all()
    for position, old in enumerate(open_actions, start=1):
        session.add(
            Action(
                assessment_id=row.id,
                question_id=to_new.get(old.question_id) if old.question_id else None,
                title=old.title,
                owner=old.owner,
                due=old.due,
                status=old.status,
                note=old.note,
                carried_from_id=old.id,
                position=position,
                updated_by=who.user_id,
            )
        )
    return len(open_actions)


def _check(draft: Draft, row: Assessment) -> None:
    questionnaire = questionnaires.definition_of(row.questionnaire_version)
    if problems := rules.draft_problems(draft, questionnaire, _):
        raise InvalidInput(_("De actie kan zo niet worden opgeslagen."), problems)


def _fill(action: Action, draft: Draft) -> None:
    action.title, action.owner, action.note = draft.title.strip(), draft.owner.strip(), draft.note
    action.due, action.status, action.question_id = draft.due, draft.status, draft.question_id


def _details(action: Action) -> dict[str, object]:
    """What the audit trail keeps of an action."""
    return {
        "vraag": action.question_id,
        "titel": action.title,
        "trekker": action.owner,
        "gereedOp": action.due.isoformat() if action.due else None,
        "status": str(action.status),
        "toelichting": action.note,
    }


def _action(
    session: Session, assessment_id: uuid.UUID, action_id: uuid.UUID | str, lock: bool = False
) -> Action:
    try:
        key = action_id if isinstance(action_id, uuid.UUID) else uuid.UUID(action_id)
    except ValueError:
        key = None
    found = None
    if key is not None:
        query = select(Action).filter_by(id=key, assessment_id=assessment_id)
        found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound(_("Actie {id} bestaat niet in deze zelfevaluatie.").format(id=action_id))
    return found


_ORIGIN = select(Action.id, Assessment).join(Assessment, Assessment.id == Action.assessment_id)


def _views(session: Session, who: Principal, assessment_id: uuid.UUID) -> list[ActionView]:
    rows = session.scalars(
        select(Action).filter_by(assessment_id=assessment_id).order_by(Action.position)
    ).all()
    origins = _origins(session, who, [r.carried_from_id for r in rows if r.carried_from_id])
    return [_as_view(r, origins) for r in rows]


def _view(session: Session, who: Principal, action: Action) -> ActionView:
    ids = [action.carried_from_id] if action.carried_from_id else []
    return _as_view(action, _origins(session, who, ids))


def _origins(session: Session, who: Principal, ids: list[uuid.UUID]) -> dict[uuid.UUID, Origin]:
    """Where carried-over actions came from, named only where the principal may read that
    earlier assessment (a private year stays unnamed, also in this year's plan)."""
    if not ids:
        return {}
    found = session.execute(_ORIGIN.where(Action.id.in_(ids))).all()
    return {
        action_id: Origin(action_id, earlier.year)
        for action_id, earlier in found
        if may_read(session, who, earlier)
    }


def _as_view(row: Action, origins: dict[uuid.UUID, Origin]) -> ActionView:
    return ActionView(
        id=row.id,
        question_id=row.question_id,
        title=row.title,
        owner=row.owner,
        due=row.due,
        status=ActionStatus(row.status),
        note=row.note,
        carried_from=origins.get(row.carried_from_id) if row.carried_from_id else None,
        version=row.version,
        updated_at=row.updated_at,
    )
