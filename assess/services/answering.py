"""Changing assessments: start one, choose sharing and region, submit (answers: answers.py).

Each use case checks access and every rule before it changes anything, so a refused request
leaves the database as it was even before the request's transaction is rolled back.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.access import Principal, Sharing, can_write
from assess.db.models import Answer, Assessment, AssessmentScore, utcnow
from assess.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from assess.framework import answers as rules
from assess.framework.loader import carried_over
from assess.framework.scoring import Scores, scored_groups
from assess.framework.vocabulary import FIRST_YEAR, Status
from assess.i18n import _
from assess.services import action_plan, answers, audit, questionnaires, register
from assess.services.assessments import (
    AssessmentView,
    Lock,
    previous_row,
    require_visible_gemeente,
    view,
    writable_row,
)
from assess.services.guards import require_administrator

MAX_REGION = 200  # characters of a region's name


def start(
    session: Session, who: Principal, code: str, year: int, *, synthetic: bool = False
) -> AssessmentView:
    """Start a gemeente's assessment of a year, prefilled from its latest earlier one."""
    gemeente = require_visible_gemeente(session, who, code)
    if not can_write(who, code):
        raise Forbidden(_("Alleen medewerkers van een gemeente starten een zelfevaluatie."))
    _check_year(year, gemeente)
    taken = session.scalar(select(Assessment.id).filter_by(municipality_code=code, year=year))
    if taken is not None:
        raise Conflict(
            _("Gemeente {naam} heeft al een zelfevaluatie voor {jaar}.").format(
                naam=gemeente.name, jaar=year
            )
        )
    row = Assessment(
        municipality_code=code,
        year=year,
        questionnaire_version=questionnaires.version_row(session),
        status=Status.CONCEPT,
        synthetic=synthetic,
        region=f"RIEC {gemeente.riec}" if gemeente.riec else None,
    )
    session.add(row)
    session.flush()
    prefilled = carried = 0
    if (previous := previous_row(session, row)) is not None:
        current = questionnaires.definition_of(row.questionnaire_version)
        earlier = questionnaires.definition_of(previous.questionnaire_version)
        to_old = carried_over(current, earlier, questionnaires.stored(session))
        prefilled = _prefill(session, who, row, previous, to_old)
        to_new = {old: new for new, old in to_old.items()}
        carried = action_plan.carry_over(session, who, previous, row, to_new)
        session.flush()
    audit.record(
        session,
        who,
        "assessment.create",
        "zelfevaluatie",
        row.id,
        jaar=year,
        vooringevuld=prefilled,
        acties_overgenomen=carried,
    )
    return view(row, who)


def _check_year(year: int, gemeente: register.Gemeente) -> None:
    last = utcnow().year + 1
    if not FIRST_YEAR <= year <= last:
        raise InvalidInput(
            _("Kies een peiljaar van {van} tot en met {tot}.").format(van=FIRST_YEAR, tot=last),
            {
                "jaar": _("{jaar} ligt buiten {van}-{tot}.").format(
                    jaar=year, van=FIRST_YEAR, tot=last
                )
            },
        )
    if gemeente.valid_to is not None and gemeente.valid_to.year < year:
        since = f"{gemeente.valid_to:%d-%m-%Y}"
        if gemeente.successor_code:
            message = _(
                "Gemeente {naam} bestaat sinds {datum} niet meer; haar opvolger is {opvolger}."
            ).format(naam=gemeente.name, datum=since, opvolger=gemeente.successor_code)
        else:
            message = _("Gemeente {naam} bestaat sinds {datum} niet meer.").format(
                naam=gemeente.name, datum=since
            )
        raise InvalidInput(message, {"jaar": _("De gemeente bestond niet meer in dat jaar.")})


def _prefill(
    session: Session, who: Principal, row: Assessment, previous: Assessment, to_old: dict[str, str]
) -> int:
    """Copy the answers of the earlier assessment, marked as prefilled."""
    current = questionnaires.definition_of(row.questionnaire_version)
    old_answers = {a.question_id: a for a in previous.answers}
    copied = 0
    for new_id, old_id in to_old.items():
        old = old_answers.get(old_id)
        question = current.question(new_id)
        if old is None or question is None:
            continue
        value = rules.Answer(old.code, old.regional, old.explanation, old.evidence, old.documents)
        if rules.answer_problems(question, value):
            continue
        session.add(
            Answer(
                assessment=row,
                question_id=new_id,
                code=old.code,
                regional=old.regional,
                explanation=old.explanation,
                evidence=old.evidence,
                documents=old.documents,
                prefilled=True,
                updated_by=who.user_id,
            )
        )
        copied += 1
    return copied


class AlreadySubmitted(Conflict):
    pass


def check_version(row: Assessment, expected: int | None) -> None:
    """The assessment's own version guards changes to the whole (sharing, region, submission);
    answers have their own (assess.services.answers)."""
    if expected is not None and expected != row.version:
        raise StaleVersion(
            _(
                "Iemand anders heeft de zelfevaluatie intussen gewijzigd. Haal haar opnieuw op "
                "en probeer het nog eens."
            ),
            version=row.version,
        )


def set_sharing(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    sharing: Sharing,
    expected: int | None = None,
) -> AssessmentView:
    """Before submission only: afterwards the choice is fixed, so that nobody can step in and
    out of a group to read the others' figures (a withdrawal goes through a beheerder)."""
    row = writable_row(session, who, assessment_id)
    check_version(row, expected)
    if row.status == Status.SUBMITTED and row.sharing != sharing:
        raise AlreadySubmitted(
            _(
                "De deling ligt vast sinds het indienen. Wilt u de zelfevaluatie terugtrekken uit "
                "de benchmark? Vraag het de beheerder; dat telt vanaf de volgende publicatie."
            )
        )
    _apply_sharing(session, who, row, sharing)
    return view(row, who)


def withdraw(session: Session, who: Principal, code: str, year: int) -> bool:
    """A beheerder takes a submitted assessment out of the benchmark at the gemeente's request
    (sharing becomes 'prive'); it counts from the next publication. False when already out."""
    require_administrator(who, _("Alleen een beheerder trekt een zelfevaluatie terug."))
    row = session.scalar(select(Assessment).filter_by(municipality_code=code, year=year))
    if row is None or row.status != Status.SUBMITTED:
        raise NotFound(
            _("Gemeente {code} heeft geen ingediende zelfevaluatie over {jaar}.").format(
                code=code, jaar=year
            )
        )
    if row.sharing == Sharing.PRIVATE:
        return False
    _apply_sharing(session, who, row, Sharing.PRIVATE)
    return True


def _apply_sharing(session: Session, who: Principal, row: Assessment, sharing: Sharing) -> None:
    if row.sharing == sharing:
        return
    old, row.sharing = row.sharing, sharing
    row.updated_at = utcnow()
    audit.record(
        session, who, "assessment.share", "zelfevaluatie", row.id, oud=old, nieuw=str(sharing)
    )
    session.flush()


def ready_to_submit(
    session: Session, who: Principal, assessment_id: uuid.UUID | str, sharing: Sharing | None
) -> AssessmentView:
    """What `submit` checks, changing nothing: for the page that asks to confirm."""
    return _submittable(writable_row(session, who, assessment_id), who, sharing, True, None)


def _submittable(
    row: Assessment,
    who: Principal,
    sharing: Sharing | None,
    sharing_required: bool,
    expected: int | None,
) -> AssessmentView:
    if row.status == Status.SUBMITTED:
        raise AlreadySubmitted(_("Deze zelfevaluatie is al ingediend."))
    check_version(row, expected)
    if sharing is None and sharing_required:
        message = _("Kies wat VNG en andere gemeenten mogen zien.")
        raise InvalidInput(message, {"deling": message})
    item = view(row, who)
    blockers = item.blockers()
    if blockers.unconfirmed:
        raise Conflict(
            _(
                "Bevestig of wijzig eerst de {n} van vorig jaar overgenomen antwoorden: {ids}."
            ).format(n=len(blockers.unconfirmed), ids=", ".join(q.id for q in blockers.unconfirmed))
        )
    if blockers.open:
        raise Conflict(
            _("Nog {n} vraag/vragen open: {ids}. Beantwoord alle vragen voor het indienen.").format(
                n=len(blockers.open), ids=", ".join(q.id for q in blockers.open)
            ),
        )
    return item


def submit(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    sharing: Sharing | None = None,
    *,
    sharing_required: bool = False,
    expected: int | None = None,
) -> AssessmentView:
    """Submit, choosing the sharing level at the same time (the pages require a choice).

    Every rule is checked before anything changes: a refused submission keeps the old
    sharing level as well as the concept status.
    """
    row = writable_row(session, who, assessment_id, lock=Lock.UPDATE)
    item = _submittable(row, who, sharing, sharing_required, expected)
    if sharing is not None:
        _apply_sharing(session, who, row, sharing)
    row.status = Status.SUBMITTED
    row.submitted_at = row.updated_at = utcnow()
    row.submitted_by = who.user_id
    session.add_all(score_rows(row.id, item.analysis().scores))
    audit.record(session, who, "assessment.submit", "zelfevaluatie", row.id)
    session.flush()
    if answers.versions(session, row.id) != {q: a.version for q, a in item.answers.items()}:
        raise Conflict(  # SQLite: a colleague saved between our read and our write
            _(
                "Tijdens het indienen is nog een antwoord gewijzigd. Controleer het en dien "
                "opnieuw in."
            )
        )
    return view(row, who)


def score_rows(assessment_id: uuid.UUID, scores: Scores) -> list[AssessmentScore]:
    """The scores kept at submission, so that aggregates never need the answers."""
    return [
        AssessmentScore(
            assessment_id=assessment_id,
            scope=scope,
            key=group.key,
            score=value,
            coverage=group.coverage,
        )
        for scope, group, value in scored_groups(scores)
    ]


def set_region(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    region: str,
    expected: int | None = None,
) -> AssessmentView:
    """Name the region (RIEC, centrumgemeente) that the regional answers rely on."""
    row = writable_row(session, who, assessment_id)
    check_version(row, expected)
    if row.status == Status.SUBMITTED:
        raise Conflict(_("Deze zelfevaluatie is ingediend; de regio ligt vast."))
    name = " ".join(region.split())
    if len(name) > MAX_REGION:
        raise InvalidInput(
            _("De naam van de regio is te lang."),
            {"regio": _("Gebruik hoogstens {n} tekens.").format(n=MAX_REGION)},
        )
    if row.region != (name or None):
        old, row.region = row.region, name or None
        row.updated_at = utcnow()
        audit.record(
            session, who, "assessment.region", "zelfevaluatie", row.id, oud=old, nieuw=name
        )
        session.flush()
    return view(row, who)
