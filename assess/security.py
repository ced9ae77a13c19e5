"""Password hashing (argon2) and API tokens (random, stored as SHA-256 hashes)."""

from __future__ import annotations

import hashlib
import secrets

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
