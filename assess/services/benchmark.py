"""VNG's national benchmark (analist, beheerder) and a region's (regio), read from the
publications (assess.services.publications): never live from the assessments.

A regional coordinator sees the own RIEC region's cell and the groups that lie wholly inside
the region, taken from the national publication: no table of its own, so nothing that the
national disclosure control has not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess import exports
from assess.access import Principal
from assess.db.models import Assessment
from assess.framework.publication import Cell, Publication, regional_view
from assess.framework.vocabulary import Status
from assess.i18n import _
from assess.services import publications, questionnaires, register
from assess.services.guards import require_benchmark_reader


def _region(who: Principal) -> str | None:
    """The region the principal is limited to; Forbidden for those who see no benchmark."""
    require_benchmark_reader(
        who, _("Alleen VNG-analisten, beheerders en regiocoördinatoren zien de benchmark.")
    )
    return who.benchmark_region


def years(session: Session, who: Principal) -> list[int]:
    """The years with at least one publication."""
    _region(who)
    return publications.years(session)


def rests_on_demo_data(session: Session, year: int) -> bool:
    """Whether synthetic (demo) assessments were submitted for the year: then its benchmark
    must say so. (Called after `year_benchmark` has checked who asks.)"""
    query = select(Assessment.id).where(
        Assessment.year == year, Assessment.synthetic, Assessment.status == Status.SUBMITTED
    )
    return session.scalar(query.limit(1)) is not None


def year_benchmark(
    session: Session, who: Principal, year: int, number: int | None = None
) -> Publication:
    """A publication of a year (the newest by default), for the country or the own region."""
    region = _region(who)
    tables = publications.tables(session, year, number)
    if region is None:
        return tables
    return regional_view(
        tables,
        region,
        inside=register.groups_inside(session, region),
        codes={g.code for g in register.gemeenten(session, region=region)},
        municipalities=register.count(session, region),
    )


def publication_dates(session: Session, who: Principal, year: int) -> list[tuple[int, datetime]]:
    """(number, date) of every publication of the year, oldest first."""
    _region(who)
    return publications.numbers(session, year)


def trend(session: Session, who: Principal, years: list[int]) -> list[tuple[int, Cell]]:
    """Per year the total (a region: its own cell) of the newest publication."""
    return [(y, year_benchmark(session, who, y).total) for y in years]


@dataclass(frozen=True)
class Dashboard:
    """The analyst's page for one year; `data` is None when that year has no publication."""

    years: list[int]
    year: int | None
    region: str | None
    data: Publication | None
    publications: list[tuple[int, datetime]]
    trend: list[tuple[int, Cell]]
    group_sizes: dict[tuple[str, str], int]
    domain_titles: dict[str, str]
    question_texts: dict[str, str]
    publishable: list[int]  # for an administrator: the years with shared submissions


def dashboard(
    session: Session, who: Principal, year: int | None, number: int | None = None
) -> Dashboard:
    available = years(session, who)
    chosen = year if year is not None else (available[-1] if available else None)
    shown = chosen is not None and chosen in available
    return Dashboard(
        years=available,
        year=chosen,
        region=who.benchmark_region,
        data=year_benchmark(session, who, chosen, number) if shown and chosen else None,
        publications=publication_dates(session, who, chosen) if shown and chosen else [],
        trend=trend(session, who, available) if shown else [],
        group_sizes=register.group_sizes(session) if shown else {},
        domain_titles=questionnaires.domain_titles(session),
        question_texts=questionnaires.question_texts(session) if shown else {},
        publishable=publications.submitted_years(session) if who.administers else [],
    )


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes
    assessments: str  # the band of assessments the figures rest on


def export(
    session: Session,
    who: Principal,
    year: int,
    fmt: exports.ExportFormat,
    number: int | None = None,
) -> Download:
    data = year_benchmark(session, who, year, number)
    suffix = f"-{data.number}" if number is not None else ""
    return Download(
        filename=f"benchmark-mensenhandel-{year}{suffix}{exports.FILE_ENDINGS.get(fmt, f'.{fmt}')}",
        media_type=exports.FORMATS[fmt],
        content=exports.WRITERS[fmt](data),
        assessments=data.total.n,
    )
