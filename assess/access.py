"""Who may read and write what (pure policy, no I/O). Every use case asks here.

A `Principal` is whoever acts: a signed-in user (with the address the request came from, for
the audit trail) or the system itself (the command line and the demo), which may do anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from assess.framework.vocabulary import Status


class Role(StrEnum):
    MEDEWERKER = "medewerker"  # a municipal officer, tied to one gemeente
    ANALIST = "analist"  # VNG analyst: aggregates and assessments shared by name
    REGIO = "regio"  # coordinator of a RIEC region: its aggregates and named assessments
    BEHEERDER = "beheerder"  # manages users, the register and questionnaires
    SYSTEEM = "systeem"  # the command line and the demo; never a user's role


USER_ROLES: Final = (Role.MEDEWERKER, Role.ANALIST, Role.REGIO, Role.BEHEERDER)
BENCHMARK_READERS: Final = (Role.ANALIST, Role.REGIO, Role.BEHEERDER, Role.SYSTEEM)
ADMINISTRATORS: Final = (Role.BEHEERDER, Role.SYSTEEM)


class Sharing(StrEnum):
    PRIVATE = "prive"  # own use only; never counted
    ANONYMISED = "geanonimiseerd"  # counts in aggregates, never by name
    NAMED = "benoemd"  # VNG (and the region) may see it by name


COUNTED_IN_AGGREGATES: Final = (Sharing.ANONYMISED, Sharing.NAMED)


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    email: str
    role: Role
    municipality_code: str | None = None
    region: str | None = None  # the RIEC region of a `regio` coordinator
    source: str = ""  # where the request came from (client address, "cli"), for the audit log
    affiliation: str = ""  # shown beside the e-mail: the gemeente's name or the RIEC region

    @property
    def sees_benchmark(self) -> bool:
        return self.role in BENCHMARK_READERS

    @property
    def administers(self) -> bool:
        return self.role in ADMINISTRATORS

    @property
    def benchmark_region(self) -> str | None:
        """The region a regional coordinator is limited to; None for the whole country."""
        return self.region if self.role == Role.REGIO else None


def system(source: str = "cli") -> Principal:
    """The system itself, for the command line and the demo set-up."""
    return Principal(user_id=None, email="", role=Role.SYSTEEM, source=source)


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
    if principal.role == Role.SYSTEEM:
        return True
    if principal.role == Role.MEDEWERKER:
        return principal.municipality_code == municipality_code
    shared_by_name = status == Status.SUBMITTED and sharing == Sharing.NAMED
    return shared_by_name and sees_municipality(principal, municipality_code, riec)


def can_write(principal: Principal, municipality_code: str) -> bool:
    if principal.role == Role.SYSTEEM:
        return True
    return principal.role == Role.MEDEWERKER and principal.municipality_code == municipality_code
