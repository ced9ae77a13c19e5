"""Who may read and write which assessment (pure policy, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    MEDEWERKER = "medewerker"  # a municipal officer, tied to one gemeente
    ANALIST = "analist"  # VNG analyst: aggregates and assessments shared by name
    BEHEERDER = "beheerder"  # manages users, the register and questionnaires


class Sharing(StrEnum):
    PRIVATE = "prive"  # own use only; never counted
    ANONYMISED = "geanonimiseerd"  # counts in aggregates (the default)
    NAMED = "benoemd"  # VNG may see it by name


COUNTED_IN_AGGREGATES = (Sharing.ANONYMISED, Sharing.NAMED)
SUBMITTED = "ingediend"


@dataclass(frozen=True)
class Principal:
    user_id: int
    email: str
    role: Role
    municipality_code: str | None = None


def sees_municipality(principal: Principal, municipality_code: str) -> bool:
    """Whether the principal may know that this gemeente's assessments exist at all."""
    if principal.role == Role.MEDEWERKER:
        return principal.municipality_code == municipality_code
    return True


def can_read(principal: Principal, municipality_code: str, status: str, sharing: str) -> bool:
    if principal.role == Role.MEDEWERKER:
        return principal.municipality_code == municipality_code
    return status == SUBMITTED and sharing == Sharing.NAMED


def can_write(principal: Principal, municipality_code: str) -> bool:
    return principal.role == Role.MEDEWERKER and principal.municipality_code == municipality_code
