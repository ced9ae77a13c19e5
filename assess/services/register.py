"""The register of gemeenten: load a new register (beheerder, system), read it (everyone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import msgspec
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from assess.access import Principal
from assess.db.models import Municipality
from assess.errors import InvalidInput, NotFound
from assess.framework.vocabulary import Grouping
from assess.i18n import N_, _
from assess.municipalities import SIZE_CLASSES, RegisterRow, size_class
from assess.services import audit
from assess.services.guards import require_administrator

# The register column behind each grouping ('alle' has none).
GROUP_COLUMNS: Final[dict[Grouping, InstrumentedAttribute[str | None]]] = {
    Grouping.SIZE_CLASS: Municipality.size_class,
    Grouping.PROVINCE: Municipality.province,
    Grouping.RIEC: Municipality.riec,
    Grouping.SAFETY_REGION: Municipality.safety_region,
}
GROUPING_LABELS: Final = {
    Grouping.ALL: N_("alle gemeenten"),
    Grouping.SIZE_CLASS: N_("grootteklasse"),
    Grouping.PROVINCE: N_("provincie"),
    Grouping.RIEC: N_("RIEC-regio"),
    Grouping.SAFETY_REGION: N_("veiligheidsregio"),
}


class Gemeente(msgspec.Struct, frozen=True):
    """A gemeente as the register knows it."""

    code: str
    name: str
    province: str
    population: int | None
    population_year: int | None
    size_class: str | None
    safety_region: str | None
    riec: str | None
    valid_from: date
    valid_to: date | None
    successor_code: str | None

    @classmethod
    def of(cls, row: Municipality) -> Gemeente:
        return cls(
            code=row.code,
            name=row.name,
            province=row.province,
            population=row.population,
            population_year=row.population_year,
            size_class=row.size_class,
            safety_region=row.safety_region,
            riec=row.riec,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            successor_code=row.successor_code,
        )

    def group_value(self, grouping: Grouping) -> str | None:
        """The gemeente's group in a grouping; None where the register has no value."""
        if grouping is Grouping.ALL:
            return Grouping.ALL.value
        return getattr(self, GROUP_COLUMNS[grouping].key)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class RegisterResult:
    added: int
    updated: int
    ended: int


def load(
    session: Session, who: Principal, rows: list[RegisterRow], valid_from: date
) -> RegisterResult:
    """Load or update the register. Gemeenten missing from a newer register must be named as
    a predecessor of one that is in it: they are ended and point to their successor."""
    require_administrator(who, _("Alleen een beheerder laadt het register."))
    current = {m.code: m for m in session.scalars(select(Municipality))}
    successor_of = {old: row.gemeentecode for row in rows for old in row.predecessors}
    problems = _register_problems(current, rows, successor_of)
    if problems:
        raise InvalidInput(
            _("Het register past niet op de gemeenten die al bekend zijn."), problems
        )
    listed = {row.gemeentecode for row in rows}
    added = updated = ended = 0
    for row in rows:
        municipality = current.get(row.gemeentecode)
        if municipality is None:
            municipality = Municipality(code=row.gemeentecode, valid_from=valid_from)
            session.add(municipality)
            added += 1
        else:
            updated += 1
        _apply_row(municipality, row)
    session.flush()
    for old, new in successor_of.items():
        municipality = current.get(old)
        if municipality is not None and old not in listed and municipality.valid_to is None:
            municipality.valid_to = valid_from - timedelta(days=1)
            municipality.successor_code = new
            ended += 1
    result = RegisterResult(added, updated, ended)
    audit.record(session, who, "register.load", "register", valid_from.isoformat(), **vars(result))
    return result


def _register_problems(
    current: dict[str, Municipality], rows: list[RegisterRow], successor_of: dict[str, str]
) -> dict[str, str]:
    listed = {row.gemeentecode for row in rows}
    problems = {
        old: _("voorganger {oud} van {nieuw} is onbekend").format(oud=old, nieuw=new)
        for old, new in successor_of.items()
        if old not in current and old not in listed
    }
    for code, municipality in current.items():
        if code not in listed and municipality.valid_to is None and code not in successor_of:
            problems[code] = _(
                "{code} ({naam}) ontbreekt in het register en wordt door geen gemeente als "
                "voorganger genoemd"
            ).format(code=code, naam=municipality.name)
    return problems


def _apply_row(municipality: Municipality, row: RegisterRow) -> None:
    municipality.name = row.naam
    municipality.province = row.provincie
    municipality.population = row.inwoners
    municipality.population_year = row.inwonersjaar
    municipality.size_class = size_class(row.inwoners)
    municipality.safety_region = row.veiligheidsregio
    municipality.riec = row.riec
    municipality.valid_to = None
    municipality.successor_code = None


def municipality_row(session: Session, code: str) -> Municipality:
    found = session.get(Municipality, code)
    if found is None:
        raise NotFound(_("Gemeente {code} bestaat niet in het register.").format(code=code))
    return found


def gemeente(session: Session, code: str) -> Gemeente:
    return Gemeente.of(municipality_row(session, code))


def gemeenten(
    session: Session, *, include_ended: bool = False, region: str | None = None
) -> list[Gemeente]:
    query = select(Municipality).order_by(Municipality.name)
    if not include_ended:
        query = query.where(Municipality.valid_to.is_(None))
    if region is not None:
        query = query.where(Municipality.riec == region)
    return [Gemeente.of(row) for row in session.scalars(query)]


def groups_inside(session: Session, region: str) -> set[tuple[Grouping, str]]:
    """The groups whose gemeenten all lie in the RIEC region (the region itself included)."""
    regions_of: dict[tuple[Grouping, str], set[str | None]] = {}
    for gemeente in gemeenten(session):
        for grouping in GROUP_COLUMNS:
            value = gemeente.group_value(grouping)
            if value:
                regions_of.setdefault((grouping, value), set()).add(gemeente.riec)
    return {group for group, regions in regions_of.items() if regions == {region}}


def in_register(region: str | None = None) -> list[ColumnElement[bool]]:
    """Conditions for the gemeenten that exist now, in the region if one is given."""
    conditions = [Municipality.valid_to.is_(None)]
    return conditions + ([Municipality.riec == region] if region is not None else [])


def count(session: Session, region: str | None = None) -> int:
    query = select(func.count()).select_from(Municipality).where(*in_register(region))
    return session.scalar(query) or 0


def riec_regions(session: Session) -> list[str]:
    query = select(Municipality.riec).where(Municipality.riec.is_not(None)).distinct()
    return sorted(r for r in session.scalars(query) if r)


def groups(session: Session, region: str | None = None) -> dict[Grouping, list[str]]:
    """The groups of every breakdown that exist in the register (in the region), in order."""
    found: dict[Grouping, list[str]] = {}
    size_order = [label for _, label in SIZE_CLASSES]
    for grouping, column in GROUP_COLUMNS.items():
        query = select(column).where(column.is_not(None), *in_register(region)).distinct()
        values = {v for v in session.scalars(query) if v}
        if grouping is Grouping.SIZE_CLASS:
            found[grouping] = [label for label in size_order if label in values]
        else:
            found[grouping] = sorted(values)
    return found


def group_sizes(session: Session) -> dict[tuple[str, str], int]:
    """(grouping, group) -> the number of gemeenten in it now."""
    sizes: dict[tuple[str, str], int] = {}
    for grouping, column in GROUP_COLUMNS.items():
        query = select(column, func.count()).where(*in_register()).group_by(column)
        sizes |= {(grouping.value, value): n for value, n in session.execute(query) if value}
    return sizes
