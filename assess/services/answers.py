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
from functools import cache
from typing import Any, cast

import msgspec
from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from assess.access import Principal
from assess.db.models import Answer, AnswerChange, Assessment, utcnow
from assess.errors import Conflict, InvalidInput, NotFound, StaleVersion
from assess.framework import answers as rules
from assess.framework.schema import Question
from assess.framework.vocabulary import Status
from assess.i18n import _
from assess.services import audit, questionnaires
from assess.services.assessments import AnswerView, Lock, Target, answer_target

NOT_ANSWERED = 0  # the version of an answer that does not exist yet
ANSWERS = cast(Table, Answer.__table__)
# what an answer view is made of, in the order of AnswerView's fields
_VIEW = (
    ANSWERS.c.question_id,
    ANSWERS.c.code,
    ANSWERS.c.regional,
    ANSWERS.c.explanation,
    ANSWERS.c.evidence,
    ANSWERS.c.documents,
    ANSWERS.c.prefilled,
    ANSWERS.c.updated_at,
    ANSWERS.c.version,
)


def get(
    session: Session, who: Principal, assessment_id: uuid.UUID | str, question_id: str
) -> AnswerView:
    """One answer with its version; NotFound for a question without an answer."""
    target = answer_target(session, who, assessment_id)
    _question(session, target, question_id)
    found = _current(session, target.id, question_id)
    if found is None:
        raise NotFound(_("Vraag {id} is nog niet beantwoord.").format(id=question_id))
    return found


def save(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    question_id: str,
    answer: rules.Answer,
    expected_version: int | None = None,
    *,
    keep_documents: bool = False,
) -> AnswerView:
    """Validate and store one answer, keeping its history. `expected_version` is the version
    of this answer the writer saw (0 when it was not answered); None saves over any.
    `keep_documents`: the answer keeps the documents it has (the writer named none).

    Saving is the hot path of filling in, so it reads no assessment object and writes with
    Core statements: one read of the assessment, one of the answer, one write, two inserts
    (and on SQLite one more read of the status, see above)."""
    target = answer_target(session, who, assessment_id, write=True, lock=Lock.SHARE)
    question = _question(session, target, question_id)
    _refuse_if_submitted(target.status)
    problems = rules.answer_problems(question, answer, _)
    if problems:
        raise InvalidInput(
            _("Het antwoord op vraag {id} is niet geldig.").format(id=question_id), problems
        )
    before = _current(session, target.id, question_id)
    if keep_documents:
        answer = msgspec.structs.replace(answer, documents=before.documents if before else ())
    stored = _write(session, who, target.id, question_id, answer, expected_version)
    if stored is None:
        raise _stale(session, target.id, question_id)
    _forget_loaded_answers(session, target.id)
    session.execute(
        _HISTORY,
        {
            "assessment_id": target.id,
            "question_id": question_id,
            "old": msgspec.to_builtins(before.answer) if before is not None else None,
            "new": msgspec.to_builtins(answer),
            "changed_by": who.user_id,
        },
    )
    audit.record(session, who, "answer.save", "zelfevaluatie", target.id, vraag=question_id)
    if session.get_bind().dialect.name == "sqlite":  # PostgreSQL: the share lock covers it
        _refuse_if_submitted(session.scalar(_STATUS, {"status_of": target.id}))
    return stored


def _question(session: Session, target: Target, question_id: str) -> Question:
    definition = questionnaires.definition_by_digest(session, target.questionnaire_digest)
    question = definition.question(question_id)
    if question is None:
        raise NotFound(_("Vraag {id} bestaat niet in deze vragenlijst.").format(id=question_id))
    return question


def _refuse_if_submitted(status: str | None) -> None:
    if status == Status.SUBMITTED:
        raise Conflict(
            _("Deze zelfevaluatie is ingediend; antwoorden kunnen niet meer worden gewijzigd.")
        )


_KEY = (
    ANSWERS.c.assessment_id == bindparam("answer_of"),
    ANSWERS.c.question_id == bindparam("answer_to"),
)
_CURRENT = select(*_VIEW).where(*_KEY)
_HISTORY = insert(cast(Table, AnswerChange.__table__))
_ASSESSMENTS = cast(Table, Assessment.__table__)
_STATUS = select(_ASSESSMENTS.c.status).where(_ASSESSMENTS.c.id == bindparam("status_of"))
_UPDATE_SEEN = (
    update(ANSWERS)
    .where(*_KEY, ANSWERS.c.version == bindparam("seen_version"))
    .values(version=ANSWERS.c.version + 1)
    .returning(*_VIEW)
)
_WRITTEN = (
    "code",
    "regional",
    "explanation",
    "evidence",
    "documents",
    "prefilled",
    "updated_at",
    "updated_by",
)


def _current(session: Session, assessment_id: uuid.UUID, question_id: str) -> AnswerView | None:
    found = session.execute(_CURRENT, {"answer_of": assessment_id, "answer_to": question_id})
    row = found.first()
    return AnswerView(*row) if row is not None else None


def _write(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID,
    question_id: str,
    answer: rules.Answer,
    expected_version: int | None,
) -> AnswerView | None:
    """One statement; None when the answer was not at the expected version."""
    values = dict(
        zip(
            _WRITTEN,
            (
                answer.code,
                answer.regional,
                answer.explanation,
                answer.evidence,
                answer.documents,
                False,
                utcnow(),
                who.user_id,
            ),
            strict=True,
        )
    )
    if expected_version is None or expected_version == NOT_ANSWERED:
        statement = _upsert(session.get_bind().dialect.name, overwrite=expected_version is None)
        parameters = {"assessment_id": assessment_id, "question_id": question_id, **values}
    else:
        statement = _UPDATE_SEEN
        parameters = {"answer_of": assessment_id, "answer_to": question_id, **values}
        parameters["seen_version"] = expected_version
    returned = session.execute(statement, parameters).first()
    return AnswerView(*returned) if returned is not None else None


@cache
def _upsert(dialect: str, *, overwrite: bool) -> Any:
    """INSERT at version 1; on a conflict raise the version (`overwrite`) or do nothing."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ANSWERS)
    statement = statement.values(version=1)
    conflict = [ANSWERS.c.assessment_id, ANSWERS.c.question_id]
    if overwrite:
        excluded = statement.excluded
        changed = {name: excluded[name] for name in _WRITTEN}
        statement = statement.on_conflict_do_update(
            index_elements=conflict, set_={**changed, "version": ANSWERS.c.version + 1}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=conflict)
    return statement.returning(*_VIEW)


def _forget_loaded_answers(session: Session, assessment_id: uuid.UUID) -> None:
    """An assessment this session loaded before reads its answers anew when next viewed."""
    loaded = session.identity_map.get(identity_key(Assessment, assessment_id))
    if loaded is not None:
        session.expire(loaded, ["answers"])


def _stale(session: Session, assessment_id: uuid.UUID, question_id: str) -> StaleVersion:
    current = _current(session, assessment_id, question_id)
    return StaleVersion(
        _(
            "Iemand anders heeft dit antwoord intussen gewijzigd. Bekijk het huidige antwoord "
            "en kies welk u bewaart."
        ),
        current=current.answer if current is not None else None,
        version=current.version if current is not None else NOT_ANSWERED,
    )


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
