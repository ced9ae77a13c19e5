"""The beheerder's user administration: who has an account, and blocking or unblocking one.
(Adding a user is `accounts.add_user`; resetting a second factor is `second_factor.reset`.)"""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.access import Principal, Role
from assess.db.models import User
from assess.errors import Conflict, NotFound
from assess.i18n import _
from assess.services import audit
from assess.services.accounts import affiliation
from assess.services.guards import require_administrator


class Listed(msgspec.Struct, frozen=True):
    id: int
    email: str
    role: Role
    affiliation: str  # the gemeente's name or the RIEC region; "" for VNG roles
    active: bool
    second_factor: bool
    created_at: datetime


def listing(session: Session, who: Principal) -> list[Listed]:
    require_administrator(who, _("Alleen een beheerder ziet de gebruikers."))
    found = session.scalars(select(User).order_by(User.email))
    return [
        Listed(
            u.id,
            u.email,
            Role(u.role),
            affiliation(u),
            u.active,
            u.totp_secret is not None,
            u.created_at,
        )
        for u in found
    ]


def set_active(session: Session, who: Principal, user_id: int, active: bool) -> str:
    """Block (or unblock) a user; a blocked user's sessions and API tokens stop at once.
    Returns the user's e-mail address."""
    require_administrator(who, _("Alleen een beheerder blokkeert gebruikers."))
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("Deze gebruiker bestaat niet."))
    if user.id == who.user_id and not active:
        raise Conflict(_("U kunt uzelf niet blokkeren."))
    if user.active != active:
        user.active = active
        user.session_epoch += 1  # every session ends; signing in again needs an unblock
        action = "user.unblock" if active else "user.block"
        audit.record(session, who, action, "gebruiker", user.id, email=user.email)
    return user.email
