"""Reading assessments: one, a gemeente's list, the start page, the review before submitting.

Every function takes the acting principal and shows only what it may read; an assessment it
may not read answers exactly like one that does not exist (NotFound).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import cast

import msgspec
from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session, object_session

from assess.access import Principal, Role, Sharing, can_read, can_write, sees_municipality
from assess.db.models import Answer, Assessment, Municipality, QuestionnaireVersion, User, utcnow
from assess.errors import Forbidden, NotFound
from assess.framework import answers as rules
from assess.framework.gaps import GapAnalysis, analyse
from assess.framework.schema import Question, Questionnaire
from assess.framework.scoring import Scores, score
from assess.framework.vocabulary import Status
from assess.i18n import _, current_language
from assess.services import questionnaires, register
from assess.services.memo import Memo


class AnswerView(msgspec.Struct, frozen=True):
    question_id: str
    code: str
    regional: bool
    explanation: str
    evidence: str
    documents: tuple[rules.Document, ...]
    prefilled: bool  # copied from last year and not yet confirmed
    updated_at: datetime
    version: int  # of this answer alone; colleagues on other questions never conflict

    @property
    def answer(self) -> rules.Answer:
        return rules.Answer(
            self.code, self.regional, self.explanation, self.evidence, self.documents
        )


@dataclass(frozen=True)
class Progress:
    total: int
    answered: int  # confirmed answers; prefilled ones still count as open
    prefilled: int

    @property
    def percentage(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


class AssessmentView(msgspec.Struct, frozen=True):
    """An assessment as one principal may see it."""

    id: uuid.UUID
    municipality_code: str
    year: int
    status: Status
    sharing: Sharing
    synthetic: bool
    region: str | None  # the region that answers 'regionaal geregeld' rely on
    version: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    questionnaire: Questionnaire
    answers: dict[str, AnswerView]
    writable: bool  # whether this principal may change its answers now

    @property
    def submitted(self) -> bool:
        return self.status == Status.SUBMITTED

    def answer_values(self) -> dict[str, rules.Answer]:
        return {qid: row.answer for qid, row in self.answers.items()}

    def confirmed_values(self) -> dict[str, rules.Answer]:
        """The answers that count: last year's count only once confirmed; until then they are
        open, in scores and gaps as in the progress (a concept report must not rest on them)."""
        return {qid: row.answer for qid, row in self.answers.items() if not row.prefilled}

    def scores(self) -> Scores:
        return scores_of(self.questionnaire, self.confirmed_values())

    def analysis(self) -> GapAnalysis:
        answers = self.confirmed_values()
        key = (frozenset(answers.items()), self.region, current_language())
        return _analyses.get(
            self.questionnaire,
            key,
            lambda: analyse(
                self.questionnaire, scores_of(self.questionnaire, answers), self.region, _
            ),
        )

    def progress(self, domain: str | None = None) -> Progress:
        ids = {
            q.id
            for d in self.questionnaire.domeinen
            if domain is None or d.code == domain
            for q in d.vragen
        }
        rows = [row for qid, row in self.answers.items() if qid in ids]
        return Progress(
            len(ids), sum(not r.prefilled for r in rows), sum(r.prefilled for r in rows)
        )

    def blockers(self) -> Blockers:
        """What stands in the way of submitting: open and unconfirmed prefilled questions."""
        questions = self.questionnaire.questions()
        return Blockers(
            open=[q for q in questions if q.id not in self.answers],
            unconfirmed=[
                q for q in questions if q.id in self.answers and self.answers[q.id].prefilled
            ],
        )


@dataclass(frozen=True)
class Blockers:
    open: list[Question]
    unconfirmed: list[Question]

    def __bool__(self) -> bool:
        return bool(self.open or self.unconfirmed)


# Each read of results scored and analysed the same submitted answers again.
_scores: Memo[Scores] = Memo(512)
_analyses: Memo[GapAnalysis] = Memo(512)


def scores_of(questionnaire: Questionnaire, answers: dict[str, rules.Answer]) -> Scores:
    """`score`, reused for the same decoded questionnaire and the same answers."""
    return _scores.get(
        questionnaire, frozenset(answers.items()), lambda: score(questionnaire, answers)
    )


# Rows, not Answer objects: building 57 ORM objects cost more than the rest of a results read.
# ORM attributes, so the session flushes pending changes before it reads them.
_ANSWERS_OF = select(
    Answer.question_id,
    Answer.code,
    Answer.regional,
    Answer.explanation,
    Answer.evidence,
    Answer.documents,
    Answer.prefilled,
    Answer.updated_at,
    Answer.version,
).where(Answer.assessment_id == bindparam("answers_of"))


def view(row: Assessment, who: Principal) -> AssessmentView:
    """`updated_at` is the latest change of the assessment or any of its answers."""
    session = object_session(row)
    assert session is not None, "an assessment is viewed in the session that read it"
    found = session.execute(_ANSWERS_OF, {"answers_of": row.id})
    answers = {values[0]: AnswerView(*values) for values in found}
    return AssessmentView(
        id=row.id,
        municipality_code=row.municipality_code,
        year=row.year,
        status=Status(row.status),
        sharing=Sharing(row.sharing),
        synthetic=row.synthetic,
        region=row.region,
        version=row.version,
        created_at=row.created_at,
        updated_at=max([row.updated_at, *(a.updated_at for a in answers.values())]),
        submitted_at=row.submitted_at,
        questionnaire=questionnaires.definition_of(row.questionnaire_version),
        answers=answers,
        writable=row.status != Status.SUBMITTED and can_write(who, row.municipality_code),
    )


def _not_found(assessment_id: object) -> NotFound:
    return NotFound(_("Zelfevaluatie {id} bestaat niet.").format(id=assessment_id))


class Lock(StrEnum):
    """A row lock on the assessment for the rest of the transaction (PostgreSQL; SQLite lets
    one writer in at a time anyway). Answer saves share it; submission takes it alone."""

    SHARE = "share"
    UPDATE = "update"


def _row(session: Session, assessment_id: uuid.UUID | str, lock: Lock | None = None) -> Assessment:
    try:
        key = assessment_id if isinstance(assessment_id, uuid.UUID) else uuid.UUID(assessment_id)
    except ValueError:
        raise _not_found(assessment_id) from None
    if lock is None:
        found = session.get(Assessment, key)
    else:
        found = session.get(
            Assessment,
            key,
            with_for_update={"read": lock is Lock.SHARE, "of": Assessment},
            populate_existing=True,
        )
    if found is None:
        raise _not_found(assessment_id)
    return found


def previous_row(session: Session, row: Assessment) -> Assessment | None:
    """The gemeente's latest assessment before this one (no access check: callers decide)."""
    return session.scalars(
        select(Assessment)
        .filter_by(municipality_code=row.municipality_code)
        .where(Assessment.year < row.year)
        .order_by(Assessment.year.desc())
    ).first()


def may_read(session: Session, who: Principal, row: Assessment) -> bool:
    riec = register.municipality_row(session, row.municipality_code).riec
    return can_read(who, row.municipality_code, riec, row.status, row.sharing)


def readable_row(
    session: Session, who: Principal, assessment_id: uuid.UUID | str, lock: Lock | None = None
) -> Assessment:
    """The assessment, or NotFound when the principal may not know it exists."""
    row = _row(session, assessment_id, lock)
    if not may_read(session, who, row):
        raise _not_found(assessment_id)
    return row


def writable_row(
    session: Session, who: Principal, assessment_id: uuid.UUID | str, lock: Lock | None = None
) -> Assessment:
    row = readable_row(session, who, assessment_id, lock)
    _require_write(who, row.municipality_code)
    return row


def _require_write(who: Principal, municipality_code: str) -> None:
    if not can_write(who, municipality_code):
        raise Forbidden(
            _("Alleen medewerkers van de gemeente zelf kunnen deze zelfevaluatie wijzigen.")
        )


class Target(msgspec.Struct, frozen=True):
    """What reading or saving one answer needs of its assessment, read in one statement."""

    id: uuid.UUID
    status: str
    questionnaire_digest: str  # sha256 of its questionnaire version


# Table columns (Core), not ORM attributes: half the cost on the hot path of saving. No
# autoflush either, which it does not need: it reads an assessment that already exists.
_A, _M, _Q = (cast(Table, m.__table__) for m in (Assessment, Municipality, QuestionnaireVersion))
_TARGET = (
    select(_A.c.municipality_code, _A.c.status, _A.c.sharing, _M.c.riec, _Q.c.sha256)
    .join(_M, _M.c.code == _A.c.municipality_code)
    .join(_Q, _Q.c.id == _A.c.questionnaire_version_id)
    .where(_A.c.id == bindparam("target"))
)
_TARGETS = {
    None: _TARGET,
    Lock.SHARE: _TARGET.with_for_update(read=True, of=_A),
    Lock.UPDATE: _TARGET.with_for_update(of=_A),
}


def answer_target(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    *,
    write: bool = False,
    lock: Lock | None = None,
) -> Target:
    """The assessment behind one answer, under the same rules as `readable_row` and
    `writable_row`, without loading the assessment and its answers (the hot path of saving)."""
    try:
        key = assessment_id if isinstance(assessment_id, uuid.UUID) else uuid.UUID(assessment_id)
    except ValueError:
        raise _not_found(assessment_id) from None
    found = session.execute(_TARGETS[lock], {"target": key}).first()
    if found is None:
        raise _not_found(assessment_id)
    code, status, sharing, riec, digest = found
    if not can_read(who, code, riec, status, sharing):
        raise _not_found(assessment_id)
    if write:
        _require_write(who, code)
    return Target(key, status, digest)


def get(session: Session, who: Principal, assessment_id: uuid.UUID | str) -> AssessmentView:
    return view(readable_row(session, who, assessment_id), who)


def require_visible_gemeente(session: Session, who: Principal, code: str) -> register.Gemeente:
    """The gemeente, or NotFound when the principal may not know of its assessments."""
    gemeente = register.gemeente(session, code)
    if not sees_municipality(who, code, gemeente.riec):
        raise NotFound(
            _("Gemeente {code} heeft geen zelfevaluaties die u mag zien.").format(code=code)
        )
    return gemeente


def of_gemeente(
    session: Session, who: Principal, code: str, page: int = 1, size: int = 100
) -> tuple[list[AssessmentView], int]:
    """The assessments of a gemeente that the principal may read, newest year first."""
    require_visible_gemeente(session, who, code)
    query = select(Assessment).filter_by(municipality_code=code)
    if not can_write(who, code):
        query = query.filter_by(status=Status.SUBMITTED, sharing=Sharing.NAMED)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Assessment.year.desc()).offset((page - 1) * size).limit(size)
    )
    return [view(row, who) for row in rows], total


@dataclass(frozen=True)
class Overview:
    """The officer's start page: the own gemeente's assessments and whether to start one."""

    gemeente: register.Gemeente
    assessments: list[AssessmentView]
    this_year: int
    can_start: bool


def overview(session: Session, who: Principal) -> Overview | None:
    """For an officer of a gemeente; None for the other roles, who fill in nothing."""
    if who.role != Role.MEDEWERKER or who.municipality_code is None:
        return None
    items, _total = of_gemeente(session, who, who.municipality_code, 1, 50)
    this_year = utcnow().year
    return Overview(
        gemeente=register.gemeente(session, who.municipality_code),
        assessments=items,
        this_year=this_year,
        can_start=all(item.year != this_year for item in items),
    )


@dataclass(frozen=True)
class Review:
    """The page before submitting: what is still open, and who submitted it once done."""

    item: AssessmentView
    gemeente: register.Gemeente
    blockers: Blockers
    submitted_by: str | None


def review(session: Session, who: Principal, assessment_id: uuid.UUID | str) -> Review:
    row = readable_row(session, who, assessment_id)
    item = view(row, who)
    submitter = session.get(User, row.submitted_by) if row.submitted_by is not None else None
    return Review(
        item=item,
        gemeente=register.gemeente(session, row.municipality_code),
        blockers=item.blockers(),
        submitted_by=submitter.email if submitter else None,
    )
