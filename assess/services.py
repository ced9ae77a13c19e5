"""Use cases. Each takes a session and never commits: the caller owns the transaction."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from assess.access import (
    COUNTED_IN_AGGREGATES,
    SUBMITTED,
    Principal,
    Role,
    Sharing,
    can_read,
    can_write,
    sees_municipality,
)
from assess.db.models import (
    Answer,
    AnswerChange,
    ApiToken,
    Assessment,
    AssessmentScore,
    AuditEvent,
    LoginFailure,
    Municipality,
    QuestionnaireVersion,
    User,
    utcnow,
)
from assess.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from assess.framework import answers as rules
from assess.framework.benchmark import GroupComparison, ScoreKey, compare
from assess.framework.gaps import GapAnalysis, analyse
from assess.framework.loader import previous_question_ids
from assess.framework.schema import Questionnaire
from assess.framework.scoring import Scores, score, scored_groups
from assess.i18n import LANGUAGES, N_, _
from assess.municipalities import RegisterRow, size_class
from assess.security import hash_password, new_token, token_hash, verify_password

DEFAULT_QUESTIONNAIRE = "zelfscan-mensenhandel"
ROLES = tuple(role.value for role in Role)
CONCEPT = "concept"
FIRST_YEAR = 2018  # the national programme 'Samen tegen mensenhandel' started in 2018


@dataclass(frozen=True)
class Actor:
    """Who performs a use case, and from where (for the audit log)."""

    user_id: int | None = None
    source: str = ""

    @classmethod
    def of(cls, principal: Principal, source: str = "") -> Actor:
        return cls(principal.user_id, source)


SYSTEM = Actor(source="cli")


def audit(
    session: Session, actor: Actor, action: str, obj: str, obj_id: Any, **details: Any
) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.user_id,
            action=action,
            object_type=obj,
            object_id=str(obj_id),
            details=details,
            source=actor.source,
        )
    )


# --- questionnaires --------------------------------------------------------------------


def store_questionnaire(
    session: Session, questionnaire: Questionnaire, actor: Actor = SYSTEM
) -> bool:
    """Store a questionnaire version; True when new, False when already stored unchanged."""
    definition = msgspec.json.encode(questionnaire).decode()
    digest = hashlib.sha256(definition.encode()).hexdigest()
    existing = session.scalar(
        select(QuestionnaireVersion).filter_by(
            questionnaire_id=questionnaire.id, version=questionnaire.versie
        )
    )
    if existing is not None:
        if existing.sha256 != digest:
            raise Conflict(
                _(
                    "Versie {versie} van '{id}' is al geladen met andere inhoud. Geef een "
                    "gewijzigde vragenlijst een nieuw versienummer."
                ).format(versie=questionnaire.versie, id=questionnaire.id)
            )
        return False
    session.add(
        QuestionnaireVersion(
            questionnaire_id=questionnaire.id,
            version=questionnaire.versie,
            title=questionnaire.titel,
            definition=definition,
            sha256=digest,
        )
    )
    audit(
        session,
        actor,
        "questionnaire.load",
        "vragenlijst",
        questionnaire.id,
        versie=questionnaire.versie,
    )
    return True


def stored_questionnaires(session: Session) -> list[Questionnaire]:
    return [definition_of(v) for v in session.scalars(select(QuestionnaireVersion))]


def definition_of(version: QuestionnaireVersion) -> Questionnaire:
    return _decode_definition(version.sha256, version.definition)


@lru_cache(maxsize=32)
def _decode_definition(_sha256: str, definition: str) -> Questionnaire:
    return msgspec.json.decode(definition, type=Questionnaire)


def questionnaire_versions(session: Session) -> Sequence[QuestionnaireVersion]:
    return session.scalars(
        select(QuestionnaireVersion).order_by(
            QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.id
        )
    ).all()


def questionnaire_version(
    session: Session, questionnaire_id: str, version: str | None = None
) -> QuestionnaireVersion:
    """The given version, or the latest loaded one."""
    query = select(QuestionnaireVersion).filter_by(questionnaire_id=questionnaire_id)
    if version is not None:
        query = query.filter_by(version=version)
    found = session.scalars(query.order_by(QuestionnaireVersion.id.desc())).first()
    if found is None:
        if version:
            message = _("Er is geen versie {versie} van vragenlijst '{id}'.").format(
                versie=version, id=questionnaire_id
            )
        else:
            message = _("Er is geen vragenlijst '{id}'.").format(id=questionnaire_id)
        raise NotFound(message)
    return found


# --- municipalities --------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterResult:
    added: int
    updated: int
    ended: int


def load_register(
    session: Session, rows: list[RegisterRow], valid_from: date, actor: Actor = SYSTEM
) -> RegisterResult:
    """Load or update the register. Gemeenten missing from a newer register must be named as
    a predecessor of one that is in it: they are ended and point to their successor."""
    current = {m.code: m for m in session.scalars(select(Municipality))}
    successor_of = {old: row.gemeentecode for row in rows for old in row.predecessors}
    listed = {row.gemeentecode for row in rows}
    problems = {
        old: _("voorganger {oud} van {nieuw} is onbekend").format(oud=old, nieuw=new)
        for old, new in successor_of.items()
        if old not in current and old not in listed
    }
    for code, municipality in current.items():
        if code not in listed and municipality.valid_to is None and code not in successor_of:
            problems[code] = _(
                "{code} ({naam}) ontbreekt in het register en wordt door geen gemeente als "
                "voorganger genoemd"
            ).format(code=code, naam=municipality.name)
    if problems:
        raise InvalidInput(
            _("Het register past niet op de gemeenten die al bekend zijn."), problems
        )
    added = updated = ended = 0
    for row in rows:
        municipality = current.get(row.gemeentecode)
        if municipality is None:
            municipality = Municipality(code=row.gemeentecode, valid_from=valid_from)
            session.add(municipality)
            added += 1
        else:
            updated += 1
        _apply_row(municipality, row)
    session.flush()
    for old, new in successor_of.items():
        municipality = current.get(old)
        if municipality is not None and old not in listed and municipality.valid_to is None:
            municipality.valid_to = valid_from - timedelta(days=1)
            municipality.successor_code = new
            ended += 1
    result = RegisterResult(added, updated, ended)
    audit(session, actor, "register.load", "register", valid_from.isoformat(), **vars(result))
    return result


def _apply_row(municipality: Municipality, row: RegisterRow) -> None:
    municipality.name = row.naam
    municipality.province = row.provincie
    municipality.population = row.inwoners
    municipality.population_year = row.inwonersjaar
    municipality.size_class = size_class(row.inwoners)
    municipality.safety_region = row.veiligheidsregio
    municipality.riec = row.riec
    municipality.valid_to = None
    municipality.successor_code = None


def municipality(session: Session, code: str) -> Municipality:
    found = session.get(Municipality, code)
    if found is None:
        raise NotFound(_("Gemeente {code} bestaat niet in het register.").format(code=code))
    return found


def municipalities(session: Session, *, include_ended: bool = False) -> Sequence[Municipality]:
    query = select(Municipality).order_by(Municipality.name)
    if not include_ended:
        query = query.where(Municipality.valid_to.is_(None))
    return session.scalars(query).all()


# --- users and tokens ------------------------------------------------------------------


def add_user(
    session: Session,
    email: str,
    role: str,
    password: str,
    municipality_code: str | None = None,
    actor: Actor = SYSTEM,
    region: str | None = None,
) -> User:
    email = email.strip().lower()
    problems: dict[str, str] = {}
    if "@" not in email or len(email) > 254:
        problems["email"] = _("Geef een geldig e-mailadres.")
    if role not in ROLES:
        problems["rol"] = _("Kies een rol uit: {rollen}.").format(rollen=", ".join(ROLES))
    if role == "medewerker" and not municipality_code:
        problems["gemeente"] = _("Een medewerker hoort bij een gemeente.")
    if role != "medewerker" and municipality_code:
        problems["gemeente"] = _("Alleen een medewerker hoort bij een gemeente.")
    if role == Role.REGIO and region not in riec_regions(session):
        problems["regio"] = _("Een regiocoördinator hoort bij een RIEC-regio: {regios}.").format(
            regios=", ".join(riec_regions(session))
        )
    if role != Role.REGIO and region:
        problems["regio"] = _("Alleen een regiocoördinator hoort bij een regio.")
    if len(password) < 10:
        problems["wachtwoord"] = _("Een wachtwoord heeft minstens 10 tekens.")
    if problems:
        raise InvalidInput(_("De gebruiker kan zo niet worden aangemaakt."), problems)
    if municipality_code:
        municipality(session, municipality_code)
    if session.scalar(select(User).filter_by(email=email)) is not None:
        raise Conflict(_("Er is al een gebruiker met e-mailadres {email}.").format(email=email))
    user = User(
        email=email,
        role=role,
        password_hash=hash_password(password),
        municipality_code=municipality_code,
        region=region,
    )
    session.add(user)
    session.flush()
    audit(session, actor, "user.add", "gebruiker", user.id, email=email, rol=role)
    return user


def user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).filter_by(email=email.strip().lower()))
    if user is None:
        raise NotFound(_("Er is geen gebruiker met e-mailadres {email}.").format(email=email))
    return user


def create_token(
    session: Session,
    user: User,
    name: str = "",
    expires_at: datetime | None = None,
    actor: Actor = SYSTEM,
) -> str:
    """Create an API token; returns the token itself, which is stored only as a hash."""
    token, digest = new_token()
    record = ApiToken(user_id=user.id, token_hash=digest, name=name, expires_at=expires_at)
    session.add(record)
    session.flush()
    audit(session, actor, "token.create", "token", record.id, gebruiker=user.email)
    return token


# --- assessments -----------------------------------------------------------------------


def create_assessment(
    session: Session,
    municipality_code: str,
    year: int,
    actor: Actor = SYSTEM,
    *,
    synthetic: bool = False,
) -> Assessment:
    gemeente = municipality(session, municipality_code)
    this_year = utcnow().year
    if not FIRST_YEAR <= year <= this_year + 1:
        raise InvalidInput(
            _("Kies een peiljaar van {van} tot en met {tot}.").format(
                van=FIRST_YEAR, tot=this_year + 1
            ),
            {
                "jaar": _("{jaar} ligt buiten {van}-{tot}.").format(
                    jaar=year, van=FIRST_YEAR, tot=this_year + 1
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
    taken = session.scalar(
        select(Assessment.id).filter_by(municipality_code=municipality_code, year=year)
    )
    if taken is not None:
        raise Conflict(
            _("Gemeente {naam} heeft al een zelfevaluatie voor {jaar}.").format(
                naam=gemeente.name, jaar=year
            )
        )
    version = questionnaire_version(session, DEFAULT_QUESTIONNAIRE)
    assessment = Assessment(
        municipality_code=municipality_code,
        year=year,
        questionnaire_version=version,
        status=CONCEPT,
        synthetic=synthetic,
    )
    session.add(assessment)
    session.flush()
    prefilled = _prefill(session, assessment, actor)
    audit(
        session,
        actor,
        "assessment.create",
        "zelfevaluatie",
        assessment.id,
        jaar=year,
        vooringevuld=prefilled,
    )
    return assessment


def _prefill(session: Session, item: Assessment, actor: Actor) -> int:
    """Copy the answers of the gemeente's latest earlier assessment, marked as prefilled."""
    previous = session.scalars(
        select(Assessment)
        .filter_by(municipality_code=item.municipality_code)
        .where(Assessment.year < item.year)
        .order_by(Assessment.year.desc())
    ).first()
    if previous is None:
        return 0
    old_answers = {row.question_id: row for row in previous.answers}
    mapping = previous_question_ids(questionnaire_of(item), questionnaire_of(previous))
    new_questions = {q.id: q for q in questionnaire_of(item).questions()}
    copied = 0
    for new_id, old_id in mapping.items():
        old = old_answers.get(old_id)
        if old is None or rules.answer_problems(new_questions[new_id], answer_value(old)):
            continue
        session.add(
            Answer(
                assessment=item,
                question_id=new_id,
                code=old.code,
                regional=old.regional,
                explanation=old.explanation,
                evidence=old.evidence,
                prefilled=True,
                updated_by=actor.user_id,
            )
        )
        copied += 1
    session.flush()
    return copied


def assessment(session: Session, assessment_id: uuid.UUID | str) -> Assessment:
    try:
        key = assessment_id if isinstance(assessment_id, uuid.UUID) else uuid.UUID(assessment_id)
    except ValueError:
        key = None
    found = session.get(Assessment, key) if key is not None else None
    if found is None:
        raise NotFound(_("Zelfevaluatie {id} bestaat niet.").format(id=assessment_id))
    return found


def assessments_of(session: Session, municipality_code: str) -> Sequence[Assessment]:
    municipality(session, municipality_code)
    return session.scalars(
        select(Assessment)
        .filter_by(municipality_code=municipality_code)
        .order_by(Assessment.year.desc())
    ).all()


def questionnaire_of(item: Assessment) -> Questionnaire:
    return definition_of(item.questionnaire_version)


def answer_value(row: Answer) -> rules.Answer:
    return rules.Answer(row.code, row.regional, row.explanation, row.evidence)


def answers_of(item: Assessment) -> dict[str, rules.Answer]:
    return {row.question_id: answer_value(row) for row in item.answers}


def save_answer(
    session: Session,
    assessment_id: uuid.UUID | str,
    question_id: str,
    answer: rules.Answer,
    actor: Actor = SYSTEM,
    expected_version: int | None = None,
) -> Assessment:
    """Validate and store one answer, keeping its history; bumps the assessment version."""
    item = assessment(session, assessment_id)
    question = questionnaire_of(item).question(question_id)
    if question is None:
        raise NotFound(_("Vraag {id} bestaat niet in deze vragenlijst.").format(id=question_id))
    current = next((a for a in item.answers if a.question_id == question_id), None)
    if expected_version is not None and expected_version != item.version:
        raise StaleVersion(
            _(
                "Iemand anders heeft deze zelfevaluatie intussen gewijzigd. "
                "Bekijk het huidige antwoord en sla opnieuw op."
            ),
            current=answer_value(current) if current else None,
            version=item.version,
        )
    if item.status == SUBMITTED:
        raise Conflict(
            _("Deze zelfevaluatie is ingediend; antwoorden kunnen niet meer worden gewijzigd.")
        )
    problems = rules.answer_problems(question, answer, _)
    if problems:
        raise InvalidInput(
            _("Het antwoord op vraag {id} is niet geldig.").format(id=question_id), problems
        )
    old = msgspec.to_builtins(answer_value(current)) if current else None
    if current is None:
        current = Answer(assessment=item, question_id=question_id)
        session.add(current)
    current.code = answer.code
    current.regional = answer.regional
    current.explanation = answer.explanation
    current.evidence = answer.evidence
    current.prefilled = False
    current.updated_at = item.updated_at = utcnow()
    current.updated_by = actor.user_id
    new = msgspec.to_builtins(answer)
    session.add(
        AnswerChange(
            assessment_id=item.id,
            question_id=question_id,
            old=old,
            new=new,
            changed_by=actor.user_id,
        )
    )
    audit(session, actor, "answer.save", "zelfevaluatie", item.id, vraag=question_id)
    try:
        session.flush()
    except StaleDataError as exc:  # another transaction saved first: its version check failed
        raise StaleVersion(
            _("Iemand anders sloeg tegelijk een wijziging op. Laad de zelfevaluatie opnieuw.")
        ) from exc
    return item


def submit(session: Session, assessment_id: uuid.UUID | str, actor: Actor = SYSTEM) -> Assessment:
    item = assessment(session, assessment_id)
    if item.status == SUBMITTED:
        raise Conflict(_("Deze zelfevaluatie is al ingediend."))
    unconfirmed = [row.question_id for row in item.answers if row.prefilled]
    if unconfirmed:
        raise Conflict(
            _(
                "Bevestig of wijzig eerst de {n} van vorig jaar overgenomen antwoorden: {ids}."
            ).format(n=len(unconfirmed), ids=", ".join(unconfirmed))
        )
    analysis = analyse_assessment(item)
    if analysis.open_questions:
        raise Conflict(
            _("Nog {n} vraag/vragen open: {ids}. Beantwoord alle vragen voor het indienen.").format(
                n=len(analysis.open_questions), ids=", ".join(analysis.open_questions)
            ),
        )
    item.status = SUBMITTED
    item.submitted_at = item.updated_at = utcnow()
    item.submitted_by = actor.user_id
    session.add_all(score_rows(item.id, analysis.scores))
    audit(session, actor, "assessment.submit", "zelfevaluatie", item.id)
    session.flush()
    return item


def score_rows(assessment_id: uuid.UUID, scores: Scores) -> list[AssessmentScore]:
    return [
        AssessmentScore(
            assessment_id=assessment_id,
            scope=scope,
            key=group.key,
            score=group.score,
            coverage=group.coverage,
        )
        for scope, group in scored_groups(scores)
    ]


def analyse_assessment(item: Assessment) -> GapAnalysis:
    questionnaire = questionnaire_of(item)
    return analyse(questionnaire, score(questionnaire, answers_of(item)))


def gap_analysis(session: Session, assessment_id: uuid.UUID | str) -> GapAnalysis:
    return analyse_assessment(assessment(session, assessment_id))


def count_assessments(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Assessment)) or 0


# --- access-checked use cases (API and pages) ------------------------------------------


def visible_assessments(
    session: Session, principal: Principal, municipality_code: str, page: int, size: int
) -> tuple[Sequence[Assessment], int]:
    """The assessments of a gemeente that the principal may read, newest year first."""
    gemeente = municipality(session, municipality_code)
    if not sees_municipality(principal, municipality_code, gemeente.riec):
        raise NotFound(
            _("Gemeente {code} heeft geen zelfevaluaties die u mag zien.").format(
                code=municipality_code
            )
        )
    query = select(Assessment).filter_by(municipality_code=municipality_code)
    if principal.role != Role.MEDEWERKER:
        query = query.filter_by(status=SUBMITTED, sharing=Sharing.NAMED)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Assessment.year.desc()).offset((page - 1) * size).limit(size)
    ).all()
    return items, total


def readable_assessment(
    session: Session, principal: Principal, assessment_id: uuid.UUID | str
) -> Assessment:
    """The assessment, or NotFound when the principal may not know it exists."""
    item = assessment(session, assessment_id)
    riec = municipality(session, item.municipality_code).riec
    if not can_read(principal, item.municipality_code, riec, item.status, item.sharing):
        raise NotFound(_("Zelfevaluatie {id} bestaat niet.").format(id=assessment_id))
    return item


def writable_assessment(
    session: Session, principal: Principal, assessment_id: uuid.UUID | str
) -> Assessment:
    item = readable_assessment(session, principal, assessment_id)
    if not can_write(principal, item.municipality_code):
        raise Forbidden(
            _("Alleen medewerkers van de gemeente zelf kunnen deze zelfevaluatie wijzigen.")
        )
    return item


def start_assessment(
    session: Session, principal: Principal, municipality_code: str, year: int, source: str = ""
) -> Assessment:
    gemeente = municipality(session, municipality_code)
    if not sees_municipality(principal, municipality_code, gemeente.riec):
        raise NotFound(
            _("Gemeente {code} heeft geen zelfevaluaties die u mag zien.").format(
                code=municipality_code
            )
        )
    if not can_write(principal, municipality_code):
        raise Forbidden(_("Alleen medewerkers van een gemeente starten een zelfevaluatie."))
    return create_assessment(session, municipality_code, year, Actor.of(principal, source))


def set_sharing(
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID | str,
    sharing: Sharing,
    source: str = "",
) -> Assessment:
    item = writable_assessment(session, principal, assessment_id)
    if item.sharing != sharing:
        old, item.sharing = item.sharing, sharing
        item.updated_at = utcnow()
        audit(
            session,
            Actor.of(principal, source),
            "assessment.share",
            "zelfevaluatie",
            item.id,
            oud=old,
            nieuw=str(sharing),
        )
        session.flush()
    return item


# --- peer comparison -------------------------------------------------------------------

PEER_GROUPS = {
    "grootteklasse": (N_("grootteklasse"), Municipality.size_class),
    "provincie": (N_("provincie"), Municipality.province),
    "riec": (N_("RIEC-regio"), Municipality.riec),
    "alle": (N_("alle gemeenten"), None),
}


PEER_GROUP_ORDER = tuple(PEER_GROUPS)  # as pages and reports show them


@dataclass(frozen=True)
class PeerComparison:
    group: str
    label: str
    year: int
    comparison: GroupComparison
    own: dict[ScoreKey, float | None]


def own_scores(scores: Scores) -> dict[ScoreKey, float | None]:
    return {(scope, group.key): group.score for scope, group in scored_groups(scores)}


def peer_comparison(
    session: Session, item: Assessment, group: str, min_group_size: int
) -> PeerComparison:
    """The group's statistics from stored scores of submitted, shared assessments."""
    kind, column = PEER_GROUPS[group]
    gemeente = municipality(session, item.municipality_code)
    value = getattr(gemeente, column.key) if column is not None else None
    label = _(kind) if column is None else f"{_(kind)} {value or _('onbekend')}"
    members: dict[uuid.UUID, dict[ScoreKey, float | None]] = {}
    if column is None or value is not None:
        query = (
            select(
                AssessmentScore.assessment_id,
                AssessmentScore.scope,
                AssessmentScore.key,
                AssessmentScore.score,
            )
            .join(Assessment, Assessment.id == AssessmentScore.assessment_id)
            .join(Municipality, Municipality.code == Assessment.municipality_code)
            .where(
                Assessment.year == item.year,
                Assessment.questionnaire_version_id == item.questionnaire_version_id,
                Assessment.status == SUBMITTED,
                Assessment.sharing.in_([str(s) for s in COUNTED_IN_AGGREGATES]),
            )
        )
        if column is not None:
            query = query.where(column == value)
        for assessment_id, scope, key, score_value in session.execute(query):
            members.setdefault(assessment_id, {})[(scope, key)] = score_value
    return PeerComparison(
        group=group,
        label=label,
        year=item.year,
        comparison=compare(members, min_group_size, label, _),
        own=own_scores(analyse_assessment(item).scores),
    )


# --- authentication --------------------------------------------------------------------


def principal_for_token(session: Session, token: str) -> Principal | None:
    """The active user behind a valid, unexpired, unrevoked API token."""
    record = session.scalar(select(ApiToken).filter_by(token_hash=token_hash(token)))
    if record is None or record.revoked_at is not None:
        return None
    if record.expires_at is not None and record.expires_at <= utcnow():
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        return None
    return principal_of(user)


def riec_regions(session: Session) -> list[str]:
    query = select(Municipality.riec).where(Municipality.riec.is_not(None)).distinct()
    return sorted(session.scalars(query))


def principal_of(user: User) -> Principal:
    return Principal(user.id, user.email, Role(user.role), user.municipality_code, user.region)


def tokens_of(session: Session, user: User) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at)
    ).all()


def revoke_token(session: Session, user: User, token_id: int, actor: Actor = SYSTEM) -> ApiToken:
    record = session.scalar(select(ApiToken).filter_by(id=token_id, user_id=user.id))
    if record is None:
        raise NotFound(
            _("Token {id} van {email} bestaat niet.").format(id=token_id, email=user.email)
        )
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        audit(session, actor, "token.revoke", "token", record.id, gebruiker=user.email)
    return record


# --- sign-in and account ---------------------------------------------------------------

LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_MAX_FAILURES = 5
MIN_PASSWORD = 10


def _login_key(email: str, source: str) -> str:
    return hashlib.sha256(f"{source}|{email.strip().lower()}".encode()).hexdigest()


def login_blocked(session: Session, email: str, source: str) -> bool:
    since = utcnow() - LOGIN_WINDOW
    failures = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.key == _login_key(email, source), LoginFailure.at >= since)
    )
    return (failures or 0) >= LOGIN_MAX_FAILURES


def authenticate(session: Session, email: str, password: str, source: str) -> Principal | None:
    """The principal for a correct e-mail and password; None (and a counted failure) otherwise.

    The answer never tells whether the e-mail exists. Blocked keys fail without checking.
    """
    if login_blocked(session, email, source):
        return None
    user = session.scalar(select(User).filter_by(email=email.strip().lower()))
    if user is not None and user.active and verify_password(user.password_hash, password):
        session.execute(delete(LoginFailure).where(LoginFailure.key == _login_key(email, source)))
        audit(session, Actor(user.id, source), "user.login", "gebruiker", user.id)
        return principal_of(user)
    session.add(LoginFailure(key=_login_key(email, source)))
    return None


def active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound(_("Deze gebruiker bestaat niet meer."))
    return user


def user_of(session: Session, principal: Principal) -> User:
    return active_user(session, principal.user_id)


def change_password(
    session: Session, principal: Principal, current: str, new: str, repeat: str, source: str = ""
) -> None:
    user = user_of(session, principal)
    problems: dict[str, str] = {}
    if not verify_password(user.password_hash, current):
        problems["huidig"] = _("Het huidige wachtwoord klopt niet.")
    if len(new) < MIN_PASSWORD:
        problems["nieuw"] = _("Een wachtwoord heeft minstens {n} tekens.").format(n=MIN_PASSWORD)
    elif new != repeat:
        problems["herhaling"] = _("De twee nieuwe wachtwoorden zijn niet gelijk.")
    if problems:
        raise InvalidInput(_("Het wachtwoord is niet gewijzigd."), problems)
    user.password_hash = hash_password(new)
    audit(session, Actor(user.id, source), "user.password", "gebruiker", user.id)


def set_language(session: Session, principal: Principal, language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInput(_("Onbekende taal."), {"taal": _("Kies Nederlands of English.")})
    user_of(session, principal).language = language


@dataclass(frozen=True)
class Progress:
    total: int
    answered: int
    prefilled: int

    @property
    def percentage(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress(item: Assessment, domain: str | None = None) -> Progress:
    questionnaire = questionnaire_of(item)
    ids = {
        q.id for d in questionnaire.domeinen if domain is None or d.code == domain for q in d.vragen
    }
    rows = [row for row in item.answers if row.question_id in ids]
    return Progress(len(ids), sum(not r.prefilled for r in rows), sum(r.prefilled for r in rows))


def previous_assessment(session: Session, item: Assessment) -> Assessment | None:
    """The gemeente's latest submitted assessment of an earlier year."""
    return session.scalars(
        select(Assessment)
        .filter_by(municipality_code=item.municipality_code, status=SUBMITTED)
        .where(Assessment.year < item.year)
        .order_by(Assessment.year.desc())
    ).first()


def submitter_of(session: Session, item: Assessment) -> str | None:
    if item.submitted_by is None:
        return None
    user = session.get(User, item.submitted_by)
    return user.email if user else None
