"""The second factor: an authenticator app's six-digit code (TOTP), or a single-use recovery
code when the phone is lost. Required for a beheerder, optional for everyone else."""

from __future__ import annotations

import msgspec
import segno
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from assess import security
from assess.access import Principal, Role
from assess.db.models import RecoveryCode, User, utcnow
from assess.errors import Conflict, InvalidInput
from assess.i18n import _
from assess.services import audit
from assess.services.accounts import own_user, user_row

RECOVERY_CODES = 10


class Enrolment(msgspec.Struct, frozen=True):
    """What a user needs to add the account to an authenticator app."""

    secret: str
    qr_svg: str  # the otpauth:// address as an inline SVG QR code

    @property
    def grouped_secret(self) -> str:
        """The secret in groups of four, for typing it in instead of scanning."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


def required(role: Role) -> bool:
    return role == Role.BEHEERDER


def enrolment(email: str, secret: str) -> Enrolment:
    qr = segno.make(security.totp_uri(secret, email), error="m")
    svg = qr.svg_inline(scale=5, dark="#000", light="#fff", title=_("QR-code voor uw app"))
    return Enrolment(secret, svg)


class State(msgspec.Struct, frozen=True):
    """One's own second factor, for the account page."""

    enabled: bool
    required: bool
    recovery_codes_left: int


def state(session: Session, who: Principal) -> State:
    user = own_user(session, who)
    query = select(func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    left = session.scalar(query) or 0
    return State(user.totp_secret is not None, required(Role(user.role)), left)


def enable(session: Session, who: Principal, secret: str, code: str) -> list[str]:
    """Turn the second factor on once the app shows a matching code; the new recovery codes."""
    user = own_user(session, who)
    if user.totp_secret is not None:
        raise Conflict(_("Tweestapsverificatie staat al aan."))
    step = security.totp_step(secret, code, utcnow(), after=0)
    if step is None:
        raise InvalidInput(_("Tweestapsverificatie staat nog niet aan."), _wrong_code())
    user.totp_secret, user.totp_last_step = secret, step
    audit.record(session, who, "user.totp_on", "gebruiker", user.id)
    return _new_recovery_codes(session, user)


def renew_recovery_codes(session: Session, who: Principal, code: str) -> list[str]:
    """Fresh recovery codes (the old ones stop working), against a code from the app."""
    user = own_user(session, who)
    _require_app_code(user, code)
    audit.record(session, who, "user.recovery_codes", "gebruiker", user.id)
    return _new_recovery_codes(session, user)


def disable(session: Session, who: Principal, code: str) -> None:
    user = own_user(session, who)
    if required(Role(user.role)):
        raise Conflict(_("Voor een beheerder is tweestapsverificatie verplicht."))
    _require_app_code(user, code)
    _clear(session, user)
    audit.record(session, who, "user.totp_off", "gebruiker", user.id)


def reset(session: Session, who: Principal, email: str) -> None:
    """For a user who lost both phone and recovery codes: set up again at the next sign-in."""
    user = user_row(session, who, email)
    _clear(session, user)
    audit.record(session, who, "user.totp_reset", "gebruiker", user.id)


def verify(session: Session, user: User, code: str) -> bool:
    """Whether the code from the app, or an unused recovery code, is right; uses it up."""
    if _use_app_code(user, code):
        return True
    if user.totp_secret is None:
        return False
    used = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == security.recovery_code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return bool(getattr(used, "rowcount", 0))


def _use_app_code(user: User, code: str) -> bool:
    """Whether this is the app's code of now (give or take a step) and not used before; if so,
    it is used up."""
    if user.totp_secret is None:
        return False
    step = security.totp_step(user.totp_secret, code, utcnow(), after=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def _require_app_code(user: User, code: str) -> None:
    if not _use_app_code(user, code):
        raise InvalidInput(_("Er is niets gewijzigd."), _wrong_code())


def wrong_code() -> str:
    return _("Deze code klopt niet. Typ de zes cijfers die uw app nu toont.")


def _wrong_code() -> dict[str, str]:
    return {"code": wrong_code()}


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [security.new_recovery_code() for _n in range(RECOVERY_CODES)]
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=security.recovery_code_hash(c)) for c in codes
    )
    return codes


def _clear(session: Session, user: User) -> None:
    user.totp_secret, user.totp_last_step = None, 0
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
