"""API tokens: create, list and revoke one's own (or, for an administrator, anyone's)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import msgspec
from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.orm import Session

from assess import security
from assess.access import Principal, Role
from assess.db.models import ApiToken, Municipality, User, utcnow
from assess.errors import InvalidInput, NotFound
from assess.i18n import _
from assess.services import accounts, audit


class Token(msgspec.Struct, frozen=True):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: ApiToken) -> Token:
        return cls(row.id, row.name, row.created_at, row.expires_at, row.revoked_at)


def _owner(session: Session, who: Principal, email: str | None) -> User:
    """The principal's own user, or (for an administrator) the user with that e-mail."""
    return (
        accounts.own_user(session, who) if email is None else accounts.user_row(session, who, email)
    )


def create(
    session: Session,
    who: Principal,
    name: str = "",
    expires_at: datetime | None = None,
    owner_email: str | None = None,
) -> str:
    """Create an API token; returns the token itself, which is stored only as a hash."""
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput(
            _("Het token is niet aangemaakt."),
            {"verloopt": _("Kies een vervaldatum in de toekomst, of laat het veld leeg.")},
        )
    user = _owner(session, who, owner_email)
    token, digest = security.new_token()
    record = ApiToken(user_id=user.id, token_hash=digest, name=name[:100], expires_at=expires_at)
    session.add(record)
    session.flush()
    audit.record(session, who, "token.create", "token", record.id, gebruiker=user.email)
    return token


def of_user(session: Session, who: Principal, owner_email: str | None = None) -> list[Token]:
    user = _owner(session, who, owner_email)
    rows = session.scalars(
        select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at)
    )
    return [Token.of(row) for row in rows]


def revoke(
    session: Session, who: Principal, token_id: int, owner_email: str | None = None
) -> Token:
    user = _owner(session, who, owner_email)
    record = session.scalar(select(ApiToken).filter_by(id=token_id, user_id=user.id))
    if record is None:
        raise NotFound(
            _("Token {id} van {email} bestaat niet.").format(id=token_id, email=user.email)
        )
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        audit.record(session, who, "token.revoke", "token", record.id, gebruiker=user.email)
    return Token.of(record)


# Every API request runs this statement: table columns (Core), not ORM attributes or a User
# object, which cost more than the query itself.
_U, _T, _M = (cast(Table, m.__table__) for m in (User, ApiToken, Municipality))
_TOKEN_USER = (
    select(_U.c.id, _U.c.email, _U.c.role, _U.c.municipality_code, _U.c.region, _M.c.name)
    .join(_T, _T.c.user_id == _U.c.id)
    .outerjoin(_M, _M.c.code == _U.c.municipality_code)
    .where(
        _T.c.token_hash == bindparam("token_hash"),
        _T.c.revoked_at.is_(None),
        or_(_T.c.expires_at.is_(None), _T.c.expires_at > bindparam("now")),
        _U.c.active.is_(True),
    )
)


def principal_for(session: Session, token: str, source: str = "") -> Principal | None:
    """The active user behind a valid, unexpired, unrevoked API token (every API request
    asks, so in one statement)."""
    found = session.execute(
        _TOKEN_USER, {"token_hash": security.token_hash(token), "now": utcnow()}
    ).first()
    if found is None:
        return None
    user_id, email, role, code, region, gemeente = found
    return Principal(
        user_id, email, Role(role), code, region, source, accounts.affiliation_of(gemeente, region)
    )
