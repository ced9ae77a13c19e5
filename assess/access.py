"""Who may read and write which assessment (pure policy, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    MEDEWERKER = "medewerker"  # a municipal officer, tied to one gemeente
    ANALIST = "analist"  # VNG analyst: aggregates and assessments shared by name
    BEHEERDER = "beheerder"  # manages users, the register and questionnaires
    REGIO = "regio"  # coordinator of a RIEC region: its aggregates and named assessments


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
    region: str | None = None  # the RIEC region of a `regio` coordinator


def sees_municipality(principal: Principal, municipality_code: str, riec: str | None) -> bool:
    """Whether the principal may know that this gemeente's assessments exist at all."""
    if principal.role == Role.MEDEWERKER:
        return principal.municipality_code == municipality_code
    if principal.role == Role.REGIO:
        return riec is not None and principal.region == riec
    return True


def can_read(
    principal: Principal, municipality_code: str, riec: str | None, status: str, sharing: str
) -> bool:
    if principal.role == Role.MEDEWERKER:
        return principal.municipality_code == municipality_code
    shared_by_name = status == SUBMITTED and sharing == Sharing.NAMED
    return shared_by_name and sees_municipality(principal, municipality_code, riec)


def can_write(principal: Principal, municipality_code: str) -> bool:
    return principal.role == Role.MEDEWERKER and principal.municipality_code == municipality_code
