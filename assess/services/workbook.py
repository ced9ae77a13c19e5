"""The workbook round trip as use cases: download an assessment as an Excel workbook, and read
a filled-in one back. Reading is all or nothing: every cell is checked first, against the
assessment it claims to belong to and the rules of each question and action; one problem and
nothing changes, with the sheet and cell of each problem and a reason in Dutch."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import msgspec
from sqlalchemy.orm import Session

from assess import workbook
from assess.access import Principal
from assess.db.models import Assessment
from assess.errors import Conflict, InvalidInput
from assess.framework import action_plan as plan_rules
from assess.framework import answers as answer_rules
from assess.framework.action_plan import Draft
from assess.framework.schema import Questionnaire
from assess.framework.vocabulary import Status
from assess.i18n import _
from assess.municipalities import file_slug
from assess.services import action_plan, answers, questionnaires, register
from assess.services.action_plan import ActionView
from assess.services.assessments import readable_row, view, writable_row
from assess.workbook import ANSWERS, PLAN, Filled, cell_name

# which column of a sheet holds the field a rule names
ANSWER_CELLS = {"antwoord": 7, "regionaal": 8, "toelichting": 9, "bewijs": 10}
PLAN_CELLS = {"vraagId": 2, "titel": 3, "trekker": 4, "gereedOp": 5, "toelichting": 7}


@dataclass(frozen=True)
class Imported:
    answers_changed: int
    actions_changed: int
    actions_added: int


def export(session: Session, who: Principal, assessment_id: uuid.UUID | str) -> tuple[bytes, str]:
    """The workbook and a file name for it."""
    row = readable_row(session, who, assessment_id)
    item = view(row, who)
    gemeente = register.gemeente(session, row.municipality_code)
    identity = workbook.Identity(
        str(row.id), row.municipality_code, gemeente.name, row.year, item.questionnaire.versie
    )
    shown = {
        qid: (a.answer, _("overgenomen, nog te bevestigen") if a.prefilled else "")
        for qid, a in item.answers.items()
    }
    actions = [(str(a.id), _draft(a)) for a in action_plan.actions_of(session, who, row.id)]
    data = workbook.build(identity, item.questionnaire, shown, actions, _)
    return data, f"zelfscan-werkboek-{file_slug(gemeente.name, gemeente.code)}-{row.year}.xlsx"


def import_(
    session: Session, who: Principal, assessment_id: uuid.UUID | str, data: bytes
) -> Imported:
    row = writable_row(session, who, assessment_id)
    if row.status == Status.SUBMITTED:
        raise Conflict(_("Deze zelfevaluatie is ingediend; een werkboek inlezen kan niet meer."))
    try:
        filled = workbook.read(data, _)
    except workbook.Unreadable as exc:
        raise InvalidInput(str(exc), {"werkboek": str(exc)}) from None
    questionnaire = questionnaires.definition_of(row.questionnaire_version)
    problems = _identity_problems(filled, row)
    if not problems:  # the rows are only worth checking in the right workbook
        problems |= filled.problems | _answer_problems(filled, questionnaire)
        problems |= _plan_problems(session, who, filled, row, questionnaire)
    if problems:
        raise InvalidInput(
            _("Het werkboek is niet ingelezen; er is niets gewijzigd. Zie de cellen."), problems
        )
    return _apply(session, who, row, filled)


def _identity_problems(filled: Filled, row: Assessment) -> dict[str, str]:
    claimed = filled.identity
    code = str(claimed[workbook.CODE_CELL] or "").strip().upper()
    if code != row.municipality_code:
        return {
            f"{workbook.README}!{workbook.CODE_CELL}": _(
                "Dit werkboek hoort bij gemeente {werkboek}, niet bij {deze}."
            ).format(werkboek=code or "?", deze=row.municipality_code)
        }
    if str(claimed[workbook.YEAR_CELL] or "").strip() != str(row.year):
        return {
            f"{workbook.README}!{workbook.YEAR_CELL}": _(
                "Dit werkboek hoort bij peiljaar {werkboek}, niet bij {jaar}."
            ).format(werkboek=claimed[workbook.YEAR_CELL] or "?", jaar=row.year)
        }
    if str(claimed[workbook.ID_CELL] or "").strip() != str(row.id):
        return {
            f"{workbook.README}!{workbook.ID_CELL}": _(
                "Dit werkboek hoort bij een andere zelfevaluatie; download een nieuw werkboek."
            )
        }
    return {}


def _answer_problems(filled: Filled, questionnaire: Questionnaire) -> dict[str, str]:
    problems: dict[str, str] = {}
    for line in filled.answers:
        question = questionnaire.question(line.question_id)
        if question is None:
            problems[cell_name(ANSWERS, 1, line.row)] = _(
                "Vraag {id} staat niet in deze vragenlijst."
            ).format(id=line.question_id or "?")
            continue
        for name, reason in answer_rules.answer_problems(question, line.answer, _).items():
            problems[cell_name(ANSWERS, ANSWER_CELLS[name], line.row)] = reason
    return problems


def _plan_problems(
    session: Session, who: Principal, filled: Filled, row: Assessment, questionnaire: Questionnaire
) -> dict[str, str]:
    known = {str(a.id) for a in action_plan.actions_of(session, who, row.id)}
    problems: dict[str, str] = {}
    for line in filled.plan:
        if line.action_id is not None and line.action_id not in known:
            problems[cell_name(PLAN, 1, line.row)] = _(
                "Deze actie staat niet in het actieplan; laat Actie-id leeg voor een nieuwe actie."
            )
            continue
        for name, reason in plan_rules.draft_problems(line.draft, questionnaire, _).items():
            problems[cell_name(PLAN, PLAN_CELLS[name], line.row)] = reason
    return problems


def _apply(session: Session, who: Principal, row: Assessment, filled: Filled) -> Imported:
    current = view(row, who).answers
    changed_answers = 0
    for line in filled.answers:
        now = current.get(line.question_id)
        # the workbook has no documents column: an answer keeps the documents it has
        answer = msgspec.structs.replace(line.answer, documents=now.documents if now else ())
        # the same as now is left alone (a prefilled answer stays to be confirmed)
        if (now.answer if now else None) != answer:
            answers.save(session, who, row.id, line.question_id, answer)
            changed_answers += 1
    existing = {str(a.id): a for a in action_plan.actions_of(session, who, row.id)}
    changed_actions = added = 0
    for plan_line in filled.plan:
        if plan_line.action_id is None:
            action_plan.add(session, who, row.id, plan_line.draft)
            added += 1
        elif _draft(existing[plan_line.action_id]) != plan_line.draft:
            action_plan.change(session, who, row.id, plan_line.action_id, plan_line.draft)
            changed_actions += 1
    return Imported(changed_answers, changed_actions, added)


def _draft(action: ActionView) -> Draft:
    return Draft(
        action.title, action.owner, action.due, action.status, action.note, action.question_id
    )
