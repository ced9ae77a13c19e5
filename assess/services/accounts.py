"""Users: add them (beheerder, system), sign in, and look after one's own account."""

from __future__ import annotations

from datetime import datetime
from typing import Final

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from assess import security
from assess.access import USER_ROLES, Principal, Role
from assess.db.models import Municipality, User
from assess.errors import Conflict, InvalidInput, NotFound
from assess.i18n import LANGUAGES, _
from assess.services import audit, register
from assess.services.guards import require_administrator

MIN_PASSWORD_LENGTH: Final = 12


class Account(msgspec.Struct, frozen=True):
    id: int
    email: str
    role: Role
    municipality_code: str | None
    region: str | None
    language: str
    created_at: datetime
    session_epoch: int = 0

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(
            user.id,
            user.email,
            Role(user.role),
            user.municipality_code,
            user.region,
            user.language,
            user.created_at,
            user.session_epoch,
        )


def password_problems(password: str, email: str = "") -> str | None:
    """Why a password is not good enough, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Een wachtwoord heeft minstens {n} tekens.").format(n=MIN_PASSWORD_LENGTH)
    if security.easily_guessed(password, email):
        return _(
            "Dit wachtwoord is te makkelijk te raden: het staat in lijsten van veelgebruikte "
            "wachtwoorden of lijkt erop. Kies bijvoorbeeld vier losse woorden."
        )
    return None


def add_user(
    session: Session,
    who: Principal,
    email: str,
    role: str,
    password: str,
    municipality_code: str | None = None,
    region: str | None = None,
) -> Account:
    require_administrator(who, _("Alleen een beheerder maakt gebruikers aan."))
    email = email.strip().lower()
    problems: dict[str, str] = {}
    if "@" not in email or len(email) > 254:
        problems["email"] = _("Geef een geldig e-mailadres.")
    problems |= role_problems(session, role, municipality_code, region)
    if weak := password_problems(password, email):
        problems["wachtwoord"] = weak
    if problems:
        raise InvalidInput(_("De gebruiker kan zo niet worden aangemaakt."), problems)
    if session.scalar(select(User).filter_by(email=email)) is not None:
        raise Conflict(_("Er is al een gebruiker met e-mailadres {email}.").format(email=email))
    user = User(
        email=email,
        role=role,
        password_hash=security.hash_password(password),
        municipality_code=municipality_code,
        region=region,
    )
    session.add(user)
    session.flush()
    audit.record(session, who, "user.add", "gebruiker", user.id, email=email, rol=role)
    return Account.of(user)


def role_problems(
    session: Session, role: str, municipality_code: str | None, region: str | None
) -> dict[str, str]:
    """What is wrong with a role and its place: a medewerker belongs to a gemeente, a
    regiocoördinator to a RIEC region, and nobody else to either. Keys are form fields."""
    problems: dict[str, str] = {}
    if role not in USER_ROLES:
        problems["rol"] = _("Kies een rol uit: {rollen}.").format(rollen=", ".join(USER_ROLES))
    if role == Role.MEDEWERKER and not municipality_code:
        problems["gemeente"] = _("Een medewerker hoort bij een gemeente.")
    if role != Role.MEDEWERKER and municipality_code:
        problems["gemeente"] = _("Alleen een medewerker hoort bij een gemeente.")
    elif municipality_code and session.get(Municipality, municipality_code) is None:
        problems["gemeente"] = _("Gemeente {code} bestaat niet in het register.").format(
            code=municipality_code
        )
    if role == Role.REGIO and region not in (regions := register.riec_regions(session)):
        problems["regio"] = _("Een regiocoördinator hoort bij een RIEC-regio: {regios}.").format(
            regios=", ".join(regions)
        )
    if role != Role.REGIO and region:
        problems["regio"] = _("Alleen een regiocoördinator hoort bij een regio.")
    return problems


def user_row(session: Session, who: Principal, email: str) -> User:
    """A user by e-mail address, for an administrator (the command line)."""
    require_administrator(who, _("Alleen een beheerder zoekt gebruikers op."))
    user = session.scalar(select(User).filter_by(email=email.strip().lower()))
    if user is None:
        raise NotFound(_("Er is geen gebruiker met e-mailadres {email}.").format(email=email))
    return user


def affiliation(user: User) -> str:
    """Where a user belongs, as shown beside the e-mail: the gemeente or the RIEC region."""
    return affiliation_of(user.municipality.name if user.municipality else None, user.region)


def affiliation_of(gemeente: str | None, region: str | None) -> str:
    """`affiliation` from the gemeente's name and the region, for callers that read columns."""
    return gemeente or region or ""


def principal_of(user: User, source: str = "") -> Principal:
    return Principal(
        user.id,
        user.email,
        Role(user.role),
        user.municipality_code,
        user.region,
        source,
        affiliation(user),
    )


def active_principal(
    session: Session, user_id: int, source: str = "", epoch: int = 0
) -> Principal | None:
    """The principal of an active user whose session began in the current session epoch
    (a signed-in session); None when blocked, gone, or the password changed since."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return principal_of(user, source)


def own_user(session: Session, who: Principal) -> User:
    user = session.get(User, who.user_id) if who.user_id is not None else None
    if user is None or not user.active:
        raise NotFound(_("Deze gebruiker bestaat niet meer."))
    return user


def account(session: Session, who: Principal) -> Account:
    return Account.of(own_user(session, who))


# --- one's own account -----------------------------------------------------------------


def change_password(session: Session, who: Principal, current: str, new: str, repeat: str) -> None:
    user = own_user(session, who)
    problems: dict[str, str] = {}
    if not security.verify_password(user.password_hash, current):
        problems["huidig"] = _("Het huidige wachtwoord klopt niet.")
    if weak := password_problems(new, user.email):
        problems["nieuw"] = weak
    elif new != repeat:
        problems["herhaling"] = _("De twee nieuwe wachtwoorden zijn niet gelijk.")
    if problems:
        raise InvalidInput(_("Het wachtwoord is niet gewijzigd."), problems)
    user.password_hash = security.hash_password(new)
    user.session_epoch += 1  # every session signed in with the old password ends
    audit.record(session, who, "user.password", "gebruiker", user.id)


def set_language(session: Session, who: Principal, language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInput(_("Onbekende taal."), {"taal": _("Kies Nederlands of English.")})
    own_user(session, who).language = language
