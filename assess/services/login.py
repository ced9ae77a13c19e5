"""Signing in: check the password, then the second factor where it is set up or required;
throttle failures (of either step) per account, per address and overall.

Every attempt costs the same work, whether the e-mail exists or not (an argon2 check against a
stand-in hash), so neither the answer nor its timing tells which accounts exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assess import security
from assess.access import Principal, Role
from assess.db.models import LoginFailure, User, utcnow
from assess.framework import throttle
from assess.services import audit, second_factor
from assess.services.accounts import own_user, principal_of


class NextStep(StrEnum):
    """What follows a correct password."""

    DONE = "klaar"
    CODE = "code"  # the second factor is set up: ask for its code
    ENROL = "instellen"  # the role requires a second factor that is not set up yet


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}|{value}".encode()).hexdigest()


def _account_key(email: str) -> str:
    return _key("account", email.strip().lower())


def _address_key(source: str) -> str:
    return _key("address", source)


def wait(session: Session, email: str, source: str) -> timedelta:
    """How long this e-mail from this address must wait before the next try (zero: go)."""
    now = utcnow()
    by_account = _failures(session, now - throttle.PER_ACCOUNT.window, _account_key(email))
    by_address = _failures(
        session, now - throttle.PER_ADDRESS.window, address_key=_address_key(source)
    )
    overall = _failures(session, now - throttle.OVERALL.window)
    return max(
        throttle.wait(by_account, now, throttle.PER_ACCOUNT),
        throttle.wait(by_address, now, throttle.PER_ADDRESS),
        throttle.wait(overall, now, throttle.OVERALL),
    )


def _failures(
    session: Session, since: datetime, account_key: str = "", address_key: str = ""
) -> Sequence[datetime]:
    """When the failures since `since` happened: of one account, one address, or all."""
    query = select(LoginFailure.at).where(LoginFailure.at >= since)
    if account_key:
        query = query.where(LoginFailure.account_key == account_key)
    if address_key:
        query = query.where(LoginFailure.address_key == address_key)
    return session.scalars(query).all()


@cache
def _stand_in_hash() -> str:
    return security.hash_password(security.generate_password())


def authenticate(
    session: Session, email: str, password: str, source: str
) -> tuple[Principal, NextStep] | None:
    """The principal for a correct e-mail and password, and the step that follows; None
    otherwise. Signed in only after `finish`.

    Call `wait` first. A failure is counted by `count_failure`, in a transaction of its own,
    because the failed request itself commits nothing.
    """
    user = session.scalar(select(User).filter_by(email=email.strip().lower()))
    known = user is not None and user.active
    checked = security.verify_password(
        user.password_hash if known and user else _stand_in_hash(), password
    )
    if not (known and checked and user):
        return None
    if user.totp_secret is not None:
        step = NextStep.CODE
    elif second_factor.required(Role(user.role)):
        step = NextStep.ENROL
    else:
        step = NextStep.DONE
    return principal_of(user, source), step


def check_code(session: Session, who: Principal, code: str) -> bool:
    """Whether the second factor's code is right (call `wait` first; count a failure)."""
    return second_factor.verify(session, own_user(session, who), code)


def finish(session: Session, who: Principal) -> None:
    """Signed in: the account's failures are forgotten and the sign-in kept in the audit log."""
    session.execute(delete(LoginFailure).where(LoginFailure.account_key == _account_key(who.email)))
    audit.record(session, who, "user.login", "gebruiker", who.user_id)


def count_failure(session: Session, email: str, source: str) -> None:
    """Keep a failure, and forget those older than a day."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - throttle.KEPT))
    session.add(LoginFailure(account_key=_account_key(email), address_key=_address_key(source)))
