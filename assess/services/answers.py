"""One answer at a time: read it with its version, save it with or without a version check.

Several colleagues fill in one assessment at once, so each answer has its own version: saving
one question never conflicts with saving another. A save names the version of the answer it
saw (0: not answered yet) and gets 412 when that answer changed since; a save without one is
last-writer-wins for that answer. The write is one atomic statement (an upsert, or an update
that checks the version), so two saves of the same answer never lose one silently.

An answer can no longer change once its assessment is submitted, also when the two race: on
PostgreSQL a save holds a share lock on the assessment row that submission must wait for
(`FOR UPDATE`); on SQLite, which lets one writer in at a time, a save looks at the status again
after it has written, inside its own write transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assess.access import Principal
from assess.db.models import Answer, AnswerChange, Assessment, utcnow
from assess.errors import Conflict, InvalidInput, NotFound, StaleVersion
from assess.framework import answers as rules
from assess.framework.schema import Question
from assess.framework.vocabulary import Status
from assess.i18n import _
from assess.services import audit, questionnaires
from assess.services.assessments import AnswerView, Lock, readable_row, writable_row

NOT_ANSWERED = 0  # the version of an answer that does not exist yet


def get(
    session: Session, who: Principal, assessment_id: uuid.UUID | str, question_id: str
) -> AnswerView:
    """One answer with its version; NotFound for a question without an answer."""
    row = readable_row(session, who, assessment_id)
    _question(row, question_id)
    found = _current(session, row.id, question_id)
    if found is None:
        raise NotFound(_("Vraag {id} is nog niet beantwoord.").format(id=question_id))
    return AnswerView.of(found)


def save(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    question_id: str,
    answer: rules.Answer,
    expected_version: int | None = None,
) -> AnswerView:
    """Validate and store one answer, keeping its history. `expected_version` is the version
    of this answer the writer saw (0 when it was not answered); None saves over any."""
    row = writable_row(session, who, assessment_id, lock=Lock.SHARE)
    question = _question(row, question_id)
    _refuse_if_submitted(row.status)
    problems = rules.answer_problems(question, answer, _)
    if problems:
        raise InvalidInput(
            _("Het antwoord op vraag {id} is niet geldig.").format(id=question_id), problems
        )
    current = _current(session, row.id, question_id)
    before = _value(current) if current is not None else None  # the row object will change
    stored = _write(session, who, row.id, question_id, answer, expected_version)
    if stored is None:
        raise _stale(session, row.id, question_id)
    session.expire(row, ["answers"])  # a view made later in this transaction reads them anew
    session.add(
        AnswerChange(
            assessment_id=row.id,
            question_id=question_id,
            old=msgspec.to_builtins(before) if before is not None else None,
            new=msgspec.to_builtins(answer),
            changed_by=who.user_id,
        )
    )
    audit.record(session, who, "answer.save", "zelfevaluatie", row.id, vraag=question_id)
    session.flush()
    _refuse_if_submitted(session.scalar(select(Assessment.status).filter_by(id=row.id)))
    return stored


def _question(row: Assessment, question_id: str) -> Question:
    question = questionnaires.definition_of(row.questionnaire_version).question(question_id)
    if question is None:
        raise NotFound(_("Vraag {id} bestaat niet in deze vragenlijst.").format(id=question_id))
    return question


def _refuse_if_submitted(status: str | None) -> None:
    if status == Status.SUBMITTED:
        raise Conflict(
            _("Deze zelfevaluatie is ingediend; antwoorden kunnen niet meer worden gewijzigd.")
        )


def _current(session: Session, assessment_id: uuid.UUID, question_id: str) -> Answer | None:
    return session.scalar(
        select(Answer)
        .filter_by(assessment_id=assessment_id, question_id=question_id)
        .execution_options(populate_existing=True)
    )


def _write(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID,
    question_id: str,
    answer: rules.Answer,
    expected_version: int | None,
) -> AnswerView | None:
    """One statement; None when the answer was not at the expected version."""
    values: dict[str, Any] = {
        "code": answer.code,
        "regional": answer.regional,
        "explanation": answer.explanation,
        "evidence": answer.evidence,
        "prefilled": False,
        "updated_at": utcnow(),
        "updated_by": who.user_id,
    }
    key = {"assessment_id": assessment_id, "question_id": question_id}
    if expected_version is None or expected_version == NOT_ANSWERED:
        statement = _insert(session).values(**key, **values, version=1)
        if expected_version is None:
            statement = statement.on_conflict_do_update(
                index_elements=["assessment_id", "question_id"],
                set_={**values, "version": Answer.version + 1},
            )
        else:
            statement = statement.on_conflict_do_nothing(
                index_elements=["assessment_id", "question_id"]
            )
    else:
        statement = (
            update(Answer)
            .filter_by(**key, version=expected_version)
            .values(**values, version=Answer.version + 1)
        )
    # populate_existing: the session may hold this answer already, at its old version
    returning = statement.returning(Answer).execution_options(populate_existing=True)
    returned = session.execute(returning).scalars().first()
    return AnswerView.of(returned) if returned is not None else None


def _insert(session: Session) -> Any:
    """INSERT with ON CONFLICT, in the dialect of the session's database."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Answer)


def _stale(session: Session, assessment_id: uuid.UUID, question_id: str) -> StaleVersion:
    current = _current(session, assessment_id, question_id)
    return StaleVersion(
        _(
            "Iemand anders heeft dit antwoord intussen gewijzigd. Bekijk het huidige antwoord "
            "en kies welk u bewaart."
        ),
        current=_value(current) if current is not None else None,
        version=current.version if current is not None else NOT_ANSWERED,
    )


def _value(row: Answer) -> rules.Answer:
    return rules.Answer(row.code, row.regional, row.explanation, row.evidence)


def versions(session: Session, assessment_id: uuid.UUID) -> dict[str, int]:
    """Question id -> version of every answer, read fresh from the database."""
    query = select(Answer.question_id, Answer.version).filter_by(assessment_id=assessment_id)
    return {question_id: version for question_id, version in session.execute(query)}


def answered_in(session: Session, assessment_id: uuid.UUID, prefix: str) -> int:
    """How many confirmed answers the domain (question ids starting with `prefix`) has."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Answer)
            .filter_by(assessment_id=assessment_id, prefilled=False)
            .where(Answer.question_id.startswith(prefix))
        )
        or 0
    )
