"""SQLAlchemy 2 models. Every change here needs an Alembic migration."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import msgspec
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from assess.access import Sharing
from assess.framework.answers import Document
from assess.framework.vocabulary import ActionStatus, Status

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on SQLite (which drops tzinfo) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Documents(TypeDecorator[tuple[Document, ...]]):
    """An answer's documents as a JSON list of {"title", "url"}; read back as structs."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: tuple[Document, ...] | None, dialect: Any) -> Any:
        return msgspec.to_builtins(value or ())

    def process_result_value(self, value: Any, dialect: Any) -> tuple[Document, ...]:
        return msgspec.convert(value or [], tuple[Document, ...])


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Municipality(Base):
    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(50))
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    size_class: Mapped[str | None] = mapped_column(String(20), index=True)
    safety_region: Mapped[str | None] = mapped_column(String(60))
    riec: Mapped[str | None] = mapped_column(String(60))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))


class QuestionnaireVersion(Base):
    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(60))
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, deferred=True)  # the questionnaire as JSON
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    region: Mapped[str | None] = mapped_column(String(60))  # RIEC region of a `regio` user
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Raised when the password changes: sessions signed in under an older value end.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The second factor: the TOTP secret once set up, and the last 30-second step used.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app (stored as SHA-256)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A signed-in (or signing-in) browser session; the cookie holds only a random id."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the id
    data: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class LoginFailure(Base):
    """A failed sign-in, for the throttle: hashes of the account and the client address."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    address_key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("municipality_code", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    status: Mapped[str] = mapped_column(String(20), default=Status.CONCEPT.value)
    sharing: Mapped[str] = mapped_column(String(20), default=Sharing.ANONYMISED.value)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    region: Mapped[str | None] = mapped_column(String(200))  # what regional answers rely on
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(lazy="joined")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", order_by="Answer.question_id"
    )

    __mapper_args__ = {"version_id_col": version}


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessments.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(10))
    regional: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[tuple[Document, ...]] = mapped_column(
        Documents(), default=(), server_default=text("'[]'")
    )
    prefilled: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Raised by every save of this answer (assess.services.answers), checked by If-Match.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class Action(Base):
    """One line of a gemeente's action plan in an assessment year: what it will do about a gap
    (`question_id`) or of its own accord (None), who leads it, by when, and how far it is.
    An open action carries over to next year's assessment (`carried_from_id`)."""

    __tablename__ = "actions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessments.id"), index=True)
    question_id: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")  # a role or department
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PLANNED.value)
    note: Mapped[str] = mapped_column(Text, default="")
    carried_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("actions.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)  # the order in the plan
    version: Mapped[int] = mapped_column(Integer, default=1)  # the ETag; raised by every change
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AssessmentScore(Base):
    """Scores stored at submit, so peer groups and benchmarks aggregate without the answers."""

    __tablename__ = "assessment_scores"

    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessments.id"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(10), primary_key=True)  # totaal, domein, pijler
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[float] = mapped_column(Float)


class AnswerChange(Base):
    """History of an answer: who changed it when, from what to what."""

    __tablename__ = "answer_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessments.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(10))
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(100), default="")


class ReportCache(Base):
    """A rendered PDF report, keyed by a digest of its content (HTML, styles, fonts).

    Kept in the database so that every web process on the same PostgreSQL shares it. Only
    the newest entry per assessment and language is kept; a changed answer or peer figure
    gives a new key, so a stale PDF is never served.
    """

    __tablename__ = "report_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(5))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Publication(Base):
    """A benchmark publication: the tables as published (`tables`) and the contributors they
    were made from (`contributors`, never published; the next publication's disclosure control
    and the officers' comparisons need them). Kept forever, never changed."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tables: Mapped[str] = mapped_column(Text)  # assess.framework.publication.Publication as JSON
    contributors: Mapped[str] = mapped_column(Text)  # list of Contributor as JSON
