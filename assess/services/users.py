"""The beheerder's user administration: who has an account, changing a role, blocking and
unblocking. (Adding a user is `accounts.add_user`; a second factor `second_factor.reset`.)"""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.access import Principal, Role
from assess.db.models import User
from assess.errors import Conflict, InvalidInput, NotFound
from assess.i18n import _
from assess.services import audit
from assess.services.accounts import affiliation, role_problems
from assess.services.guards import require_administrator


class Listed(msgspec.Struct, frozen=True):
    id: int
    email: str
    role: Role
    affiliation: str  # the gemeente's name or the RIEC region; "" for VNG roles
    active: bool
    second_factor: bool
    created_at: datetime
    municipality_code: str | None
    region: str | None

    @classmethod
    def of(cls, u: User) -> Listed:
        return cls(
            u.id,
            u.email,
            Role(u.role),
            affiliation(u),
            u.active,
            u.totp_secret is not None,
            u.created_at,
            u.municipality_code,
            u.region,
        )

    def form_fields(self) -> dict[str, str]:
        """The role and its place as the fields of the role form."""
        place = {"gemeente": self.municipality_code or "", "regio": self.region or ""}
        return {"rol": self.role.value, **place}


def listing(session: Session, who: Principal) -> list[Listed]:
    require_administrator(who, _("Alleen een beheerder ziet de gebruikers."))
    return [Listed.of(u) for u in session.scalars(select(User).order_by(User.email))]


def one(session: Session, who: Principal, user_id: int) -> Listed:
    require_administrator(who, _("Alleen een beheerder ziet de gebruikers."))
    return Listed.of(_user(session, user_id))


def change_role(
    session: Session,
    who: Principal,
    user_id: int,
    role: str,
    municipality_code: str | None,
    region: str | None,
) -> tuple[Listed, bool]:
    """Give a user another role (and gemeente or region). Their sessions end, so the new
    rights hold from their next sign-in; a new beheerder sets up a second factor then.
    Returns the user and whether anything changed."""
    require_administrator(who, _("Alleen een beheerder wijzigt rollen."))
    user = _user(session, user_id)
    if user.id == who.user_id:
        raise Conflict(_("U kunt uw eigen rol niet wijzigen; vraag een andere beheerder."))
    if problems := role_problems(session, role, municipality_code, region):
        raise InvalidInput(_("De rol kan zo niet worden gewijzigd."), problems)
    before = (user.role, user.municipality_code, user.region)
    changed = before != (role, municipality_code, region)
    if changed:
        user.role, user.municipality_code, user.region = role, municipality_code, region
        user.session_epoch += 1
        session.flush()
        session.refresh(user, ["municipality"])
        audit.record(
            session,
            who,
            "user.role",
            "gebruiker",
            user.id,
            email=user.email,
            van="/".join(filter(None, before)),
            naar="/".join(filter(None, (role, municipality_code, region))),
        )
    return Listed.of(user), changed


def set_active(session: Session, who: Principal, user_id: int, active: bool) -> str:
    """Block (or unblock) a user; a blocked user's sessions and API tokens stop at once.
    Returns the user's e-mail address."""
    require_administrator(who, _("Alleen een beheerder blokkeert gebruikers."))
    user = _user(session, user_id)
    if user.id == who.user_id and not active:
        raise Conflict(_("U kunt uzelf niet blokkeren."))
    if user.active != active:
        user.active = active
        user.session_epoch += 1  # every session ends; signing in again needs an unblock
        action = "user.unblock" if active else "user.block"
        audit.record(session, who, action, "gebruiker", user.id, email=user.email)
    return user.email


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("Deze gebruiker bestaat niet."))
    return user
