"""Questionnaires: load a version (beheerder, system), read the versions (everyone)."""

from __future__ import annotations

import hashlib

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.access import Principal
from assess.db.models import QuestionnaireVersion
from assess.errors import Conflict, NotFound
from assess.framework.schema import Questionnaire
from assess.i18n import _
from assess.services import audit
from assess.services.guards import require_administrator

DEFAULT_QUESTIONNAIRE = "zelfscan-mensenhandel"


def store(session: Session, who: Principal, questionnaire: Questionnaire) -> bool:
    """Store a questionnaire version; True when new, False when already stored unchanged."""
    require_administrator(who, _("Alleen een beheerder laadt vragenlijsten."))
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
    audit.record(
        session,
        who,
        "questionnaire.load",
        "vragenlijst",
        questionnaire.id,
        versie=questionnaire.versie,
    )
    return True


def definition_of(version: QuestionnaireVersion) -> Questionnaire:
    """Decoded once per content digest: a stored version never changes, so its definition
    (about 100 KB, deferred on the model) is only read from the database on a miss."""
    found = _decoded.get(version.sha256)
    return found if found is not None else _decode(version.sha256, version.definition)


def definition_by_digest(session: Session, digest: str) -> Questionnaire:
    """The stored version with this sha256, as `definition_of` gives it."""
    found = _decoded.get(digest)
    if found is not None:
        return found
    stored_text = session.scalar(
        select(QuestionnaireVersion.definition).filter_by(sha256=digest).limit(1)
    )
    if stored_text is None:
        raise NotFound(_("Deze versie van de vragenlijst is niet geladen."))
    return _decode(digest, stored_text)


def _decode(digest: str, definition: str) -> Questionnaire:
    found = _decoded[digest] = msgspec.json.decode(definition, type=Questionnaire)
    return found


_decoded: dict[str, Questionnaire] = {}  # a handful of versions ever exist


def stored(session: Session) -> list[Questionnaire]:
    """Every loaded version of every questionnaire, oldest first."""
    rows = session.scalars(
        select(QuestionnaireVersion).order_by(
            QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.id
        )
    )
    return [definition_of(row) for row in rows]


def version_row(
    session: Session, questionnaire_id: str = DEFAULT_QUESTIONNAIRE, version: str | None = None
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


def get(
    session: Session, questionnaire_id: str = DEFAULT_QUESTIONNAIRE, version: str | None = None
) -> Questionnaire:
    return definition_of(version_row(session, questionnaire_id, version))


def latest(session: Session) -> Questionnaire | None:
    """The newest version of the default questionnaire, or None before any is loaded."""
    try:
        return get(session)
    except NotFound:
        return None


def question_texts(session: Session) -> dict[str, str]:
    """Question id -> question, from the newest questionnaire (labels for aggregates)."""
    newest = latest(session)
    return {q.id: q.vraag for q in newest.questions()} if newest else {}


def domain_titles(session: Session) -> dict[str, str]:
    """Domain code -> title, from the newest questionnaire (labels for aggregates)."""
    newest = latest(session)
    return {d.code: d.titel for d in newest.domeinen} if newest else {}
