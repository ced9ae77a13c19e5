"""Password hashing (argon2), API tokens (random, stored as SHA-256 hashes) and the second
factor: time-based one-time codes (TOTP, RFC 6238) and single-use recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
TOKEN_PREFIX = "zsm_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Words a guesser of this service's passwords would try first.
SERVICE_WORDS = ("zelfscan", "mensenhandel", "gemeente", "vng", "welkom", "wachtwoord")


def easily_guessed(password: str, email: str = "") -> bool:
    """In zxcvbn's offline lists of common passwords and words, or close to them (a keyboard
    row, a repeat, a date, the e-mail address), with the estimate below 10^8 guesses."""
    hints = [*SERVICE_WORDS, email, *email.replace("@", ".").split(".")]
    return bool(zxcvbn(password[:72], user_inputs=[h for h in hints if h])["score"] < 3)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def new_token() -> tuple[str, str]:
    """A fresh API token and the hash to store; the token itself is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOTP_ISSUER = "Zelfscan mensenhandel"
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to mistype


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_step(secret: str, code: str, at: datetime, after: int) -> int | None:
    """The 30-second step whose code this is, within one step of `at` (clocks drift) and
    later than `after`, the step last used: each code signs in once. None if no step fits."""
    totp = pyotp.TOTP(secret)
    given = "".join(code.split())
    now = totp.timecode(at)
    for step in (now - 1, now, now + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), given):
            return step
    return None


def new_recovery_code() -> str:
    """Ten random letters and digits (50 bits), shown as two groups of five."""
    letters = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{letters[:5]}-{letters[5:]}"


def recovery_code_hash(code: str) -> str:
    """Stored instead of the code; spaces, dashes and capitals as typed do not matter."""
    normalised = "".join(c for c in code.lower() if c.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()
